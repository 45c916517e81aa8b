// Splits one iptables-restore (or ipset restore) line into words the way iptables-restore does: blanks
// separate, double or single quotes group, a backslash escapes the next character inside quotes.

export interface Token {
  readonly text: string;
  /** 1-based column of the word's first character. */
  readonly column: number;
  /** True when any part was quoted: "-x" in quotes is a value, never an option. */
  readonly quoted: boolean;
}

export type Tokenized =
  | { readonly ok: true; readonly tokens: Token[] }
  | { readonly ok: false; readonly column: number; readonly message: string };

export function tokenize(line: string): Tokenized {
  const tokens: Token[] = [];
  let i = 0;
  while (i < line.length) {
    if (/\s/.test(line[i]!)) {
      i++;
      continue;
    }
    const start = i;
    let text = "";
    let quoted = false;
    while (i < line.length && !/\s/.test(line[i]!)) {
      const c = line[i]!;
      if (c !== '"' && c !== "'") {
        text += c;
        i++;
        continue;
      }
      const open = i;
      quoted = true;
      i++;
      while (i < line.length && line[i] !== c) {
        if (line[i] === "\\" && i + 1 < line.length) i++;
        text += line[i];
        i++;
      }
      if (i >= line.length)
        return { ok: false, column: open + 1, message: `Unterminated quote ${c} in the line` };
      i++;
    }
    tokens.push({ text, column: start + 1, quoted });
  }
  return { ok: true, tokens };
}
