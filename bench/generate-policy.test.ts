import { describe, expect, it } from "vitest";
import { evaluatePacket } from "../src/core/policy/evaluate.js";
import { loadPolicy } from "../src/core/policy/load.js";
import { parsePolicy } from "../src/core/policy/parse.js";
import { ServiceResolver } from "../src/core/policy/services.js";
import { formatPacket } from "../src/core/space/packet.js";
import { generatePolicy, GENERATED_TODAY, randomPackets } from "./generate-policy.js";
import { formatPacketLine, parsePacketLines } from "./packets-file.js";
import { TARGETS } from "./generate-rules.js";

describe("generatePolicy", () => {
  it("gives the same text for the same options and a different one for another seed", () => {
    const a = generatePolicy({ flows: 100, assets: 30, seed: 5 });
    expect(generatePolicy({ flows: 100, assets: 30, seed: 5 })).toEqual(a);
    expect(generatePolicy({ flows: 100, assets: 30, seed: 6 })[0]!.text).not.toBe(a[0]!.text);
  });

  it("writes every section, and the same policy whether in one file or one per section", () => {
    const one = parsePolicy(generatePolicy({ flows: 150, assets: 60, seed: 8 })).policy;
    const split = generatePolicy({ flows: 150, assets: 60, seed: 8, split: true });
    expect(split.map((s) => s.path)).toEqual([
      "generated/zones.yaml",
      "generated/services.yaml",
      "generated/assets.yaml",
      "generated/groups.yaml",
      "generated/applications.yaml",
      "generated/flows.yaml",
      "generated/denies.yaml",
      "generated/enforcement.yaml",
      "generated/assertions.yaml",
    ]);
    const many = parsePolicy(split).policy;
    const names = (p: typeof one) =>
      Object.values(p).map((items: { name?: string }[]) => items.map((i) => i.name));
    expect(names(many)).toEqual(names(one));
    expect(one.zones).toHaveLength(20);
    expect(one.assets).toHaveLength(60);
    expect(one.enforcement.map((e) => e.target.value)).toEqual([...TARGETS, ...TARGETS].slice(0, 10));
    expect(one.assertions.length).toBeGreaterThan(0);
  });

  it("makes some flows expire before GENERATED_TODAY and keeps the others active", () => {
    const { policy } = parsePolicy(generatePolicy({ flows: 500, assets: 50, seed: 9, expired: 7 }));
    const expired = policy.flows.filter((f) => f.expires && f.expires.value < GENERATED_TODAY);
    expect(expired).toHaveLength(7);
  });

  it("refuses more zones than the address plan holds", () => {
    expect(() => generatePolicy({ zones: 500 })).toThrow(RangeError);
  });
});

describe("randomPackets", () => {
  const sources = generatePolicy({ flows: 120, assets: 40, seed: 11 });

  it("draws the same packets for the same seed", () => {
    expect(randomPackets(sources, 200, 1)).toEqual(randomPackets(sources, 200, 1));
    expect(randomPackets(sources, 200, 2)).not.toEqual(randomPackets(sources, 200, 1));
  });

  it("draws both families, several protocols, and packets the policy allows as well as denies", () => {
    const { intent } = loadPolicy(sources, { today: GENERATED_TODAY });
    const packets = randomPackets(sources, 2_000, 3);
    expect(new Set(packets.map((p) => p.family))).toEqual(new Set([4, 6]));
    expect(new Set(packets.map((p) => p.proto)).size).toBeGreaterThan(6);
    const allowed = packets.filter((p) => intent.allowed.contains(p)).length;
    expect(allowed).toBeGreaterThan(packets.length * 0.05);
    expect(allowed).toBeLessThan(packets.length * 0.95);
  });

  it("gives packets on which the intent agrees with the reference evaluator", () => {
    for (const seed of [1, 2, 3]) {
      const policySources = generatePolicy({ flows: 80, assets: 30, zones: 4 + seed * 5, seed });
      const { policy, intent } = loadPolicy(policySources, { today: GENERATED_TODAY });
      const services = new ServiceResolver(policy.services);
      for (const p of randomPackets(policySources, 500, seed)) {
        const fast = intent.explain(p);
        const slow = evaluatePacket(policy, p, { today: GENERATED_TODAY, services });
        const names = (rules: { name: string }[]) => rules.map((r) => r.name).sort();
        expect({ packet: formatPacket(p), verdict: fast.verdict, flows: names(fast.allowedBy) }).toEqual({
          packet: formatPacket(p),
          verdict: slow.verdict,
          flows: names(slow.allowedBy),
        });
      }
    }
  });
});

describe("packet lines", () => {
  it("read back the packets they were written from", () => {
    const packets = randomPackets(generatePolicy({ flows: 50, assets: 20, seed: 4 }), 300, 4);
    const text = packets.map((p) => formatPacketLine(p)).join("\n") + "\n\n";
    expect(parsePacketLines(text)).toEqual(packets);
  });

  it("read packets the way rampart explain --packets does: ICMP defaults to echo request", () => {
    const [gre, ping] = parsePacketLines(
      '{"src":"10.0.0.1","dst":"10.0.0.2","proto":47}\n{"src":"::1","dst":"::2","proto":"icmpv6"}',
    );
    expect(gre && formatPacket(gre)).toBe("gre 10.0.0.1 -> 10.0.0.2");
    expect(ping && formatPacket(ping)).toBe("icmpv6 ::1 -> ::2 type 128 code 0");
  });

  it("name the line of a malformed packet", () => {
    expect(() => parsePacketLines('{"src":"10.0.0.1","dst":"::1","proto":"tcp"}', "p.jsonl")).toThrow(
      /^Cannot read packets: p\.jsonl:1: Cannot make packet: "src" is IPv4 but "dst" is IPv6$/,
    );
    expect(() =>
      parsePacketLines('\n{"src":"10.0.0.1","dst":"10.0.0.2","proto":"tcp","dport":70000}'),
    ).toThrow(/^Cannot read packets: packets:2: Invalid "dport" 70000/);
  });
});
