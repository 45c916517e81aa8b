// Junos configuration text as tokens, for both the `set` form and the curly-brace form.

/** One token: a word or quoted string, a bracket or brace, a semicolon, or the end of a line. */
export interface Token {
  readonly kind: "word" | "{" | "}" | ";" | "[" | "]" | "eol";
  /** The word without quotes (quoted strings unescaped); the punctuation itself otherwise. */
  readonly text: string;
  /** 1-based. */
  readonly line: number;
  readonly column: number;
}

export interface Tokenized {
  readonly tokens: Token[];
  /** The text of each line, 0-based index. */
  readonly lines: string[];
  /** Where a quoted string or a comment is not closed. */
  readonly unterminated: { line: number; column: number; what: string }[];
}

const PUNCT = new Set(["{", "}", ";", "[", "]"]);

function isSpace(c: string): boolean {
  return c === " " || c === "\t" || c === "\r" || c === "\f" || c === "\v";
}

/**
 * Splits configuration text into tokens. `#` starts a comment when it begins a token; `/* ... *\/`
 * (annotations) are comments too. A quoted string may hold spaces and escaped quotes.
 */
export function tokenize(text: string): Tokenized {
  const lines = text.split("\n");
  const tokens: Token[] = [];
  const unterminated: Tokenized["unterminated"] = [];
  let inBlockComment: { line: number; column: number } | undefined;
  lines.forEach((raw, index) => {
    const line = index + 1;
    let i = 0;
    const push = (kind: Token["kind"], value: string, column: number) =>
      tokens.push({ kind, text: value, line, column });
    while (i < raw.length) {
      if (inBlockComment) {
        const end = raw.indexOf("*/", i);
        if (end < 0) {
          i = raw.length;
          break;
        }
        i = end + 2;
        inBlockComment = undefined;
        continue;
      }
      const c = raw[i]!;
      if (isSpace(c)) i++;
      else if (c === "#") break;
      else if (c === "/" && raw[i + 1] === "*") {
        inBlockComment = { line, column: i + 1 };
        i += 2;
      } else if (PUNCT.has(c)) {
        push(c as Token["kind"], c, i + 1);
        i++;
      } else if (c === '"') {
        const start = i;
        let value = "";
        i++;
        while (i < raw.length && raw[i] !== '"') {
          if (raw[i] === "\\" && i + 1 < raw.length) i++;
          value += raw[i];
          i++;
        }
        if (i >= raw.length) unterminated.push({ line, column: start + 1, what: "quoted string" });
        i++;
        push("word", value, start + 1);
      } else {
        const start = i;
        while (i < raw.length && !isSpace(raw[i]!) && !PUNCT.has(raw[i]!) && raw[i] !== '"') i++;
        push("word", raw.slice(start, i), start + 1);
      }
    }
    push("eol", "", raw.length + 1);
  });
  if (inBlockComment) unterminated.push({ ...inBlockComment, what: "comment" });
  return { tokens, lines, unterminated };
}
