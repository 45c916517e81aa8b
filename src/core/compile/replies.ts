// The return traffic a stateless filter must let through explicitly, as exact boxes and sets.
//
// For a connection the policy allows, a stateless target needs these rules for the packets coming back:
// - TCP: none here; the target writes one "established" rule (ACK or RST set), which no new connection
//   (a SYN) matches.
// - ICMP and ICMPv6: the reply type of each request type (echo 8→0, timestamp 13→14; ICMPv6 echo 128→129),
//   addresses swapped, codes kept. Other ICMP types have no reply.
// - Every other protocol (UDP, SCTP, ESP, GRE …): the same protocol with addresses and ports swapped.
// Those reply packets are also new connections in the other direction: that widening is what a stateless
// filter costs, and the proof counts it exactly (expected = intent ∪ replies(intent)).

import { PROTO } from "../net/protocol.js";
import type { PacketSet } from "../space/packet-set.js";
import { boxToSet, decompose, type PacketBox, type ValueRange } from "../space/summarize.js";

const ICMP_REPLIES: Readonly<Record<number, ReadonlyMap<number, number>>> = {
  [PROTO.icmp]: new Map([
    [8, 0],
    [13, 14],
  ]),
  [PROTO.icmpv6]: new Map([[128, 129]]),
};

function without(ranges: readonly ValueRange[], values: readonly number[]): ValueRange[] {
  let out = [...ranges];
  for (const v of values.map(BigInt)) {
    out = out.flatMap((r) => {
      if (v < r.lo || v > r.hi) return [r];
      const parts: ValueRange[] = [];
      if (r.lo < v) parts.push({ lo: r.lo, hi: v - 1n });
      if (v < r.hi) parts.push({ lo: v + 1n, hi: r.hi });
      return parts;
    });
  }
  return out;
}

function includes(ranges: readonly ValueRange[] | undefined, v: number): boolean {
  return ranges === undefined || ranges.some((r) => r.lo <= BigInt(v) && BigInt(v) <= r.hi);
}

/** The reply boxes of one box of allowed new connections. */
export function replyBoxes(box: PacketBox): PacketBox[] {
  const out: PacketBox[] = [];
  const icmpProto = box.family === 4 ? PROTO.icmp : PROTO.icmpv6;
  const others = without(box.protocols, [PROTO.tcp, PROTO.icmp, PROTO.icmpv6]);
  if (others.length > 0) {
    // Ports are only present when every protocol of the box carries them, so they stay valid here.
    const { dstPorts, srcPorts, icmpTypes: _t, icmpCodes: _c, ...rest } = box;
    out.push({
      ...rest,
      protocols: others,
      ...(srcPorts && { dstPorts: srcPorts }),
      ...(dstPorts && { srcPorts: dstPorts }),
      src: box.dst,
      dst: box.src,
    });
  }
  if (includes(box.protocols, icmpProto)) {
    const types: ValueRange[] = [];
    for (const [request, reply] of ICMP_REPLIES[icmpProto]!)
      if (includes(box.icmpTypes, request)) types.push({ lo: BigInt(reply), hi: BigInt(reply) });
    types.sort((a, b) => (a.lo < b.lo ? -1 : 1));
    if (types.length > 0)
      out.push({
        protocols: [{ lo: BigInt(icmpProto), hi: BigInt(icmpProto) }],
        icmpTypes: types,
        ...(box.icmpCodes && { icmpCodes: box.icmpCodes }),
        family: box.family,
        src: box.dst,
        dst: box.src,
      });
  }
  return out;
}

/** Every reply packet of a set of allowed new connections (see the module comment). */
export function replySet(set: PacketSet): PacketSet {
  const { boxes, truncated } = decompose(set, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  if (truncated) throw new RangeError("Cannot compute replies: the set is too fragmented");
  return set.space.unionAll(boxes.flatMap(replyBoxes).map((b) => boxToSet(set.space, b)));
}
