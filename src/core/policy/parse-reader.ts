// Reading YAML nodes into typed values with source positions, reporting every mismatch as a diagnostic.

import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter, type YAMLMap } from "yaml";
import {
  closestName,
  type Diagnostic,
  type DiagnosticCode,
  diagnostic,
  type SourceLocation,
} from "./diagnostics.js";
import type { Located } from "./types.js";

/** One key of a map with its value (aliases resolved) and where each stands. */
export interface Field {
  readonly key: string;
  readonly keyLoc: SourceLocation;
  /** The value node; undefined when an alias could not be resolved. */
  readonly node: unknown;
  /** Where the value stands, or the key's location when the value is empty. */
  readonly loc: SourceLocation;
}

/** Collects diagnostics for one file while reading its document. */
export class NodeReader {
  constructor(
    readonly file: string,
    private readonly lineCounter: LineCounter,
    private readonly doc: Document,
    readonly diagnostics: Diagnostic[],
  ) {}

  locAt(offset: number): SourceLocation {
    const { line, col } = this.lineCounter.linePos(offset);
    return { file: this.file, line, column: col };
  }

  /** The node's start, or `fallback` when the node is empty or has no position. */
  locOf(node: unknown, fallback: SourceLocation): SourceLocation {
    const range = (node as { range?: readonly number[] | null } | null | undefined)?.range;
    if (!range || range[0] === undefined || range[1] === undefined || range[0] >= range[1]) return fallback;
    return this.locAt(range[0]);
  }

  report(code: DiagnosticCode, message: string, loc: SourceLocation): void {
    this.diagnostics.push(diagnostic(code, "error", message, loc));
  }

  /** Follows an alias to its anchored node; an alias without an anchor is reported and reads as undefined. */
  deref(node: unknown, loc: SourceLocation): unknown {
    if (!isAlias(node)) return node;
    const target = node.resolve(this.doc);
    if (target === undefined) this.report("yaml-syntax", `Unresolved alias "*${node.source}"`, loc);
    return target;
  }

  /** The key/value pairs of a map, in order; keys that repeat are skipped (the duplicate walk reports them). */
  entries(map: YAMLMap, fallback: SourceLocation): Field[] {
    const out: Field[] = [];
    const seen = new Set<string>();
    for (const pair of map.items) {
      const keyLoc = this.locOf(pair.key, this.locOf(pair.value, fallback));
      const key = this.deref(pair.key, keyLoc);
      const name = isScalar(key) && key.value !== null ? scalarText(key) : undefined;
      if (name === undefined) {
        this.report("invalid-type", `Expected a name as key, got ${describe(key)}`, keyLoc);
        continue;
      }
      if (seen.has(name)) continue;
      seen.add(name);
      const loc = this.locOf(pair.value, keyLoc);
      out.push({ key: name, keyLoc, node: this.deref(pair.value, loc), loc });
    }
    return out;
  }

  /** The fields of a map, reporting keys not in `allowed` with a did-you-mean; `context` reads `in flow "x"`. */
  fields(
    map: YAMLMap,
    fallback: SourceLocation,
    context: string,
    allowed: readonly string[],
  ): Map<string, Field> {
    return this.checkKeys(this.entries(map, fallback), context, allowed);
  }

  /** Indexes entries by key, reporting keys not in `allowed` with a did-you-mean. */
  checkKeys(entries: readonly Field[], context: string, allowed: readonly string[]): Map<string, Field> {
    const out = new Map<string, Field>();
    for (const f of entries) {
      if (allowed.includes(f.key)) out.set(f.key, f);
      else this.report("unknown-key", unknownKeyMessage(f.key, context, allowed), f.keyLoc);
    }
    return out;
  }

  map(node: unknown, loc: SourceLocation, what: string): YAMLMap | undefined {
    if (isMap(node)) return node;
    if (node !== undefined)
      this.report("invalid-type", `Expected a map for ${what}, got ${describe(node)}`, loc);
    return undefined;
  }

  /** The elements of a list, aliases resolved, each with its location; undefined (and reported) when not a list. */
  seq(
    node: unknown,
    loc: SourceLocation,
    what: string,
  ): { node: unknown; loc: SourceLocation }[] | undefined {
    if (!isSeq(node)) {
      if (node !== undefined)
        this.report("invalid-type", `Expected a list for ${what}, got ${describe(node)}`, loc);
      return undefined;
    }
    return node.items.map((item) => {
      const itemLoc = this.locOf(item, loc);
      return { node: this.deref(item, itemLoc), loc: itemLoc };
    });
  }

