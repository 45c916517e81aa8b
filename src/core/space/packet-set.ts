// Exact sets of packets: the engine every analysis stands on. Immutable values over a shared BDD manager.

import type { Family } from "../net/address.js";
import { ADDRESS_BITS } from "../net/address.js";
import type { Prefix } from "../net/prefix.js";
import { hasIcmp, hasPorts, PORT_PROTOCOLS, PROTO } from "../net/protocol.js";
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
  VAR_COUNT,
} from "./layout.js";
import type { Packet } from "./packet.js";
import { countPackets } from "./count.js";

export type Direction = "src" | "dst";

/**
 * The factory and owner of packet sets. Sets from different spaces never mix: an analysis makes one space
 * and builds everything in it.
 */
export class PacketSpace {
  readonly bdd: Bdd;
  private readonly protoNodes = new Map<number, number>();

  constructor(initialNodes?: number) {
    this.bdd = new Bdd(VAR_COUNT, initialNodes);
  }

  wrap(node: number): PacketSet {
    return new PacketSet(this, node);
  }

  all(): PacketSet {
    return this.wrap(Bdd.TRUE);
  }

  none(): PacketSet {
    return this.wrap(Bdd.FALSE);
  }

  /** Every packet of one address family. */
  family(family: Family): PacketSet {
    return this.wrap(this.familyNode(family));
  }

  private familyNode(family: Family): number {
    return family === 4
      ? this.bdd.mk(FAMILY_VAR, Bdd.TRUE, Bdd.FALSE)
      : this.bdd.mk(FAMILY_VAR, Bdd.FALSE, Bdd.TRUE);
  }

  private addressField(dir: Direction): FieldLayout {
    return dir === "src" ? SRC_FIELD : DST_FIELD;
  }

  /** Packets whose source (or destination) address is in the prefix. */
  prefix(dir: Direction, p: Prefix): PacketSet {
    return this.wrap(this.prefixNode(dir, p));
  }

  prefixNode(dir: Direction, p: Prefix): number {
    const field = this.addressField(dir);
    const bits = ADDRESS_BITS[p.family];
    const cube = this.bdd.cube(field.first, p.length, p.value >> BigInt(bits - p.length));
    return p.family === 4
      ? this.bdd.mk(FAMILY_VAR, cube, Bdd.FALSE)
      : this.bdd.mk(FAMILY_VAR, Bdd.FALSE, cube);
  }

  /** Packets whose source (or destination) address lies in [lo, hi] of one family. */
  addressRange(dir: Direction, family: Family, lo: bigint, hi: bigint): PacketSet {
    const field = this.addressField(dir);
    const r = this.bdd.range(field.first, addressWidth(family), lo, hi);
    return this.wrap(
      family === 4 ? this.bdd.mk(FAMILY_VAR, r, Bdd.FALSE) : this.bdd.mk(FAMILY_VAR, Bdd.FALSE, r),
    );
  }

  /**
   * Packets of one family whose source (or destination) lies in one of the ranges (sorted, disjoint); the
   * same set as the union of their prefixes, built without any union.
   */
  addressRangesNode(dir: Direction, family: Family, ranges: readonly { lo: bigint; hi: bigint }[]): number {
    const field = this.addressField(dir);
    const r = this.bdd.intervals(field.first, addressWidth(family), ranges);
    return family === 4 ? this.bdd.mk(FAMILY_VAR, r, Bdd.FALSE) : this.bdd.mk(FAMILY_VAR, Bdd.FALSE, r);
  }

  /** Every packet of an IP protocol. */
  protocol(proto: number): PacketSet {
    return this.wrap(this.protocolNode(proto));
  }

  protocolNode(proto: number): number {
    if (!Number.isInteger(proto) || proto < 0 || proto > 255)
      throw new RangeError(`Invalid protocol ${proto}`);
    let n = this.protoNodes.get(proto);
    if (n === undefined) {
      n = this.bdd.cube(PROTO_FIELD.first, PROTO_FIELD.width, BigInt(proto));
      this.protoNodes.set(proto, n);
    }
    return n;
  }

  /** Packets of a port-carrying protocol whose destination (or source) port lies in [lo, hi]. */
  ports(proto: number, dir: Direction, lo: number, hi: number): PacketSet {
    return this.wrap(this.portsNode(proto, dir, lo, hi));
  }

