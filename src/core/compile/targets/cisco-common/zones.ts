// Which zones an address list is made of: groups that equal a zone, or a union of whole zones, are named
// after them.

import type { Family } from "../../../net/address.js";
import { lastAddressValue, type Prefix } from "../../../net/prefix.js";
import type { AddressTerm } from "../../../policy/types.js";

interface Span {
  lo: bigint;
  hi: bigint;
}

function merge(spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.lo <= last.hi + 1n) last.hi = s.hi > last.hi ? s.hi : last.hi;
    else out.push({ ...s });
  }
  return out;
}

function minus(spans: Span[], cut: Span): Span[] {
  return spans.flatMap((s) => {
    if (cut.hi < s.lo || cut.lo > s.hi) return [s];
    const parts: Span[] = [];
    if (s.lo < cut.lo) parts.push({ lo: s.lo, hi: cut.lo - 1n });
    if (cut.hi < s.hi) parts.push({ lo: cut.hi + 1n, hi: s.hi });
    return parts;
  });
}

const key = (spans: readonly Span[]) => spans.map((s) => `${s.lo}-${s.hi}`).join(",");

/** The point's zones by address family, as merged address spans. */
export class ZoneIndex {
  private readonly zones: { name: string; family: Family; spans: Span[] }[] = [];

  constructor(zoneNetworks: ReadonlyMap<string, readonly AddressTerm[]>) {
    for (const family of [4, 6] as const)
      for (const [name, terms] of zoneNetworks) {
        const spans: Span[] = [];
        for (const t of terms) {
          if (t.prefix.family !== family) continue;
          let part: Span[] = [{ lo: t.prefix.value, hi: lastAddressValue(t.prefix) }];
          for (const e of t.except) part = minus(part, { lo: e.value, hi: lastAddressValue(e) });
          spans.push(...part);
        }
        if (spans.length > 0) this.zones.push({ name, family, spans: merge(spans) });
      }
  }

  /** "zone-corp-branch-v4" when the prefixes are exactly those whole zones; undefined otherwise. */
  groupName(family: Family, prefixes: readonly Prefix[]): string | undefined {
    const list = merge(prefixes.map((p) => ({ lo: p.value, hi: lastAddressValue(p) })));
    const inside = (s: Span) => list.some((l) => l.lo <= s.lo && s.hi <= l.hi);
    const touches = (s: Span) => list.some((l) => l.lo <= s.hi && s.lo <= l.hi);
    const members: { name: string; spans: Span[] }[] = [];
    for (const z of this.zones) {
      if (z.family !== family) continue;
      if (z.spans.every(inside)) members.push(z);
      else if (z.spans.some(touches)) return undefined;
    }
    if (members.length === 0 || key(merge(members.flatMap((m) => m.spans))) !== key(list)) return undefined;
    return `zone-${members.map((m) => m.name).join("-")}-v${family}`;
  }
}
