// Property tests: random IR rule lists rendered and read back (by Rampart, and by nft itself) mean the same.

import fc from "fast-check";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inNetns, oracleCommand, oracleNetns, withNetns } from "../../../../../test/support/oracles.js";
import { nftablesImporter } from "../../../import/formats/nftables/importer.js";
import { hostAccepts } from "../../../import/match.js";
import { PacketSpace } from "../../../space/packet-set.js";
import { irListAccepts } from "../../ir-set.js";
import type { Family } from "../../../net/address.js";
import type { Prefix } from "../../../net/prefix.js";
import type { EnforcementPoint } from "../../../policy/types.js";
import type { ImportContext, ImportHost } from "../../../import/model.js";
import type { IrPoint, IrRule, NumRange } from "../../ir.js";
import { nftablesTarget } from "./target.js";

const V4: readonly Prefix[] = [
  { family: 4, value: 0x0a000000n, length: 8 },
  { family: 4, value: 0x0a010000n, length: 16 },
  { family: 4, value: 0x0a010203n, length: 32 },
  { family: 4, value: 0xc0000200n, length: 24 },
  { family: 4, value: 0xc0000280n, length: 25 },
  { family: 4, value: 0x00000000n, length: 1 },
  { family: 4, value: 0xac100000n, length: 12 },
];
const V6: readonly Prefix[] = [
  { family: 6, value: 0x20010db8n << 96n, length: 32 },
  { family: 6, value: (0x20010db8n << 96n) | (1n << 80n), length: 48 },
  { family: 6, value: (0x20010db8n << 96n) | 5n, length: 128 },
  { family: 6, value: 0n, length: 1 },
  { family: 6, value: 0xfe80n << 112n, length: 10 },
];
const NAMES = ["web", "db-backup", 'odd"name\\x', "we$ird#name;{x}%d", "deny-it", "a".repeat(140)];

const range = (max: number) =>
  fc
    .tuple(fc.integer({ min: 0, max }), fc.integer({ min: 0, max: 40 }))
    .map(([lo, w]): NumRange => ({ lo, hi: Math.min(max, lo + w) }));
const ranges = (max: number) => fc.array(range(max), { minLength: 1, maxLength: 3 });
const singles = (values: readonly number[]) =>
  fc
    .uniqueArray(fc.constantFrom(...values), { minLength: 1, maxLength: values.length })
    .map((vs) => vs.map((v): NumRange => ({ lo: v, hi: v })));

function prefixes(family: Family) {
  return fc.uniqueArray(fc.constantFrom(...(family === 4 ? V4 : V6)), { minLength: 1, maxLength: 3 });
}

/** The protocol-dependent fields of a rule: any protocol, numbers, port protocols with ports, or ICMP. */
function protocolFields(family: Family) {
  const icmp = family === 4 ? 1 : 58;
  return fc.oneof(
    fc.constant({}),
    ranges(255).map((protocols) => ({ protocols })),
    singles([0, 43, 44, 47, 50, 51, 59, 60, 132]).map((protocols) => ({ protocols })),
    fc
      .record(
        {
          protocols: singles([6, 17, 132]),
          dstPorts: ranges(65535),
          srcPorts: ranges(65535),
        },
        { requiredKeys: ["protocols"] },
      )
      .filter((r) => r.dstPorts !== undefined || r.srcPorts !== undefined),
    fc.record(
      {
        protocols: fc.constant([{ lo: icmp, hi: icmp }]),
        icmpTypes: ranges(255),
        icmpCodes: ranges(255),
      },
      { requiredKeys: ["protocols"] },
    ),
  );
}

function arbitraryRule(): fc.Arbitrary<IrRule> {
  return fc.constantFrom<Family>(4, 6).chain((family) =>
    fc
      .record({
        action: fc.constantFrom<IrRule["action"]>("accept", "drop"),
        proto: protocolFields(family),
        src: fc.option(prefixes(family), { nil: undefined }),
        dst: fc.option(prefixes(family), { nil: undefined }),
        kind: fc.constantFrom<IrRule["origin"]["kind"]>("flow", "deny"),
        name: fc.constantFrom(...NAMES),
        log: fc.boolean(),
      })
      .map(({ action, proto, src, dst, kind, name, log }): IrRule => ({
        action,
        family,
        ...proto,
        ...(src && { src }),
        ...(dst && { dst }),
        origin: { kind, name },
        log,
      })),
  );
}

function arbitraryRules(max = 8): fc.Arbitrary<IrRule[]> {
  return fc.array(arbitraryRule(), { minLength: 0, maxLength: max });
}

const LOC = { file: "policy.yaml", line: 1, column: 1 };

function testPoint(role: "network" | "host", options: Record<string, unknown> = {}): EnforcementPoint {
  return {
    name: "prop",
    loc: LOC,
    target: { value: "nftables", loc: LOC },
    zones: "all",
    role,
    interfaces: {},
    options,
  };
}

