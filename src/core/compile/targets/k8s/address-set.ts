// Exact sets of addresses of both families as sorted disjoint ranges: the arithmetic NetworkPolicy peers need.

import { ADDRESS_BITS, type Family } from "../../../net/address.js";
import { hostMask, lastAddressValue, type Prefix, rangeToPrefixes } from "../../../net/prefix.js";

/** An inclusive range of addresses of one family. */
export interface AddressRange {
  readonly family: Family;
  readonly lo: bigint;
  readonly hi: bigint;
}

/** Sorted by family then address, disjoint, adjacent ranges merged: equal sets have equal lists. */
export type AddressSet = readonly AddressRange[];

export const EMPTY: AddressSet = [];

function normalize(ranges: AddressRange[]): AddressSet {
  ranges.sort((a, b) => a.family - b.family || (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  const out: AddressRange[] = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last && last.family === r.family && r.lo <= last.hi + 1n) {
      if (r.hi > last.hi) out[out.length - 1] = { family: r.family, lo: last.lo, hi: r.hi };
    } else out.push(r);
  }
  return out;
}

export function fromPrefixes(prefixes: readonly Prefix[]): AddressSet {
  return normalize(prefixes.map((p) => ({ family: p.family, lo: p.value, hi: lastAddressValue(p) })));
}

/** Every address of the family. */
export function fullFamily(family: Family): AddressSet {
  return [{ family, lo: 0n, hi: hostMask(family, 0) }];
}

export function union(...sets: AddressSet[]): AddressSet {
  return normalize(sets.flat());
}

export function minus(a: AddressSet, b: AddressSet): AddressSet {
  const out: AddressRange[] = [];
  for (const r of a) {
    let pieces: AddressRange[] = [r];
    for (const cut of b) {
      if (cut.family !== r.family) continue;
      pieces = pieces.flatMap((p) => {
        if (cut.hi < p.lo || cut.lo > p.hi) return [p];
        const kept: AddressRange[] = [];
        if (cut.lo > p.lo) kept.push({ family: p.family, lo: p.lo, hi: cut.lo - 1n });
        if (cut.hi < p.hi) kept.push({ family: p.family, lo: cut.hi + 1n, hi: p.hi });
        return kept;
      });
    }
    out.push(...pieces);
  }
  return normalize(out);
}

export function intersect(a: AddressSet, b: AddressSet): AddressSet {
  return minus(a, minus(a, b));
}

export function isEmpty(a: AddressSet): boolean {
  return a.length === 0;
}

export function equals(a: AddressSet, b: AddressSet): boolean {
  return (
    a.length === b.length &&
    a.every((r, i) => r.family === b[i]!.family && r.lo === b[i]!.lo && r.hi === b[i]!.hi)
  );
}

export function isSubset(a: AddressSet, b: AddressSet): boolean {
  return isEmpty(minus(a, b));
}

export function onlyFamily(a: AddressSet, family: Family): AddressSet {
  return a.filter((r) => r.family === family);
}

/** The fewest prefixes whose union is the set. */
export function toPrefixes(a: AddressSet): Prefix[] {
  return a.flatMap((r) => rangeToPrefixes(r.family, r.lo, r.hi));
}

/** A NetworkPolicy ipBlock: every address of `cidr` except those of `except` (each strictly inside `cidr`). */
export interface CidrBlock {
  readonly cidr: Prefix;
  readonly except: readonly Prefix[];
}

function halves(p: Prefix): [Prefix, Prefix] {
  const length = p.length + 1;
  const bit = 1n << BigInt(ADDRESS_BITS[p.family] - length);
  return [
    { family: p.family, value: p.value, length },
    { family: p.family, value: p.value | bit, length },
  ];
}

/**
 * The set as the fewest ipBlock strings (one per cidr and per except entry): under each prefix, either the
 * set's own prefixes or the prefix itself minus the gaps, whichever is shorter (plain prefixes on a tie).
 */
export function toCidrBlocks(a: AddressSet): CidrBlock[] {
  const out: CidrBlock[] = [];
  for (const family of [4, 6] as const) {
    const set = onlyFamily(a, family);
    if (set.length > 0) out.push(...bestCover(set, { family, value: 0n, length: 0 }).blocks());
  }
  return out;
}

interface Cover {
  /** ipBlock strings the best form takes. */
  readonly cost: number;
  /** Prefixes the node's gaps (addresses not in the set) take. */
  readonly gaps: number;
  /** Builds the best form (only for the node finally chosen, so deep recursions stay cheap). */
  readonly blocks: () => CidrBlock[];
}

function bestCover(set: AddressSet, node: Prefix): Cover {
  const nodeSet = fromPrefixes([node]);
  const inside = intersect(set, nodeSet);
  if (isEmpty(inside)) return { cost: 0, gaps: 1, blocks: () => [] };
  if (equals(inside, nodeSet)) return { cost: 1, gaps: 0, blocks: () => [{ cidr: node, except: [] }] };
  const [left, right] = halves(node);
  const l = bestCover(inside, left);
  const r = bestCover(inside, right);
  const gaps = l.gaps + r.gaps;
  if (1 + gaps < l.cost + r.cost)
    return {
      cost: 1 + gaps,
      gaps,
      blocks: () => [{ cidr: node, except: toPrefixes(minus(nodeSet, inside)) }],
    };
  return { cost: l.cost + r.cost, gaps, blocks: () => [...l.blocks(), ...r.blocks()] };
}
