// IPv4 packet sets as unions of boxes of plain numbers: the fast, exact geometry of the anomaly analysis.
//
// A box is 7 inclusive ranges, [lo, hi] pairs in one flat array: destination address, source address,
// destination port, protocol, source port, ICMP type, ICMP code (the most selective first, so overlap tests
// fail early). Fields a protocol does not carry are full in every box, as they are free in the BDD, so set
// algebra on boxes is set algebra on packets.

import { Bdd } from "../../space/bdd.js";
import {
  DPORT_FIELD,
  DST_FIELD,
  FAMILY_VAR,
  ICMP_CODE_FIELD,
  ICMP_TYPE_FIELD,
  PROTO_FIELD,
  SPORT_FIELD,
  SRC_FIELD,
} from "../../space/layout.js";
import type { PacketSet } from "../../space/packet-set.js";
import { decompose, type PacketBox, type ValueRange } from "../../space/summarize.js";

export type Box = readonly number[];

export const DIMS = 7;
const FULL: readonly number[] = [0, 2 ** 32 - 1, 0, 2 ** 32 - 1, 0, 65535, 0, 255, 0, 65535, 0, 255, 0, 255];

export function boxesOverlap(a: Box, b: Box): boolean {
  for (let k = 0; k < 2 * DIMS; k += 2) if (a[k]! > b[k + 1]! || b[k]! > a[k + 1]!) return false;
  return true;
}

/** Whether `outer` holds every point of `inner`. */
export function boxContains(outer: Box, inner: Box): boolean {
  for (let k = 0; k < 2 * DIMS; k += 2)
    if (inner[k]! < outer[k]! || inner[k + 1]! > outer[k + 1]!) return false;
  return true;
}

/** Pushes a − b (disjoint boxes, at most 2 per dimension) onto `out`; a itself when they do not overlap. */
export function subtractBox(a: Box, b: Box, out: Box[]): void {
  if (!boxesOverlap(a, b)) {
    out.push(a);
    return;
  }
  const rest = a.slice();
  for (let k = 0; k < 2 * DIMS; k += 2) {
    if (rest[k]! < b[k]!) {
      const piece = rest.slice();
      piece[k + 1] = b[k]! - 1;
      out.push(piece);
      rest[k] = b[k]!;
    }
    if (rest[k + 1]! > b[k + 1]!) {
      const piece = rest.slice();
      piece[k] = b[k + 1]! + 1;
      out.push(piece);
      rest[k + 1] = b[k + 1]!;
    }
  }
}

/** Most boxes one rule may turn into before the analysis keeps it as a BDD instead. */
export const MAX_RULE_BOXES = 64;

/**
 * The rule's match as disjoint boxes, or undefined when it is not a small union of IPv4 boxes (IPv6, or
 * too many pieces): such lists are analysed on BDDs.
 */
export function setToBoxes(set: PacketSet, limit = MAX_RULE_BOXES): Box[] | undefined {
  if (set.isEmpty()) return [];
  const fast = productBoxes(set.space.bdd, set.node, limit);
  if (fast !== null) return fast;
  const { boxes, truncated } = decompose(set, limit, limit);
  if (truncated) return undefined;
  const out: Box[] = [];
  for (const b of boxes) {
    if (b.family !== 4) return undefined;
    if (!expandBox(b, out, limit)) return undefined;
  }
  return out;
}

function expandBox(b: PacketBox, out: Box[], limit: number): boolean {
  const full = (k: number): ValueRange[] => [{ lo: BigInt(FULL[2 * k]!), hi: BigInt(FULL[2 * k + 1]!) }];
  const fields: readonly (readonly ValueRange[])[] = [
    b.dst,
    b.src,
    b.dstPorts ?? full(2),
    b.protocols,
    b.srcPorts ?? full(4),
    b.icmpTypes ?? full(5),
    b.icmpCodes ?? full(6),
  ];
  let product = 1;
  for (const f of fields) product *= f.length;
  if (out.length + product > limit) return false;
  const walk = (k: number, acc: number[]) => {
    if (k === DIMS) {
      out.push(acc.slice());
      return;
    }
    for (const r of fields[k]!) {
      acc.push(Number(r.lo), Number(r.hi));
      walk(k + 1, acc);
      acc.length -= 2;
    }
  };
  walk(0, []);
  return true;
}

/** Field order along BDD variables, and where each lands in a box. */
const CHAIN: readonly { first: number; width: number; dim: number }[] = [
  { first: PROTO_FIELD.first, width: 8, dim: 3 },
  { first: DPORT_FIELD.first, width: 16, dim: 2 },
  { first: ICMP_TYPE_FIELD.first, width: 8, dim: 5 },
  { first: ICMP_CODE_FIELD.first, width: 8, dim: 6 },
  { first: DST_FIELD.first, width: 32, dim: 0 },
  { first: SRC_FIELD.first, width: 32, dim: 1 },
  { first: SPORT_FIELD.first, width: 16, dim: 4 },
];

/**
 * The common case in numbers instead of bigints: a set that is a product of per-field ranges (one chain of
 * fields, each leading to a single node). Null when the set is not such a product (the caller decomposes it
 * in general); undefined when it holds IPv6 packets or too many boxes.
 */
export function productBoxes(bdd: Bdd, root: number, limit: number): Box[] | undefined | null {
  const fields: number[][] = new Array<number[]>(DIMS);
  let n = root;
  for (const f of CHAIN) {
    if (f.first === DST_FIELD.first) {
      if (bdd.varOf(n) !== FAMILY_VAR || bdd.high(n) !== Bdd.FALSE) return undefined;
      n = bdd.low(n);
    }
    const ranges: number[] = [];
    const child = fieldRanges(bdd, n, f.first, f.width, ranges);
    if (child < 0) return null;
    fields[f.dim] = ranges;
    n = child;
  }
  if (n !== Bdd.TRUE) return null;
  let product = 1;
  for (const f of fields) product *= f.length / 2;
  if (product > limit) return undefined;
  const out: Box[] = [];
  const walk = (k: number, acc: number[]) => {
    if (k === DIMS) {
      out.push(acc.slice());
      return;
    }
    const f = fields[k]!;
    for (let i = 0; i < f.length; i += 2) {
      acc.push(f[i]!, f[i + 1]!);
      walk(k + 1, acc);
      acc.length -= 2;
    }
  };
  walk(0, []);
  return out;
}

/** Ranges (merged, ascending) of one field that lead to one node; that node, or -1 when there are several. */
function fieldRanges(bdd: Bdd, root: number, first: number, width: number, out: number[]): number {
  const end = first + width;
  let child = -1;
  let several = false;
  const walk = (n: number, depth: number, acc: number): void => {
    if (several || n === Bdd.FALSE) return;
    const v = bdd.varOf(n);
    if (v >= end) {
      if (child === -1) child = n;
      else if (child !== n) {
        several = true;
        return;
      }
      const span = 2 ** (width - depth);
      const lo = acc * span;
      const hi = lo + span - 1;
      if (out.length > 0 && out[out.length - 1]! + 1 === lo) out[out.length - 1] = hi;
      else out.push(lo, hi);
      return;
    }
    if (v - first > depth) {
      walk(n, depth + 1, acc * 2);
      walk(n, depth + 1, acc * 2 + 1);
    } else {
      walk(bdd.low(n), depth + 1, acc * 2);
      walk(bdd.high(n), depth + 1, acc * 2 + 1);
    }
  };
  walk(root, 0, 0);
  return several ? -1 : child;
}
