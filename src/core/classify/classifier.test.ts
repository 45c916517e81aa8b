// The contract every Classifier engine passes, and property tests against the reference first match.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Family, parseAddress } from "../net/address.js";
import { parsePrefix } from "../net/prefix.js";
import { hasIcmp, hasPorts, PROTO } from "../net/protocol.js";
import { type PacketSet, PacketSpace } from "../space/packet-set.js";
import { makePacket, type Packet } from "../space/packet.js";
import { boxesOfRules } from "./boxes.js";
import { buildClassifier, type Classifier, type ClassifierBuilder, classifyPacket } from "./classifier.js";
import { ENGINES } from "./engines.js";
import { buildForest } from "./forest.js";
import { buildLinear } from "./linear.js";
import { packPackets } from "./packed.js";
import { buildTree } from "./tree.js";
import { buildTupleMerge } from "./tuple-merge.js";

// Random rule lists and packets: values drawn from small pools around edges so that rules overlap, and
// packets land on range and prefix boundaries, in both families.
const V4_BASES = [0n, 0x0a000000n, 0x0a0000ffn, 0xc0a80100n, 0xfffffff0n];
const V6_BASES = [0n, 0x20010db8n << 96n, (0x20010db8n << 96n) | (1n << 64n), (1n << 128n) - 16n];
const PORTS = [0, 1, 22, 79, 80, 81, 443, 1023, 1024, 8080, 65534, 65535];
const PROTOS = [PROTO.tcp, PROTO.udp, PROTO.sctp, PROTO.icmp, PROTO.icmpv6, PROTO.gre, 0, 255];

const addressValue = (family: Family): fc.Arbitrary<bigint> =>
  fc
    .tuple(fc.constantFrom(...(family === 4 ? V4_BASES : V6_BASES)), fc.integer({ min: -3, max: 300 }))
    .map(([b, d]) => {
      const max = family === 4 ? 0xffffffffn : (1n << 128n) - 1n;
      const v = b + BigInt(d);
      return v < 0n ? 0n : v > max ? max : v;
    });

const port = fc.oneof(fc.constantFrom(...PORTS), fc.integer({ min: 0, max: 65535 }));
const protocol = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...PROTOS) },
  fc.integer({ min: 0, max: 255 }),
);

type AddressSpec =
  | { readonly kind: "any" }
  | { readonly kind: "prefix"; readonly value: bigint; readonly length: number }
  | { readonly kind: "range"; readonly lo: bigint; readonly hi: bigint };

interface RuleSpec {
  readonly family: Family | "both";
  readonly src: AddressSpec;
  readonly dst: AddressSpec;
  /** undefined: any protocol. */
  readonly proto?: number;
  readonly sport?: readonly [number, number];
  readonly dport?: readonly [number, number];
  readonly icmpType?: number;
  /** Another spec taken away from this one (a rule that is not one box). */
  readonly minus?: RuleSpec;
}

const addressSpec = (family: Family): fc.Arbitrary<AddressSpec> =>
  fc.oneof(
    fc.constant<AddressSpec>({ kind: "any" }),
    fc
      .tuple(addressValue(family), fc.integer({ min: 0, max: family === 4 ? 32 : 128 }))
      .map(([value, length]): AddressSpec => ({ kind: "prefix", value, length })),
    fc
      .tuple(addressValue(family), addressValue(family))
      .map(([a, b]): AddressSpec => ({ kind: "range", lo: a < b ? a : b, hi: a < b ? b : a })),
  );

const range = fc.tuple(port, port).map(([a, b]): readonly [number, number] => (a <= b ? [a, b] : [b, a]));

