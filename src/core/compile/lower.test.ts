import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadText } from "../../../test/support/policies.js";
import { formatAddress } from "../net/address.js";
import { type Prefix, prefixCovers, prefixOf } from "../net/prefix.js";
import { PROTO } from "../net/protocol.js";
import { hostAccepts } from "../import/match.js";
import { evaluatePacket, zoneOf } from "../policy/evaluate.js";
import type { LoadedPolicy } from "../policy/load.js";
import { makePacket, type Packet } from "../space/packet.js";
import { irListAccepts } from "./ir-set.js";
import { lowerPoint, touchIndex } from "./lower.js";
import { replySet } from "./replies.js";
import { pointScope } from "./scope.js";
import type { Target, TargetCapabilities } from "./target.js";

const FULL: TargetCapabilities = {
  families: [4, 6],
  roles: ["network", "host"],
  stateful: true,
  deny: true,
  protocols: "any",
  anyProtocol: true,
  icmp: true,
  sourcePorts: true,
  hostRules: "shared",
  nameMaxLength: 64,
};

function fakeTarget(caps: Partial<TargetCapabilities>): Target {
  return {
    id: "fake",
    description: "lowering only",
    format: "fake",
    capabilities: { ...FULL, ...caps },
    render: () => ({ files: [], diagnostics: [], stats: { rules: 0, objects: 0 } }),
  };
}

const POLICY = `
zones:
  a: { networks: [10.1.0.0/16, "2001:db8:1::/48"] }
  b: { networks: [10.2.0.0/16, "2001:db8:2::/48"] }
  c: { networks: [10.3.0.0/16] }
  b-inner: { networks: [10.2.5.0/24] }
assets:
  web: { addresses: [10.2.0.10, "2001:db8:2::10"], zone: b }
  db: { addresses: [10.2.0.20], zone: b, k8s: { namespace: data, labels: { app: db } } }
  jump: { addresses: [10.1.0.5], zone: a }
flows:
  - { name: a-to-web, from: zone:a, to: asset:web, services: ["tcp/80,443", udp/443, icmp/8] }
  - { name: a-to-b-any, from: asset:jump, to: zone:b, log: true }
  - { name: b-to-c-gre, from: zone:b, to: zone:c, services: [proto/47, tcp/1000-2000] }
  - { name: old, from: zone:c, to: zone:a, expires: 2020-01-01 }
  - { name: a-to-db, from: zone:a, to: asset:db, services: [postgres, dns] }
  - { name: a-to-inner, from: zone:a, to: zone:b-inner, services: [ssh, https] }
denies:
  - { name: no-telnet, from: any, to: any, services: [tcp/23] }
  - { name: no-b-inner, from: zone:a, to: zone:b-inner }
enforcement:
  fw: { target: nftables, zones: [a, b, c, b-inner] }
  hosts: { target: nftables, role: host, zones: all, hosts: [zone:b] }
`;

function lower(loaded: LoadedPolicy, pointName: string, caps: Partial<TargetCapabilities>) {
  const point = loaded.resolved.points.find((p) => p.point.name === pointName)!;
  const target = fakeTarget(caps);
  const scope = pointScope(loaded.intent, point, target.capabilities);
  return { scope, lowered: lowerPoint(loaded.intent, scope, target), space: loaded.intent.space };
}

/** What the IR lets through: the forward list, or the hosts' filters together. */
function irAccepts(r: ReturnType<typeof lower>) {
  const { lowered, space } = r;
  if (lowered.ir.point.role === "network") return irListAccepts(space, lowered.ir.forward);
  return hostAccepts(
    space,
    lowered.ir.hosts.map((h) => ({
      addresses: h.addresses,
      ingress: irListAccepts(space, h.ingress),
      egress: irListAccepts(space, h.egress),
    })),
  );
}