  /** A string (numbers are taken as written); anything else is reported. */
  text(node: unknown, loc: SourceLocation, what: string): Located<string> | undefined {
    if (isScalar(node) && (typeof node.value === "string" || typeof node.value === "number"))
      return { value: scalarText(node), loc };
    if (node !== undefined)
      this.report("invalid-type", `Expected a string for ${what}, got ${describe(node)}`, loc);
    return undefined;
  }

  /** A list of strings; with `single`, one string stands for a list of one. Bad entries are reported and dropped. */
  texts(node: unknown, loc: SourceLocation, what: string, single = false): Located<string>[] | undefined {
    if (single && isScalar(node) && (typeof node.value === "string" || typeof node.value === "number"))
      return [{ value: scalarText(node), loc }];
    if (!isSeq(node)) {
      const expected = single ? "a string or a list of strings" : "a list of strings";
      if (node !== undefined)
        this.report("invalid-type", `Expected ${expected} for ${what}, got ${describe(node)}`, loc);
      return undefined;
    }
    const out: Located<string>[] = [];
    for (const item of this.seq(node, loc, what) ?? []) {
      const t = this.text(item.node, item.loc, `each entry of ${what}`);
      if (t) out.push(t);
    }
    return out;
  }

  /** A map as plain data (for pass-through options); undefined and reported when it cannot be converted. */
  plain(map: YAMLMap, loc: SourceLocation, what: string): Record<string, unknown> | undefined {
    try {
      return map.toJS(this.doc) as Record<string, unknown>;
    } catch (e) {
      // toJS refuses alias bombs and unresolvable aliases; neither is a bug here.
      this.report("invalid-value", `Cannot read ${what}: ${(e as Error).message}`, loc);
      return undefined;
    }
  }

  bool(node: unknown, loc: SourceLocation, what: string): boolean | undefined {
    if (isScalar(node) && typeof node.value === "boolean") return node.value;
    if (node !== undefined)
      this.report("invalid-type", `Expected true or false for ${what}, got ${describe(node)}`, loc);
    return undefined;
  }

  /** One of a fixed set of words; anything else is an invalid value, with a did-you-mean. */
  choice<T extends string>(
    node: unknown,
    loc: SourceLocation,
    what: string,
    options: readonly T[],
  ): Located<T> | undefined {
    const t = this.text(node, loc, what);
    if (!t) return undefined;
    if ((options as readonly string[]).includes(t.value)) return { value: t.value as T, loc };
    const hint = closestName(t.value, options);
    const expected = options.map((o) => `"${o}"`).join(", ");
    this.report(
      "invalid-value",
      `Invalid value "${t.value}" for ${what}; ${hint ? `did you mean "${hint}"?` : `expected one of ${expected}`}`,
      loc,
    );
    return undefined;
  }

  /** Reports each required key that is missing; true when all are present. */
  require(
    fields: ReadonlyMap<string, Field>,
    keys: readonly string[],
    loc: SourceLocation,
    context: string,
  ): boolean {
    let ok = true;
    for (const key of keys) {
      if (fields.has(key)) continue;
      this.report("missing-key", `Missing required key "${key}" ${context}`, loc);
      ok = false;
    }
    return ok;
  }
}

function unknownKeyMessage(key: string, context: string, allowed: readonly string[]): string {
  const hint = closestName(key, allowed);
  const tail = hint
    ? `did you mean "${hint}"?`
    : `expected one of ${allowed.map((k) => `"${k}"`).join(", ")}`;
  return `Unknown key "${key}" ${context}; ${tail}`;
}

/** A scalar as the user wrote it when it is a plain number (so "0123" stays "0123"), else its string value. */
export function scalarText(node: { value: unknown; source?: string; type?: string }): string {
  if (typeof node.value === "number" && node.type === "PLAIN" && node.source) return node.source;
  return String(node.value);
}

/** What a node is, for "expected X, got Y" messages. */
export function describe(node: unknown): string {
  if (isMap(node)) return "a map";
  if (isSeq(node)) return "a list";
  if (isScalar(node)) {
    const v = node.value;
    if (v === null || v === undefined) return "nothing";
    if (typeof v === "string") return `the string "${v}"`;
    if (typeof v === "boolean") return `${v}`;
    if (typeof v === "number" || typeof v === "bigint") return `the number ${String(v)}`;
    if (v instanceof Date) return "a timestamp";
  }
  return "an unsupported value";
}
