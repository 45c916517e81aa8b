import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAddress } from "../net/address.js";
import { PROTO } from "../net/protocol.js";
import { makePacket, type Packet } from "../space/packet.js";
import { evaluatePacket } from "./evaluate.js";
import { loadPolicy } from "./load.js";

const TODAY = "2026-06-01";

// Networks that nest, so that longest-prefix zone membership and zone spaces with holes are exercised.
const NETS = [
  "0.0.0.0/0",
  "10.0.0.0/8",
  "10.1.0.0/16",
  "10.1.2.0/24",
  "10.1.2.128/25",
  "10.2.0.0/16",
  "192.168.0.0/24",
  "::/0",
  "2001:db8::/32",
  "2001:db8:1::/48",
  "2001:db8:1:2::/64",
];
const HOSTS = [
  "10.1.2.5",
  "10.1.2.130",
  "10.2.0.1",
  "192.168.0.10",
  "10.1.0.0/28",
  "2001:db8:1:2::5",
  "2001:db8:2::1",
  "8.8.8.8",
];
const SPECS = [
  "tcp/443",
  "tcp/80,443",
  "tcp/8000-8999",
  "udp/53",
  "icmp",
  "icmpv6",
  "icmp/8",
  "icmp/3/4",
  "proto/47",
  "tcp",
  "https",
  "dns",
  "ping",
];
// Packet fields drawn from the policy's own boundaries.
const ADDRS = [
  "10.1.2.5",
  "10.1.2.127",
  "10.1.2.128",
  "10.1.2.130",
  "10.1.2.255",
  "10.1.0.0",
  "10.1.0.15",
  "10.1.0.16",
  "10.1.255.255",
  "10.2.0.1",
  "10.3.0.1",
  "192.168.0.10",
  "192.168.1.1",
  "8.8.8.8",
  "2001:db8:1:2::5",
  "2001:db8:1:2::6",
  "2001:db8:1:3::1",
  "2001:db8:2::1",
  "2001:db9::1",
];
const PORTS = [0, 53, 79, 80, 81, 443, 444, 7999, 8000, 8999, 9000, 65535];
const PROTOS = [PROTO.tcp, PROTO.udp, PROTO.icmp, PROTO.icmpv6, PROTO.gre, PROTO.esp];

interface GenPolicy {
  zones: string[][];
  assets: string[][];
  groups: string[][];
  apps: string[][][];
  services: string[][];
  flows: GenRule[];
  denies: GenRule[];
}
interface GenRule {
  from: string[];
  to: string[];
  services: string[];
  expired: boolean;
}

const policyArb: fc.Arbitrary<GenPolicy> = fc
  .record({
    zoneOf: fc.array(fc.integer({ min: -1, max: 3 }), { minLength: NETS.length, maxLength: NETS.length }),
    assets: fc.array(fc.uniqueArray(fc.constantFrom(...HOSTS), { minLength: 1, maxLength: 2 }), {
      maxLength: 4,
    }),
    groupCount: fc.integer({ min: 0, max: 3 }),
    appCount: fc.integer({ min: 0, max: 2 }),
    serviceDefs: fc.array(fc.uniqueArray(fc.constantFrom(...SPECS), { minLength: 1, maxLength: 3 }), {
      maxLength: 2,
    }),
    seed: fc.infiniteStream(fc.nat()),
  })
  .chain((base) => {
    const zones: string[][] = [[], [], [], []];
    base.zoneOf.forEach((z, i) => {
      if (z >= 0) zones[z]!.push(NETS[i]!);
    });
    const liveZones = zones
      .map((nets, i) => (nets.length ? `zone:z${i}` : undefined))
      .filter((x) => x) as string[];
    const baseRefs = [
      "any",
      ...liveZones,
      ...base.assets.map((_, i) => `asset:a${i}`),
      ...HOSTS.slice(0, 4),
      "10.1.0.0/16",
      "2001:db8:1::/48",
    ];
    const refsUpTo = (groups: number, apps: boolean) => [
      ...baseRefs,
      ...Array.from({ length: groups }, (_, i) => `group:g${i}`),
      ...(apps ? Array.from({ length: base.appCount }, (_, i) => [`app:p${i}`, `app:p${i}/t0`]).flat() : []),
    ];
    const refs = (groups: number, apps: boolean) =>
      fc.uniqueArray(fc.constantFrom(...refsUpTo(groups, apps)), { minLength: 1, maxLength: 2 });
    const svcPool = [...SPECS, ...base.serviceDefs.map((_, i) => `s${i}`)];
    const rule = fc.record({
      from: refs(base.groupCount, true),
      to: refs(base.groupCount, true),
      services: fc.uniqueArray(fc.constantFrom(...svcPool), { maxLength: 3 }),
      expired: fc.boolean(),
    });
    return fc
      .record({
        // Each group refers only to earlier groups: no cycles.
        groups: fc.tuple(
          ...Array.from({ length: base.groupCount }, (_, i) => refs(i, false)),
        ) as fc.Arbitrary<string[][]>,
        apps: fc.tuple(
          ...Array.from({ length: base.appCount }, () =>
            fc.array(refs(base.groupCount, false), { minLength: 1, maxLength: 2 }),
          ),
        ) as fc.Arbitrary<string[][][]>,
        flows: fc.array(rule, { minLength: 1, maxLength: 8 }),
        denies: fc.array(rule, { maxLength: 3 }),
      })
      .map((r) => ({ zones, assets: base.assets, services: base.serviceDefs, ...r }));
  });