  portsNode(proto: number, dir: Direction, lo: number, hi: number): number {
    if (!hasPorts(proto)) throw new RangeError(`Protocol ${proto} carries no ports`);
    const field = dir === "dst" ? DPORT_FIELD : SPORT_FIELD;
    const r = this.bdd.range(field.first, field.width, BigInt(Math.max(0, lo)), BigInt(Math.min(65535, hi)));
    return this.bdd.and(this.protocolNode(proto), r);
  }

  /** ICMP or ICMPv6 packets of one type, and of one code when given. */
  icmp(proto: number, type: number, code?: number): PacketSet {
    if (!hasIcmp(proto)) throw new RangeError(`Protocol ${proto} is not ICMP`);
    let r = this.bdd.and(
      this.protocolNode(proto),
      this.bdd.cube(ICMP_TYPE_FIELD.first, ICMP_TYPE_FIELD.width, BigInt(type)),
    );
    if (code !== undefined)
      r = this.bdd.and(r, this.bdd.cube(ICMP_CODE_FIELD.first, ICMP_CODE_FIELD.width, BigInt(code)));
    return this.wrap(r);
  }

  /** The set holding exactly one packet. */
  packet(p: Packet): PacketSet {
    let n = this.bdd.and(this.protocolNode(p.proto), this.prefixNode("dst", hostPrefix(p.family, p.dst)));
    n = this.bdd.and(n, this.prefixNode("src", hostPrefix(p.family, p.src)));
    if (hasPorts(p.proto)) {
      n = this.bdd.and(n, this.portsNode(p.proto, "dst", p.dport, p.dport));
      n = this.bdd.and(n, this.portsNode(p.proto, "src", p.sport, p.sport));
    } else if (hasIcmp(p.proto)) {
      n = this.bdd.and(n, this.icmp(p.proto, p.icmpType, p.icmpCode).node);
    }
    return this.wrap(n);
  }

  /** Union of many sets, balanced so that no intermediate result grows needlessly. */
  unionAll(sets: Iterable<PacketSet | number>): PacketSet {
    const nodes: number[] = [];
    for (const s of sets) nodes.push(typeof s === "number" ? s : this.own(s));
    return this.wrap(this.orAll(nodes));
  }

  orAll(nodes: number[]): number {
    if (nodes.length === 0) return Bdd.FALSE;
    let level = nodes;
    while (level.length > 1) {
      const next: number[] = [];
      for (let i = 0; i < level.length; i += 2)
        next.push(i + 1 < level.length ? this.bdd.or(level[i]!, level[i + 1]!) : level[i]!);
      level = next;
    }
    return level[0]!;
  }

  own(s: PacketSet): number {
    if (s.space !== this) throw new TypeError("Packet sets from different spaces cannot be combined");
    return s.node;
  }

  /** Whether the packet is in the set: one walk from the root, no nodes built. */
  containsNode(node: number, p: Packet): boolean {
    const bdd = this.bdd;
    let n = node;
    while (n > 1) {
      n = packetBit(p, bdd.varOf(n)) ? bdd.high(n) : bdd.low(n);
    }
    return n === Bdd.TRUE;
  }
}

function hostPrefix(family: Family, value: bigint): Prefix {
  return { family, value, length: ADDRESS_BITS[family] };
}

/** The value of BDD variable v for a concrete packet. */
export function packetBit(p: Packet, v: number): number {
  if (v < DPORT_FIELD.first) return (p.proto >> (PROTO_FIELD.width - 1 - (v - PROTO_FIELD.first))) & 1;
  if (v < ICMP_TYPE_FIELD.first) return (p.dport >> (DPORT_FIELD.width - 1 - (v - DPORT_FIELD.first))) & 1;
  if (v < ICMP_CODE_FIELD.first)
    return (p.icmpType >> (ICMP_TYPE_FIELD.width - 1 - (v - ICMP_TYPE_FIELD.first))) & 1;
  if (v < FAMILY_VAR) return (p.icmpCode >> (ICMP_CODE_FIELD.width - 1 - (v - ICMP_CODE_FIELD.first))) & 1;
  if (v === FAMILY_VAR) return p.family === 4 ? 0 : 1;
  if (v < SRC_FIELD.first) return addressBit(p.family, p.dst, v - DST_FIELD.first);
  if (v < SPORT_FIELD.first) return addressBit(p.family, p.src, v - SRC_FIELD.first);
  return (p.sport >> (SPORT_FIELD.width - 1 - (v - SPORT_FIELD.first))) & 1;
}