const simpleSpec: fc.Arbitrary<RuleSpec> = fc
  .constantFrom<Family | "both">(4, 4, 6, "both")
  .chain((family) =>
    fc.record({
      family: fc.constant(family),
      src: family === "both" ? fc.constant<AddressSpec>({ kind: "any" }) : addressSpec(family),
      dst: family === "both" ? fc.constant<AddressSpec>({ kind: "any" }) : addressSpec(family),
      proto: fc.option(protocol, { nil: undefined }),
      sport: fc.option(range, { nil: undefined }),
      dport: fc.option(range, { nil: undefined }),
      icmpType: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
    }),
  )
  .map((r) => {
    // Ports only with port protocols, a type only with ICMP: as importers build them.
    const out: { -readonly [K in keyof RuleSpec]: RuleSpec[K] } = {
      family: r.family,
      src: r.src,
      dst: r.dst,
    };
    if (r.proto !== undefined) out.proto = r.proto;
    if (r.proto !== undefined && hasPorts(r.proto)) {
      if (r.sport) out.sport = r.sport;
      if (r.dport) out.dport = r.dport;
    }
    if (r.proto !== undefined && hasIcmp(r.proto) && r.icmpType !== undefined) out.icmpType = r.icmpType;
    return out as RuleSpec;
  });

const ruleSpec: fc.Arbitrary<RuleSpec> = fc
  .tuple(simpleSpec, fc.option(simpleSpec, { nil: undefined, freq: 4 }))
  .map(([a, b]) => (b ? { ...a, minus: b } : a));

const ruleList = fc.array(ruleSpec, { minLength: 0, maxLength: 14 });

function addressSet(space: PacketSpace, dir: "src" | "dst", family: Family, a: AddressSpec): PacketSet {
  switch (a.kind) {
    case "any":
      return space.family(family);
    case "prefix": {
      const bits = family === 4 ? 32 : 128;
      const mask = ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - a.length)) - 1n);
      return space.prefix(dir, { family, value: a.value & mask, length: a.length });
    }
    case "range":
      return space.addressRange(dir, family, a.lo, a.hi);
    default: {
      const never: never = a;
      throw new TypeError(`Unknown address spec ${String(never)}`);
    }
  }
}

/** The exact set a spec stands for. */
function specSet(space: PacketSpace, r: RuleSpec): PacketSet {
  let s =
    r.family === "both"
      ? space.all()
      : addressSet(space, "src", r.family, r.src).intersect(addressSet(space, "dst", r.family, r.dst));
  if (r.proto !== undefined) {
    let l4 = space.protocol(r.proto);
    if (r.sport) l4 = l4.intersect(space.ports(r.proto, "src", r.sport[0], r.sport[1]));
    if (r.dport) l4 = l4.intersect(space.ports(r.proto, "dst", r.dport[0], r.dport[1]));
    if (r.icmpType !== undefined) l4 = l4.intersect(space.icmp(r.proto, r.icmpType));
    s = s.intersect(l4);
  }
  return r.minus ? s.minus(specSet(space, r.minus)) : s;
}

/** Packets near the values rules use: their edges, one past them, and elsewhere. */
const packet: fc.Arbitrary<Packet> = fc.constantFrom<Family>(4, 4, 6).chain((family) =>
  fc
    .record({
      src: addressValue(family),
      dst: addressValue(family),
      proto: protocol,
      sport: port,
      dport: port,
      icmpType: fc.integer({ min: 0, max: 5 }),
      icmpCode: fc.integer({ min: 0, max: 2 }),
    })
    .map((p): Packet => ({
      family,
      src: p.src,
      dst: p.dst,
      proto: p.proto,
      sport: hasPorts(p.proto) ? p.sport : 0,
      dport: hasPorts(p.proto) ? p.dport : 0,
      icmpType: hasIcmp(p.proto) ? p.icmpType : 0,
      icmpCode: hasIcmp(p.proto) ? p.icmpCode : 0,
    })),
);

/** The first rule containing the packet, by the exact sets themselves: the reference. */
function referenceFirstMatch(rules: readonly { readonly match: PacketSet }[], p: Packet): number {
  return rules.findIndex((r) => r.match.contains(p));
}