function toYaml(g: GenPolicy): string {
  const q = (s: string) => JSON.stringify(s);
  const list = (xs: string[]) => `[${xs.map(q).join(", ")}]`;
  const lines: string[] = ["zones:"];
  g.zones.forEach((nets, i) => {
    if (nets.length) lines.push(`  z${i}: { networks: ${list(nets)} }`);
  });
  if (g.zones.every((n) => n.length === 0)) lines.push("  z0: { networks: [] }");
  lines.push("assets:");
  g.assets.forEach((a, i) => lines.push(`  a${i}: { addresses: ${list(a)} }`));
  if (!g.assets.length) lines.push("  {}");
  lines.push("groups:");
  g.groups.forEach((m, i) => lines.push(`  g${i}: ${list(m)}`));
  if (!g.groups.length) lines.push("  {}");
  lines.push("applications:");
  g.apps.forEach((tiers, i) => {
    lines.push(`  p${i}:`, "    tiers:");
    tiers.forEach((m, t) => lines.push(`      t${t}: ${list(m)}`));
  });
  if (!g.apps.length) lines.push("  {}");
  lines.push("services:");
  g.services.forEach((s, i) => lines.push(`  s${i}: ${list(s)}`));
  if (!g.services.length) lines.push("  {}");
  for (const [section, rules] of [
    ["flows", g.flows],
    ["denies", g.denies],
  ] as const) {
    lines.push(`${section}:`);
    rules.forEach((r, i) => {
      const svc = r.services.length ? `, services: ${list(r.services)}` : "";
      const exp = `, expires: ${r.expired ? "2020-01-31" : "2030-01-31"}`;
      lines.push(`  - { name: ${section}-${i}, from: ${list(r.from)}, to: ${list(r.to)}${svc}${exp} }`);
    });
    if (!rules.length) lines.push("  []");
  }
  return (
    lines
      .join("\n")
      .replace(/:\n {2}\{\}/g, ": {}")
      .replace(/:\n {2}\[\]/g, ": []") + "\n"
  );
}

const packetArb: fc.Arbitrary<Packet | undefined> = fc
  .record({
    src: fc.constantFrom(...ADDRS),
    dst: fc.constantFrom(...ADDRS),
    proto: fc.constantFrom(...PROTOS),
    sport: fc.constantFrom(...PORTS),
    dport: fc.constantFrom(...PORTS),
    icmpType: fc.constantFrom(0, 3, 8, 128),
    icmpCode: fc.constantFrom(0, 4),
  })
  .map((r) => {
    const src = parseAddress(r.src);
    const dst = parseAddress(r.dst);
    if (src.family !== dst.family) return undefined;
    return makePacket({ ...r, src, dst });
  });

const names = (rs: readonly { name: string }[]) => rs.map((r) => r.name).sort();

describe("the intent agrees with the reference evaluator", () => {
  it("on verdicts and deciding rules, for random policies and packets", () => {
    fc.assert(
      fc.property(policyArb, fc.array(packetArb, { minLength: 50, maxLength: 50 }), (g, packets) => {
        const text = toYaml(g);
        const loaded = loadPolicy([{ path: "p.yaml", text }], { today: TODAY });
        const errors = loaded.diagnostics.filter((d) => d.severity === "error");
        expect(errors, text).toEqual([]);
        for (const p of packets) {
          if (!p) continue;
          const fast = loaded.intent.explain(p);
          const slow = evaluatePacket(loaded.policy, p, { today: TODAY });
          expect(fast.verdict, text).toBe(slow.verdict);
          expect(names(fast.allowedBy)).toEqual(names(slow.allowedBy));
          expect(names(fast.deniedBy)).toEqual(names(slow.deniedBy));
          expect(names(fast.expired)).toEqual(names(slow.expiredMatches));
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe("ICMP families", () => {
  it("binds icmp to IPv4 and icmpv6 to IPv6, in the intent and the evaluator alike", () => {
    const text = `zones:\n  all: { networks: ["0.0.0.0/0", "::/0"] }\nflows:\n  - { name: ping, from: any, to: any, services: [ping] }\n`;
    const loaded = loadPolicy([{ path: "p.yaml", text }], { today: TODAY });
    const v4 = { src: parseAddress("10.0.0.1"), dst: parseAddress("10.0.0.2") };
    const v6 = { src: parseAddress("2001:db8::1"), dst: parseAddress("2001:db8::2") };
    const cases: [Packet, "allow" | "deny"][] = [
      [makePacket({ ...v4, proto: PROTO.icmp, icmpType: 8 }), "allow"],
      [makePacket({ ...v4, proto: PROTO.icmpv6, icmpType: 128 }), "deny"],
      [makePacket({ ...v6, proto: PROTO.icmpv6, icmpType: 128 }), "allow"],
      [makePacket({ ...v6, proto: PROTO.icmp, icmpType: 8 }), "deny"],
    ];
    for (const [p, verdict] of cases) {
      expect(loaded.intent.explain(p).verdict).toBe(verdict);
      expect(evaluatePacket(loaded.policy, p, { today: TODAY }).verdict).toBe(verdict);
    }
  });
});
