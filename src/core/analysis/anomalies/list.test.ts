import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ImportedRule, RuleList } from "../../import/model.js";
import type { Packet } from "../../space/packet.js";
import { PacketSpace, type PacketSet } from "../../space/packet-set.js";
import { ListGeometry } from "./geometry.js";
import { listAnomalies } from "./list.js";

// Rules over a small grid: sources and destinations inside 10.0.0.0/29 (or any), TCP/UDP ports 0-7 (or
// any), TCP, UDP or every protocol. Every rule is then a union of cells of the grid below, so the reference
// can decide everything packet by packet. A rule may also carry an interface key (`in=eth0`, `in=eth1`: an
// interface the importer could not map), and every packet arrives on eth0, eth1 or eth2, the last named by no
// rule (as in real lists some interface always is).
const BASE = 0x0a000000n;
const ADDRESSES = [...Array.from({ length: 8 }, (_, i) => BASE + BigInt(i)), 0x0b000000n];
const PORTS = [0, 1, 2, 3, 4, 5, 6, 7, 100];
const PROTOCOLS = [6, 17, 1];
const INTERFACES = ["eth0", "eth1", "eth2"];

interface Spec {
  action: "accept" | "drop" | "other";
  src?: [number, number];
  dst?: [number, number];
  proto?: 6 | 17;
  ports?: [number, number];
  iface?: "eth0" | "eth1";
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
    iface: fc.option(fc.constantFrom("eth0" as const, "eth1" as const), { nil: undefined }),
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
    const source = { file: "f", line: i + 1, text: "" };
    return { action: s.action, match: m, list: "l", source, ...(s.iface && { interfaces: `in=${s.iface}` }) };
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

/**
 * The anomaly kinds of each line, by definition, packet by packet: a packet is a header and the interface it
 * arrives on, and a rule matches it when its match holds the header and its interface key (if any) names the
 * interface. A rule is judged on the packets of one interface it applies to: its key's, or eth2 for a rule
 * without key (on eth2 only rules without key apply; on eth0 and eth1 other rules may too, which makes a
 * rule covered there covered on eth2 as well, so coverage on eth2 is coverage everywhere). The one documented
 * approximation: a later rule with another key that matches the header makes the verdict unknown.
 */
function reference(
  rules: readonly ImportedRule[],
  fallThrough: RuleList["fallThrough"],
): Map<number, string[]> {
  const headers = packets();
  const ps = INTERFACES.flatMap((iface) => headers.map((h) => ({ h, iface })));
  const inHeader = rules.map((r) => ps.map((p) => r.match.contains(p.h)));
  const hits = rules.map((r, i) =>
    ps.map((p, k) => inHeader[i]![k]! && (!r.interfaces || r.interfaces === `in=${p.iface}`)),
  );
  const decider = ps.map((_, k) => rules.findIndex((r, i) => r.action !== "other" && hits[i]![k]));
  const out = new Map<number, string[]>();
  const add = (i: number, kind: string) => out.set(i + 1, [...(out.get(i + 1) ?? []), kind]);
  rules.forEach((r, i) => {
    if (r.action === "other") return;
    if (!inHeader[i]!.some((x) => x)) return add(i, "empty");
    const judged = r.interfaces?.slice("in=".length) ?? "eth2";
    const all = ps.map((_, k) => k).filter((k) => hits[i]![k]);
    const mine = all.filter((k) => ps[k]!.iface === judged);
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
      const unknown = (x: ImportedRule, jj: number) =>
        inHeader[jj]![k]! && x.interfaces !== undefined && x.interfaces !== r.interfaces;
      const j = rules.findIndex((x, jj) => jj > i && (hits[jj]![k] || unknown(x, jj)));
      if (j < 0) return fallThrough === r.action;
      return !unknown(rules[j]!, j) && rules[j]!.action === r.action;
    });
    if (laterSame) return add(i, "redundant");
    let correlated = false;
    let general = false;
    for (let j = 0; j < i; j++) {
      const o = rules[j]!;
      if (o.action === "other" || o.action === r.action) continue;
      const overlap = all.some((k) => hits[j]![k]);
      if (!overlap) continue;
      const iInJ = all.every((k) => hits[j]![k]);
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
  // segment 1: index segments of 1, 1, 2, 4 ... rules, so that the walk for early cover crosses several.
  for (const [boxes, segment] of [
    [true, undefined],
    [true, 1],
    [false, undefined],
  ] as const) {
    const name = boxes ? `boxes${segment ? `, index segments from ${segment} rule` : ""}` : "BDDs";
    // Asynchronous, yielding between runs: the runs take tens of seconds in all, and a test worker that never
    // yields cannot answer the test runner (vitest's "Timeout calling onTaskUpdate" on a loaded machine).
    it(`agrees with the packet-by-packet reference (${name})`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(specArb, { minLength: 1, maxLength: 9 }),
          fc.constantFrom<RuleList["fallThrough"]>("accept", "drop", "next"),
          async (specs, fallThrough) => {
            await new Promise((done) => setImmediate(done));
            const space = new PacketSpace();
            const rules = build(space, specs);
            const got = kindsByLine(
              listAnomalies(
                new ListGeometry(space, rules, { boxes, ...(segment && { segment }) }),
                fallThrough,
              ),
            );
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

describe("listAnomalies with widened rules (a condition left out of the match)", () => {
  const widen = (rules: ImportedRule[], ...indexes: number[]) =>
    rules.map((r, i) => (indexes.includes(i) ? { ...r, widened: true } : r));

  for (const boxes of [true, false]) {
    const run = (rules: ImportedRule[]) =>
      kindsByLine(listAnomalies(new ListGeometry(rules[0]!.match.space, rules, { boxes }), "next"));

    it(`never lets a widened rule cover a later one (${boxes ? "boxes" : "BDDs"})`, () => {
      const space = new PacketSpace();
      // accept tcp/22 -m limit ...; drop tcp/22: the drop decides whatever the rate limit lets past.
      const rules = widen(
        build(space, [
          { action: "accept", proto: 6, ports: [2, 2] },
          { action: "drop", proto: 6, ports: [2, 2] },
        ]),
        0,
      );
      expect(run(rules).get(2)).toBeUndefined();
      // The same pair without the left-out condition: the drop is shadowed.
      expect(
        run(
          build(space, [
            { action: "accept", proto: 6, ports: [2, 2] },
            { action: "drop", proto: 6, ports: [2, 2] },
          ]),
        ).get(2),
      ).toEqual(["shadowed by 1"]);
    });

    it(`finds a widened rule covered by earlier rules (${boxes ? "boxes" : "BDDs"})`, () => {
      const space = new PacketSpace();
      const rules = widen(
        build(space, [
          { action: "accept", proto: 6 },
          { action: "accept", proto: 6, ports: [2, 2] },
        ]),
        1,
      );
      expect(run(rules).get(2)).toEqual(["redundant by 1"]);
    });

    it(`claims no correlation or generalization with a widened rule (${boxes ? "boxes" : "BDDs"})`, () => {
      const space = new PacketSpace();
      const specs: Spec[] = [
        { action: "drop", proto: 6, ports: [2, 2] },
        { action: "accept", proto: 6, ports: [0, 3] },
        { action: "drop", src: [0, 30], proto: 6, ports: [4, 5] },
        { action: "accept", proto: 6, ports: [3, 7] },
      ];
      expect(run(build(space, specs)).get(2)).toEqual(["generalization"]);
      expect(run(build(space, specs)).get(4)).toEqual(["generalization"]);
      const widened = run(widen(build(space, specs), 0, 2));
      expect(widened.get(2)).toBeUndefined();
      expect(widened.get(4)).toBeUndefined();
    });
  }
});
