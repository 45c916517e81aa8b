// The .pol lexer: words, quoted strings, braces and "::", each with its file and line, with `#include` files
// spliced in where they are named (as Capirca's preprocessor does, at most five deep).

import type { ConfigFile } from "../../model.js";
import type { Loc, Report } from "./report.js";

export interface Token {
  readonly kind: "word" | "string" | "{" | "}" | "::";
  /** For strings: the text between the quotes. */
  readonly text: string;
  readonly loc: Loc;
}

const MAX_INCLUDE_DEPTH = 5;
const TOKEN = /\s+|#[^\n]*|"([^"]*)"|\{|\}|::|(?:[^\s{}"#:]|:(?!:))+|./gy;

/** The file an include names: the same path, or a file whose name ends with it, or one with its base name. */
export function findInclude(files: readonly ConfigFile[], path: string): ConfigFile | undefined {
  const clean = path.replace(/^\.\//, "");
  const base = clean.split("/").pop()!;
  return (
    files.find((f) => f.name === clean) ??
    files.find((f) => f.name.endsWith(`/${clean}`)) ??
    files.find((f) => f.name.split("/").pop() === base)
  );
}

export function lexPolicy(
  file: ConfigFile,
  files: readonly ConfigFile[],
  report: Report,
  depth = 0,
  out: Token[] = [],
): Token[] {
  const text = file.text;
  let line = 1;
  let lineStart = 0;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) {
    const t = m[0];
    const loc: Loc = { file: file.name, line, column: m.index - lineStart + 1 };
    const end = TOKEN.lastIndex;
    if (t.startsWith("#")) {
      const inc = /^#include\s+['"]?([^'"\s]+)['"]?/.exec(t);
      if (inc) {
        const saved = TOKEN.lastIndex;
        includeFile(inc[1]!, loc, files, report, depth, out);
        TOKEN.lastIndex = saved;
      }
    } else if (/^\s/.test(t)) {
      // whitespace: only line counting below
    } else if (t.startsWith('"')) out.push({ kind: "string", text: m[1] ?? "", loc });
    else if (t === "{" || t === "}" || t === "::") out.push({ kind: t, text: t, loc });
    else if (t === '"') report("config-syntax", "error", "Unterminated string", loc);
    else out.push({ kind: "word", text: t, loc });
    for (let i = text.indexOf("\n", m.index); i >= 0 && i < end; i = text.indexOf("\n", i + 1)) {
      line++;
      lineStart = i + 1;
    }
  }
  return out;
}

function includeFile(
  path: string,
  loc: Loc,
  files: readonly ConfigFile[],
  report: Report,
  depth: number,
  out: Token[],
): void {
  if (depth >= MAX_INCLUDE_DEPTH) {
    report(
      "config-syntax",
      "error",
      `Includes are nested more than ${MAX_INCLUDE_DEPTH} deep at "${path}"`,
      loc,
    );
    return;
  }
  const target = findInclude(files, path);
  if (!target) {
    report("config-syntax", "error", `Included file "${path}" is not among the files read`, loc);
    return;
  }
  lexPolicy(target, files, report, depth + 1, out);
}
