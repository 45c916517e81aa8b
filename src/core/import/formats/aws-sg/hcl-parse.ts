// A parser for the HCL subset security-group configurations use: blocks, attributes, and values that are
// strings, numbers, booleans, lists, objects and plain references (`aws_security_group.web.id`). Any other
// expression (function calls, templates, operators, for-expressions) is kept as "unsupported" with its
// place, for the reader to report; a syntax error skips to the next top-level block.

import { type HclToken, lexHcl } from "./hcl-lex.js";

export interface HclPos {
  readonly line: number;
  readonly column: number;
}

export type HclExpr =
  | { readonly kind: "string"; readonly value: string; readonly pos: HclPos }
  | { readonly kind: "number"; readonly value: number; readonly pos: HclPos }
  | { readonly kind: "bool"; readonly value: boolean; readonly pos: HclPos }
  | { readonly kind: "null"; readonly pos: HclPos }
  | { readonly kind: "list"; readonly items: HclExpr[]; readonly pos: HclPos }
  | { readonly kind: "object"; readonly entries: HclObjectEntry[]; readonly pos: HclPos }
  /** A traversal such as `aws_security_group.web.id` or `var.vpc_id`. */
  | { readonly kind: "ref"; readonly parts: string[]; readonly pos: HclPos }
  | { readonly kind: "unsupported"; readonly why: string; readonly pos: HclPos };

export interface HclObjectEntry {
  readonly key: string;
  readonly keyPos: HclPos;
  readonly value: HclExpr;
}

export interface HclAttribute {
  readonly kind: "attribute";
  readonly name: string;
  readonly value: HclExpr;
  readonly pos: HclPos;
}

export interface HclBlock {
  readonly kind: "block";
  readonly type: string;
  readonly labels: string[];
  readonly body: HclItem[];
  readonly pos: HclPos;
}

export type HclItem = HclAttribute | HclBlock;

export interface HclParseResult {
  readonly body: HclItem[];
  readonly errors: { readonly message: string; readonly pos: HclPos }[];
}

class HclError extends Error {
  constructor(
    message: string,
    readonly pos: HclPos,
  ) {
    super(message);
  }
}

const END = new Set([",", "]", "}", ")"]);
const OPEN: Readonly<Record<string, string>> = { "(": ")", "[": "]", "{": "}" };
const MAX_DEPTH = 100;

class Parser {
  private k = 0;
  private depth = 0;

  constructor(private readonly tokens: readonly HclToken[]) {}

  private peek(): HclToken {
    return this.tokens[this.k]!;
  }

  private next(): HclToken {
    const t = this.tokens[this.k]!;
    if (t.kind !== "eof") this.k++;
    return t;
  }

  private is(value: string, t = this.peek()): boolean {
    return t.kind === "punct" && t.value === value;
  }

  private fail(message: string, t = this.peek()): never {
    throw new HclError(message, { line: t.line, column: t.column });
  }

  private skipNewlines(): void {
    while (this.peek().kind === "newline") this.k++;
  }

  private expect(value: string): void {
    if (!this.is(value)) this.fail(`Expected "${value}"${describe(this.peek())}`);
    this.k++;
  }

  file(): HclParseResult {
    const body: HclItem[] = [];
    const errors: HclParseResult["errors"] = [];
    for (;;) {
      this.skipNewlines();
      if (this.peek().kind === "eof") return { body, errors };
      try {
        body.push(this.item());
      } catch (e) {
        if (!(e instanceof HclError)) throw e;
        errors.push({ message: e.message, pos: e.pos });
        this.resync();
      }
    }
  }

  /** After an error: on to the next identifier that starts a line at column 1 (a top-level block). */
  private resync(): void {
    this.depth = 0;
    this.next();
    while (this.peek().kind !== "eof" && !(this.peek().kind === "ident" && this.peek().column === 1))
      this.k++;
  }

  private body(): HclItem[] {
    const items: HclItem[] = [];
    for (;;) {
      this.skipNewlines();
      if (this.is("}")) {
        this.k++;
        return items;
      }
      if (this.peek().kind === "eof") this.fail('Expected "}" before the end of the file');
      items.push(this.item());
    }
  }

  private item(): HclItem {
    const name = this.next();
    if (name.kind !== "ident") this.fail(`Expected an attribute or block name${describe(name)}`, name);
    const pos = { line: name.line, column: name.column };
    if (this.is("=")) {
      this.k++;
      const value = this.expression();
      const end = this.peek();
      if (end.kind !== "newline" && end.kind !== "eof" && !this.is("}"))
        this.fail(`Expected a new line after attribute "${name.value}"${describe(end)}`);
      return { kind: "attribute", name: name.value, value, pos };
    }
    const labels: string[] = [];
    while (this.peek().kind === "string" || this.peek().kind === "ident") labels.push(this.next().value);
    this.expect("{");
    if (++this.depth > MAX_DEPTH) this.fail("Blocks nested too deeply");
    const body = this.body();
    this.depth--;
    return { kind: "block", type: name.value, labels, body, pos };
  }

  /** One expression; anything beyond the supported forms is skipped to its end and marked unsupported. */
  private expression(): HclExpr {
    const start = this.peek();
    const pos = { line: start.line, column: start.column };
    const value = this.primary();
    const t = this.peek();
    // An operator after the value makes it a larger expression; anything else is for the caller to judge.
    if (t.kind !== "punct" || END.has(t.value) || t.value === "=") return value;
    this.skipExpression();
    return { kind: "unsupported", why: "an expression with operators", pos };
  }

