// A JSON parser that keeps the line and column of every value, so diagnostics and rule sources can point
// into the file (JSON.parse forgets where things were).

export interface JsonPos {
  readonly line: number;
  readonly column: number;
}

export type JsonValue =
  | { readonly kind: "object"; readonly entries: JsonEntry[]; readonly pos: JsonPos }
  | { readonly kind: "array"; readonly items: JsonValue[]; readonly pos: JsonPos }
  | { readonly kind: "string"; readonly value: string; readonly pos: JsonPos }
  | { readonly kind: "number"; readonly value: number; readonly pos: JsonPos }
  | { readonly kind: "boolean"; readonly value: boolean; readonly pos: JsonPos }
  | { readonly kind: "null"; readonly pos: JsonPos };

export interface JsonEntry {
  readonly key: string;
  readonly keyPos: JsonPos;
  readonly value: JsonValue;
}

export type JsonParseResult =
  | { readonly ok: true; readonly value: JsonValue }
  | { readonly ok: false; readonly message: string; readonly pos: JsonPos };

class JsonError extends Error {
  constructor(
    message: string,
    readonly pos: JsonPos,
  ) {
    super(message);
  }
}

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

class Parser {
  private i = 0;
  private line = 1;
  private lineStart = 0;
  /** Deepest nesting accepted: a guard against stack overflow on hostile input. */
  private depth = 0;

  constructor(private readonly text: string) {}

  pos(): JsonPos {
    return { line: this.line, column: this.i - this.lineStart + 1 };
  }

  fail(message: string): never {
    throw new JsonError(message, this.pos());
  }

  skipSpace(): void {
    while (this.i < this.text.length) {
      const c = this.text[this.i]!;
      if (c === "\n") {
        this.line++;
        this.lineStart = this.i + 1;
      } else if (c !== " " && c !== "\t" && c !== "\r") return;
      this.i++;
    }
  }

  document(): JsonValue {
    if (this.text.charCodeAt(0) === 0xfeff) this.i = 1;
    const v = this.value();
    this.skipSpace();
    if (this.i < this.text.length) this.fail("Unexpected text after the JSON value");
    return v;
  }

  value(): JsonValue {
    this.skipSpace();
    const pos = this.pos();
    const c = this.text[this.i];
    if (c === "{" || c === "[") {
      if (++this.depth > 200) this.fail("JSON nested too deeply");
      const v = c === "{" ? this.object(pos) : this.array(pos);
      this.depth--;
      return v;
    }
    if (c === '"') return { kind: "string", value: this.string(), pos };
    for (const [word, v] of [
      ["true", { kind: "boolean", value: true, pos }],
      ["false", { kind: "boolean", value: false, pos }],
      ["null", { kind: "null", pos }],
    ] as const) {
      if (this.text.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.text.slice(this.i, this.i + 400));
    if (!m) this.fail(c === undefined ? "Unexpected end of JSON" : `Unexpected character "${c}"`);
    this.i += m[0].length;
    return { kind: "number", value: Number(m[0]), pos };
  }

  object(pos: JsonPos): JsonValue {
    this.i++;
    const entries: JsonEntry[] = [];
    this.skipSpace();
    if (this.text[this.i] === "}") {
      this.i++;
      return { kind: "object", entries, pos };
    }
    for (;;) {
      this.skipSpace();
      const keyPos = this.pos();
      if (this.text[this.i] !== '"') this.fail("Expected a quoted key");
      const key = this.string();
      this.skipSpace();
      if (this.text[this.i] !== ":") this.fail(`Expected ":" after key "${key}"`);
      this.i++;
      entries.push({ key, keyPos, value: this.value() });
      this.skipSpace();
      const c = this.text[this.i];
      if (c !== "}" && c !== ",") this.fail('Expected "," or "}"');
      this.i++;
      if (c === "}") return { kind: "object", entries, pos };
    }
  }

  array(pos: JsonPos): JsonValue {
    this.i++;
    const items: JsonValue[] = [];
    this.skipSpace();
    if (this.text[this.i] === "]") {
      this.i++;
      return { kind: "array", items, pos };
    }
    for (;;) {
      items.push(this.value());
      this.skipSpace();
      const c = this.text[this.i];
      if (c !== "]" && c !== ",") this.fail('Expected "," or "]"');
      this.i++;
      if (c === "]") return { kind: "array", items, pos };
    }
  }

  string(): string {
    const start = this.pos();
    this.i++;
    let out = "";
    for (;;) {
      const c = this.text[this.i++];
      if (c === undefined || c === "\n") throw new JsonError("Unterminated string", start);
      if (c === '"') return out;
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = this.text[this.i++] ?? "";
      if (e === "u") {
        const hex = this.text.slice(this.i, this.i + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("Invalid \\u escape");
        out += String.fromCharCode(parseInt(hex, 16));
        this.i += 4;
      } else if (ESCAPES[e] !== undefined) out += ESCAPES[e];
      else this.fail(`Invalid escape "\\${e}"`);
    }
  }
}

/** Parses JSON text; never throws on bad input. */
export function parseJson(text: string): JsonParseResult {
  const p = new Parser(text);
  try {
    return { ok: true, value: p.document() };
  } catch (e) {
    if (e instanceof JsonError) return { ok: false, message: e.message, pos: e.pos };
    throw e;
  }
}

/** The value of a key of an object (the first, if repeated). */
export function field(v: JsonValue, key: string): JsonValue | undefined {
  return v.kind === "object" ? v.entries.find((e) => e.key === key)?.value : undefined;
}
