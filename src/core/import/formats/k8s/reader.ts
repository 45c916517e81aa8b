// Typed access to YAML nodes with positions: every value that is not what Kubernetes expects is a diagnostic.

import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
  type YAMLMap,
} from "yaml";
import { type Diagnostic, diagnostic } from "../../../policy/diagnostics.js";
import type { ConfigSource } from "../../model.js";

export type ConfigCode = "config-syntax" | "config-unsupported" | "config-ignored";

const SEVERITY = {
  "config-syntax": "error",
  "config-unsupported": "warning",
  "config-ignored": "info",
} as const;

/** A key of a map with its value. */
export interface Field {
  readonly key: string;
  readonly keyNode: Node;
  readonly value: Node | null;
}

export class NodeReader {
  private readonly lines: string[];

  constructor(
    readonly file: string,
    text: string,
    private readonly lineCounter: LineCounter,
    readonly diagnostics: Diagnostic[],
  ) {
    this.lines = text.split(/\r?\n/);
  }

  /** The document the reader works on now (aliases resolve in it). */
  doc: Document | undefined;

  position(offset: number): { line: number; column: number } {
    const p = this.lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  }

  nodePosition(node: Node | null | undefined, fallback = 0): { line: number; column: number } {
    return this.position(node?.range?.[0] ?? fallback);
  }

  source(node: Node | null | undefined, fallback = 0): ConfigSource {
    const { line } = this.nodePosition(node, fallback);
    return { file: this.file, line, text: (this.lines[line - 1] ?? "").trim() };
  }

  report(code: ConfigCode, message: string, node: Node | null | undefined, fallback = 0): void {
    const pos = this.nodePosition(node, fallback);
    this.diagnostics.push(diagnostic(code, SEVERITY[code], message, { file: this.file, ...pos }));
  }

  deref(node: unknown): Node | null {
    if (isAlias(node) && this.doc) return (node.resolve(this.doc) as Node | undefined) ?? null;
    return (node as Node | null | undefined) ?? null;
  }

  isNull(node: Node | null): boolean {
    return node === null || (isScalar(node) && node.value === null);
  }

  map(node: Node | null, what: string): YAMLMap | undefined {
    if (isMap(node)) return node;
    this.report("config-syntax", `Expected a map for ${what}, got ${describe(node)}`, node);
    return undefined;
  }

  /** The map's fields; keys outside `known` are reported (unless in `quiet`, or `quiet` is "all") and left out. */
  fields(
    map: YAMLMap,
    known: readonly string[],
    what: string,
    quiet: readonly string[] | "all" = [],
  ): Map<string, Field> {
    const out = new Map<string, Field>();
    for (const pair of map.items) {
      const keyNode = this.deref(pair.key);
      const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
      if (key === undefined || keyNode === null) {
        this.report("config-syntax", `Expected a plain key in ${what}`, keyNode ?? map);
        continue;
      }
      if (known.includes(key)) out.set(key, { key, keyNode, value: this.deref(pair.value) });
      else if (quiet !== "all" && !quiet.includes(key))
        this.report(
          "config-unsupported",
          `Unknown key "${key}" in ${what}; Kubernetes rejects or drops it, and Rampart leaves it out`,
          keyNode,
        );
    }
    return out;
  }

  /** The items of a list; null (an empty value) is no items. */
  seq(node: Node | null, what: string): Node[] | undefined {
    if (this.isNull(node)) return [];
    if (isSeq(node)) return node.items.map((i) => this.deref(i) ?? (i as Node));
    this.report("config-syntax", `Expected a list for ${what}, got ${describe(node)}`, node);
    return undefined;
  }

  text(node: Node | null, what: string): string | undefined {
    if (isScalar(node) && (typeof node.value === "string" || typeof node.value === "number"))
      return String(node.value);
    this.report("config-syntax", `Expected a string for ${what}, got ${describe(node)}`, node);
    return undefined;
  }

  /** A map of strings (labels): values that are not strings are reported and left out. */
  stringMap(node: Node | null, what: string): Record<string, string> {
    const out: Record<string, string> = {};
    if (this.isNull(node)) return out;
    const map = this.map(node, what);
    if (!map) return out;
    for (const pair of map.items) {
      const k = this.deref(pair.key);
      const v = this.deref(pair.value);
      if (!isScalar(k)) continue;
      const value =
        isScalar(v) && v.value !== null && typeof v.value !== "object" ? String(v.value) : undefined;
      if (value === undefined)
        this.report("config-syntax", `Expected a string for "${String(k.value)}" in ${what}`, v ?? k);
      else out[String(k.value)] = value;
    }
    return out;
  }

  /** The comment written above a list item (a list's first item's comment belongs to the list). */
  commentAbove(seq: Node | null, index: number): string | undefined {
    if (!isSeq(seq)) return undefined;
    const item = seq.items[index] as Node | undefined;
    const comment = item?.commentBefore ?? (index === 0 ? seq.commentBefore : undefined);
    const first = comment?.split("\n").find((l) => l.trim() !== "");
    return first?.trim();
  }
}

export function describe(node: Node | null): string {
  if (node === null) return "nothing";
  if (isMap(node)) return "a map";
  if (isSeq(node)) return "a list";
  if (isScalar(node)) return node.value === null ? "nothing" : `"${String(node.value)}"`;
  return "an unexpected value";
}
