// The packed form of packets and rule boxes the classifiers work on: 12 signed 32-bit dimensions per packet.
//
// Every field is an unsigned 32-bit word stored with its top bit flipped, so that plain signed comparisons of
// Int32Array elements (small integers to V8, no heap numbers) order values as unsigned. Addresses are four
// words, most significant first; an IPv4 address is word 0 with words 1-3 zero. Ports and ICMP type/code share
// two dimensions: no protocol carries both, and a rule's box names ports only for port protocols and ICMP
// fields only for ICMP, so the two never meet in one box.

import type { Family } from "../net/address.js";
import { hasIcmp, hasPorts } from "../net/protocol.js";
import type { Packet } from "../space/packet.js";

/** The dimensions, ordered so that a linear scan rejects a rule as early as it usually can. */
export const DIM = {
  dst0: 0,
  src0: 1,
  /** Destination port, or ICMP code. */
  l4b: 2,
  proto: 3,
  /** Source port, or ICMP type. */
  l4a: 4,
  /** 0 for IPv4, 1 for IPv6. */
  family: 5,
  dst1: 6,
  dst2: 7,
  dst3: 8,
  src1: 9,
  src2: 10,
  src3: 11,
} as const;

export const PACKET_WIDTH = 12;

export const SRC_WORDS: readonly number[] = [DIM.src0, DIM.src1, DIM.src2, DIM.src3];
export const DST_WORDS: readonly number[] = [DIM.dst0, DIM.dst1, DIM.dst2, DIM.dst3];

/** An unsigned 32-bit value (0 … 2^32-1) in the order-preserving signed form. */
export function biased(u: number): number {
  return (u ^ 0x80000000) | 0;
}

/** The inverse of `biased`. */
export function unbiased(v: number): number {
  return (v ^ 0x80000000) >>> 0;
}

export const MIN = biased(0);
export const MAX = biased(0xffffffff);

/** The four 32-bit words of an address, most significant first (IPv4: the address, then zeros). */
export function addressWords(family: Family, value: bigint): [number, number, number, number] {
  if (family === 4) return [Number(value), 0, 0, 0];
  const w = (shift: bigint) => Number((value >> shift) & 0xffffffffn);
  return [w(96n), w(64n), w(32n), w(0n)];
}

/** Writes one packet at `offset` (a multiple of PACKET_WIDTH). */
export function packPacket(p: Packet, out: Int32Array, offset: number): void {
  const src = addressWords(p.family, p.src);
  const dst = addressWords(p.family, p.dst);
  for (let i = 0; i < 4; i++) {
    out[offset + SRC_WORDS[i]!] = biased(src[i]!);
    out[offset + DST_WORDS[i]!] = biased(dst[i]!);
  }
  out[offset + DIM.family] = biased(p.family === 4 ? 0 : 1);
  out[offset + DIM.proto] = biased(p.proto);
  const icmp = hasIcmp(p.proto);
  const ports = hasPorts(p.proto);
  out[offset + DIM.l4a] = biased(ports ? p.sport : icmp ? p.icmpType : 0);
  out[offset + DIM.l4b] = biased(ports ? p.dport : icmp ? p.icmpCode : 0);
}

/** Packets in the packed batch form: PACKET_WIDTH words each, back to back. */
export function packPackets(packets: readonly Packet[]): Int32Array {
  const out = new Int32Array(packets.length * PACKET_WIDTH);
  packets.forEach((p, i) => packPacket(p, out, i * PACKET_WIDTH));
  return out;
}
