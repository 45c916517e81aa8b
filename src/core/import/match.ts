// Building blocks importers use to turn one rule's match conditions into an exact packet set.

import type { Family } from "../net/address.js";
import type { Prefix } from "../net/prefix.js";
import { hasIcmp, hasPorts } from "../net/protocol.js";
import { Bdd } from "../space/bdd.js";
import { ICMP_CODE_FIELD, ICMP_TYPE_FIELD, PROTO_FIELD } from "../space/layout.js";
import type { Direction, PacketSet, PacketSpace } from "../space/packet-set.js";

/** An inclusive range of small numbers (protocols, ports, ICMP types and codes). */
export interface Range {
  readonly lo: number;
  readonly hi: number;
}

/** Packets of one family whose source (or destination) is in one of the prefixes (none: no packet). */
export function prefixMatch(space: PacketSpace, dir: Direction, prefixes: readonly Prefix[]): PacketSet {
  return space.wrap(space.orAll(prefixes.map((p) => space.prefixNode(dir, p))));
}

/** Packets whose source (or destination) lies in [lo, hi] of the family. */
export function rangeMatch(
  space: PacketSpace,
  dir: Direction,
  family: Family,
  lo: bigint,
  hi: bigint,
): PacketSet {
  return space.addressRange(dir, family, lo, hi);
}

/** Packets whose IP protocol is in the ranges. */
export function protocolMatch(space: PacketSpace, ranges: readonly Range[]): PacketSet {
  const bdd = space.bdd;
  return space.wrap(
    space.orAll(
      ranges.map((r) => bdd.range(PROTO_FIELD.first, PROTO_FIELD.width, BigInt(r.lo), BigInt(r.hi))),
    ),
  );
}

/**
 * Packets of the given port-carrying protocols whose destination (or source) port is in the ranges.
 * Protocols without ports are left out: a port condition never matches them.
 */
export function portMatch(
  space: PacketSpace,
  protocols: readonly number[],
  dir: Direction,
  ranges: readonly Range[],
): PacketSet {
  const nodes: number[] = [];
  for (const proto of protocols) {
    if (!hasPorts(proto)) continue;
    for (const r of ranges) nodes.push(space.portsNode(proto, dir, r.lo, r.hi));
  }
  return space.wrap(space.orAll(nodes));
}

/** ICMP (or ICMPv6) packets whose type, and code, lie in the ranges (absent: any). */
export function icmpMatch(
  space: PacketSpace,
  proto: number,
  types?: readonly Range[],
  codes?: readonly Range[],
): PacketSet {
  if (!hasIcmp(proto)) throw new RangeError(`Protocol ${proto} is not ICMP`);
  const bdd = space.bdd;
  let n = space.protocolNode(proto);
  const field = (first: number, rs: readonly Range[]) =>
    space.orAll(rs.map((r) => bdd.range(first, 8, BigInt(r.lo), BigInt(r.hi))));
  if (types) n = bdd.and(n, field(ICMP_TYPE_FIELD.first, types));
  if (codes) n = bdd.and(n, field(ICMP_CODE_FIELD.first, codes));
  return space.wrap(n);
}

/** The intersection of several conditions (none: every packet). */
export function allOf(space: PacketSpace, sets: readonly PacketSet[]): PacketSet {
  let n = Bdd.TRUE;
  for (const s of sets) n = space.bdd.and(n, space.own(s));
  return space.wrap(n);
}

/** One rule of an ordered list, as first-match evaluation needs it. */
export interface OrderedRule {
  readonly action: "accept" | "drop" | "other";
  readonly match: PacketSet;
}

/**
 * What an ordered first-match list accepts: each packet takes the action of the first accept or drop rule
 * that matches it, else `fallback` ("other" rules do not decide). Folded from the last rule up: one
 * set operation per rule.
 */
export function firstMatch(
  space: PacketSpace,
  rules: readonly OrderedRule[],
  fallback: "accept" | "drop",
): PacketSet {
  const bdd = space.bdd;
  let acc = fallback === "accept" ? Bdd.TRUE : Bdd.FALSE;
  for (let i = rules.length - 1; i >= 0; i--) {
    const r = rules[i]!;
    if (r.action === "accept") acc = bdd.or(space.own(r.match), acc);
    else if (r.action === "drop") acc = bdd.diff(acc, space.own(r.match));
  }
  return space.wrap(acc);
}

/** The first rule of the list that matches the packet set's witness-like single packet set. */
export function firstRuleMatching<R extends OrderedRule>(
  rules: readonly R[],
  packet: PacketSet,
): R | undefined {
  return rules.find((r) => r.action !== "other" && r.match.overlaps(packet));
}

/**
 * What host filters let through together: a connection passes when the egress filter of every protected
 * host it leaves and the ingress filter of every protected host it enters accept it. Traffic touching no
 * protected host is not filtered (every packet passes).
 */
export function hostAccepts(
  space: PacketSpace,
  hosts: readonly {
    readonly addresses: readonly Prefix[];
    readonly ingress: PacketSet;
    readonly egress: PacketSet;
  }[],
): PacketSet {
  const bdd = space.bdd;
  let acc = Bdd.TRUE;
  for (const h of hosts) {
    const src = space.orAll(h.addresses.map((p) => space.prefixNode("src", p)));
    const dst = space.orAll(h.addresses.map((p) => space.prefixNode("dst", p)));
    acc = bdd.diff(acc, bdd.diff(dst, space.own(h.ingress)));
    acc = bdd.diff(acc, bdd.diff(src, space.own(h.egress)));
  }
  return space.wrap(acc);
}

/**
 * How conntrack classifies the first packet of each new connection of the model (Linux 6.x): ICMP other
 * than the requests that start a connection (echo, timestamp, information, address mask; ICMPv6 echo and
 * node information query) is INVALID — errors with no connection behind them, replies, unknown types, ICMP
 * in the wrong IP version — except the ICMPv6 neighbour discovery and multicast listener messages, which
 * are UNTRACKED. Every other first packet is NEW.
 */
export function conntrackClasses(space: PacketSpace): { invalid: PacketSet; untracked: PacketSet } {
  const types = (proto: number, list: readonly number[]) =>
    icmpMatch(
      space,
      proto,
      list.map((t) => ({ lo: t, hi: t })),
    );
  const v4 = space.family(4);
  const v6 = space.family(6);
  const icmp = space.protocol(1);
  const icmpv6 = space.protocol(58);
  const untracked = types(58, [130, 131, 132, 133, 134, 135, 136, 143]).intersect(v6);
  const badV4 = icmp
    .minus(types(1, [8, 13, 15, 17]))
    .union(icmpv6)
    .intersect(v4);
  const badV6 = icmpv6
    .minus(types(58, [128, 139]))
    .minus(untracked)
    .union(icmp)
    .intersect(v6);
  return { invalid: badV4.union(badV6), untracked };
}

/** The first packets of new connections in the given conntrack states (established, related: none). */
export function conntrackStates(
  space: PacketSpace,
  states: { new: boolean; invalid: boolean; untracked: boolean },
): PacketSet {
  const { invalid, untracked } = conntrackClasses(space);
  let out = space.none();
  if (states.new) out = invalid.union(untracked).complement();
  if (states.invalid) out = out.union(invalid);
  if (states.untracked) out = out.union(untracked);
  return out;
}