  /** Skips to the end of the current expression: a new line, "," or a closing bracket at depth 0. */
  private skipExpression(): void {
    const stack: string[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === "eof") return;
      if (stack.length === 0 && (t.kind === "newline" || (t.kind === "punct" && END.has(t.value)))) return;
      if (t.kind === "punct" && OPEN[t.value]) stack.push(OPEN[t.value]!);
      else if (t.kind === "punct" && t.value === stack[stack.length - 1]) stack.pop();
      this.k++;
    }
  }

  private primary(): HclExpr {
    const t = this.peek();
    const pos = { line: t.line, column: t.column };
    if (t.kind === "string") {
      this.k++;
      if (!t.template) return { kind: "string", value: t.value, pos };
      const ref = /^\$\{\s*([A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)+)\s*\}$/.exec(t.value);
      if (ref) return { kind: "ref", parts: ref[1]!.split("."), pos };
      return { kind: "unsupported", why: "a string template", pos };
    }
    if (t.kind === "number") {
      this.k++;
      return { kind: "number", value: Number(t.value), pos };
    }
    if (this.is("-") && this.tokens[this.k + 1]?.kind === "number") {
      this.k++;
      return { kind: "number", value: -Number(this.next().value), pos };
    }
    if (this.is("[")) return this.nested(() => this.list(pos));
    if (this.is("{")) return this.nested(() => this.object(pos));
    if (t.kind === "ident") return this.identifier(pos);
    if (this.is("(")) {
      this.skipExpression();
      return { kind: "unsupported", why: "a parenthesized expression", pos };
    }
    this.fail(`Expected a value${describe(t)}`);
  }

  private nested(parse: () => HclExpr): HclExpr {
    if (++this.depth > MAX_DEPTH) this.fail("Values nested too deeply");
    const v = parse();
    this.depth--;
    return v;
  }

  private identifier(pos: HclPos): HclExpr {
    const first = this.next().value;
    if (first === "true" || first === "false") return { kind: "bool", value: first === "true", pos };
    if (first === "null") return { kind: "null", pos };
    if (this.is("(")) {
      this.skipExpression();
      return { kind: "unsupported", why: `a call of function "${first}"`, pos };
    }
    const parts = [first];
    while (this.is(".") || this.is("[")) {
      if (this.is("[")) {
        this.skipBalanced();
        return { kind: "unsupported", why: "an indexed reference", pos };
      }
      this.k++;
      const part = this.next();
      if (part.kind !== "ident" && part.kind !== "number")
        return { kind: "unsupported", why: "a splat", pos };
      parts.push(part.value);
    }
    return { kind: "ref", parts, pos };
  }

  /** Skips one bracketed group starting at the current token. */
  private skipBalanced(): void {
    const stack: string[] = [];
    do {
      const t = this.next();
      if (t.kind === "eof") this.fail("Unclosed bracket", t);
      if (t.kind === "punct" && OPEN[t.value]) stack.push(OPEN[t.value]!);
      else if (t.kind === "punct" && t.value === stack[stack.length - 1]) stack.pop();
    } while (stack.length > 0);
  }

  /** True when the bracket at the current token opens a for expression. */
  private opensFor(): boolean {
    let j = this.k + 1;
    while (this.tokens[j]?.kind === "newline") j++;
    const t = this.tokens[j];
    return t?.kind === "ident" && t.value === "for";
  }

  private list(pos: HclPos): HclExpr {
    if (this.opensFor()) {
      this.skipBalanced();
      return { kind: "unsupported", why: "a for expression", pos };
    }
    this.k++;
    const items: HclExpr[] = [];
    for (;;) {
      this.skipNewlines();
      if (this.is("]")) {
        this.k++;
        return { kind: "list", items, pos };
      }
      items.push(this.expression());
      this.skipNewlines();
      if (this.is(",")) this.k++;
      else if (!this.is("]")) this.fail(`Expected "," or "]"${describe(this.peek())}`);
    }
  }

  private object(pos: HclPos): HclExpr {
    if (this.opensFor()) {
      this.skipBalanced();
      return { kind: "unsupported", why: "a for expression", pos };
    }
    this.k++;
    const entries: HclObjectEntry[] = [];
    for (;;) {
      this.skipNewlines();
      if (this.is("}")) {
        this.k++;
        return { kind: "object", entries, pos };
      }
      const key = this.next();
      if (key.kind !== "ident" && key.kind !== "string")
        this.fail(`Expected an object key${describe(key)}`, key);
      if (!this.is("=") && !this.is(":"))
        this.fail(`Expected "=" after key "${key.value}"${describe(this.peek())}`);
      this.k++;
      entries.push({
        key: key.value,
        keyPos: { line: key.line, column: key.column },
        value: this.expression(),
      });
      if (this.is(",")) this.k++;
    }
  }
}

function describe(t: HclToken): string {
  switch (t.kind) {
    case "eof":
      return ", not the end of the file";
    case "newline":
      return ", not the end of the line";
    case "string":
      return `, not a string`;
    case "ident":
    case "number":
    case "punct":
      return `, not "${t.value}"`;
  }
}

/** Parses HCL text; never throws on bad input: errors come back with their places. */
export function parseHcl(text: string): HclParseResult {
  const lexed = lexHcl(text);
  if (!lexed.ok)
    return {
      body: [],
      errors: [{ message: lexed.message, pos: { line: lexed.line, column: lexed.column } }],
    };
  return new Parser(lexed.tokens).file();
}