function addressBit(family: Family, value: bigint, index: number): number {
  const width = addressWidth(family);
  if (index >= width) return 0;
  return Number((value >> BigInt(width - 1 - index)) & 1n);
}

/** An immutable set of packets. */
export class PacketSet {
  constructor(
    readonly space: PacketSpace,
    readonly node: number,
  ) {}

  union(o: PacketSet): PacketSet {
    return this.space.wrap(this.space.bdd.or(this.node, this.space.own(o)));
  }
  intersect(o: PacketSet): PacketSet {
    return this.space.wrap(this.space.bdd.and(this.node, this.space.own(o)));
  }
  minus(o: PacketSet): PacketSet {
    return this.space.wrap(this.space.bdd.diff(this.node, this.space.own(o)));
  }
  complement(): PacketSet {
    return this.space.wrap(this.space.bdd.not(this.node));
  }
  isEmpty(): boolean {
    return this.node === Bdd.FALSE;
  }
  isAll(): boolean {
    return this.node === Bdd.TRUE;
  }
  equals(o: PacketSet): boolean {
    return this.node === this.space.own(o);
  }
  isSubsetOf(o: PacketSet): boolean {
    return this.space.bdd.implies(this.node, this.space.own(o));
  }
  overlaps(o: PacketSet): boolean {
    return this.space.bdd.intersects(this.node, this.space.own(o));
  }
  contains(p: Packet): boolean {
    return this.space.containsNode(this.node, p);
  }
  /** The exact number of packets in the set. */
  size(): bigint {
    return countPackets(this.space.bdd, this.node);
  }
  /** A packet of the set (preferring TCP, then UDP, then ICMP), or undefined when it is empty. */
  witness(): Packet | undefined {
    if (this.isEmpty()) return undefined;
    const bdd = this.space.bdd;
    for (const proto of [PROTO.tcp, PROTO.udp, PROTO.icmp, PROTO.icmpv6]) {
      const n = bdd.and(this.node, this.space.protocolNode(proto));
      if (n !== Bdd.FALSE) return pickPacket(bdd, n);
    }
    return pickPacket(bdd, this.node);
  }
}

/** Follows one path to true, taking the low branch where it can, and reads the packet off it. */
function pickPacket(bdd: Bdd, node: number): Packet {
  const bits = new Uint8Array(VAR_COUNT);
  let n = node;
  while (n > 1) {
    const lo = bdd.low(n);
    if (lo !== Bdd.FALSE) n = lo;
    else {
      bits[bdd.varOf(n)] = 1;
      n = bdd.high(n);
    }
  }
  const read = (f: FieldLayout, width = f.width): bigint => {
    let v = 0n;
    for (let i = 0; i < width; i++) v = (v << 1n) | BigInt(bits[f.first + i]!);
    return v;
  };
  const family: Family = bits[FAMILY_VAR] ? 6 : 4;
  const proto = Number(read(PROTO_FIELD));
  const ports = hasPorts(proto);
  const icmp = hasIcmp(proto);
  return {
    family,
    proto,
    dst: read(DST_FIELD, addressWidth(family)),
    src: read(SRC_FIELD, addressWidth(family)),
    dport: ports ? Number(read(DPORT_FIELD)) : 0,
    sport: ports ? Number(read(SPORT_FIELD)) : 0,
    icmpType: icmp ? Number(read(ICMP_TYPE_FIELD)) : 0,
    icmpCode: icmp ? Number(read(ICMP_CODE_FIELD)) : 0,
  };
}

export { PORT_PROTOCOLS };

/** The services of a set: its packets with addresses and source ports made free. */
export function projectServices(set: PacketSet): PacketSet {
  const bdd = set.space.bdd;
  return set.space.wrap(bdd.existsRange(set.node, FAMILY_VAR, SPORT_FIELD.first + SPORT_FIELD.width - 1));
}
