// Tokens of the HCL (Terraform) subset the aws-sg importer reads, each with its line and column. Newlines
// are tokens: they end attributes.

export type HclTokenKind = "ident" | "string" | "number" | "punct" | "newline" | "eof";

export interface HclToken {
  readonly kind: HclTokenKind;
  /** Identifier, punctuation, number text, or a string's decoded value. */
  readonly value: string;
  readonly line: number;
  readonly column: number;
  /** Strings only: the text holds a `${...}` or `%{...}` template, so its value is not a plain string. */
  readonly template?: boolean;
}

export type HclLexResult =
  | { readonly ok: true; readonly tokens: HclToken[] }
  | { readonly ok: false; readonly message: string; readonly line: number; readonly column: number };

const OPERATORS = ["...", "==", "!=", "<=", ">=", "&&", "||", "=>"];
const SINGLE = "{}[]()=,.:?!+-*/%<>";

class LexError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

const ESCAPES: Readonly<Record<string, string>> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\" };

class Lexer {
  private i = 0;
  private line = 1;
  private lineStart = 0;
  readonly tokens: HclToken[] = [];

  constructor(private readonly text: string) {}

  private col(at = this.i): number {
    return at - this.lineStart + 1;
  }

  private newline(at: number): void {
    this.line++;
    this.lineStart = at + 1;
  }

  private push(kind: HclTokenKind, value: string, line: number, column: number, template?: boolean): void {
    this.tokens.push({ kind, value, line, column, ...(template && { template }) });
  }

  run(): HclToken[] {
    const t = this.text;
    while (this.i < t.length) {
      const c = t[this.i]!;
      const line = this.line;
      const column = this.col();
      if (c === "\n") {
        this.push("newline", "\n", line, column);
        this.newline(this.i++);
      } else if (c === " " || c === "\t" || c === "\r" || c === "\ufeff") this.i++;
      else if (c === "#" || t.startsWith("//", this.i)) this.skipLine();
      else if (t.startsWith("/*", this.i)) this.skipBlockComment();
      else if (t.startsWith("<<", this.i) && /^<<-?[A-Za-z_]/.test(t.slice(this.i, this.i + 4)))
        this.heredoc();
      else if (c === '"') this.string();
      else if (/[0-9]/.test(c)) {
        const m = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(t.slice(this.i, this.i + 100))!;
        this.push("number", m[0], line, column);
        this.i += m[0].length;
      } else if (/[A-Za-z_]/.test(c)) {
        const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(t.slice(this.i, this.i + 1000))!;
        this.push("ident", m[0], line, column);
        this.i += m[0].length;
      } else {
        const op = OPERATORS.find((o) => t.startsWith(o, this.i)) ?? (SINGLE.includes(c) ? c : undefined);
        if (op === undefined) throw new LexError(`Unexpected character "${c}"`, line, column);
        this.push("punct", op, line, column);
        this.i += op.length;
      }
    }
    this.push("eof", "", this.line, this.col());
    return this.tokens;
  }

  private skipLine(): void {
    while (this.i < this.text.length && this.text[this.i] !== "\n") this.i++;
  }

  private skipBlockComment(): void {
    const end = this.text.indexOf("*/", this.i + 2);
    if (end < 0) throw new LexError("Unterminated comment", this.line, this.col());
    for (let k = this.i; k < end; k++) if (this.text[k] === "\n") this.newline(k);
    this.i = end + 2;
  }

  private string(): void {
    const line = this.line;
    const column = this.col();
    let out = "";
    let template = false;
    this.i++;
    for (;;) {
      const c = this.text[this.i++];
      if (c === undefined || c === "\n") throw new LexError("Unterminated string", line, column);
      if (c === '"') break;
      // "$${" and "%%{" are a literal "${" and "%{"; a lone "${" or "%{" starts a template.
      if ((c === "$" || c === "%") && this.text[this.i] === c && this.text[this.i + 1] === "{") {
        out += `${c}{`;
        this.i += 2;
        continue;
      }
      if ((c === "$" || c === "%") && this.text[this.i] === "{") template = true;
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = this.text[this.i++] ?? "";
      if (e === "u" || e === "U") {
        const n = e === "u" ? 4 : 8;
        const hex = this.text.slice(this.i, this.i + n);
        if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex))
          throw new LexError("Invalid unicode escape", line, column);
        out += String.fromCodePoint(parseInt(hex, 16));
        this.i += n;
      } else if (ESCAPES[e] !== undefined) out += ESCAPES[e];
      else throw new LexError(`Invalid escape "\\${e}"`, line, column);
    }
    this.push("string", out, line, column, template);
  }

  private heredoc(): void {
    const line = this.line;
    const column = this.col();
    const m = /^<<-?([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n/.exec(this.text.slice(this.i, this.i + 200));
    if (!m) throw new LexError("Malformed heredoc", line, column);
    this.newline(this.i + m[0].length - 1);
    this.i += m[0].length;
    const lines: string[] = [];
    for (;;) {
      if (this.i >= this.text.length) throw new LexError(`Unterminated heredoc "${m[1]}"`, line, column);
      let end = this.text.indexOf("\n", this.i);
      if (end < 0) end = this.text.length;
      const body = this.text.slice(this.i, end).replace(/\r$/, "");
      this.i = end;
      if (body.trim() === m[1]) break;
      lines.push(body);
      if (end < this.text.length) this.newline(this.i++);
    }
    // "<<-" strips the indentation the lines share; like Terraform, the value ends with a newline.
    const indent = m[0].startsWith("<<-")
      ? Math.min(...lines.filter((l) => l.trim() !== "").map((l) => /^[ \t]*/.exec(l)![0].length))
      : 0;
    const value = lines.map((l) => `${l.slice(Number.isFinite(indent) ? indent : 0)}\n`).join("");
    this.push("string", value, line, column, /[$%]\{/.test(value));
  }
}

/** Splits HCL text into tokens; never throws on bad input. */
export function lexHcl(text: string): HclLexResult {
  try {
    return { ok: true, tokens: new Lexer(text).run() };
  } catch (e) {
    if (e instanceof LexError) return { ok: false, message: e.message, line: e.line, column: e.column };
    throw e;
  }
}
