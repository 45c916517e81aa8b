// Which rules were added, removed, changed or moved between two versions of a configuration, matched by
// content (list, action, match set, label) rather than by line number.

import type { ImportedRule } from "../../import/model.js";

export type RuleChangeKind = "added" | "removed" | "changed" | "moved" | "unchanged";

/** What differs in a changed rule. */
export type RuleAspect = "match" | "action" | "label" | "text";

export interface RuleChange {
  readonly kind: RuleChangeKind;
  /** The rule in the old version (absent when added). */
  readonly old?: ImportedRule;
  /** The rule in the new version (absent when removed). */
  readonly new?: ImportedRule;
  /** Changed: what differs. Unchanged and moved rules may still differ in "text" (same meaning, new wording). */
  readonly aspects: readonly RuleAspect[];
}

const decides = (r: ImportedRule) => r.action !== "other";

/**
 * Pairs the rules of two versions in four passes, each list on its own: identical content (list, action,
 * match set, label), then same list and label (a rule edited in place), then same list, action and match
 * (a rule relabelled), then same list and match (its action flipped), then the line diff (same list and
 * action, between the same paired neighbours: a rule edited in place). Pairs are taken in order, so
 * duplicates pair first with first. Among identical pairs,
 * those off the longest common order are "moved": under first-match evaluation their position matters.
 * Rules that decide nothing ("other": jumps, logs) are compared like the others.
 */
export function diffRules(
  oldRules: readonly ImportedRule[],
  newRules: readonly ImportedRule[],
): RuleChange[] {
  const pairOld = new Map<number, number>();
  const pairNew = new Map<number, number>();
  type Key = (r: ImportedRule, index: number, side: "old" | "new") => string | undefined;
  const pass = (key: Key) => {
    const waiting = new Map<string, number[]>();
    oldRules.forEach((r, i) => {
      if (pairOld.has(i)) return;
      const k = key(r, i, "old");
      if (k === undefined) return;
      const list = waiting.get(k) ?? [];
      list.push(i);
      waiting.set(k, list);
    });
    newRules.forEach((r, j) => {
      if (pairNew.has(j)) return;
      const k = key(r, j, "new");
      const list = k === undefined ? undefined : waiting.get(k);
      const i = list?.shift();
      if (i === undefined) return;
      pairOld.set(i, j);
      pairNew.set(j, i);
    });
  };
  const label = (r: ImportedRule) => r.label ?? "";
  pass((r) => `${r.list}\u0000${r.action}\u0000${r.match.node}\u0000${label(r)}`);
  const exact = new Set(pairOld.keys());
  pass((r) => (r.label ? `${r.list}\u0000${r.label}` : undefined));
  pass((r) => `${r.list}\u0000${r.action}\u0000${r.match.node}`);
  pass((r) => `${r.list}\u0000${r.match.node}`);
  // Last, the line diff: a rule left over sits in a gap between paired rules of its list; an old and a new
  // rule of the same action in the same gap are one rule edited in place (paired in order within the gap).
  const oldGap = gaps(oldRules, (i) => (pairOld.has(i) ? i : undefined));
  const newGap = gaps(newRules, (j) => pairNew.get(j));
  pass((r, i, side) => `${r.list}\u0000${r.action}\u0000${(side === "old" ? oldGap : newGap)[i]}`);
  const inOrder = longestOrderedPairs([...exact].sort((a, b) => a - b).map((i) => pairOld.get(i)!));
  const out: RuleChange[] = [];
  oldRules.forEach((o, i) => {
    const j = pairOld.get(i);
    if (j === undefined) {
      out.push({ kind: "removed", old: o, aspects: [] });
      return;
    }
    const n = newRules[j]!;
    const aspects: RuleAspect[] = [];
    if (!o.match.equals(n.match)) aspects.push("match");
    if (o.action !== n.action) aspects.push("action");
    if (label(o) !== label(n)) aspects.push("label");
    if (o.source.text !== n.source.text) aspects.push("text");
    const kind: RuleChangeKind = !exact.has(i)
      ? "changed"
      : inOrder.has(j) || !decides(o)
        ? "unchanged"
        : "moved";
    out.push({ kind, old: o, new: n, aspects });
  });
  newRules.forEach((n, j) => {
    if (!pairNew.has(j)) out.push({ kind: "added", new: n, aspects: [] });
  });
  return out;
}

/**
 * For each rule, the old index of the nearest paired rule before it in its list (-1: none), as given by
 * `anchor` (the rule's own old index, or its old partner's).
 */
function gaps(rules: readonly ImportedRule[], anchor: (index: number) => number | undefined): number[] {
  const last = new Map<string, number>();
  return rules.map((r, i) => {
    const before = last.get(r.list) ?? -1;
    const a = anchor(i);
    if (a !== undefined) last.set(r.list, a);
    return before;
  });
}

/** The values of the longest increasing subsequence of `seq` (new positions of identical rules, old order). */
function longestOrderedPairs(seq: readonly number[]): Set<number> {
  const tails: number[] = [];
  const tailAt: number[] = [];
  const prev: number[] = new Array<number>(seq.length).fill(-1);
  seq.forEach((v, i) => {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tails[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    tails[lo] = v;
    tailAt[lo] = i;
    prev[i] = lo > 0 ? tailAt[lo - 1]! : -1;
  });
  const keep = new Set<number>();
  let k = tails.length > 0 ? tailAt[tails.length - 1]! : -1;
  while (k >= 0) {
    keep.add(seq[k]!);
    k = prev[k]!;
  }
  return keep;
}
