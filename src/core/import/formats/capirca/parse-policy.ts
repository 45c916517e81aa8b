// The .pol grammar: `header { key:: values }` and `term NAME { key:: values }` blocks, read into vendor-shaped
// objects that keep every keyword's values and line. Syntax errors skip to the next block; reading never stops.

import type { Token } from "./lex.js";
import type { Loc, Report } from "./report.js";

/** One `keyword:: values` line of a block. */
export interface Field {
  readonly key: string;
  readonly values: readonly Token[];
  readonly loc: Loc;
}

export interface Block {
  readonly kind: "header" | "term";
  /** Term name; empty for headers. */
  readonly name: string;
  readonly loc: Loc;
  readonly fields: readonly Field[];
}

/** The blocks of a policy in order (terms following the header they belong to). */
export function parseBlocks(tokens: readonly Token[], report: Report): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  const skipToBlockEnd = () => {
    while (i < tokens.length && tokens[i]!.kind !== "}") i++;
    i++;
  };
  while (i < tokens.length) {
    const t = tokens[i]!;
    if (t.kind !== "word" || (t.text !== "header" && t.text !== "term")) {
      report("config-syntax", "error", `Expected "header" or "term", found "${t.text}"`, t.loc);
      skipToBlockEnd();
      continue;
    }
    const kind = t.text;
    i++;
    let name = "";
    if (kind === "term") {
      const n = tokens[i];
      if (n?.kind !== "word") {
        report("config-syntax", "error", "A term needs a name", t.loc);
        skipToBlockEnd();
        continue;
      }
      name = n.text;
      i++;
    }
    if (tokens[i]?.kind !== "{") {
      report(
        "config-syntax",
        "error",
        `Expected "{" after ${kind === "term" ? `term "${name}"` : "header"}`,
        t.loc,
      );
      skipToBlockEnd();
      continue;
    }
    i++;
    const fields: Field[] = [];
    while (i < tokens.length && tokens[i]!.kind !== "}") {
      const key = tokens[i]!;
      if (key.kind !== "word" || tokens[i + 1]?.kind !== "::") {
        report("config-syntax", "error", `Expected "keyword::", found "${key.text}"`, key.loc);
        i++;
        continue;
      }
      i += 2;
      const values: Token[] = [];
      while (
        i < tokens.length &&
        tokens[i]!.kind !== "}" &&
        tokens[i]!.kind !== "{" &&
        tokens[i + 1]?.kind !== "::"
      )
        values.push(tokens[i++]!);
      fields.push({ key: key.text.toLowerCase(), values, loc: key.loc });
    }
    if (i >= tokens.length)
      report("config-syntax", "error", `Block opened here is not closed with "}"`, t.loc);
    i++;
    blocks.push({ kind, name, loc: t.loc, fields });
  }
  return blocks;
}
