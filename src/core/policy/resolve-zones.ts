// Zone address spaces by longest-prefix match, and exact containment of a prefix in a union of terms.

import { ADDRESS_BITS } from "../net/address.js";
import { formatPrefix, lastAddressValue, type Prefix, prefixCovers } from "../net/prefix.js";
import { type Diagnostic, diagnostic } from "./diagnostics.js";
import type { AddressTerm, NetworkEntry, Zone } from "./types.js";

/** A network kept for a zone after duplicates across zones are dropped. */
export interface ZoneNetwork {
  readonly zone: string;
  readonly entry: NetworkEntry;
}

export function prefixKey(p: Prefix): string {
  return `${p.family}/${p.value}/${p.length}`;
}

export function prefixesOverlap(a: Prefix, b: Prefix): boolean {
  return prefixCovers(a, b) || prefixCovers(b, a);
}

/**
 * Each zone's exact address space. An address belongs to the zone whose network matches it with the
 * longest prefix, so a zone network N contributes N minus the other zones' networks strictly inside N.
 * A network listed in two zones is an error at the second and stays with the first.
 */
export function computeZoneSpaces(
  zones: readonly Zone[],
  diagnostics: Diagnostic[],
): { spaces: Map<string, AddressTerm[]>; networks: ZoneNetwork[] } {
  const owners = new Map<string, ZoneNetwork>();
  for (const zone of zones)
    for (const entry of zone.networks) {
      const seen = owners.get(prefixKey(entry.prefix));
      const net = formatPrefix(entry.prefix);
      if (!seen) owners.set(prefixKey(entry.prefix), { zone: zone.name, entry });
      else if (seen.zone === zone.name)
        diagnostics.push(
          diagnostic(
            "duplicate-network",
            "warning",
            `Network ${net} is listed twice in zone "${zone.name}"`,
            entry.loc,
          ),
        );
      else
        diagnostics.push(
          diagnostic(
            "duplicate-network",
            "error",
            `Network ${net} is already in zone "${seen.zone}" (${formatLoc(seen.entry)}); an address belongs to one zone`,
            entry.loc,
          ),
        );
    }
  const networks = [...owners.values()];
  const sorted = networks.map((n) => n.entry.prefix).sort(comparePrefixes);
  const zoneOf = new Map(networks.map((n) => [prefixKey(n.entry.prefix), n.zone]));
  const spaces = new Map<string, AddressTerm[]>(zones.map((z) => [z.name, []]));
  for (const { zone, entry } of networks) {
    const inner = networksInside(sorted, entry.prefix).filter((p) => zoneOf.get(prefixKey(p)) !== zone);
    spaces.get(zone)?.push({ prefix: entry.prefix, except: minimalCover(inner) });
  }
  return { spaces, networks };
}

/** The prefixes of `sorted` (in address order) strictly inside `outer`: a contiguous run found by bisection. */
function networksInside(sorted: readonly Prefix[], outer: Prefix): Prefix[] {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const p = sorted[mid]!;
    if (p.family < outer.family || (p.family === outer.family && p.value < outer.value)) lo = mid + 1;
    else hi = mid;
  }
  const out: Prefix[] = [];
  for (let i = lo; i < sorted.length; i++) {
    const p = sorted[i]!;
    if (p.family !== outer.family || p.value > lastAddressValue(outer)) break;
    if (p.length > outer.length) out.push(p);
  }
  return out;
}

function formatLoc(entry: NetworkEntry): string {
  return `${entry.loc.file}:${entry.loc.line}:${entry.loc.column}`;
}

/** Drops prefixes covered by another of the list; the rest in address order. */
export function minimalCover(prefixes: readonly Prefix[]): Prefix[] {
  // Prefixes nest or are disjoint, so in address order (wider first) only the last kept one can cover the next.
  const kept: Prefix[] = [];
  for (const p of [...prefixes].sort(comparePrefixes)) {
    const last = kept[kept.length - 1];
    if (!last || !prefixCovers(last, p)) kept.push(p);
  }
  return kept;
}

export function comparePrefixes(a: Prefix, b: Prefix): number {
  if (a.family !== b.family) return a.family - b.family;
  if (a.value !== b.value) return a.value < b.value ? -1 : 1;
  return a.length - b.length;
}

/**
 * True when every address of `p` lies in the union of the terms. Where a term covers `p` but an
 * exception cuts into it, `p` is split in halves until each half is decided — only along those edges.
 */
export function termsCover(terms: readonly AddressTerm[], p: Prefix): boolean {
  const relevant = terms.filter((t) => prefixesOverlap(t.prefix, p));
  for (const t of relevant)
    if (prefixCovers(t.prefix, p) && !t.except.some((e) => prefixesOverlap(e, p))) return true;
  // With nothing more specific than p in play, each term holds all of p or none of it: none did.
  const finer = relevant.some(
    (t) => t.prefix.length > p.length || t.except.some((e) => e.length > p.length && prefixCovers(p, e)),
  );
  if (!finer || p.length >= ADDRESS_BITS[p.family]) return false;
  const length = p.length + 1;
  const low: Prefix = { family: p.family, value: p.value, length };
  const high: Prefix = {
    family: p.family,
    value: p.value | (1n << BigInt(ADDRESS_BITS[p.family] - length)),
    length,
  };
  return termsCover(relevant, low) && termsCover(relevant, high);
}

/** Exact duplicates removed (same prefix and same exceptions), first occurrence kept. */
export function dedupeTerms(terms: readonly AddressTerm[]): AddressTerm[] {
  const byKey = new Map<string, AddressTerm>();
  for (const t of terms) {
    const key = [t.prefix, ...t.except].map(prefixKey).join(" ");
    if (!byKey.has(key)) byKey.set(key, t);
  }
  return [...byKey.values()];
}
