// The corpus test harness: import every file of a corpus folder with its format, check that nothing crashes and
// nothing vanishes silently, and write what each file gave to test-results/corpus.md.
//
// One test file per folder group, so vendors are added independently:
//
//   describeCorpus({
//     name: "cisco",
//     folders: [{ folder: "cisco-ios", format: "cisco-ios", empty: { "cisco-ios/ios-blankish-file": "a lone !" } }],
//   });
//
// `format` may be a function of the path (undefined leaves a file out: list it in `skip` with the reason), and
// `companions` adds files read together with each one (Capirca's definitions).

import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { findImporter } from "../../src/core/import/formats/index.js";
import type { ConfigFile, ImportResult } from "../../src/core/import/model.js";
import { standaloneContext } from "../../src/core/import/standalone.js";
import { PacketSpace } from "../../src/core/space/packet-set.js";
import { CORPUS_SKIP_REASON, corpusDir, corpusFiles, type CorpusFile } from "../support/corpus.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const RESULTS = join(ROOT, "test-results");
const PARTS = join(RESULTS, "corpus");

/** One corpus folder (or part of one) read with one importer. */
export interface CorpusFolder {
  /** The corpus folder: "iptables", "aws". */
  readonly folder: string;
  /** The format id to import each file with; undefined leaves the file out (it must then be in `skip`). */
  readonly format: string | ((path: string) => string | undefined);
  /** Files left out, each with why: not a configuration of a supported format (paths as CorpusFile.path). */
  readonly skip?: Readonly<Record<string, string>>;
  /** Files with no filtering content, each with why: they may give no rules and no diagnostics (and must). */
  readonly empty?: Readonly<Record<string, string>>;
  /** More files read together with the file: definitions, includes, the other family's rules. */
  readonly companions?: (file: CorpusFile) => readonly ConfigFile[];
}

/** A group of folders tested in one test file, e.g. "linux" for iptables and nftables. */
export interface CorpusGroup {
  readonly name: string;
  readonly folders: readonly CorpusFolder[];
}

/** What importing one corpus file gave. */
export interface CorpusRow {
  readonly path: string;
  readonly format: string;
  readonly rules: number;
  readonly lists: number;
  /** Diagnostic count by code. */
  readonly codes: Readonly<Record<string, number>>;
  readonly errors: number;
  readonly ms: number;
  /** The exception's message, when the importer threw (a bug). */
  readonly crash?: string;
  readonly malformed: boolean;
  /** Listed in `empty`: allowed to give nothing. */
  readonly empty: boolean;
}

export interface ImportOutcome {
  readonly result?: ImportResult;
  readonly error?: unknown;
  readonly ms: number;
}

/** Imports one corpus file (with its companions) in a fresh space, catching what the importer throws. */
export function importCorpusFile(
  file: CorpusFile,
  format: string,
  companions: readonly ConfigFile[] = [],
): ImportOutcome {
  const importer = findImporter(format);
  if (!importer) throw new Error(`No importer "${format}" is registered`);
  const space = new PacketSpace();
  const files: ConfigFile[] = [{ name: file.path, text: file.text }, ...companions];
  const start = performance.now();
  try {
    const result = importer.import(files, standaloneContext(space));
    return { result, ms: performance.now() - start };
  } catch (error) {
    return { error, ms: performance.now() - start };
  }
}

/**
 * Files the folder's SOURCES*.md marks malformed (a table row whose description says MALFORMED), as corpus
 * paths. A row names a file by its name or by its path inside the folder.
 */
