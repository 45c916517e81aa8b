// The `set` form (`show configuration | display set`, or a file for `load set`) read into statements.
//
// Besides `set`, it understands what such files and CLI transcripts hold: `delete`, `deactivate` and
// `activate` (applied to the statements as Junos would), `insert ... before|after policy` (kept for the
// policy reader), `edit`/`top`/`up`/`exit` (relative paths), CLI prompts and `[edit ...]` banners.

import { diagnostic, type Diagnostic } from "../../../policy/diagnostics.js";
import type { Statement, Word } from "./statements.js";
import { type Token, tokenize } from "./tokenize.js";

/** `insert <path> before|after <reference>`: moves an element among its siblings. */
export interface InsertOp {
  readonly path: readonly Word[];
  readonly position: "before" | "after";
  readonly reference: readonly Word[];
  readonly statement: Statement;
}

export interface ParsedConfig {
  readonly statements: Statement[];
  readonly inserts: InsertOp[];
  readonly diagnostics: Diagnostic[];
}

/** Groups a line's tokens into words, a `[ ... ]` list becoming one word. */
export function toWords(tokens: readonly Token[]): { words: Word[]; error?: Token } {
  const words: Word[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === "word") words.push({ text: t.text, column: t.column });
    else if (t.kind === "[") {
      const items: string[] = [];
      let j = i + 1;
      while (j < tokens.length && tokens[j]!.kind === "word") items.push(tokens[j++]!.text);
      if (tokens[j]?.kind !== "]") return { words, error: tokens[j] ?? t };
      words.push({ text: items.join(" "), items, column: t.column });
      i = j;
    } else return { words, error: t };
  }
  return { words };
}

function samePrefix(words: readonly Word[], prefix: readonly Word[]): boolean {
  return prefix.length <= words.length && prefix.every((p, i) => words[i]!.text === p.text);
}

const PROMPT = /^[^\s]*[#>%]$/;

/** Reads one line at a time; `edit` levels and deactivations carry from line to line. */
class SetReader {
  statements: Statement[] = [];
  readonly inserts: InsertOp[] = [];
  readonly inactive: { prefix: Word[]; statement: Statement }[] = [];
  readonly diagnostics: Diagnostic[] = [];
  // `edit` levels: `exit` and `up` return to the level before the last `edit` (hierarchy levels may span
  // several words, such as "from-zone A to-zone B").
  private readonly levels: Word[][] = [];
  private context: Word[] = [];

  constructor(
    private readonly file: string,
    private readonly lines: readonly string[],
  ) {}

  line(tokens: readonly Token[]): void {
    const first = tokens[0];
    // `{master:0}` and `[edit security]` banners of CLI transcripts.
    if (!first || first.kind === "{" || first.kind === "[") return;
    const { words, error } = toWords(tokens);
    if (error) {
      const message =
        error.kind === "[" ? `List "[" is not closed` : `Unexpected "${error.text}" in a set line`;
      const at = { file: this.file, line: error.line, column: error.column };
      this.diagnostics.push(diagnostic("config-syntax", "error", message, at));
      return;
    }
    if (words.length > 0 && PROMPT.test(words[0]!.text)) words.shift();
    const verb = words.shift();
    if (!verb) return;
    const loc = { file: this.file, line: first.line, column: first.column };
    const source = this.lines[first.line - 1]!.trim();
    const statement = { words: [...this.context, ...words], loc, text: source, containers: [] };
    if (!this.verb(verb.text, words, statement))
      this.diagnostics.push(
        diagnostic("config-syntax", "error", `Cannot read "${source}": expected a "set" statement`, loc),
      );
  }

  /** Applies one verb; false when the line is not a configuration command. */
  private verb(verb: string, words: Word[], statement: Statement): boolean {
    const path = statement.words as Word[];
    switch (verb) {
      case "set":
        if (words.length > 0) this.statements.push(statement);
        return words.length > 0;
      case "delete":
        this.statements = this.statements.filter((s) => !samePrefix(s.words, path));
        return true;
      case "deactivate":
        this.inactive.push({ prefix: path, statement });
        return true;
      case "activate": {
        const key = path.map((w) => w.text).join(" ");
        const keep = this.inactive.filter((x) => x.prefix.map((w) => w.text).join(" ") !== key);
        this.inactive.splice(0, this.inactive.length, ...keep);
        return true;
      }
      case "insert":
        return this.insert(words, statement);
      case "edit":
        this.levels.push(this.context);
        this.context = path;
        return true;
      case "top":
        this.levels.length = 0;
        this.context = [];
        return true;
      case "up":
      case "exit":
      case "quit":
        this.context = this.levels.pop() ?? [];
        return true;
    }
    return ["commit", "show", "run", "configure"].includes(verb);
  }

  private insert(words: Word[], statement: Statement): boolean {
    const at = words.findIndex((w) => w.text === "before" || w.text === "after");
    if (at <= 0 || at === words.length - 1) return false;
    this.inserts.push({
      path: [...this.context, ...words.slice(0, at)],
      position: words[at]!.text as "before" | "after",
      reference: words.slice(at + 1),
      statement,
    });
    return true;
  }
}

export function parseSetConfig(text: string, file: string): ParsedConfig {
  const { tokens, lines, unterminated } = tokenize(text);
  const reader = new SetReader(file, lines);
  let line: Token[] = [];
  for (const t of tokens) {
    if (t.kind !== "eol") line.push(t);
    else {
      reader.line(line);
      line = [];
    }
  }
  reader.line(line);
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
  const statements = applyInactive(reader.statements, reader.inactive, diagnostics);
  return { statements, inserts: reader.inserts, diagnostics };
}

/** Drops deactivated statements, saying so once per `deactivate` line that took anything away. */
function applyInactive(
  statements: Statement[],
  inactive: readonly { prefix: Word[]; statement: Statement }[],
  diagnostics: Diagnostic[],
): Statement[] {
  if (inactive.length === 0) return statements;
  const used = new Set<Statement>();
  const kept = statements.filter((s) => {
    const hit = inactive.find((x) => samePrefix(s.words, x.prefix));
    if (hit) used.add(hit.statement);
    return !hit;
  });
  for (const x of inactive)
    if (used.has(x.statement))
      diagnostics.push(
        diagnostic(
          "config-ignored",
          "info",
          `"${x.prefix.map((w) => w.text).join(" ")}" is deactivated and has no effect`,
          x.statement.loc,
        ),
      );
  return kept;
}
