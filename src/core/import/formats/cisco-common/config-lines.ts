// Cisco configuration text as stanzas: each top-level command with the indented lines under it, words with
// their columns, comments and banners left out.

/** One non-comment line, split into words. */
export interface ConfigLine {
  /** The file's name, as diagnostics and rule sources give it. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** Leading spaces: 0 for a top-level command. */
  readonly indent: number;
  /** The line as written, trimmed. */
  readonly text: string;
  /** The line as written, leading spaces kept (columns index into it). */
  readonly raw: string;
  readonly words: readonly string[];
  /** 1-based column of each word. */
  readonly columns: readonly number[];
}

/** A top-level command and the lines indented under it (an ACL and its entries, an interface ...). */
export interface Stanza {
  readonly head: ConfigLine;
  readonly children: readonly ConfigLine[];
}

function splitWords(file: string, raw: string, line: number): ConfigLine {
  const words: string[] = [];
  const columns: number[] = [];
  const re = /\S+/g;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    words.push(m[0]);
    columns.push(m.index + 1);
  }
  const indent = raw.length - raw.trimStart().length;
  return { file, line, indent, text: raw.trim(), raw, words, columns };
}

/** The delimiter that ends a banner started on this line, when its text goes on to later lines. */
function bannerEnd(line: ConfigLine): string | undefined {
  if (line.indent !== 0 || line.words[0]?.toLowerCase() !== "banner" || line.words.length < 3)
    return undefined;
  const rest = line.raw.slice(line.columns[2]! - 1);
  const delim = rest.startsWith("^C") ? "^C" : rest[0]!;
  return rest.slice(delim.length).includes(delim) ? undefined : delim;
}

/** Reads the text into stanzas. `!` and `:` lines are comments; `exit` and `end` close nothing we need. */
export function readStanzas(file: string, text: string): Stanza[] {
  const out: { head: ConfigLine; children: ConfigLine[] }[] = [];
  const raw = plainText(text).split(/\r?\n/);
  for (let i = 0; i < raw.length; i++) {
    // Non-breaking spaces (and bytes that did not decode) separate words like spaces.
    const l = splitWords(file, raw[i]!.replace(/[\t\u00a0\ufffd]/g, " "), i + 1);
    if (l.words.length === 0 || l.text.startsWith("!") || l.text.startsWith(":")) continue;
    const first = l.words[0]!.toLowerCase();
    if (first === "exit" || first === "end") continue;
    const banner = bannerEnd(l);
    if (banner !== undefined) {
      while (i + 1 < raw.length && !raw[i + 1]!.includes(banner)) i++;
      i++;
      continue;
    }
    const current = out[out.length - 1];
    if (l.indent > 0 && current) current.children.push(l);
    else out.push({ head: l.indent > 0 ? { ...l, indent: 0 } : l, children: [] });
  }
  return out;
}

/**
 * The text of a configuration saved as UTF-16 (some devices and tools write it so) but read as UTF-8: every
 * other character is a NUL. Other text is returned as it is.
 */
export function plainText(text: string): string {
  let nuls = 0;
  for (let i = 0; i < Math.min(text.length, 4000); i++) if (text.charCodeAt(i) === 0) nuls++;
  if (nuls * 4 < Math.min(text.length, 4000)) return text;
  return text
    .split(String.fromCharCode(0))
    .join("")
    .replace(/^[\ufeff\ufffe\ufffd]+/, "");
}

/** The rest of the line from word `index` on, as written (a remark's or description's text). */
export function restOf(line: ConfigLine, index: number): string {
  const col = line.columns[index];
  if (col === undefined) return "";
  return line.raw.slice(col - 1).trim();
}

/** Whether the line starts like a command (a keyword of letters, digits and dashes); other lines are noise. */
export function looksLikeCommand(line: ConfigLine): boolean {
  return /^[a-z][a-z0-9_-]*$/i.test(line.words[0] ?? "");
}
