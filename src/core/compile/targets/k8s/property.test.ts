import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { k8sImporter } from "../../../import/formats/k8s/importer.js";
import { hostAccepts } from "../../../import/match.js";
import type { Family } from "../../../net/address.js";
import { parsePrefix, type Prefix } from "../../../net/prefix.js";
import type { EnforcementPoint } from "../../../policy/types.js";
import { PacketSpace } from "../../../space/packet-set.js";
import type { IrHostRules, IrPoint, IrRule, NumRange } from "../../ir.js";
import { irListAccepts } from "../../ir-set.js";
import { k8sTarget } from "./target.js";

const LOC = { file: "policy.yaml", line: 1, column: 1 };
const POINT: EnforcementPoint = {
  name: "cluster",
  loc: LOC,
  target: { value: "k8s", loc: LOC },
  zones: "all",
  role: "host",
  interfaces: {},
  options: {},
};

/** Pod i owns 10.i.0.0/16 and 2001:db8:i::/48 (one family or both); namespaces "a" and "b". */
interface PodSpec {
  readonly namespace: "a" | "b";
  readonly families: readonly Family[];
}

function podAddresses(i: number, families: readonly Family[]): Prefix[] {
  return families.map((f) => parsePrefix(f === 4 ? `10.${i}.0.0/16` : `2001:db8:${i}::/48`));
}

/** Peer prefixes: whole pods, networks around them, slices of them, and addresses elsewhere. */
const PEERS: Record<Family, string[]> = {
  4: [
    "10.0.0.0/16",
    "10.1.0.0/16",
    "10.2.0.0/16",
    "10.0.0.0/8",
    "10.1.128.0/17",
    "192.0.2.0/24",
    "0.0.0.0/0",
    "10.2.3.4/32",
  ],
  6: [
    "2001:db8:0::/48",
    "2001:db8:1::/48",
    "2001:db8:2::/48",
    "2001:db8::/32",
    "2001:db8:1:8000::/49",
    "::/0",
  ],
};

const ranges = (max: number, min: number) =>
  fc
    .array(
      fc
        .tuple(fc.integer({ min, max }), fc.integer({ min: 0, max: 40 }))
        .map(([lo, n]) => ({ lo, hi: Math.min(max, lo + n) })),
      { minLength: 1, maxLength: 3 },
    )
    .map(normalize);

function normalize(rs: NumRange[]): NumRange[] {
  const sorted = [...rs].sort((a, b) => a.lo - b.lo);
  const out: NumRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.lo <= last.hi + 1) out[out.length - 1] = { lo: last.lo, hi: Math.max(last.hi, r.hi) };
    else out.push(r);
  }
  return out;
}

/** A rule seen from the pod: family, peer prefixes (absent: any), services, flow, and whether to split it. */
const ruleArb = fc.record({
  family: fc.constantFrom<Family>(4, 6),
  peers: fc.option(fc.uniqueArray(fc.nat({ max: 7 }), { minLength: 1, maxLength: 3 }), { nil: undefined }),
  protocols: fc.option(fc.subarray([6, 17, 132], { minLength: 1 }), { nil: undefined }),
  ports: fc.option(fc.oneof(ranges(65535, 1), ranges(100, 1)), { nil: undefined }),
  flow: fc.constantFrom("f1", "f2", "f3"),
  split: fc.boolean(),
});
type RuleSpec = typeof ruleArb extends fc.Arbitrary<infer T> ? T : never;

function halves(p: Prefix): Prefix[] {
  const bits = p.family === 4 ? 32 : 128;
  const bit = 1n << BigInt(bits - p.length - 1);
  return [
    { ...p, length: p.length + 1 },
    { ...p, value: p.value | bit, length: p.length + 1 },
  ];
}

/** The IR boxes for one spec on pod `own`: none when the pod lacks the family; two when split. */
function irRules(spec: RuleSpec, own: readonly Prefix[], dir: "ingress" | "egress"): IrRule[] {
  const mine = own.filter((p) => p.family === spec.family);
  if (mine.length === 0) return [];
  const pool = PEERS[spec.family];
  const peer = spec.peers?.map((i) => parsePrefix(pool[i % pool.length]!));
  const protocols = spec.protocols?.map((p) => ({ lo: p, hi: p }));
  const base = {
    action: "accept" as const,
    family: spec.family,
    ...(protocols && { protocols }),
    ...(protocols && spec.ports && { dstPorts: spec.ports }),
    origin: { kind: "flow" as const, name: spec.flow },
    log: false,
  };
  const owns = spec.split ? mine.flatMap(halves).map((p) => [p]) : [mine];
  return owns.map((o) =>
    dir === "ingress"
      ? { ...base, dst: o, ...(peer && { src: peer }) }
      : { ...base, src: o, ...(peer && { dst: peer }) },
  );
}

const podArb = fc.record({
  namespace: fc.constantFrom<"a" | "b">("a", "b"),
  families: fc.constantFrom<Family[]>([4], [6], [4, 6]),
});
const caseArb = fc.array(
  fc.record({
    pod: podArb,
    ingress: fc.array(ruleArb, { maxLength: 4 }),
    egress: fc.array(ruleArb, { maxLength: 4 }),
  }),
  { minLength: 1, maxLength: 3 },
);

describe("k8s render then import", () => {
  it("lets through exactly what the IR's host rule sets accept together", () => {
    fc.assert(
      fc.property(caseArb, (pods) => {
        const space = new PacketSpace();
        const hosts: IrHostRules[] = pods.map(
          (p: { pod: PodSpec; ingress: RuleSpec[]; egress: RuleSpec[] }, i) => {
            const addresses = podAddresses(i, p.pod.families);
            return {
              name: `pod-${i}`,
              assets: [],
              addresses,
              k8s: { namespace: p.pod.namespace, labels: { app: `pod-${i}` } },
              ingress: p.ingress.flatMap((s) => irRules(s, addresses, "ingress")),
              egress: p.egress.flatMap((s) => irRules(s, addresses, "egress")),
            };
          },
        );
        const ir: IrPoint = {
          point: POINT,
          zones: [],
          zoneNetworks: new Map(),
          forward: [],
          hosts,
          replies: false,
        };
        const rendered = k8sTarget.render(ir);
        expect(rendered.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
        const imported = k8sImporter.import(rendered.files, {
          space,
          role: "host",
          hosts: hosts.map((h) => ({ name: h.name, addresses: h.addresses, k8s: h.k8s! })),
          interfaces: {},
          zoneSpace: () => space.none(),
        });
        expect(imported.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
        const expected = hostAccepts(
          space,
          hosts.map((h) => ({
            addresses: h.addresses,
            ingress: irListAccepts(space, h.ingress),
            egress: irListAccepts(space, h.egress),
          })),
        );
        expect(imported.accepted.equals(expected)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
