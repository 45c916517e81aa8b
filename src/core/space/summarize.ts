// Human summaries of packet sets: a disjoint list of boxes (protocols × ports × addresses), printed as
// services, CIDRs and ranges.

import type { Family } from "../net/address.js";
import { formatAddress } from "../net/address.js";
import { formatPrefix, rangeToPrefixes } from "../net/prefix.js";
import { hasIcmp, hasPorts, protocolName } from "../net/protocol.js";
import { Bdd } from "./bdd.js";
import {
  addressWidth,
  DPORT_FIELD,
  DST_FIELD,
  FAMILY_VAR,
  type FieldLayout,
  ICMP_CODE_FIELD,
  ICMP_TYPE_FIELD,
  PROTO_FIELD,
  SPORT_FIELD,
  SRC_FIELD,
} from "./layout.js";
import type { PacketSet } from "./packet-set.js";

/** Inclusive range of field values. */
export interface ValueRange {
  readonly lo: bigint;
  readonly hi: bigint;
}

/** One box of the decomposition; every packet of the set lies in exactly one box. */
export interface PacketBox {
  readonly protocols: readonly ValueRange[];
  /** Present when the protocols carry ports and not every destination port is in the box. */
  readonly dstPorts?: readonly ValueRange[];
  readonly srcPorts?: readonly ValueRange[];
  readonly icmpTypes?: readonly ValueRange[];
  readonly icmpCodes?: readonly ValueRange[];
  readonly family: Family;
  readonly src: readonly ValueRange[];
  readonly dst: readonly ValueRange[];
}

export interface Decomposition {
  readonly boxes: PacketBox[];
  /** True when the set had more boxes (or a field more ranges) than the limit; boxes are then a prefix. */
  readonly truncated: boolean;
}

interface Group {
  ranges: ValueRange[];
  child: number;
}

class Limit {
  truncated = false;
  constructor(
    public remaining: number,
    readonly ranges: number,
  ) {}
}

/** Splits the values of one field by the node they lead to, in ascending order, adjacent ranges merged. */
function partition(bdd: Bdd, node: number, field: FieldLayout, width: number, limit: Limit): Group[] {
  const end = field.first + width;
  const groups = new Map<number, Group>();
  const order: Group[] = [];
  let emitted = 0;
  const emit = (lo: bigint, hi: bigint, child: number) => {
    if (child === Bdd.FALSE) return;
    let g = groups.get(child);
    if (!g) {
      g = { ranges: [], child };
      groups.set(child, g);
      order.push(g);
    }
    const last = g.ranges[g.ranges.length - 1];
    if (last && last.hi + 1n === lo) g.ranges[g.ranges.length - 1] = { lo: last.lo, hi };
    else g.ranges.push({ lo, hi });
    emitted++;
  };
  const walk = (n: number, depth: number, acc: bigint) => {
    if (emitted > limit.ranges) {
      limit.truncated = true;
      return;
    }
    const v = bdd.varOf(n);
    if (v >= end) {
      const free = BigInt(width - depth);
      const lo = acc << free;
      emit(lo, lo | ((1n << free) - 1n), n);
      return;
    }
    const idx = v - field.first;
    if (idx > depth) {
      walk(n, depth + 1, acc << 1n);
      walk(n, depth + 1, (acc << 1n) | 1n);
    } else {
      walk(bdd.low(n), depth + 1, acc << 1n);
      walk(bdd.high(n), depth + 1, (acc << 1n) | 1n);
    }
  };
  walk(node, 0, 0n);
  return order;
}

const FULL16: ValueRange = { lo: 0n, hi: 65535n };
const FULL8: ValueRange = { lo: 0n, hi: 255n };

function isFull(ranges: readonly ValueRange[], full: ValueRange): boolean {
  return ranges.length === 1 && ranges[0]!.lo === full.lo && ranges[0]!.hi === full.hi;
}