export function malformedFiles(folder: string): Set<string> {
  const base = corpusDir();
  const out = new Set<string>();
  if (!base || !existsSync(join(base, folder))) return out;
  for (const name of readdirSync(join(base, folder))) {
    if (!/^SOURCES.*\.md$/i.test(name)) continue;
    for (const line of readFileSync(join(base, folder, name), "utf8").split("\n")) {
      if (!line.startsWith("|") || !/MALFORMED/.test(line)) continue;
      const cell = line.split("|")[1]?.trim().replace(/`/g, "");
      if (cell) out.add(`${folder}/${cell}`);
    }
  }
  return out;
}

function formatOf(folder: CorpusFolder, path: string): string | undefined {
  return typeof folder.format === "string" ? folder.format : folder.format(path);
}

function rowOf(
  folder: CorpusFolder,
  file: CorpusFile,
  format: string,
  outcome: ImportOutcome,
  malformed: boolean,
) {
  const codes: Record<string, number> = {};
  for (const d of outcome.result?.diagnostics ?? []) codes[d.code] = (codes[d.code] ?? 0) + 1;
  const row: CorpusRow = {
    path: file.path,
    format,
    rules: outcome.result?.rules.length ?? 0,
    lists: outcome.result?.lists?.length ?? 0,
    codes,
    errors: outcome.result?.diagnostics.filter((d) => d.severity === "error").length ?? 0,
    ms: Math.round(outcome.ms),
    ...(outcome.error !== undefined && { crash: errorText(outcome.error) }),
    malformed,
    empty: folder.empty?.[file.path] !== undefined,
  };
  return row;
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Declares the corpus tests of a group: one test per file (no exception; rules or diagnostics, unless listed
 * empty; diagnostics for a malformed file), one test that every skip and empty entry names a real file, and
 * writes the group's rows into test-results/corpus.md when done.
 */
export function describeCorpus(group: CorpusGroup): void {
  const present = corpusDir() !== undefined;
  describe.skipIf(!present)(`corpus ${group.name} (skipped when ${CORPUS_SKIP_REASON})`, () => {
    const rows: CorpusRow[] = [];
    for (const folder of group.folders) describeFolder(folder, rows);
    afterAll(() => {
      if (rows.length > 0) writeSummary(group.name, rows);
    });
  });
}

function describeFolder(folder: CorpusFolder, rows: CorpusRow[]): void {
  const files = corpusFiles(folder.folder);
  const malformed = malformedFiles(folder.folder);
  describe(folder.folder, () => {
    it("lists only files that exist, and leaves out only listed files", () => {
      const paths = new Set(files.map((f) => f.path));
      for (const p of [...Object.keys(folder.skip ?? {}), ...Object.keys(folder.empty ?? {})])
        expect(paths.has(p), `${p} is listed but not in the corpus`).toBe(true);
      for (const f of files)
        if (formatOf(folder, f.path) === undefined)
          expect(folder.skip?.[f.path], `${f.path} has no format and is not listed in skip`).toBeDefined();
      expect(files.length).toBeGreaterThan(0);
    });
    for (const file of files) {
      const format = formatOf(folder, file.path);
      if (format === undefined) continue;
      const registered = findImporter(format) !== undefined;
      it.skipIf(!registered)(
        `${file.path} imports as ${format}${registered ? "" : " (no such importer yet)"}`,
        () => {
          const outcome = importCorpusFile(file, format, folder.companions?.(file) ?? []);
          const row = rowOf(folder, file, format, outcome, malformed.has(file.path));
          rows.push(row);
          if (outcome.error !== undefined) throw outcome.error;
          const r = outcome.result!;
          const said = r.rules.length + r.diagnostics.length;
          if (row.empty) {
            expect(
              r.rules,
              `${file.path} is listed as empty (${folder.empty![file.path]}) but gives rules`,
            ).toEqual([]);
          } else {
            expect(said, `${file.path} gave no rules and no diagnostics`).toBeGreaterThan(0);
          }
          if (row.malformed)
            expect(r.diagnostics.length, `${file.path} is malformed but gave no diagnostics`).toBeGreaterThan(
              0,
            );
          for (const d of r.diagnostics) {
            expect(d.line, `diagnostic without a line: ${d.message}`).toBeGreaterThanOrEqual(0);
            expect(d.file.length).toBeGreaterThan(0);
          }
          for (const rule of r.rules) expect(rule.source.line).toBeGreaterThan(0);
        },
      );
    }
  });
}

// ---- the summary: each group writes its part, then the whole file is rebuilt from every part present ----

interface SummaryPart {
  readonly group: string;
  readonly written: string;
  readonly rows: readonly CorpusRow[];
}

function writeSummary(group: string, rows: readonly CorpusRow[]): void {
  mkdirSync(PARTS, { recursive: true });
  const sorted = [...rows].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const part: SummaryPart = { group, written: new Date().toISOString(), rows: sorted };
  atomicWrite(join(PARTS, `${group}.json`), JSON.stringify(part, null, 1));
  withLock(() => {
    const parts = readdirSync(PARTS)
      .filter((n) => n.endsWith(".json"))
      .sort()
      .map((n) => JSON.parse(readFileSync(join(PARTS, n), "utf8")) as SummaryPart);
    atomicWrite(join(RESULTS, "corpus.md"), renderSummary(parts));
  });
  const t = totals(sorted);
  console.log(
    `corpus ${group}: ${t.files} files, ${t.rules} rules, ${t.crashes} crashes, ${t.silent} silent, ${t.empty} listed empty, ` +
      `diagnostics ${formatCodes(t.codes) || "none"}`,
  );
}

function atomicWrite(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Groups run in parallel workers; a lock folder keeps one rebuild at a time (a stale lock is taken after 10 s). */
function withLock(fn: () => void): void {
  const lock = join(PARTS, ".lock");
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) break;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
  try {
    fn();
  } finally {
    try {
      rmdirSync(lock);
    } catch {
      // Already gone: a stale lock was taken over.
    }
  }
}

interface Totals {
  files: number;
  rules: number;
  crashes: number;
  silent: number;
  /** Listed as having no filtering content, and giving nothing. */
  empty: number;
  codes: Record<string, number>;
}

function totals(rows: readonly CorpusRow[]): Totals {
  const t: Totals = { files: rows.length, rules: 0, crashes: 0, silent: 0, empty: 0, codes: {} };
  for (const r of rows) {
    t.rules += r.rules;
    if (r.crash !== undefined) t.crashes++;
    const nothing = r.crash === undefined && r.rules === 0 && Object.keys(r.codes).length === 0;
    if (nothing && r.empty) t.empty++;
    else if (nothing) t.silent++;
    for (const [c, n] of Object.entries(r.codes)) t.codes[c] = (t.codes[c] ?? 0) + n;
  }
  return t;
}

function formatCodes(codes: Readonly<Record<string, number>>): string {
  return Object.entries(codes)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([c, n]) => `${c} ${n}`)
    .join(", ");
}

function renderSummary(parts: readonly SummaryPart[]): string {
  const out: string[] = [
    "# Corpus import summary",
    "",
    "Every file of ../shared/corpus in a supported format, imported on its own (standaloneContext) by test/corpus.",
    "Silent: no rules and no diagnostics (allowed only for files listed as empty).",
    "",
    "| group | written | files | rules | crashes | silent | listed empty | diagnostics |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const p of parts) {
    const t = totals(p.rows);
    out.push(
      `| ${p.group} | ${p.written} | ${t.files} | ${t.rules} | ${t.crashes} | ${t.silent} | ${t.empty} | ${formatCodes(t.codes)} |`,
    );
  }
  for (const p of parts) {
    out.push(
      "",
      `## ${p.group}`,
      "",
      "| file | format | rules | lists | diagnostics | ms | notes |",
      "|---|---|---|---|---|---|---|",
    );
    for (const r of p.rows) {
      const notes = [
        r.crash !== undefined ? `CRASH ${r.crash.replace(/\|/g, "\\|")}` : "",
        r.malformed ? "malformed" : "",
        r.empty ? "empty" : "",
      ]
        .filter((s) => s !== "")
        .join("; ");
      out.push(
        `| ${r.path} | ${r.format} | ${r.rules} | ${r.lists} | ${formatCodes(r.codes)} | ${r.ms} | ${notes} |`,
      );
    }
  }
  return out.join("\n") + "\n";
}