const space = new PacketSpace();
const pkt = (src: string, dst: string, proto: number, sport = 0, dport = 0, icmpType = 0): Packet =>
  makePacket({ src: parseAddress(src), dst: parseAddress(dst), proto, sport, dport, icmpType });
const prefix = (dir: "src" | "dst", p: string) => space.prefix(dir, parsePrefix(p));
const tcp = (lo: number, hi: number) => space.ports(PROTO.tcp, "dst", lo, hi);

/** Engines as the contract runs them; the small-leaf tree forces deep trees on small lists. */
const ENGINE_CASES: [string, ClassifierBuilder][] = [
  ...Object.entries(ENGINES),
  ["tree (leaf size 1)", (b, n) => buildTree(b, n, { leafSize: 1 })],
  ["tree (entry budget 1)", (b, n) => buildTree(b, n, { leafSize: 1, maxEntries: 1 })],
  ["forest (leaf size 1)", (b, n) => buildForest(b, n, { leafSize: 1 })],
  ["tuple-merge (collision limit 1)", (b, n) => buildTupleMerge(b, n, { collisionLimit: 1 })],
];

describe.each(ENGINE_CASES)("Classifier contract: %s", (_name, build) => {
  const make = (sets: ReturnType<typeof space.all>[]): Classifier =>
    buildClassifier(
      build,
      sets.map((match) => ({ match })),
    );

  it("answers -1 for an empty rule list", () => {
    const c = make([]);
    expect(c.ruleCount).toBe(0);
    expect(classifyPacket(c, pkt("10.0.0.1", "10.0.0.2", PROTO.tcp, 1, 80))).toBe(-1);
  });

  it("answers the first of several matching rules, whatever the later ones", () => {
    const c = make([
      prefix("dst", "10.0.0.0/24").intersect(tcp(80, 80)),
      prefix("dst", "10.0.0.0/8"),
      space.all(),
    ]);
    expect(classifyPacket(c, pkt("1.1.1.1", "10.0.0.9", PROTO.tcp, 5, 80))).toBe(0);
    expect(classifyPacket(c, pkt("1.1.1.1", "10.0.0.9", PROTO.tcp, 5, 81))).toBe(1);
    expect(classifyPacket(c, pkt("1.1.1.1", "10.0.1.0", PROTO.udp, 5, 80))).toBe(1);
    expect(classifyPacket(c, pkt("1.1.1.1", "11.0.0.0", PROTO.tcp, 5, 80))).toBe(2);
    expect(classifyPacket(c, pkt("::1", "::2", PROTO.icmpv6))).toBe(2);
  });

  it("keeps families apart: an IPv4 rule never matches IPv6 packets with the same low bits", () => {
    const c = make([prefix("src", "0.0.0.0/0"), prefix("src", "::/0").intersect(tcp(0, 1023))]);
    expect(classifyPacket(c, pkt("::", "::", PROTO.tcp, 1, 22))).toBe(1);
    expect(classifyPacket(c, pkt("::", "::", PROTO.tcp, 1, 1024))).toBe(-1);
    expect(classifyPacket(c, pkt("0.0.0.0", "0.0.0.0", PROTO.tcp, 1, 1024))).toBe(0);
  });

  it("matches IPv6 ranges that cross 32-bit words exactly, at both edges", () => {
    const lo = parseAddress("2001:db8::ffff:fffe").value;
    const hi = parseAddress("2001:db8::1:0:0:3").value;
    const c = make([space.addressRange("dst", 6, lo, hi)]);
    for (const [a, want] of [
      ["2001:db8::ffff:fffd", -1],
      ["2001:db8::ffff:fffe", 0],
      ["2001:db8::ffff:ffff", 0],
      ["2001:db8::1:0:0:0", 0],
      ["2001:db8::1:0:0:3", 0],
      ["2001:db8::1:0:0:4", -1],
      ["2001:db8::1:0:1:0", -1],
    ] as const)
      expect(classifyPacket(c, pkt("::1", a, PROTO.gre)), a).toBe(want);
  });

  it("tells ICMP types apart from ports", () => {
    const c = make([space.icmp(PROTO.icmp, 8), space.ports(PROTO.udp, "src", 8, 8)]);
    expect(classifyPacket(c, pkt("1.1.1.1", "2.2.2.2", PROTO.icmp, 0, 0, 8))).toBe(0);
    expect(classifyPacket(c, pkt("1.1.1.1", "2.2.2.2", PROTO.icmp, 0, 0, 0))).toBe(-1);
    expect(classifyPacket(c, pkt("1.1.1.1", "2.2.2.2", PROTO.udp, 8, 0))).toBe(1);
    expect(classifyPacket(c, pkt("1.1.1.1", "2.2.2.2", PROTO.tcp, 8, 0))).toBe(-1);
  });

  it("skips rules that match nothing, keeping every other rule's index", () => {
    const c = make([space.none(), tcp(1, 2), space.none(), space.all()]);
    expect(c.ruleCount).toBe(4);
    expect(classifyPacket(c, pkt("1.1.1.1", "2.2.2.2", PROTO.tcp, 0, 2))).toBe(1);
    expect(classifyPacket(c, pkt("1.1.1.1", "2.2.2.2", PROTO.tcp, 0, 3))).toBe(3);
  });

  it("answers a batch as it answers each packet", () => {
    const c = make([prefix("dst", "10.0.0.0/8"), tcp(80, 80)]);
    const ps = [
      pkt("1.1.1.1", "10.0.0.9", PROTO.tcp, 5, 80),
      pkt("1.1.1.1", "11.0.0.9", PROTO.tcp, 5, 80),
      pkt("1.1.1.1", "11.0.0.9", PROTO.tcp, 5, 81),
    ];
    const out = new Int32Array(3);
    c.classifyBatch(packPackets(ps), 3, out);
    expect([...out]).toEqual([0, 1, -1]);
  });

  it("agrees with the reference first match on random rule lists and packets (both families)", () => {
    fc.assert(
      fc.property(ruleList, fc.array(packet, { minLength: 1, maxLength: 40 }), (specs, packets) => {
        const rules = specs.map((s) => ({ match: specSet(space, s) }));
        const c = buildClassifier(build, rules);
        const out = new Int32Array(packets.length);
        c.classifyBatch(packPackets(packets), packets.length, out);
        packets.forEach((p, i) => expect(out[i]).toBe(referenceFirstMatch(rules, p)));
      }),
      { numRuns: 150 },
    );
  });
});

