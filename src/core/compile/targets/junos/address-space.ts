// Sets of addresses of one family as sorted, disjoint ranges: exact intersection with zone spaces and
// conversion back to the fewest prefixes.

import { type Family, maxAddressValue } from "../../../net/address.js";
import { lastAddressValue, type Prefix, rangeToPrefixes } from "../../../net/prefix.js";
import type { AddressTerm } from "../../../policy/types.js";

/** An inclusive range of address values. */
export interface Span {
  readonly lo: bigint;
  readonly hi: bigint;
}

/** Sorted, disjoint and non-adjacent spans. */
export type Spans = readonly Span[];

export function prefixSpan(p: Prefix): Span {
  return { lo: p.value, hi: lastAddressValue(p) };
}

/** Sorts and merges overlapping or adjacent spans. */
export function normalize(spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.lo <= last.hi + 1n) {
      if (s.hi > last.hi) out[out.length - 1] = { lo: last.lo, hi: s.hi };
    } else out.push(s);
  }
  return out;
}

export function intersect(a: Spans, b: Spans): Span[] {
  const out: Span[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    const lo = x.lo > y.lo ? x.lo : y.lo;
    const hi = x.hi < y.hi ? x.hi : y.hi;
    if (lo <= hi) out.push({ lo, hi });
    if (x.hi < y.hi) i++;
    else j++;
  }
  return out;
}

export function union(a: Spans, b: Spans): Span[] {
  return normalize([...a, ...b]);
}

/** `a` minus `b`. */
export function subtract(a: Spans, b: Spans): Span[] {
  const out: Span[] = [];
  for (const s of a) {
    let lo = s.lo;
    for (const c of b) {
      if (c.hi < lo || c.lo > s.hi) continue;
      if (c.lo > lo) out.push({ lo, hi: c.lo - 1n });
      lo = c.hi + 1n;
      if (lo > s.hi) break;
    }
    if (lo <= s.hi) out.push({ lo, hi: s.hi });
  }
  return out;
}

export function spansEqual(a: Spans, b: Spans): boolean {
  return a.length === b.length && a.every((s, i) => s.lo === b[i]!.lo && s.hi === b[i]!.hi);
}

export function fullSpans(family: Family): Span[] {
  return [{ lo: 0n, hi: maxAddressValue(family) }];
}

/** The prefixes of one family as spans; absent: every address of the family. */
export function prefixesToSpans(family: Family, prefixes: readonly Prefix[] | undefined): Span[] {
  if (prefixes === undefined) return fullSpans(family);
  return normalize(prefixes.filter((p) => p.family === family).map(prefixSpan));
}

/** A zone's space in one family: each network minus its exceptions. */
export function termsToSpans(family: Family, terms: readonly AddressTerm[]): Span[] {
  const parts = terms
    .filter((t) => t.prefix.family === family)
    .flatMap((t) => subtract([prefixSpan(t.prefix)], normalize(t.except.map(prefixSpan))));
  return normalize(parts);
}

export function spansToPrefixes(family: Family, spans: Spans): Prefix[] {
  return spans.flatMap((s) => rangeToPrefixes(family, s.lo, s.hi));
}
