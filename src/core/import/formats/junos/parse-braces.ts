// The curly-brace form (`show configuration`, a saved juniper.conf) read into the same statements as `set`.

import { diagnostic, type Diagnostic, type SourceLocation } from "../../../policy/diagnostics.js";
import { type ParsedConfig, toWords } from "./parse-set.js";
import type { ContainerMark, Statement, Word } from "./statements.js";
import { type Token, tokenize } from "./tokenize.js";

interface Frame {
  readonly words: Word[];
  readonly mark: ContainerMark;
  /** This block or one around it is `inactive:`. */
  readonly inactive: boolean;
  /** Set when a statement was produced inside: an empty block still declares its element. */
  used: boolean;
}

/** Statement modifiers of the brace form; only `inactive:` changes the meaning. */
const MODIFIERS = new Set(["inactive:", "protect:", "replace:", "active:", "unprotect:"]);

/** Builds statements from tokens: a stack of open blocks, and the words read since the last `{ ; }`. */
class BraceReader {
  readonly statements: Statement[] = [];
  readonly diagnostics: Diagnostic[] = [];
  private readonly stack: Frame[] = [];
  private pending: Token[] = [];

  constructor(
    private readonly file: string,
    private readonly lines: readonly string[],
  ) {}

  token(t: Token): void {
    if (t.kind === "eol") return;
    if (t.kind === "{") this.open(t);
    else if (t.kind === ";") this.leaf();
    else if (t.kind === "}") this.close(t);
    else this.pending.push(t);
  }

  finish(): void {
    if (this.pending.length > 0) {
      this.syntax(`Missing ";" at the end of the configuration`, this.pending[0]!);
      this.leaf();
    }
    for (const f of this.stack)
      this.syntax(`Block "${f.words.map((w) => w.text).join(" ")}" is not closed`, f.mark.loc);
  }

  private syntax(message: string, at: { line: number; column: number }): void {
    this.diagnostics.push(
      diagnostic("config-syntax", "error", message, { file: this.file, line: at.line, column: at.column }),
    );
  }

  /** The pending words, modifiers stripped; undefined when there are none. */
  private take(): { words: Word[]; loc: SourceLocation; text: string; inactive: boolean } | undefined {
    const toks = this.pending;
    this.pending = [];
    let inactive = false;
    while (toks.length > 0 && toks[0]!.kind === "word" && MODIFIERS.has(toks[0]!.text))
      inactive = toks.shift()!.text === "inactive:" || inactive;
    const first = toks[0];
    if (!first) return undefined;
    const { words, error } = toWords(toks);
    if (error) this.syntax(`Unexpected "${error.text}"`, error);
    if (words.length === 0) return undefined;
    const loc = { file: this.file, line: first.line, column: first.column };
    if (inactive && !this.stack.some((f) => f.inactive))
      this.diagnostics.push(
        diagnostic(
          "config-ignored",
          "info",
          `"${words.map((w) => w.text).join(" ")}" is inactive and has no effect`,
          loc,
        ),
      );
    return { words, loc, text: this.lines[first.line - 1]!.trim(), inactive };
  }

  private open(t: Token): void {
    const got = this.take();
    if (!got) {
      this.syntax(`Unexpected "{" without a statement name`, t);
      return;
    }
    const at = this.stack.reduce((n, f) => n + f.words.length, 0);
    this.stack.push({
      words: got.words,
      mark: { at, end: at + got.words.length, loc: got.loc, text: got.text },
      inactive: got.inactive || this.stack.some((f) => f.inactive),
      used: false,
    });
  }

  private leaf(): void {
    const got = this.take();
    if (got) this.emit(got.words, got.loc, got.text, got.inactive);
  }

  private close(t: Token): void {
    if (this.pending.length > 0) {
      this.syntax(`Missing ";" before "}"`, t);
      this.leaf();
    }
    const frame = this.stack.pop();
    if (!frame) this.syntax(`Unexpected "}" with no open block`, t);
    else if (!frame.used) this.emit(frame.words, frame.mark.loc, frame.mark.text, frame.inactive);
  }

  private emit(words: Word[], loc: SourceLocation, text: string, inactive: boolean): void {
    for (const f of this.stack) f.used = true;
    if (inactive || this.stack.some((f) => f.inactive)) return;
    this.statements.push({
      words: [...this.stack.flatMap((f) => f.words), ...words],
      loc,
      text,
      containers: this.stack.map((f) => f.mark),
    });
  }
}

export function parseBraceConfig(text: string, file: string): ParsedConfig {
  const { tokens, lines, unterminated } = tokenize(text);
  const reader = new BraceReader(file, lines);
  for (const t of tokens) reader.token(t);
  reader.finish();
  const diagnostics = [
    ...unterminated.map((u) =>
      diagnostic("config-syntax", "error", `Unterminated ${u.what}`, {
        file,
        line: u.line,
        column: u.column,
      }),
    ),
    ...reader.diagnostics,
  ];
  return { statements: reader.statements, inserts: [], diagnostics };
}
