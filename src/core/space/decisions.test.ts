import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parsePrefix, rangeToPrefixes } from "../net/prefix.js";
import { PROTO } from "../net/protocol.js";
import {
  callDecision,
  type Decision,
  passDecision,
  sequenceDecisions,
  verdictDecision,
} from "./decisions.js";
import type { Packet } from "./packet.js";
import { PacketSpace, type PacketSet } from "./packet-set.js";

// Packets enough to tell the sets below apart: four addresses each way, TCP ports 0-3, both families.
const V4 = parsePrefix("10.0.0.0/30");
const V6 = parsePrefix("2001:db8::/126");
const U: Packet[] = [];
for (const net of [V4, V6])
  for (let s = 0n; s < 4n; s++)
    for (let d = 0n; d < 4n; d++)
      for (let dport = 0; dport < 4; dport++)
        U.push({
          family: net.family,
          src: net.value + s,
          dst: net.value + d,
          proto: PROTO.tcp,
          sport: 0,
          dport,
          icmpType: 0,
          icmpCode: 0,
        });

const PREFIXES = ["10.0.0.0/30", "10.0.0.0/31", "10.0.0.2/31", "10.0.0.1", "2001:db8::/127", "2001:db8::3"];

type Atom = { dir: "src" | "dst"; p: string } | { lo: number; hi: number } | "all";
const atom: fc.Arbitrary<Atom> = fc.oneof(
  fc.record({ dir: fc.constantFrom<"src" | "dst">("src", "dst"), p: fc.constantFrom(...PREFIXES) }),
  fc
    .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }))
    .map(([a, b]) => ({ lo: Math.min(a, b), hi: Math.max(a, b) })),
  fc.constant<Atom>("all"),
);
/** A match: the intersection of one to three atoms. */
const match = fc.array(atom, { minLength: 1, maxLength: 3 });

type Rule =
  | { kind: "accept" | "drop" | "back" | "pass"; match: Atom[] }
  | { kind: "call"; goto: boolean; match: Atom[]; accept: Atom[]; back: Atom[] };
const rule: fc.Arbitrary<Rule> = fc.oneof(
  fc.record({
    kind: fc.constantFrom<"accept" | "drop" | "back" | "pass">("accept", "drop", "back", "pass"),
    match,
  }),
  fc.record({ kind: fc.constant<"call">("call"), goto: fc.boolean(), match, accept: match, back: match }),
);

function build(space: PacketSpace, atoms: readonly Atom[]): PacketSet {
  let out = space.all();
  for (const a of atoms) {
    if (a === "all") continue;
    const part =
      "dir" in a ? space.prefix(a.dir, parsePrefix(a.p)) : space.ports(PROTO.tcp, "dst", a.lo, a.hi);
    out = out.intersect(part);
  }
  return out;
}

/** The plain reference: a packet goes down the rules until one decides it. */
function outcome(space: PacketSpace, rules: readonly Rule[], p: Packet): "accept" | "drop" | "back" | "none" {
  for (const r of rules) {
    if (!build(space, r.match).contains(p)) continue;
    if (r.kind === "pass") continue;
    if (r.kind !== "call") return r.kind;
    const accept = build(space, r.accept);
    const back = build(space, r.back).minus(accept);
    if (accept.contains(p)) return "accept";
    if (!back.contains(p)) return "drop";
    if (r.goto) return "back";
  }
  return "none";
}

function decisionOf(space: PacketSpace, r: Rule): Decision {
  const m = build(space, r.match);
  if (r.kind === "pass") return passDecision(space);
  if (r.kind !== "call") return verdictDecision(space, m, r.kind);
  const accept = build(space, r.accept);
  return callDecision(space, m, { accept, back: build(space, r.back).minus(accept) }, r.goto);
}

describe("sequenceDecisions", () => {
  it("decides every packet as the first rule that decides it does", () => {
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 12 }), (rules) => {
        const space = new PacketSpace();
        const d = sequenceDecisions(
          space,
          rules.map((r) => decisionOf(space, r)),
        );
        for (const p of U) {
          const want = outcome(space, rules, p);
          expect(d.accept.contains(p)).toBe(want === "accept");
          expect(d.back.contains(p)).toBe(want === "back");
          expect(d.decided.contains(p)).toBe(want !== "none");
        }
      }),
      { numRuns: 150 },
    );
  });

  it("decides nothing for an empty list", () => {
    const space = new PacketSpace();
    expect(sequenceDecisions(space, []).decided.isEmpty()).toBe(true);
  });
});

describe("addressRangesNode", () => {
  const ranges = (bits: number) =>
    fc
      .uniqueArray(fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n }), { maxLength: 12 })
      .map((points) => {
        // Sorted points paired into disjoint ranges; an odd last point stands alone.
        const sorted = [...points].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        const out: { lo: bigint; hi: bigint }[] = [];
        for (let i = 0; i < sorted.length; i += 2)
          out.push({ lo: sorted[i]!, hi: sorted[i + 1] ?? sorted[i]! });
        return out;
      });

  for (const family of [4, 6] as const) {
    it(`equals the union of the ranges' prefixes (IPv${family})`, () => {
      const bits = family === 4 ? 32 : 128;
      fc.assert(
        fc.property(
          fc.oneof(ranges(bits), ranges(8)),
          fc.constantFrom<"src" | "dst">("src", "dst"),
          (rs, dir) => {
            const space = new PacketSpace();
            const prefixes = rs.flatMap((r) => rangeToPrefixes(family, r.lo, r.hi));
            const union = space.orAll(prefixes.map((p) => space.prefixNode(dir, p)));
            expect(space.addressRangesNode(dir, family, rs)).toBe(union);
          },
        ),
        { numRuns: 200 },
      );
    });
  }

  it("covers a whole family with one range", () => {
    const space = new PacketSpace();
    expect(space.addressRangesNode("src", 4, [{ lo: 0n, hi: 0xffffffffn }])).toBe(space.family(4).node);
  });
});
