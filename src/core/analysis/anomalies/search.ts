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
    for (const b of g.boxesOf(j)!) blockers.push(b);
  }
  const budget = { left: WITNESS_BUDGET };
  let covered = true;
  for (const box of boxes) {
    const p = uncovered(box, blockers, blockers.length, budget);
    if (p === undefined) return undefined;
    if (p === null) continue;
    covered = false;
    const later = near.find((j) => j > i && g.containsPoint(j, p));
    const verdict = later === undefined ? fallThrough : actionFor(rules, i, later);
    if (verdict !== rules[i]!.action) return { kind: "effective" };
  }
  if (!covered) return laterShortcut(g, i, near, blockers, fallThrough, budget);
  return coveredBy(boxes, blockers, starts, budget);
}

/**
 * A point of `box` in none of `blockers[0..end)`, as uncoveredPoint: at once null when one blocker holds the
 * whole box (an earlier rule containing the current one settles its coverage), a corner of the box when one
 * is in no blocker (a witness without any search), else the depth-first search.
 */
function uncovered(box: Box, blockers: readonly Box[], end: number, budget: { left: number }) {
  let low = true;
  let high = true;
  for (let k = 0; k < end; k++) {
    const b = blockers[k]!;
    if (!boxesOverlap(b, box)) continue;
    if (boxContains(b, box)) return null;
    if (low && holdsCorner(b, box, 0)) low = false;
    if (high && holdsCorner(b, box, 1)) high = false;
  }
  if (low || high) return corner(box, low ? 0 : 1);
  return uncoveredPoint(box, blockers, 0, end, budget);
}

/** Whether box b holds the low (side 0) or high (side 1) corner of `box`. */
function holdsCorner(b: Box, box: Box, side: 0 | 1): boolean {
  for (let k = 0; k < b.length; k += 2) {
    const v = box[k + side]!;
    if (v < b[k]! || v > b[k + 1]!) return false;
  }
  return true;
}

/**
 * Rule i covered by the earlier rules, found by walking them one index segment at a time and stopping after
 * the first segment whose rules complete the cover: in lists of much overlap most rules are covered by a few
 * early ones, and the rest of the list is never queried. A witness point (in none of the blockers so far)
 * spares the search after a segment that does not hold it. Pushes the earlier rules met onto `earlier`: when
 * they are all of them (rule i is not covered, or a search ran out of budget: undefined), the full walks reuse
 * them.
 */
export function coveredEarly(g: ListGeometry, i: number, earlier: number[]): Shortcut {
  const boxes = g.boxesOf(i);
  const bounds = g.boundaries(i);
  if (!boxes || !bounds || boxes.length === 0) {
    earlier.push(...g.overlapping(g.region(i), 0, i));
    return undefined;
  }
  const blockers: Box[] = [];
  const starts: [number, number][] = [];
  const budget = { left: WITNESS_BUDGET };
  let witness: Box | undefined = corner(boxes[0]!);
  for (let s = 0; s + 1 < bounds.length; s++) {
    const added = blockers.length;
    for (const j of g.overlapping(g.region(i), bounds[s]!, bounds[s + 1]!)) {
      earlier.push(j);
      if (actionFor(g.rules, i, j) === "other") continue;
      starts.push([j, blockers.length]);
      for (const b of g.boxesOf(j)!) blockers.push(b);
    }
    const w = witness;
    if (w && !blockers.slice(added).some((b) => boxContains(b, w))) continue;
    witness = undefined;
    let settled = true;
    for (const box of boxes) {
      const p = uncovered(box, blockers, blockers.length, budget);
      if (p === undefined) settled = false;
      if (p) witness = p;
      if (p !== null) break;
    }
    const found = settled && !witness ? coveredBy(boxes, blockers, starts, budget) : undefined;
    if (found) return found;
    if (!settled || !witness) {
      // Out of budget: the full walks decide, on every earlier rule.
      earlier.push(...g.overlapping(g.region(i), bounds[s + 1]!, i));
      return undefined;
    }
  }
  return undefined;
}

/** The low (side 0) or high (side 1) corner of a box, as a box of one point. */
function corner(box: Box, side: 0 | 1 = 0): Box {
  const point: number[] = [];
  for (let k = 0; k < box.length; k += 2) point.push(box[k + side]!, box[k + side]!);
  return point;
}

/**
 * The deciders of a rule (its `boxes`) that the blockers cover, `starts` giving each blocking rule and where
 * its boxes begin. Rules after the shortest prefix of blockers that covers the rule decide nothing of it: find
 * that prefix by bisection (each probe a search; the first blocker holding a lone box bounds it), then test
 * only the rules inside it: rule j decides part of the rule when some packet of (j ∩ rule) is in no rule
 * before j.
 */
function coveredBy(
  boxes: readonly Box[],
  blockers: readonly Box[],
  starts: readonly (readonly [number, number])[],
  budget: { left: number },
): Shortcut {
  let lo = 0;
  let hi = blockers.length;
  if (boxes.length === 1) {
    const k = blockers.findIndex((b) => boxContains(b, boxes[0]!));
    if (k >= 0) hi = k;
  }
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    let all = true;
    for (const box of boxes) {
      const p = uncovered(box, blockers, mid + 1, budget);
      if (p === undefined) return undefined;
      if (p !== null) all = false;
    }
    if (all) hi = mid;
    else lo = mid + 1;
  }
  const deciders: number[] = [];
  for (let n = 0; n < starts.length; n++) {
    const [j, at] = starts[n]!;
    if (at > lo) break;
    const next = n + 1 < starts.length ? starts[n + 1]![1] : blockers.length;
    let decides = false;
    for (let c = at; c < next && !decides; c++) {
      for (const box of boxes) {
        const part = intersectBoxes(blockers[c]!, box);
        if (!part || decides) continue;
        const p = uncovered(part, blockers, at, budget);
        if (p === undefined) return undefined;
        if (p !== null) decides = true;
      }
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
