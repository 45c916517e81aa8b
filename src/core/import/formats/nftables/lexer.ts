// Tokens of nft syntax (`nft -f` files and `nft list ruleset` output), and splitting them into statements.

export interface Token {
  readonly kind: "word" | "string" | "punct" | "nl";
  readonly text: string;
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
}

/** A problem found while reading tokens. */
export interface LexProblem {
  readonly message: string;
  readonly token: Token;
}

const PUNCT = "{};,=()!<>&|^";
const TWO_CHAR = new Set(["!=", "==", "<=", ">=", "<<", ">>"]);

/** Character classes of the ASCII range; every other character belongs to words. */
const WORD = 0;
const SPACE = 1;
const PUNCT_CHAR = 2;
/** Ends a word without being punctuation: newline, quote, comment. */
const STOP = 3;
const CLASS = new Uint8Array(128);
for (const c of " \t\r\f\v") CLASS[c.charCodeAt(0)] = SPACE;
for (const c of PUNCT) CLASS[c.charCodeAt(0)] = PUNCT_CHAR;
for (const c of '\n"#') CLASS[c.charCodeAt(0)] = STOP;

function classOf(code: number): number {
  return code < 128 ? CLASS[code]! : WORD;
}

const NL = 10;
const BACKSLASH = 92;
const CR = 13;
const HASH = 35;
const QUOTE = 34;

/**
 * Splits text into words, quoted strings, punctuation and newlines. `#` starts a comment to the end of the
 * line; a backslash before a newline joins the lines. A word that is a lone ":" becomes punctuation.
 * Reads character codes through a class table: rulesets of megabytes are read on every compile proof.
 */
export function tokenize(file: string, text: string, problems: LexProblem[]): Token[] {
  const out: Token[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const n = text.length;
  const push = (kind: Token["kind"], t: string, at: number) =>
    out.push({ kind, text: t, file, line, column: at - lineStart + 1 });
  while (i < n) {
    const c = text.charCodeAt(i);
    const cls = classOf(c);
    if (c === NL) {
      if (out.length > 0 && out[out.length - 1]!.kind !== "nl") push("nl", "\n", i);
      i++;
      line++;
      lineStart = i;
    } else if (
      c === BACKSLASH &&
      (text.charCodeAt(i + 1) === NL || (text.charCodeAt(i + 1) === CR && text.charCodeAt(i + 2) === NL))
    ) {
      i += text.charCodeAt(i + 1) === NL ? 2 : 3;
      line++;
      lineStart = i;
    } else if (cls === SPACE) {
      i++;
    } else if (c === HASH) {
      const eol = text.indexOf("\n", i);
      i = eol < 0 ? n : eol;
    } else if (c === QUOTE) {
      const end = text.indexOf('"', i + 1);
      const eol = text.indexOf("\n", i + 1);
      if (end < 0 || (eol >= 0 && eol < end)) {
        push("string", text.slice(i + 1, eol < 0 ? n : eol), i);
        problems.push({ message: "Unterminated string", token: out[out.length - 1]! });
        i = eol < 0 ? n : eol;
      } else {
        push("string", text.slice(i + 1, end), i);
        i = end + 1;
      }
    } else if (cls === PUNCT_CHAR) {
      const two = i + 1 < n && classOf(text.charCodeAt(i + 1)) === PUNCT_CHAR ? text.slice(i, i + 2) : "";
      if (TWO_CHAR.has(two)) {
        push("punct", two, i);
        i += 2;
      } else {
        push("punct", text[i]!, i);
        i++;
      }
    } else {
      const start = i;
      while (i < n && classOf(text.charCodeAt(i)) === WORD) i++;
      const word = text.slice(start, i);
      push(word === ":" ? "punct" : "word", word, start);
    }
  }
  return out;
}

/**
 * Splits tokens into statements at newlines and semicolons outside braces. Each statement keeps its
 * braces; empty statements are dropped.
 */
export function splitStatements(tokens: readonly Token[]): Token[][] {
  const out: Token[][] = [];
  let cur: Token[] = [];
  let depth = 0;
  for (const t of tokens) {
    if (depth === 0 && (t.kind === "nl" || (t.kind === "punct" && t.text === ";"))) {
      if (cur.length > 0) out.push(cur);
      cur = [];
      continue;
    }
    if (t.kind === "punct" && t.text === "{") depth++;
    if (t.kind === "punct" && t.text === "}") depth = Math.max(0, depth - 1);
    cur.push(t);
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/** True when the token is the punctuation or word `text`. */
export function isTok(t: Token | undefined, text: string): boolean {
  return t !== undefined && t.kind !== "string" && t.kind !== "nl" && t.text === text;
}

/**
 * The tokens inside the braces that open at `open` (an index of "{"), and the index after the closing
 * brace. Undefined when the brace is never closed.
 */
export function braced(tokens: readonly Token[], open: number): { inner: Token[]; next: number } | undefined {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (isTok(t, "{")) depth++;
    else if (isTok(t, "}")) {
      depth--;
      if (depth === 0) return { inner: tokens.slice(open + 1, i), next: i + 1 };
    }
  }
  return undefined;
}