/** Decomposes a set into disjoint boxes, at most `maxBoxes` of them, each field split at most `maxRanges` ways. */
export function decompose(set: PacketSet, maxBoxes = 200, maxRanges = 4096): Decomposition {
  const bdd = set.space.bdd;
  const limit = new Limit(maxBoxes, maxRanges);
  const boxes: PacketBox[] = [];
  for (const pg of partition(bdd, set.node, PROTO_FIELD, PROTO_FIELD.width, limit)) {
    const ports = pg.ranges.every((r) => rangeAll(r, hasPorts));
    const icmp = pg.ranges.every((r) => rangeAll(r, hasIcmp));
    const dports = ports
      ? partition(bdd, pg.child, DPORT_FIELD, 16, limit)
      : [{ ranges: [FULL16], child: pg.child }];
    for (const dg of dports) {
      const types = icmp
        ? partition(bdd, dg.child, ICMP_TYPE_FIELD, 8, limit)
        : [{ ranges: [FULL8], child: dg.child }];
      for (const tg of types) {
        const codes = icmp
          ? partition(bdd, tg.child, ICMP_CODE_FIELD, 8, limit)
          : [{ ranges: [FULL8], child: tg.child }];
        for (const cg of codes) {
          for (const fg of partition(bdd, cg.child, { first: FAMILY_VAR, width: 1 }, 1, limit)) {
            for (const fr of fg.ranges) {
              for (let fbit = fr.lo; fbit <= fr.hi; fbit++) {
                const family: Family = fbit === 0n ? 4 : 6;
                const w = addressWidth(family);
                for (const dg2 of partition(bdd, fg.child, DST_FIELD, w, limit)) {
                  for (const sg of partition(bdd, dg2.child, SRC_FIELD, w, limit)) {
                    const sports = ports
                      ? partition(bdd, sg.child, SPORT_FIELD, 16, limit)
                      : [{ ranges: [FULL16], child: sg.child }];
                    for (const spg of sports) {
                      if (boxes.length >= limit.remaining) return { boxes, truncated: true };
                      boxes.push({
                        protocols: pg.ranges,
                        ...(ports && !isFull(dg.ranges, FULL16) ? { dstPorts: dg.ranges } : {}),
                        ...(ports && !isFull(spg.ranges, FULL16) ? { srcPorts: spg.ranges } : {}),
                        ...(icmp && !isFull(tg.ranges, FULL8) ? { icmpTypes: tg.ranges } : {}),
                        ...(icmp && !isFull(cg.ranges, FULL8) ? { icmpCodes: cg.ranges } : {}),
                        family,
                        dst: dg2.ranges,
                        src: sg.ranges,
                      });
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
  return { boxes, truncated: limit.truncated };
}

function rangeAll(r: ValueRange, pred: (p: number) => boolean): boolean {
  for (let p = Number(r.lo); p <= Number(r.hi); p++) if (!pred(p)) return false;
  return true;
}

function formatRanges(ranges: readonly ValueRange[]): string {
  return ranges.map((r) => (r.lo === r.hi ? `${r.lo}` : `${r.lo}-${r.hi}`)).join(",");
}

/** Addresses as CIDRs where that stays short, otherwise as first-last ranges. */
export function formatAddressRanges(family: Family, ranges: readonly ValueRange[], maxItems = 8): string {
  const max = (1n << BigInt(addressWidth(family))) - 1n;
  if (ranges.length === 1 && ranges[0]!.lo === 0n && ranges[0]!.hi === max)
    return family === 4 ? "any IPv4" : "any IPv6";
  const items: string[] = [];
  for (const r of ranges) {
    const cidrs = rangeToPrefixes(family, r.lo, r.hi);
    if (cidrs.length <= 4) items.push(...cidrs.map(formatPrefix));
    else items.push(`${formatAddress({ family, value: r.lo })}-${formatAddress({ family, value: r.hi })}`);
  }
  if (items.length > maxItems)
    return `${items.slice(0, maxItems).join(", ")} and ${items.length - maxItems} more`;
  return items.join(", ");
}

/** "tcp/80,443", "udp", "icmp/8", "any protocol", "proto 50-51". */
export function formatServices(box: PacketBox): string {
  const protos = box.protocols;
  if (isFull(protos, FULL8)) return "any protocol";
  const names: string[] = [];
  for (const r of protos) {
    if (r.hi - r.lo > 3n) {
      names.push(`proto ${r.lo}-${r.hi}`);
      continue;
    }
    for (let p = Number(r.lo); p <= Number(r.hi); p++) {
      let s = protocolName(p);
      if (box.dstPorts) s += `/${formatRanges(box.dstPorts)}`;
      if (box.icmpTypes) s += `/${formatRanges(box.icmpTypes)}`;
      if (box.icmpCodes) s += `${box.icmpTypes ? "" : "/any"}/${formatRanges(box.icmpCodes)}`;
      names.push(s);
    }
  }
  return names.join(", ");
}

export function formatBox(box: PacketBox): string {
  const sport = box.srcPorts ? ` source port ${formatRanges(box.srcPorts)}` : "";
  return `${formatServices(box)} from ${formatAddressRanges(box.family, box.src)} to ${formatAddressRanges(box.family, box.dst)}${sport}`;
}

/** One line per box, e.g. "tcp/443 from 10.0.0.0/8 to 10.30.0.5"; "nothing" for the empty set. */
export function summarize(set: PacketSet, maxLines = 50): string[] {
  if (set.isEmpty()) return ["nothing"];
  if (set.isAll()) return ["every packet"];
  const { boxes, truncated } = decompose(set, maxLines);
  const lines = boxes.map(formatBox);
  if (truncated) lines.push("… and more");
  return lines;
}

/** The exact set of packets in a box (the inverse of decompose, used to check it and to render rules). */
export function boxToSet(space: PacketSet["space"], box: PacketBox): PacketSet {
  const bdd = space.bdd;
  const fieldRanges = (field: FieldLayout, width: number, ranges: readonly ValueRange[]) =>
    space.orAll(ranges.map((r) => bdd.range(field.first, width, r.lo, r.hi)));
  const w = addressWidth(box.family);
  const famNode = (n: number) =>
    box.family === 4 ? bdd.mk(FAMILY_VAR, n, Bdd.FALSE) : bdd.mk(FAMILY_VAR, Bdd.FALSE, n);
  let n = bdd.and(famNode(fieldRanges(DST_FIELD, w, box.dst)), famNode(fieldRanges(SRC_FIELD, w, box.src)));
  let l4 = fieldRanges(PROTO_FIELD, 8, box.protocols);
  if (box.dstPorts) l4 = bdd.and(l4, fieldRanges(DPORT_FIELD, 16, box.dstPorts));
  if (box.srcPorts) l4 = bdd.and(l4, fieldRanges(SPORT_FIELD, 16, box.srcPorts));
  if (box.icmpTypes) l4 = bdd.and(l4, fieldRanges(ICMP_TYPE_FIELD, 8, box.icmpTypes));
  if (box.icmpCodes) l4 = bdd.and(l4, fieldRanges(ICMP_CODE_FIELD, 8, box.icmpCodes));
  n = bdd.and(n, l4);
  return space.wrap(n);
}