describe("fast engines against the linear classifier", () => {
  it("agree on random rule lists, including packets at every box corner", () => {
    fc.assert(
      fc.property(ruleList, fc.array(packet, { maxLength: 20 }), (specs, extra) => {
        const boxes = boxesOfRules(specs.map((s) => ({ match: specSet(space, s) })));
        // The corners of every box (and one past them) are the packets most likely to expose a wrong bound.
        const packed: number[] = [];
        for (const b of boxes)
          for (const side of [b.lo, b.hi])
            for (const delta of [-1, 0, 1])
              for (let d = 0; d < 12; d++) packed.push(side[d]! + (d === 0 ? delta : 0));
        const extraPacked = packPackets(extra);
        const all = Int32Array.from([...packed, ...extraPacked]);
        const n = all.length / 12;
        const want = new Int32Array(n);
        buildLinear(boxes, specs.length).classifyBatch(all, n, want);
        for (const build of [
          ENGINES["fast"]!,
          ENGINES["tree"]!,
          ENGINES["forest"]!,
          ENGINES["tuple-merge"]!,
        ]) {
          const got = new Int32Array(n);
          build(boxes, specs.length).classifyBatch(all, n, got);
          expect([...got]).toEqual([...want]);
        }
      }),
      { numRuns: 150 },
    );
  });
});
