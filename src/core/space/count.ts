// Exact packet counts: a model count in which the variables a packet does not carry count once, not twice.

import { hasIcmp, hasPorts } from "../net/protocol.js";
import { Bdd } from "./bdd.js";
import {
  DPORT_FIELD,
  DST_FIELD,
  FAMILY_VAR,
  ICMP_TYPE_FIELD,
  PROTO_FIELD,
  SPORT_FIELD,
  SRC_FIELD,
  VAR_COUNT,
} from "./layout.js";

/** What a protocol carries: 0 nothing, 1 ports, 2 ICMP type and code. */
type Carrier = 0 | 1 | 2;
/** 0: family not yet decided on this path; 4 or 6 once it is. */
type FamilyState = 0 | 4 | 6;

function carrierOf(proto: number): Carrier {
  return hasPorts(proto) ? 1 : hasIcmp(proto) ? 2 : 0;
}

function isLive(v: number, carrier: Carrier, family: FamilyState): boolean {
  if (v >= DPORT_FIELD.first && v < DPORT_FIELD.first + DPORT_FIELD.width) return carrier === 1;
  if (v >= SPORT_FIELD.first) return carrier === 1;
  if (v >= ICMP_TYPE_FIELD.first && v < FAMILY_VAR) return carrier === 2;
  if (v === FAMILY_VAR) return true;
  if (v >= DST_FIELD.first && v < SRC_FIELD.first) return family !== 4 || v - DST_FIELD.first < 32;
  if (v >= SRC_FIELD.first && v < SPORT_FIELD.first) return family !== 4 || v - SRC_FIELD.first < 32;
  return true;
}

/** liveBefore[k][v]: the number of live variables below v, for each carrier × family combination. */
const liveBefore: Int32Array[] = [];
for (const carrier of [0, 1, 2] as const) {
  for (const family of [0, 4, 6] as const) {
    const a = new Int32Array(VAR_COUNT + 1);
    for (let v = 0; v < VAR_COUNT; v++) a[v + 1] = a[v]! + (isLive(v, carrier, family) ? 1 : 0);
    liveBefore[carrier * 3 + (family === 0 ? 0 : family === 4 ? 1 : 2)] = a;
  }
}

function gap(carrier: Carrier, family: FamilyState, from: number, to: number): bigint {
  const a = liveBefore[carrier * 3 + (family === 0 ? 0 : family === 4 ? 1 : 2)]!;
  return 1n << BigInt(a[to]! - a[from]!);
}

/** The exact number of distinct packets in the set rooted at `node`. */
export function countPackets(bdd: Bdd, node: number): bigint {
  if (node === Bdd.FALSE) return 0n;
  const memo = new Map<number, bigint>();

  // Count of assignments to the variables from `level` on, for paths whose carrier and family are known.
  const countFrom = (n: number, level: number, carrier: Carrier, family: FamilyState): bigint => {
    if (n === Bdd.FALSE) return 0n;
    const v = bdd.varOf(n);
    if (family === 0 && v > FAMILY_VAR) {
      // The family bit is not tested on this path: both families, each with its own address widths.
      const before = gap(carrier, 0, level, FAMILY_VAR);
      return before * (countFrom(n, FAMILY_VAR + 1, carrier, 4) + countFrom(n, FAMILY_VAR + 1, carrier, 6));
    }
    const g = gap(carrier, family, level, v);
    if (n === Bdd.TRUE) return g;
    const key = n * 9 + carrier * 3 + (family === 0 ? 0 : family === 4 ? 1 : 2);
    let c = memo.get(key);
    if (c === undefined) {
      if (v === FAMILY_VAR)
        c = countFrom(bdd.low(n), v + 1, carrier, 4) + countFrom(bdd.high(n), v + 1, carrier, 6);
      else c = countFrom(bdd.low(n), v + 1, carrier, family) + countFrom(bdd.high(n), v + 1, carrier, family);
      memo.set(key, c);
    }
    return g * c;
  };

  let total = 0n;
  const protoEnd = PROTO_FIELD.first + PROTO_FIELD.width;
  for (let proto = 0; proto < 256; proto++) {
    let n = node;
    while (n > 1 && bdd.varOf(n) < protoEnd) {
      const v = bdd.varOf(n);
      n = (proto >> (PROTO_FIELD.width - 1 - v)) & 1 ? bdd.high(n) : bdd.low(n);
    }
    total += countFrom(n, protoEnd, carrierOf(proto), 0);
  }
  return total;
}
