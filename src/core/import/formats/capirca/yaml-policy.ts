// Aerleon's YAML policies (`filters:` of `header` and `terms`, `include:` of YAML term files) read into the same
// blocks as the .pol grammar, each value with its line.

import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type YAMLMap } from "yaml";
import type { ConfigFile } from "../../model.js";
import type { Token } from "./lex.js";
import { findInclude } from "./lex.js";
import type { Block, Field } from "./parse-policy.js";
import type { Loc, Report } from "./report.js";

const MAX_INCLUDE_DEPTH = 5;

interface Reader {
  readonly file: ConfigFile;
  readonly at: (node: unknown) => Loc;
}

function parse(file: ConfigFile, report: Report): { root: unknown; reader: Reader } | undefined {
  const counter = new LineCounter();
  const doc = parseDocument(file.text, { lineCounter: counter });
  const at = (node: unknown): Loc => {
    const pos = counter.linePos((node as Node | null)?.range?.[0] ?? 0);
    return { file: file.name, line: pos.line, column: pos.col };
  };
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const pos = counter.linePos(e.pos[0]);
      const loc = { file: file.name, line: pos.line, column: pos.col };
      report("config-syntax", "error", e.message.split("\n")[0]!, loc);
    }
    return undefined;
  }
  return { root: doc.contents, reader: { file, at } };
}

/** A YAML value as tokens: strings split on white space (a comment stays whole), lists item by item. */
function tokens(key: string, node: unknown, reader: Reader): Token[] {
  const loc = reader.at(node);
  if (isSeq(node)) return node.items.flatMap((item) => tokens(key, item, reader));
  if (!isScalar(node)) return [];
  const text = String(node.value ?? "");
  if (key === "comment") return [{ kind: "string", text: text.trim(), loc }];
  return text
    .split(/\s+/)
    .filter((t) => t !== "")
    .map((t) => ({ kind: "word" as const, text: t, loc }));
}

function fields(map: YAMLMap, reader: Reader, skip: ReadonlySet<string>): Field[] {
  const out: Field[] = [];
  for (const pair of map.items) {
    const key = isScalar(pair.key) ? String(pair.key.value).toLowerCase() : "";
    if (skip.has(key)) continue;
    out.push({ key, values: tokens(key, pair.value, reader), loc: reader.at(pair.key) });
  }
  return out;
}

function headerBlock(node: unknown, reader: Reader, report: Report): Block | undefined {
  if (!isMap(node)) {
    report("config-syntax", "error", "A filter needs a header map", reader.at(node));
    return undefined;
  }
  const out = fields(node, reader, new Set(["targets"]));
  const targets = node.get("targets", true);
  if (isMap(targets))
    for (const pair of targets.items) {
      const loc = reader.at(pair.key);
      const name = isScalar(pair.key) ? String(pair.key.value) : "";
      const options = tokens("target", pair.value, reader);
      out.push({ key: "target", values: [{ kind: "word", text: name, loc }, ...options], loc });
    }
  return { kind: "header", name: "", loc: reader.at(node), fields: out };
}

function termBlocks(
  list: unknown,
  reader: Reader,
  files: readonly ConfigFile[],
  report: Report,
  depth: number,
): Block[] {
  if (!isSeq(list)) return [];
  const out: Block[] = [];
  for (const item of list.items) {
    if (!isMap(item)) continue;
    const include = item.get("include");
    if (include !== undefined) {
      out.push(...includeTerms(String(include), reader.at(item), files, report, depth));
      continue;
    }
    const name = item.get("name");
    if (name === undefined) report("config-syntax", "error", "A term needs a name", reader.at(item));
    out.push({
      kind: "term",
      name: String(name ?? ""),
      loc: reader.at(item),
      fields: fields(item, reader, new Set(["name"])),
    });
  }
  return out;
}

function includeTerms(
  path: string,
  loc: Loc,
  files: readonly ConfigFile[],
  report: Report,
  depth: number,
): Block[] {
  if (depth >= MAX_INCLUDE_DEPTH) {
    report(
      "config-syntax",
      "error",
      `Includes are nested more than ${MAX_INCLUDE_DEPTH} deep at "${path}"`,
      loc,
    );
    return [];
  }
  const file = findInclude(files, path);
  if (!file) {
    report("config-syntax", "error", `Included file "${path}" is not among the files read`, loc);
    return [];
  }
  const parsed = parse(file, report);
  if (!parsed || !isMap(parsed.root)) return [];
  return termBlocks(parsed.root.get("terms", true), parsed.reader, files, report, depth + 1);
}

/** The blocks of an Aerleon YAML policy: each filter's header, then its terms (includes spliced in). */
export function readYamlPolicy(file: ConfigFile, files: readonly ConfigFile[], report: Report): Block[] {
  const parsed = parse(file, report);
  if (!parsed || !isMap(parsed.root)) return [];
  const { root, reader } = parsed;
  const filters = root.get("filters", true);
  if (!isSeq(filters)) {
    report("config-syntax", "error", "An Aerleon policy needs a list of filters", reader.at(root));
    return [];
  }
  const out: Block[] = [];
  for (const f of filters.items) {
    if (!isMap(f)) continue;
    const header = headerBlock(f.get("header", true), reader, report);
    if (header) out.push(header);
    out.push(...termBlocks(f.get("terms", true), reader, files, report, 0));
  }
  return out;
}
