// Which address and port lists become named sets: those several rules share, and long ones. A list that
// is exactly a zone's address space is named after the zone.

import type { Family } from "../../../net/address.js";
import { formatPrefix, lastAddressValue, type Prefix, rangeToPrefixes } from "../../../net/prefix.js";
import type { AddressTerm } from "../../../policy/types.js";
import type { IrRule, NumRange } from "../../ir.js";
import { deviceName } from "../../names.js";

/** A list longer than this gets a named set; shorter ones read better inline. */
const LONG_LIST = 4;
const NAME_MAX = 64;

export type SetType = "ipv4_addr" | "ipv6_addr" | "inet_service";

export interface NamedSetPlan {
  readonly name: string;
  readonly type: SetType;
  readonly elements: readonly string[];
}

export interface Span {
  readonly lo: bigint;
  readonly hi: bigint;
}

/** Sorted, with overlapping and adjacent spans merged: one text per space, and no overlap nft refuses. */
export function normalize(spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.lo <= last.hi + 1n)
      out[out.length - 1] = { lo: last.lo, hi: last.hi > s.hi ? last.hi : s.hi };
    else out.push(s);
  }
  return out;
}

function spansKey(spans: readonly Span[]): string {
  return normalize(spans)
    .map((s) => `${s.lo}-${s.hi}`)
    .join(",");
}

function prefixSpan(p: Prefix): Span {
  return { lo: p.value, hi: lastAddressValue(p) };
}

/** A zone's space of one family, as spans: its networks minus their exceptions. */
function zoneSpans(terms: readonly AddressTerm[], family: Family): Span[] {
  const out: Span[] = [];
  for (const t of terms) {
    if (t.prefix.family !== family) continue;
    let parts: Span[] = [prefixSpan(t.prefix)];
    for (const e of t.except) {
      if (e.family !== family) continue;
      const cut = prefixSpan(e);
      parts = parts.flatMap((p) => {
        if (cut.hi < p.lo || cut.lo > p.hi) return [p];
        const keep: Span[] = [];
        if (p.lo < cut.lo) keep.push({ lo: p.lo, hi: cut.lo - 1n });
        if (cut.hi < p.hi) keep.push({ lo: cut.hi + 1n, hi: p.hi });
        return keep;
      });
    }
    out.push(...parts);
  }
  return out;
}

/** Number ranges sorted, overlapping and adjacent ones merged. */
export function normalizeRanges(ranges: readonly NumRange[]): NumRange[] {
  return normalize(ranges.map((r) => ({ lo: BigInt(r.lo), hi: BigInt(r.hi) }))).map((s) => ({
    lo: Number(s.lo),
    hi: Number(s.hi),
  }));
}

function rangeText(r: NumRange): string {
  return r.lo === r.hi ? String(r.lo) : `${r.lo}-${r.hi}`;
}

export interface ListUse {
  readonly key: string;
  /** Address lists: the family and the spans, for naming after zones. */
  readonly family?: Family;
  readonly spans: readonly Span[];
  readonly type: SetType;
  readonly elements: string[];
  /** The name when no zone has exactly this space: the first rule using it, and the side. */
  readonly hint: string;
}

/** Every span of `inner` lies inside one span of `outer` (both normalized). */
function covered(inner: readonly Span[], outer: readonly Span[]): boolean {
  return inner.every((s) => outer.some((o) => o.lo <= s.lo && s.hi <= o.hi));
}

/**
 * Plans named sets and answers, for each list, how a rule refers to it. A list that is exactly the space of
 * one zone, or of several, is a set named after them; another list is a set when it is long, named after
 * the first rule using it; short lists stay inline, where a reader sees the addresses.
 */
export class SetPlanner {
  private readonly zoneSpans: { zone: string; family: Family; spans: Span[] }[] = [];
  private readonly names = new Map<string, string>();
  private readonly used = new Set<string>();
  readonly plans: NamedSetPlan[] = [];

  constructor(zones: ReadonlyMap<string, readonly AddressTerm[]>) {
    for (const [zone, terms] of zones)
      for (const family of [4, 6] as const) {
        const spans = normalize(zoneSpans(terms, family));
        if (spans.length > 0) this.zoneSpans.push({ zone, family, spans });
      }
  }

  /** "zone_dmz_v4" when the list is a zone's space, "zones_corp_vpn_v4" for several; else undefined. */
  private zoneName(use: ListUse): string | undefined {
    if (use.family === undefined) return undefined;
    const spans = normalize(use.spans);
    const inside = this.zoneSpans.filter((z) => z.family === use.family && covered(z.spans, spans));
    if (inside.length === 0 || spansKey(inside.flatMap((z) => z.spans)) !== spansKey(spans)) return undefined;
    const names = inside.map((z) => z.zone).join("_");
    return `${inside.length === 1 ? "zone" : "zones"}_${names}_v${use.family}`;
  }

  private setName(raw: string): string {
    // nft names start with a letter or "_".
    const base = deviceName(/^[A-Za-z_]/.test(raw) ? raw : `_${raw}`, NAME_MAX - 3);
    let name = base;
    for (let i = 2; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  /** The text a rule uses for the list: `@set`, one value, or `{ a, b }`. */
  reference(use: ListUse): string {
    let name = this.names.get(use.key);
    if (!name) {
      const zone = use.elements.length > 1 ? this.zoneName(use) : undefined;
      if (zone === undefined && use.elements.length <= LONG_LIST)
        return use.elements.length === 1 ? use.elements[0]! : `{ ${use.elements.join(", ")} }`;
      name = this.setName(zone ?? use.hint);
      this.names.set(use.key, name);
      this.plans.push({ name, type: use.type, elements: use.elements });
    }
    return `@${name}`;
  }
}

/** A rule's source or destination addresses as a list use, or undefined when it matches every address. */
export function addressUse(r: IrRule, side: "src" | "dst"): ListUse | undefined {
  const list = r[side];
  if (!list || list.length === 0) return undefined;
  const spans = normalize(list.map(prefixSpan));
  return {
    key: `${r.family}|${spansKey(spans)}`,
    family: r.family,
    spans,
    type: r.family === 4 ? "ipv4_addr" : "ipv6_addr",
    elements: spans.flatMap((s) => rangeToPrefixes(r.family, s.lo, s.hi)).map(formatPrefix),
    hint: `${r.origin.name}_${side}_v${r.family}`,
  };
}

/** A rule's destination or source ports as a list use (`head` names the protocol: tcp, udp, th ...). */
export function portUse(r: IrRule, side: "dstPorts" | "srcPorts", head: string): ListUse | undefined {
  const list = r[side];
  if (!list || list.length === 0) return undefined;
  const ranges = normalizeRanges(list);
  const spans = ranges.map((p) => ({ lo: BigInt(p.lo), hi: BigInt(p.hi) }));
  return {
    key: `port|${spansKey(spans)}`,
    spans,
    type: "inet_service",
    elements: ranges.map(rangeText),
    hint: `${r.origin.name}_${head}_${side === "dstPorts" ? "dports" : "sports"}`,
  };
}