describe("lowerPoint", () => {
  const loaded = loadText(POLICY);

  it("loads the fixture without errors", () => {
    expect(loaded.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });

  it("writes denies first where the target can drop, and the IR is exactly the point's intent", () => {
    const r = lower(loaded, "fw", {});
    const kinds = r.lowered.ir.forward.map((x) => x.origin.kind);
    expect(kinds.indexOf("flow")).toBeGreaterThan(kinds.lastIndexOf("deny"));
    expect(kinds).toContain("deny");
    expect(irAccepts(r).intersect(r.scope.renderDomain).equals(r.scope.expected)).toBe(true);
    expect(r.lowered.diagnostics).toEqual([]);
  });

  it("subtracts denies where the target cannot drop, with the same result", () => {
    const r = lower(loaded, "fw", { deny: false });
    expect(r.lowered.ir.forward.every((x) => x.action === "accept")).toBe(true);
    expect(irAccepts(r).intersect(r.scope.renderDomain).equals(r.scope.expected)).toBe(true);
  });

  it("leaves expired flows out and carries log and origin", () => {
    const r = lower(loaded, "fw", {});
    const names = new Set(r.lowered.ir.forward.map((x) => x.origin.name));
    expect(names.has("old")).toBe(false);
    expect(r.lowered.ir.forward.filter((x) => x.origin.name === "a-to-b-any").every((x) => x.log)).toBe(true);
    expect(r.lowered.ir.forward.filter((x) => x.origin.name === "a-to-web").some((x) => x.log)).toBe(false);
  });

  it("adds replies first for a stateless target: UDP and echo swapped, TCP left to established", () => {
    const r = lower(loaded, "fw", { stateful: false });
    const forward = r.lowered.ir.forward;
    const firstFlow = forward.findIndex((x) => x.origin.kind !== "reply");
    expect(forward.slice(0, firstFlow).every((x) => x.origin.kind === "reply")).toBe(true);
    const replies = forward.filter((x) => x.origin.kind === "reply" && x.origin.name === "a-to-web");
    const protos = replies.flatMap((x) => x.protocols ?? []).map((p) => p.lo);
    expect(protos).toContain(PROTO.udp);
    expect(protos).toContain(PROTO.icmp);
    expect(protos).not.toContain(PROTO.tcp);
    expect(replies.find((x) => x.protocols?.[0]?.lo === PROTO.udp)?.srcPorts).toEqual([{ lo: 443, hi: 443 }]);
    expect(replies.find((x) => x.protocols?.[0]?.lo === PROTO.icmp)?.icmpTypes).toEqual([{ lo: 0, hi: 0 }]);
    expect(irAccepts(r).intersect(r.scope.renderDomain).equals(r.scope.expected)).toBe(true);
    expect(r.scope.expected.equals(r.scope.allowed.union(replySet(r.scope.allowed)))).toBe(true);
  });

  it("refuses what the target cannot express, names the flow, and never widens", () => {
    const r = lower(loaded, "fw", { protocols: [PROTO.tcp, PROTO.udp], anyProtocol: false, icmp: false });
    const messages = r.lowered.diagnostics.map((d) => d.message);
    expect(messages.some((m) => m.includes('"b-to-c-gre"') && m.includes("gre"))).toBe(true);
    expect(messages.some((m) => m.includes('"a-to-web"') && m.includes("icmp"))).toBe(true);
    expect(messages.some((m) => m.includes('"a-to-b-any"') && m.includes("more of its protocols"))).toBe(
      true,
    );
    expect(r.lowered.diagnostics.every((d) => d.code === "target-refused" && d.severity === "error")).toBe(
      true,
    );
    const accepts = irAccepts(r).intersect(r.scope.renderDomain);
    expect(accepts.isSubsetOf(r.scope.expected)).toBe(true);
    expect(accepts.union(r.lowered.refused).equals(r.scope.expected)).toBe(true);
  });

  it("subtracts a deny it cannot write instead of dropping it", () => {
    // The b-inner deny covers every protocol, which this target cannot match: it must not vanish.
    const r = lower(loaded, "fw", { anyProtocol: false });
    expect(r.lowered.diagnostics).toEqual([]);
    expect(r.lowered.ir.forward.some((x) => x.action === "drop")).toBe(false);
    const accepts = irAccepts(r).intersect(r.scope.renderDomain);
    expect(accepts.isSubsetOf(r.scope.expected)).toBe(true);
    expect(accepts.union(r.lowered.refused).equals(r.scope.expected)).toBe(true);
  });

  it("refuses a whole family the target does not filter", () => {
    const r = lower(loaded, "fw", { families: [4] });
    expect(r.lowered.ir.forward.every((x) => x.family === 4)).toBe(true);
    expect(r.lowered.diagnostics.some((d) => d.message.includes("IPv6"))).toBe(true);
  });

  it("writes one shared host rule set, exact over the protected hosts", () => {
    const r = lower(loaded, "hosts", { deny: false });
    expect(r.lowered.ir.hosts.map((h) => h.name)).toEqual(["hosts"]);
    expect(r.scope.hosts.map((a) => a.name)).toEqual(["web", "db"]);
    expect(irAccepts(r).intersect(r.scope.renderDomain).equals(r.scope.expected)).toBe(true);
  });

  it("writes one rule set per asset, only for assets with the metadata the target needs", () => {
    const r = lower(loaded, "hosts", { deny: false, hostRules: "per-asset", hostMetadata: "k8s" });
    expect(r.lowered.ir.hosts.map((h) => h.name)).toEqual(["db"]);
    expect(r.lowered.ir.hosts[0]!.k8s).toEqual({ namespace: "data", labels: { app: "db" } });
    expect(irAccepts(r).intersect(r.scope.renderDomain).equals(r.scope.expected)).toBe(true);
  });

  it("refuses every flow for a role the target does not have", () => {
    const r = lower(loaded, "hosts", { roles: ["network"] });
    expect(r.lowered.diagnostics[0]?.code).toBe("target-refused");
    expect(r.lowered.refused.equals(r.scope.allowed)).toBe(true);
  });
});

// ---- Property: random policies, every capability mix, the IR equals the intent ----------------------------

const services = [
  "tcp/22",
  '"tcp/80,443"',
  "udp/53",
  "tcp/1000-1100",
  "icmp",
  "icmp/8",
  "icmpv6/128",
  "proto/47",
];
const refs = ["zone:a", "zone:b", "zone:c", "asset:web", "asset:db", "10.1.2.0/24", "2001:db8:2::/64", "any"];

const ruleArb = fc.record({
  from: fc.subarray(refs, { minLength: 1, maxLength: 2 }),
  to: fc.subarray(refs, { minLength: 1, maxLength: 2 }),
  services: fc.subarray(services, { maxLength: 3 }),
});

function randomPolicy(
  flows: (typeof ruleArb extends fc.Arbitrary<infer T> ? T : never)[],
  denies: typeof flows,
) {
  const rule = (kind: string, r: (typeof flows)[number], i: number) =>
    `  - { name: ${kind}${i}, from: [${r.from.join(", ")}], to: [${r.to.join(", ")}]${
      r.services.length > 0 ? `, services: [${r.services.join(", ")}]` : ""
    } }`;
  return `${POLICY.split("flows:")[0]}flows:
${flows.map((r, i) => rule("f", r, i)).join("\n")}
denies:
${denies.length > 0 ? denies.map((r, i) => rule("d", r, i)).join("\n") : "  []"}
enforcement:
  fw: { target: nftables, zones: [a, b] }
  hosts: { target: nftables, role: host, zones: all, hosts: [zone:b] }
`.replace("denies:\n  []", "denies: []");
}

const capsArb = fc.record({
  stateful: fc.boolean(),
  deny: fc.boolean(),
  hostRules: fc.constantFrom<"shared" | "per-asset">("shared", "per-asset"),
});

describe("lowering, for random policies and capabilities", () => {
  it("gives an IR that lets through exactly what the point must", () => {
    fc.assert(
      fc.property(
        fc.array(ruleArb, { minLength: 1, maxLength: 5 }),
        fc.array(ruleArb, { maxLength: 2 }),
        capsArb,
        (flows, denies, caps) => {
          const loaded = loadText(randomPolicy(flows, denies));
          expect(loaded.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
          for (const name of ["fw", "hosts"]) {
            const r = lower(loaded, name, caps);
            expect(r.lowered.diagnostics).toEqual([]);
            expect(irAccepts(r).intersect(r.scope.renderDomain).equals(r.scope.expected)).toBe(true);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("scopes the point exactly as the reference evaluator judges packets", () => {
    const loaded = loadText(POLICY);
    const point = loaded.resolved.points.find((p) => p.point.name === "fw")!;
    const scope = pointScope(loaded.intent, point, FULL);
    const addresses4 = [0x0a010005n, 0x0a02000an, 0x0a020014n, 0x0a020501n, 0x0a030001n, 0x0b000001n];
    const packets: Packet[] = [];
    for (const src of addresses4)
      for (const dst of addresses4)
        for (const [proto, dport] of [
          [PROTO.tcp, 80],
          [PROTO.tcp, 23],
          [PROTO.udp, 53],
          [47, 0],
          [PROTO.tcp, 1500],
        ] as const)
          packets.push(
            makePacket({
              src: { family: 4, value: src },
              dst: { family: 4, value: dst },
              proto,
              dport,
              sport: 40000,
            }),
          );
    for (const p of packets) {
      const zs = zoneOf(loaded.policy, { family: 4, value: p.src });
      const zd = zoneOf(loaded.policy, { family: 4, value: p.dst });
      const inZones =
        zs !== undefined && zd !== undefined && point.zones.includes(zs) && point.zones.includes(zd);
      const want = inZones && evaluatePacket(loaded.policy, p, { today: "2025-06-15" }).verdict === "allow";
      const label = `${formatAddress({ family: 4, value: p.src })} -> ${formatAddress({ family: 4, value: p.dst })}`;
      expect(scope.allowed.contains(p), label).toBe(want);
    }
  });
});

describe("touchIndex", () => {
  // Short prefixes inside a small range, so covering, contained, equal and disjoint pairs all occur.
  const prefix = fc
    .record({ family: fc.constantFrom(4 as const, 6 as const), value: fc.bigInt(0n, 15n), length: fc.nat(4) })
    .map(({ family, value, length }): Prefix => {
      const bits = family === 4 ? 32 : 128;
      return prefixOf({ family, value: value << BigInt(bits - 4) }, length);
    });
  const overlaps = (a: Prefix, b: Prefix) => prefixCovers(a, b) || prefixCovers(b, a);

  it("finds exactly the items with a term covering or inside a prefix, in order", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(prefix, { maxLength: 3 }), { maxLength: 12 }),
        fc.array(prefix, { maxLength: 3 }),
        (items, query) => {
          const terms = (item: Prefix[]) => item.map((p) => ({ prefix: p }));
          const plain = items.filter((item) => item.some((t) => query.some((q) => overlaps(t, q))));
          expect(touchIndex(items, terms)(query)).toEqual(plain);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("lowering every protected host of a point at once", () => {
  it("gives each host the rules it gets when lowered alone", () => {
    // Flow parts in the zones are computed once for all hosts of a point: no host may see another's.
    fc.assert(
      fc.property(
        fc.array(ruleArb, { minLength: 1, maxLength: 5 }),
        fc.array(ruleArb, { maxLength: 2 }),
        fc.boolean(),
        (flows, denies, deny) => {
          const loaded = loadText(randomPolicy(flows, denies));
          const point = loaded.resolved.points.find((p) => p.point.name === "hosts")!;
          const target = fakeTarget({ deny, hostRules: "per-asset" });
          const together = lowerPoint(
            loaded.intent,
            pointScope(loaded.intent, point, target.capabilities),
            target,
          );
          expect(together.ir.hosts.map((h) => h.name)).toEqual(["web", "db"]);
          for (const host of together.ir.hosts) {
            const one = { ...point, hosts: point.hosts.filter((a) => a.name === host.name) };
            const alone = lowerPoint(
              loaded.intent,
              pointScope(loaded.intent, one, target.capabilities),
              target,
            );
            expect(alone.ir.hosts).toEqual([host]);
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});
