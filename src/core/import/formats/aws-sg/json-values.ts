// Reading typed values out of parsed AWS JSON (security groups and network ACLs alike).

import type { JsonValue } from "./json-parse.js";
import type { FileDiagnostics } from "./sg-model.js";

export function str(v: JsonValue | undefined): string | undefined {
  return v?.kind === "string" ? v.value : undefined;
}

/** A number, or a string of digits (the CLI's --output text round-trips numbers as strings). */
export function num(v: JsonValue | undefined): number | undefined {
  if (v?.kind === "number") return v.value;
  if (v?.kind === "string" && /^-?[0-9]+$/.test(v.value.trim())) return Number(v.value);
  return undefined;
}

/** The items of a JSON array; null or absent is empty, anything else a diagnostic and empty. */
export function list(v: JsonValue | undefined, what: string, d: FileDiagnostics): JsonValue[] {
  if (v === undefined || v.kind === "null") return [];
  if (v.kind === "array") return v.items;
  d.syntax(v.pos, `${what} must be a list; it is left out`);
  return [];
}

/**
 * Whether `v` is an object (a diagnostic otherwise, `what` naming it: "A security group"); each key outside
 * `known` is reported as ignored.
 */
export function knownObject(
  v: JsonValue,
  what: string,
  known: ReadonlySet<string>,
  d: FileDiagnostics,
): v is Extract<JsonValue, { kind: "object" }> {
  if (v.kind !== "object") {
    d.syntax(v.pos, `${what} must be an object; it is left out`);
    return false;
  }
  const lower = what.replace(/^an? /i, "");
  for (const e of v.entries)
    if (!known.has(e.key)) d.ignored(e.keyPos, `Unknown ${lower} key "${e.key}" is ignored`);
  return true;
}
