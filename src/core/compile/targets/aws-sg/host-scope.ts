// Whether a host rule's own side (the destination of an ingress rule, the source of an egress rule) can be
// left to the security group: a group applies to every address of its host, so the rule must cover all of
// the host's addresses that the point is responsible for.

import type { Family } from "../../../net/address.js";
import { lastAddressValue, type Prefix } from "../../../net/prefix.js";
import type { AddressTerm } from "../../../policy/types.js";

interface Interval {
  readonly lo: bigint;
  readonly hi: bigint;
}

function toIntervals(prefixes: readonly Prefix[], family: Family): Interval[] {
  return merge(
    prefixes.filter((p) => p.family === family).map((p) => ({ lo: p.value, hi: lastAddressValue(p) })),
  );
}

function merge(list: readonly Interval[]): Interval[] {
  const sorted = [...list].sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  const out: Interval[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.lo <= last.hi + 1n)
      out[out.length - 1] = { lo: last.lo, hi: r.hi > last.hi ? r.hi : last.hi };
    else out.push(r);
  }
  return out;
}

function subtract(from: readonly Interval[], cut: readonly Interval[]): Interval[] {
  let out = [...from];
  for (const c of cut) {
    out = out.flatMap((r) => {
      if (c.hi < r.lo || c.lo > r.hi) return [r];
      const parts: Interval[] = [];
      if (r.lo < c.lo) parts.push({ lo: r.lo, hi: c.lo - 1n });
      if (c.hi < r.hi) parts.push({ lo: c.hi + 1n, hi: r.hi });
      return parts;
    });
  }
  return out;
}

function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const x of a)
    for (const y of b) {
      const lo = x.lo > y.lo ? x.lo : y.lo;
      const hi = x.hi < y.hi ? x.hi : y.hi;
      if (lo <= hi) out.push({ lo, hi });
    }
  return merge(out);
}

/** The zones' address space of one family: each network minus its exceptions. */
function zoneIntervals(zones: Iterable<readonly AddressTerm[]>, family: Family): Interval[] {
  const out: Interval[] = [];
  for (const terms of zones)
    for (const t of terms) {
      if (t.prefix.family !== family) continue;
      out.push(...subtract(toIntervals([t.prefix], family), toIntervals(t.except, family)));
    }
  return merge(out);
}

/**
 * True when `side` (absent: every address of the family) contains every address of the host, of the
 * family, that lies in the point's zones: then the group, which applies to all of the host, says the same.
 */
export function coversHost(
  side: readonly Prefix[] | undefined,
  family: Family,
  host: readonly Prefix[],
  zones: Iterable<readonly AddressTerm[]>,
): boolean {
  if (side === undefined) return true;
  const inScope = intersect(toIntervals(host, family), zoneIntervals(zones, family));
  return subtract(inScope, toIntervals(side, family)).length === 0;
}
