import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PROTO } from "../net/protocol.js";
import { makePacket, type Packet } from "../space/packet.js";
import { PacketSpace } from "../space/packet-set.js";
import { replySet } from "./replies.js";

// The reply of each packet, restated from the module's comment: the only packet a reply can come from.
const REQUEST_OF: Record<number, Record<number, number>> = { 1: { 0: 8, 14: 13 }, 58: { 129: 128 } };

function request(q: Packet): Packet | undefined {
  if (q.proto === PROTO.tcp) return undefined;
  const own = q.family === 4 ? PROTO.icmp : PROTO.icmpv6;
  if (q.proto === PROTO.icmp || q.proto === PROTO.icmpv6) {
    if (q.proto !== own) return undefined;
    const type = REQUEST_OF[own]![q.icmpType];
    if (type === undefined) return undefined;
    return { ...q, src: q.dst, dst: q.src, icmpType: type };
  }
  return { ...q, src: q.dst, dst: q.src, sport: q.dport, dport: q.sport };
}

const PROTOS = [PROTO.tcp, PROTO.udp, PROTO.icmp, PROTO.icmpv6, 47];
const packetArb = fc
  .record({
    family: fc.constantFrom<4 | 6>(4, 6),
    src: fc.integer({ min: 0, max: 3 }),
    dst: fc.integer({ min: 0, max: 3 }),
    proto: fc.constantFrom(...PROTOS),
    sport: fc.constantFrom(53, 1000, 40000),
    dport: fc.constantFrom(53, 1000, 40000),
    icmpType: fc.constantFrom(0, 8, 13, 14, 128, 129, 3),
    icmpCode: fc.constantFrom(0, 1),
  })
  .map((r) =>
    makePacket({
      src: { family: r.family, value: BigInt(r.src) },
      dst: { family: r.family, value: BigInt(r.dst) },
      proto: r.proto,
      sport: r.sport,
      dport: r.dport,
      icmpType: r.icmpType,
      icmpCode: r.icmpCode,
    }),
  );

describe("replySet", () => {
  it("holds exactly the replies of the set's packets", () => {
    fc.assert(
      fc.property(
        fc.array(packetArb, { minLength: 1, maxLength: 12 }),
        fc.array(packetArb, { maxLength: 40 }),
        (members, probes) => {
          const space = new PacketSpace();
          const set = space.unionAll(members.map((p) => space.packet(p)));
          const replies = replySet(set);
          for (const q of [...probes, ...members]) {
            const from = request(q);
            expect(replies.contains(q)).toBe(from !== undefined && set.contains(from));
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it("keeps UDP ports swapped and gives TCP no reply", () => {
    const space = new PacketSpace();
    const a = { family: 4 as const, value: 1n };
    const b = { family: 4 as const, value: 2n };
    const dns = makePacket({ src: a, dst: b, proto: PROTO.udp, sport: 40000, dport: 53 });
    const web = makePacket({ src: a, dst: b, proto: PROTO.tcp, sport: 40000, dport: 443 });
    const replies = replySet(space.packet(dns).union(space.packet(web)));
    expect(replies.contains(makePacket({ src: b, dst: a, proto: PROTO.udp, sport: 53, dport: 40000 }))).toBe(
      true,
    );
    expect(replies.size()).toBe(1n);
  });
});
