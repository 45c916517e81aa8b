// Reading configuration files on their own, to show what an importer understood: the rules of each list with
// their lines, and every diagnostic. The format is detected from content when none is given.

import { detectFormatWithReason } from "../core/import/detect.js";
import { findImporter, IMPORTERS } from "../core/import/formats/index.js";
import type { ConfigFile, Importer, ImportedRule, RuleList } from "../core/import/model.js";
import { standaloneContext } from "../core/import/standalone.js";
import { closestName, type Diagnostic } from "../core/policy/diagnostics.js";
import { PacketSpace } from "../core/space/packet-set.js";

export interface ImportedRuleReport {
  readonly file: string;
  readonly line: number;
  readonly text: string;
  readonly action: ImportedRule["action"];
  readonly label?: string;
  readonly hits?: number;
  readonly expires?: string;
  /** The rule's own match is empty: it can never match anything (a condition that cannot hold). */
  readonly matchesNothing: boolean;
}

export interface ImportedListReport {
  readonly name: string;
  /** Undefined when the importer does not declare the list (it then falls through, "next"). */
  readonly fallThrough?: RuleList["fallThrough"];
  readonly file?: string;
  readonly line?: number;
  readonly rules: ImportedRuleReport[];
}

export interface ImportReport {
  readonly format: string;
  /** How the format was chosen: "given", or the detection's evidence. */
  readonly formatReason: string;
  readonly files: string[];
  readonly rules: number;
  readonly lists: ImportedListReport[];
  readonly diagnostics: Diagnostic[];
}

export type ImportConfigResult = { ok: true; report: ImportReport } | { ok: false; message: string };

export type FormatChoice = { ok: true; importer: Importer; reason: string } | { ok: false; message: string };

/** The importer for the files: the given format, or the one detected in every file that shows any. */
export function chooseFormat(files: readonly ConfigFile[], format?: string): FormatChoice {
  const known = IMPORTERS.map((i) => i.id);
  if (format !== undefined) {
    const importer = findImporter(format);
    if (importer) return { ok: true, importer, reason: "given" };
    const near = closestName(format, known);
    return {
      ok: false,
      message: `Unknown format "${format}"${near ? ` (did you mean "${near}"?)` : ""}; known formats: ${known.join(", ")}`,
    };
  }
  const detections = files.map((f) => ({ file: f.name, d: detectFormatWithReason(f) }));
  const found = [...new Set(detections.flatMap((x) => (x.d.format ? [x.d.format] : [])))];
  if (found.length === 0) {
    const why = detections.map((x) => x.d.reason).join("; ");
    return { ok: false, message: `Cannot detect the format: ${why}; give --format (${known.join(", ")})` };
  }
  if (found.length > 1) {
    const each = detections.map((x) => `"${x.file}" ${x.d.format ?? "unknown"}`).join(", ");
    return { ok: false, message: `Cannot read files of different formats together: ${each}; give --format` };
  }
  const id = found[0]!;
  const importer = findImporter(id);
  if (!importer)
    return { ok: false, message: `The files look like ${id}, which Rampart cannot read yet; give --format` };
  const reason = detections.find((x) => x.d.format === id)!.d.reason;
  return { ok: true, importer, reason: `detected: ${reason}` };
}

/** Imports the files of one device on their own (no policy) and reports rules list by list. */
export function importConfig(
  files: readonly ConfigFile[],
  options: { format?: string } = {},
): ImportConfigResult {
  if (files.length === 0) return { ok: false, message: "No configuration files were given" };
  const choice = chooseFormat(files, options.format);
  if (!choice.ok) return choice;
  const result = choice.importer.import(files, standaloneContext(new PacketSpace()));
  const lists = new Map<string, ImportedListReport>();
  for (const l of result.lists ?? [])
    lists.set(l.name, {
      name: l.name,
      fallThrough: l.fallThrough,
      ...(l.source && { file: l.source.file, line: l.source.line }),
      rules: [],
    });
  for (const r of result.rules) {
    let list = lists.get(r.list);
    if (!list) {
      list = { name: r.list, rules: [] };
      lists.set(r.list, list);
    }
    list.rules.push({
      file: r.source.file,
      line: r.source.line,
      text: r.source.text,
      action: r.action,
      ...(r.label !== undefined && { label: r.label }),
      ...(r.hits !== undefined && { hits: r.hits }),
      ...(r.expires !== undefined && { expires: r.expires }),
      matchesNothing: r.match.isEmpty(),
    });
  }
  return {
    ok: true,
    report: {
      format: choice.importer.id,
      formatReason: choice.reason,
      files: files.map((f) => f.name),
      rules: result.rules.length,
      lists: [...lists.values()],
      diagnostics: result.diagnostics,
    },
  };
}
