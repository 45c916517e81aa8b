// Exact shortcuts for the anomaly analysis of box lists: depth-first searches for witness packets, one leftover
// piece at a time, instead of whole leftover regions.

import type { RuleList } from "../../import/model.js";
import { type Box, boxContains, boxesOverlap, subtractBox } from "./box.js";
import type { ListGeometry } from "./geometry.js";
import { actionFor } from "./interfaces.js";

/** Box subtractions a witness search may make before it gives up (the full walk then decides). */
const WITNESS_BUDGET = 200_000;

/**
 * A point of `box` in none of `blockers[from..]`, by depth-first box subtraction (one leftover piece at a
 * time, so memory stays small); null when the blockers cover the box, undefined when the budget ran out.
 */
function uncoveredPoint(
  box: Box,
  blockers: readonly Box[],
  from: number,
  end: number,
  budget: { left: number },
): Box | null | undefined {
  for (let k = from; k < end; k++) {
    const b = blockers[k]!;
    if (!boxesOverlap(box, b)) continue;
    if (boxContains(b, box)) return null;
    if (--budget.left < 0) return undefined;
    const pieces: Box[] = [];
    subtractBox(box, b, pieces);
    for (const piece of pieces) {
      const found = uncoveredPoint(piece, blockers, k + 1, end, budget);
      if (found !== null) return found;
    }
    return null;
  }
  const point: number[] = [];
  for (let k = 0; k < box.length; k += 2) point.push(box[k]!, box[k]!);
  return point;
}

/** What the searches settled about rule i (undefined: nothing; the full walks decide). */
export type Shortcut =
  | undefined
  | { readonly kind: "effective" }
  | { readonly kind: "covered"; readonly deciders: number[] }
  | { readonly kind: "later"; readonly takers: number[]; readonly byDefault: boolean };

/** A later rule in the search for a packet whose verdict would change: it takes packets, or it changes them. */
interface LaterBlocker {
  readonly box: Box;
  readonly owner: number;
  readonly same: boolean;
}

interface VerdictSearch {
  readonly blockers: readonly LaterBlocker[];
  readonly budget: { left: number };
  readonly takers: Set<number>;
  /** Whether the default is what rule i does. */
  readonly defaultSame: boolean;
  reachedDefault: boolean;
}

/**
 * Whether some packet of `box` (already outside every earlier rule) would get another verdict without rule i:
 * depth-first through the later rules in order, as uncoveredPoint. Undefined when the budget ran out.
 */
function verdictChanges(box: Box, s: VerdictSearch, from: number): boolean | undefined {
  for (let k = from; k < s.blockers.length; k++) {
    const b = s.blockers[k]!;
    if (!boxesOverlap(box, b.box)) continue;
    if (!b.same) return true;
    if (b.owner >= 0) s.takers.add(b.owner);
    if (boxContains(b.box, box)) return false;
    if (--s.budget.left < 0) return undefined;
    const pieces: Box[] = [];
    subtractBox(box, b.box, pieces);
    for (const piece of pieces) {
      const r = verdictChanges(piece, s, k + 1);
      if (r !== false) return r;
    }
    return false;
  }
  s.reachedDefault = true;
  return !s.defaultSame;
}

/**
 * A shortcut around the full walks, with depth-first searches instead of whole leftover regions. A packet of
 * rule i that no earlier rule decides is one rule i decides: if the later rules and the default would not give
 * it the same action, rule i is neither covered nor redundant. When no such packet exists rule i is covered,
 * and an earlier rule j decides part of it exactly when some packet of (j ∩ i) is in no rule before j. Exact
 * (every answer rests on a witness or an exhausted search); undefined when a search ran out of budget or the
 * rule may be redundant through later rules: the full walks decide.
 */
export function shortcut(
  g: ListGeometry,
  i: number,
  near: readonly number[],
  fallThrough: RuleList["fallThrough"],
): Shortcut {
  const rules = g.rules;
  const boxes = g.boxesOf(i);
  if (!boxes) return undefined;
  const blockers: Box[] = [];
  const starts: [number, number][] = [];
  for (const j of near) {
    if (j >= i) break;
    if (actionFor(rules, i, j) === "other") continue;
    starts.push([j, blockers.length]);
    blockers.push(...g.boxesOf(j)!);
  }
  const budget = { left: WITNESS_BUDGET };
  let covered = true;
  for (const box of boxes) {
    const p = uncoveredPoint(box, blockers, 0, blockers.length, budget);
    if (p === undefined) return undefined;
    if (p === null) continue;
    covered = false;
    const later = near.find((j) => j > i && g.containsPoint(j, p));
    const verdict = later === undefined ? fallThrough : actionFor(rules, i, later);
    if (verdict !== rules[i]!.action) return { kind: "effective" };
  }
  if (!covered) return laterShortcut(g, i, near, blockers, fallThrough, budget);
  // Rules after the shortest prefix of blockers that covers rule i decide nothing of it: find that prefix by
  // bisection (each probe a search), then test only the rules inside it.
  let lo = 0;
  let hi = blockers.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    let all = true;
    for (const box of boxes) {
      const p = uncoveredPoint(box, blockers, 0, mid + 1, budget);
      if (p === undefined) return undefined;
      if (p !== null) all = false;
    }
    if (all) hi = mid;
    else lo = mid + 1;
  }
  const deciders: number[] = [];
  for (const [j, at] of starts) {
    if (at > lo) break;
    let decides = false;
    for (const c of g.boxesOf(j)!)
      for (const box of boxes) {
        const part = intersectBoxes(c, box);
        if (!part || decides) continue;
        const p = uncoveredPoint(part, blockers, 0, at, budget);
        if (p === undefined) return undefined;
        if (p !== null) decides = true;
      }
    if (decides) deciders.push(j);
  }
  return { kind: "covered", deciders };
}

/** Rule i is not covered: does every packet it decides get its action from the later rules and the default? */
function laterShortcut(
  g: ListGeometry,
  i: number,
  near: readonly number[],
  blockers: readonly Box[],
  fallThrough: RuleList["fallThrough"],
  budget: { left: number },
): Shortcut {
  const rules = g.rules;
  const action = rules[i]!.action;
  // The earlier rules first (they only block: rule i never decides their packets), then the later ones.
  const chain: LaterBlocker[] = blockers.map((box) => ({ box, owner: -1, same: true }));
  for (const j of near)
    if (j > i)
      for (const box of g.boxesOf(j)!) chain.push({ box, owner: j, same: actionFor(rules, i, j) === action });
  const search: VerdictSearch = {
    blockers: chain,
    budget,
    takers: new Set(),
    defaultSame: fallThrough === action,
    reachedDefault: false,
  };
  for (const box of g.boxesOf(i)!) {
    const r = verdictChanges(box, search, 0);
    if (r !== false) return r ? { kind: "effective" } : undefined;
  }
  const takers = [...search.takers].sort((a, b) => a - b);
  return { kind: "later", takers, byDefault: search.reachedDefault };
}

function intersectBoxes(a: Box, b: Box): Box | undefined {
  const out: number[] = [];
  for (let k = 0; k < a.length; k += 2) {
    const lo = Math.max(a[k]!, b[k]!);
    const hi = Math.min(a[k + 1]!, b[k + 1]!);
    if (lo > hi) return undefined;
    out.push(lo, hi);
  }
  return out;
}