/** A network-role point whose forward list is `rules`. */
function networkIr(rules: readonly IrRule[]): IrPoint {
  return {
    point: testPoint("network"),
    zones: [],
    zoneNetworks: new Map(),
    forward: rules,
    hosts: [],
    replies: false,
  };
}

/** The hosts of host-role property tests. */
const TEST_HOSTS: readonly ImportHost[] = [
  { name: "h1", addresses: [V4[2]!, V6[2]!] },
  { name: "h2", addresses: [V4[4]!] },
];

function hostIr(ingress: readonly IrRule[], egress: readonly IrRule[]): IrPoint {
  return {
    point: testPoint("host"),
    zones: [],
    zoneNetworks: new Map(),
    forward: [],
    hosts: [
      {
        name: "prop",
        assets: [],
        addresses: TEST_HOSTS.flatMap((h) => h.addresses),
        ingress,
        egress,
      },
    ],
    replies: false,
  };
}

function testContext(space: PacketSpace, role: "network" | "host"): ImportContext {
  return {
    space,
    role,
    hosts: role === "host" ? TEST_HOSTS : [],
    interfaces: {},
    zoneSpace: () => space.none(),
  };
}

/** What the IR of a host-role point lets through, by the IR's own meaning. */
function hostExpected(space: PacketSpace, ingress: readonly IrRule[], egress: readonly IrRule[]) {
  const i = irListAccepts(space, ingress);
  const e = irListAccepts(space, egress);
  return hostAccepts(
    space,
    TEST_HOSTS.map((h) => ({ addresses: h.addresses, ingress: i, egress: e })),
  );
}

function importText(space: PacketSpace, role: "network" | "host", text: string) {
  return nftablesImporter.import([{ name: "prop.nft", text }], testContext(space, role));
}

describe("nftables render and import agree with the IR", () => {
  it("network role: accepted equals the IR list, with no diagnostics", () => {
    fc.assert(
      fc.property(arbitraryRules(), (rules) => {
        const space = new PacketSpace();
        const out = nftablesTarget.render(networkIr(rules));
        const imported = importText(space, "network", out.files[0]!.text);
        expect(imported.diagnostics).toEqual([]);
        expect(imported.accepted.equals(irListAccepts(space, rules))).toBe(true);
      }),
      { numRuns: 150, seed: 20250615 },
    );
  });

  it("host role: input and output chains filter like the IR's ingress and egress lists", () => {
    fc.assert(
      fc.property(arbitraryRules(5), arbitraryRules(5), (ingress, egress) => {
        const space = new PacketSpace();
        const out = nftablesTarget.render(hostIr(ingress, egress));
        const imported = importText(space, "host", out.files[0]!.text);
        expect(imported.diagnostics).toEqual([]);
        expect(imported.accepted.equals(hostExpected(space, ingress, egress))).toBe(true);
      }),
      { numRuns: 60, seed: 20250616 },
    );
  });
});

const nft = oracleCommand("nft");
const netns = oracleNetns();
const oracle = {
  available: nft.available && netns.available,
  reason: nft.available ? netns.reason : nft.reason,
};

/** A fixed sample of random rule lists, with rules of every kind. */
function samples(): IrRule[][] {
  return fc.sample(arbitraryRules(12), { numRuns: 12, seed: 424242 });
}

const skipped = oracle.available ? "" : ` (skipped: ${oracle.reason})`;

describe.skipIf(!oracle.available)(`nft reads the rendered files${skipped}`, () => {
  it("nft -c accepts every sampled output", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rampart-nft-"));
    try {
      await withNetns((ns) => {
        samples().forEach((rules, i) => {
          const file = join(dir, `sample-${i}.nft`);
          writeFileSync(file, nftablesTarget.render(networkIr(rules)).files[0]!.text);
          const r = inNetns(ns, "nft", ["-c", "-f", file]);
          expect(r.stderr, file).toBe("");
          expect(r.status).toBe(0);
        });
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("names with quotes, backslashes, dollars and hashes load as comments and log prefixes", async () => {
    const rules = NAMES.map((name): IrRule => ({
      action: "accept",
      family: 4,
      origin: { kind: "flow", name },
      log: true,
    }));
    const text = nftablesTarget.render(networkIr(rules)).files[0]!.text;
    const r = await withNetns((ns) => inNetns(ns, "nft", ["-f", "-"], text));
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("what nft lists after loading a sample imports to the same accepted set", async () => {
    for (const rules of samples()) {
      const text = nftablesTarget.render(networkIr(rules)).files[0]!.text;
      const listed = await withNetns((ns) => {
        const load = inNetns(ns, "nft", ["-f", "-"], text);
        expect(load.stderr).toBe("");
        return inNetns(ns, "nft", ["list", "ruleset"]).stdout;
      });
      const space = new PacketSpace();
      const imported = importText(space, "network", listed);
      expect(imported.diagnostics).toEqual([]);
      expect(imported.accepted.equals(irListAccepts(space, rules))).toBe(true);
    }
  });
});
