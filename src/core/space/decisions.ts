// Ordered rule lists over packet sets: what a chain accepts and returns, folded run by run from the last rule
// up, without the growing "still undecided" set a rule-by-rule walk drags through every step.

import { FAMILY_VAR, VAR_COUNT } from "./layout.js";
import type { PacketSet, PacketSpace } from "./packet-set.js";

/**
 * What a run of consecutive rules does with the packets that enter it: `decided` ends there (accepted,
 * returned to the caller, or dropped: the rest of `decided`); every other packet goes on to the next rule.
 * `accept` and `back` lie within `decided`.
 */
export interface Decision {
  readonly accept: PacketSet;
  readonly back: PacketSet;
  readonly decided: PacketSet;
  /** Set when the rule ends all it decides with this one verdict. */
  readonly verdict?: Verdict;
}

export type Verdict = "accept" | "drop" | "back";

/** A run of rules of one verdict, or a call, as node-level getters (a call's sets are built when needed). */
interface Item {
  readonly a: () => number;
  readonly r: () => number;
  readonly d: () => number;
}

/** A rule that passes every packet on (continue, a log, a jump left out). */
export function passDecision(space: PacketSpace): Decision {
  const none = space.none();
  return { accept: none, back: none, decided: none };
}

/** A rule ending `match` with one verdict. */
export function verdictDecision(space: PacketSpace, match: PacketSet, verdict: Verdict): Decision {
  const none = space.none();
  return {
    accept: verdict === "accept" ? match : none,
    back: verdict === "back" ? match : none,
    decided: match,
    verdict,
  };
}

/**
 * A rule sending `match` into a chain whose outcome is `sub` (accepted, returned): with `goto`, what the chain
 * returns goes back to our caller; with a jump, it goes on to the next rule. What the chain drops is dropped.
 * What the chain returns is read only when needed: a jump that nothing follows never needs it.
 */
export function callDecision(
  space: PacketSpace,
  match: PacketSet,
  sub: { readonly accept: PacketSet; readonly back: PacketSet },
  goto: boolean,
): Decision {
  let back: PacketSet | undefined;
  let decided: PacketSet | undefined;
  return {
    accept: match.intersect(sub.accept),
    get back() {
      return (back ??= goto ? match.intersect(sub.back) : space.none());
    },
    get decided() {
      return (decided ??= goto ? match : match.minus(sub.back));
    },
  };
}

/**
 * The decision of the rules in order (first match), equal to a walk from the first rule to the last exactly
 * (the sets are canonical). The walk drags the growing "still undecided" set through every step; instead,
 * each run of rules with one verdict becomes one union (a balanced tree, ordered by service), and the runs
 * and calls are folded from the last up, one or two operations each. What the rules return and decide is
 * built only when asked: a base chain that drops by default needs neither.
 */
export function sequenceDecisions(space: PacketSpace, decisions: readonly Decision[]): Decision {
  const bdd = space.bdd;
  const items: Item[] = [];
  let run: number[] = [];
  let runVerdict: Verdict | undefined;
  const flush = () => {
    if (run.length === 0) return;
    const union = space.orAll(sortByService(space, run));
    const a = runVerdict === "accept" ? union : 0;
    const r = runVerdict === "back" ? union : 0;
    items.push({ a: () => a, r: () => r, d: () => union });
    run = [];
  };
  for (const x of decisions) {
    if (x.verdict === undefined) {
      flush();
      items.push(lazyItem(space, x));
      continue;
    }
    const d = space.own(x.decided);
    if (d === 0) continue;
    if (x.verdict !== runVerdict) flush();
    runVerdict = x.verdict;
    run.push(d);
  }
  flush();
  // What enters item i and ends in `part` of it: its own part of what it decides, else what the items after
  // it do with the rest (nothing after: no need to know what it decides).
  const fold = (part: (x: Item) => number): PacketSet => {
    let acc = 0;
    for (let i = items.length - 1; i >= 0; i--) {
      const x = items[i]!;
      const own = part(x);
      if (acc === 0) {
        acc = own;
        continue;
      }
      const d = x.d();
      if (own === d) acc = bdd.or(own, acc);
      else if (own === 0) acc = bdd.diff(acc, d);
      else acc = bdd.or(own, bdd.diff(acc, d));
    }
    return space.wrap(acc);
  };
  let back: PacketSet | undefined;
  let decided: PacketSet | undefined;
  return {
    accept: fold((x) => x.a()),
    get back() {
      return (back ??= fold((x) => x.r()));
    },
    get decided() {
      return (decided ??= space.wrap(space.orAll(items.map((x) => x.d()))));
    },
  };
}

/** A call's sets as getters, each read from the decision once and only when the fold needs it. */
function lazyItem(space: PacketSpace, x: Decision): Item {
  const memo = (get: () => PacketSet) => {
    let n = -1;
    return () => (n < 0 ? (n = space.own(get())) : n);
  };
  return { a: memo(() => x.accept), r: memo(() => x.back), d: memo(() => x.decided) };
}

/**
 * A run of one verdict commutes (the first match among its rules is any match), so it is ordered by service:
 * rules of one service are then merged with each other first, and merges across services, which share no
 * protocol or port, stay small.
 */
function sortByService(space: PacketSpace, run: readonly number[]): number[] {
  if (run.length <= 2) return [...run];
  const bdd = space.bdd;
  const service = new Map<number, number>();
  const key = (n: number) => {
    let k = service.get(n);
    if (k === undefined) {
      k = bdd.existsRange(n, FAMILY_VAR, VAR_COUNT - 1);
      service.set(n, k);
    }
    return k;
  };
  return [...run].sort((p, q) => key(p) - key(q));
}
