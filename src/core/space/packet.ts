// A concrete packet header: the point type of the packet space.

import { type Address, type Family, formatAddress } from "../net/address.js";
import { hasIcmp, hasPorts, protocolName } from "../net/protocol.js";

export interface Packet {
  readonly family: Family;
  readonly src: bigint;
  readonly dst: bigint;
  /** IP protocol number 0-255. */
  readonly proto: number;
  /** 0 unless the protocol carries ports. */
  readonly sport: number;
  /** 0 unless the protocol carries ports. */
  readonly dport: number;
  /** 0 unless the protocol is ICMP or ICMPv6. */
  readonly icmpType: number;
  /** 0 unless the protocol is ICMP or ICMPv6. */
  readonly icmpCode: number;
}

/** Builds a packet, zeroing the fields its protocol does not carry so that equal packets compare equal. */
export function makePacket(p: {
  src: Address;
  dst: Address;
  proto: number;
  sport?: number;
  dport?: number;
  icmpType?: number;
  icmpCode?: number;
}): Packet {
  if (p.src.family !== p.dst.family)
    throw new RangeError("Cannot make packet: source and destination families differ");
  const ports = hasPorts(p.proto);
  const icmp = hasIcmp(p.proto);
  return {
    family: p.src.family,
    src: p.src.value,
    dst: p.dst.value,
    proto: p.proto,
    sport: ports ? (p.sport ?? 0) : 0,
    dport: ports ? (p.dport ?? 0) : 0,
    icmpType: icmp ? (p.icmpType ?? 0) : 0,
    icmpCode: icmp ? (p.icmpCode ?? 0) : 0,
  };
}

export function formatPacket(p: Packet): string {
  const src = formatAddress({ family: p.family, value: p.src });
  const dst = formatAddress({ family: p.family, value: p.dst });
  const name = protocolName(p.proto);
  if (hasPorts(p.proto)) {
    const s = p.family === 6 ? `[${src}]` : src;
    const d = p.family === 6 ? `[${dst}]` : dst;
    return `${name} ${s}:${p.sport} -> ${d}:${p.dport}`;
  }
  if (hasIcmp(p.proto)) return `${name} ${src} -> ${dst} type ${p.icmpType} code ${p.icmpCode}`;
  return `${name} ${src} -> ${dst}`;
}
