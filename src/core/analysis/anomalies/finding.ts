// What the configuration analyses report: one finding per problem, pointing at the line a person must edit.

import type { ImportedRule } from "../../import/model.js";

export type FindingKind =
  | "shadowed"
  | "redundant"
  | "correlated"
  | "generalization"
  | "overly-permissive"
  | "policy-violation"
  | "unused"
  | "expired"
  | "empty";

/** error: the rule does not do what it says or breaks the policy; warning: it should go or be narrowed; note: worth a look. */
export type FindingSeverity = "error" | "warning" | "note";

export const SEVERITY_RANK: Readonly<Record<FindingSeverity, number>> = { note: 1, warning: 2, error: 3 };

/** The severity of each kind (documented in docs/analyze.md). */
export const KIND_SEVERITY: Readonly<Record<FindingKind, FindingSeverity>> = {
  "policy-violation": "error",
  shadowed: "error",
  empty: "note",
  redundant: "warning",
  "overly-permissive": "warning",
  expired: "warning",
  correlated: "note",
  generalization: "note",
  unused: "note",
};

export interface FindingLocation {
  readonly file: string;
  readonly line: number;
}

export interface Finding {
  readonly kind: FindingKind;
  readonly severity: FindingSeverity;
  readonly message: string;
  readonly location: FindingLocation;
  readonly related: readonly FindingLocation[];
}

/** Related rules listed per finding at most; the message keeps the exact count. */
export const MAX_RELATED = 10;

export function locationOf(rule: ImportedRule): FindingLocation {
  return { file: rule.source.file, line: rule.source.line };
}

export function makeFinding(
  kind: FindingKind,
  rule: ImportedRule,
  message: string,
  related: readonly ImportedRule[] = [],
): Finding {
  return {
    kind,
    severity: KIND_SEVERITY[kind],
    message,
    location: locationOf(rule),
    related: related.slice(0, MAX_RELATED).map(locationOf),
  };
}

/** "line 12", "lines 3, 7 and 9", "lines 3, 7, … (25 rules)": the rules a finding names, in its message. */
export function describeLines(rules: readonly ImportedRule[], total = rules.length): string {
  const lines = rules.slice(0, MAX_RELATED).map((r) => String(r.source.line));
  if (total > MAX_RELATED) return `lines ${lines.join(", ")} … (${total} rules)`;
  if (lines.length === 1) return `line ${lines[0]}`;
  return `lines ${lines.slice(0, -1).join(", ")} and ${lines[lines.length - 1]}`;
}

/** Orders findings by file, line, then kind, so that output is stable. */
export function compareFindings(a: Finding, b: Finding): number {
  if (a.location.file !== b.location.file) return a.location.file < b.location.file ? -1 : 1;
  if (a.location.line !== b.location.line) return a.location.line - b.location.line;
  return a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0;
}
