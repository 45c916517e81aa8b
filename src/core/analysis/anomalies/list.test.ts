import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ImportedRule, RuleList } from "../../import/model.js";
import type { Packet } from "../../space/packet.js";
import { PacketSpace, type PacketSet } from "../../space/packet-set.js";
import { ListGeometry } from "./geometry.js";
import { listAnomalies } from "./list.js";

// Rules over a small grid: sources and destinations inside 10.0.0.0/29 (or any), TCP/UDP ports 0-7 (or
// any), TCP, UDP or every protocol. Every rule is then a union of cells of the grid below, so the reference
// can decide everything packet by packet.
const BASE = 0x0a000000n;
const ADDRESSES = [...Array.from({ length: 8 }, (_, i) => BASE + BigInt(i)), 0x0b000000n];
const PORTS = [0, 1, 2, 3, 4, 5, 6, 7, 100];
const PROTOCOLS = [6, 17, 1];

interface Spec {
  action: "accept" | "drop" | "other";
  src?: [number, number];
  dst?: [number, number];
  proto?: 6 | 17;
  ports?: [number, number];
}

const prefixArb = fc.option(
  fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 29, max: 32 })).map(([v, len]) => {
    const size = 2 ** (32 - len);
    return [v - (v % size), len] as [number, number];
  }),
  { nil: undefined },
);

const specArb: fc.Arbitrary<Spec> = fc.record(
  {
    action: fc.constantFrom("accept", "accept", "drop", "drop", "other"),
    src: prefixArb,
    dst: prefixArb,
    proto: fc.option(fc.constantFrom(6 as const, 17 as const), { nil: undefined }),
    ports: fc.option(
      fc
        .tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 7 }))
        .map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as [number, number]),
      { nil: undefined },
    ),
  },
  { requiredKeys: ["action"] },
);

function build(space: PacketSpace, specs: readonly Spec[]): ImportedRule[] {
  return specs.map((s, i) => {
    let m: PacketSet = space.family(4);
    if (s.src)
      m = m.intersect(space.prefix("src", { family: 4, value: BASE + BigInt(s.src[0]), length: s.src[1] }));
    if (s.dst)
      m = m.intersect(space.prefix("dst", { family: 4, value: BASE + BigInt(s.dst[0]), length: s.dst[1] }));
    if (s.proto)
      m = m.intersect(
        s.ports ? space.ports(s.proto, "dst", s.ports[0], s.ports[1]) : space.protocol(s.proto),
      );
    return { action: s.action, match: m, list: "l", source: { file: "f", line: i + 1, text: "" } };
  });
}

function packets(): Packet[] {
  const out: Packet[] = [];
  for (const src of ADDRESSES)
    for (const dst of ADDRESSES)
      for (const proto of PROTOCOLS)
        for (const dport of proto === 1 ? [0] : PORTS)
          out.push({ family: 4, src, dst, proto, sport: 0, dport, icmpType: 0, icmpCode: 0 });
  return out;
}

/** The anomaly kinds of each line, by definition, packet by packet. */
function reference(
  rules: readonly ImportedRule[],
  fallThrough: RuleList["fallThrough"],
): Map<number, string[]> {
  const ps = packets();
  const hits = rules.map((r) => ps.map((p) => r.match.contains(p)));
  const decider = ps.map((_, k) => rules.findIndex((r, i) => r.action !== "other" && hits[i]![k]));
  const out = new Map<number, string[]>();
  const add = (i: number, kind: string) => out.set(i + 1, [...(out.get(i + 1) ?? []), kind]);
  rules.forEach((r, i) => {
    if (r.action === "other") return;
    const mine = ps.map((_, k) => k).filter((k) => hits[i]![k]);
    if (mine.length === 0) return add(i, "empty");
    const own = mine.filter((k) => decider[k] === i);
    if (own.length === 0) {
      const deciders = [...new Set(mine.map((k) => decider[k]!))].sort((a, b) => a - b);
      const other = deciders.filter((j) => rules[j]!.action !== r.action);
      const same = deciders.filter((j) => rules[j]!.action === r.action);
      // The earlier rules responsible, those of the other action first (as the finding lists them).
      const related = [...other, ...same].map((j) => j + 1).join(",");
      return add(i, `${other.length > 0 ? "shadowed" : "redundant"} by ${related}`);
    }
    const laterSame = own.every((k) => {
      const j = rules.findIndex((x, jj) => jj > i && hits[jj]![k]);
      if (j < 0) return fallThrough === r.action;
      return rules[j]!.action === r.action;
    });
    if (laterSame) return add(i, "redundant");
    let correlated = false;
    let general = false;
    for (let j = 0; j < i; j++) {
      const o = rules[j]!;
      if (o.action === "other" || o.action === r.action) continue;
      const overlap = mine.some((k) => hits[j]![k]);
      if (!overlap) continue;
      const iInJ = mine.every((k) => hits[j]![k]);
      const jInI = ps.every((_, k) => !hits[j]![k] || hits[i]![k]);
      if (jInI && !iInJ) general = true;
      else if (!jInI && !iInJ) correlated = true;
    }
    if (general) add(i, "generalization");
    if (correlated) add(i, "correlated");
  });
  return out;
}

/** Each line's kinds; a rule decided entirely by earlier rules also names them ("shadowed by 1,3"). */
function kindsByLine(findings: ReturnType<typeof listAnomalies>): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const f of findings) {
    const covered = f.message.startsWith("Never matches");
    const kind = covered ? `${f.kind} by ${f.related.map((r) => r.line).join(",")}` : f.kind;
    out.set(f.location.line, [...(out.get(f.location.line) ?? []), kind]);
  }
  for (const v of out.values()) v.sort();
  return out;
}

describe("listAnomalies", () => {
  for (const boxes of [true, false]) {
    it(`agrees with the packet-by-packet reference (${boxes ? "boxes" : "BDDs"})`, () => {
      fc.assert(
        fc.property(
          fc.array(specArb, { minLength: 1, maxLength: 9 }),
          fc.constantFrom<RuleList["fallThrough"]>("accept", "drop", "next"),
          (specs, fallThrough) => {
            const space = new PacketSpace();
            const rules = build(space, specs);
            const got = kindsByLine(listAnomalies(new ListGeometry(space, rules, { boxes }), fallThrough));
            const want = reference(rules, fallThrough);
            for (const v of want.values()) v.sort();
            expect(got).toEqual(want);
          },
        ),
        { numRuns: 150 },
      );
    });
  }

  it("names the earlier rules that decide a shadowed rule's packets, and no others", () => {
    const space = new PacketSpace();
    const rules = build(space, [
      { action: "accept", src: [0, 30], proto: 6 },
      { action: "drop", src: [4, 30], proto: 6 },
      { action: "accept", src: [0, 29], proto: 17 },
      { action: "drop", src: [0, 29], proto: 6, ports: [1, 2] },
    ]);
    const [f] = listAnomalies(new ListGeometry(space, rules), "next").filter((x) => x.location.line === 4);
    expect(f?.kind).toBe("shadowed");
    expect(f?.related.map((r) => r.line)).toEqual([1, 2]);
  });
});
