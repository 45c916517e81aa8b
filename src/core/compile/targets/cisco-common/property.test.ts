// Random IR → render → import back must give exactly the IR's meaning, for both Cisco targets.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ADDRESS_BITS, type Family } from "../../../net/address.js";
import type { Prefix } from "../../../net/prefix.js";
import { findImporter } from "../../../import/formats/index.js";
import type { ImportContext } from "../../../import/model.js";
import { PacketSpace } from "../../../space/packet-set.js";
import type { EnforcementPoint } from "../../../policy/types.js";
import type { IrPoint, IrRule, NumRange } from "../../ir.js";
import { irListAccepts } from "../../ir-set.js";
import type { Target } from "../../target.js";
import { ciscoAsaTarget } from "../cisco-asa/target.js";
import { ciscoIosTarget } from "../cisco-ios/target.js";

const LOC = { file: "policy.yaml", line: 1, column: 1 };

function prefixArb(family: Family): fc.Arbitrary<Prefix> {
  const bits = ADDRESS_BITS[family];
  // Few distinct high bits and both short and long prefixes, so rules overlap often.
  return fc
    .record({
      top: fc.integer({ min: 0, max: 7 }),
      low: fc.bigInt({ min: 0n, max: (1n << 16n) - 1n }),
      length: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: bits - 20, max: bits })),
    })
    .map(({ top, low, length }) => {
      const value = (BigInt(top) << BigInt(bits - 3)) | low;
      const mask = ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - length)) - 1n);
      return { family, value: value & mask, length };
    });
}

function rangesArb(max: number, span: number): fc.Arbitrary<NumRange[]> {
  return fc.array(
    fc
      .record({ lo: fc.integer({ min: 0, max }), width: fc.integer({ min: 0, max: span }) })
      .map(({ lo, width }) => ({ lo, hi: Math.min(max, lo + width) })),
    { minLength: 1, maxLength: 3 },
  );
}

type Services = Pick<IrRule, "protocols" | "dstPorts" | "srcPorts" | "icmpTypes" | "icmpCodes">;

function servicesArb(family: Family): fc.Arbitrary<Services> {
  const icmp = family === 4 ? 1 : 58;
  const ports = rangesArb(65535, 3000);
  return fc.oneof(
    fc.constant({}),
    rangesArb(255, 12).map((protocols) => ({ protocols })),
    fc
      .record({
        protocols: fc.subarray([6, 17, 132], { minLength: 1 }).map((ps) => ps.map((p) => ({ lo: p, hi: p }))),
        dstPorts: fc.option(ports, { nil: undefined }),
        srcPorts: fc.option(ports, { nil: undefined }),
      })
      .map(({ protocols, dstPorts, srcPorts }) => ({
        protocols,
        ...(dstPorts && { dstPorts }),
        ...(srcPorts && { srcPorts }),
      })),
    fc
      .record({
        icmpTypes: fc.option(rangesArb(255, 3), { nil: undefined }),
        icmpCodes: fc.option(rangesArb(255, 2), { nil: undefined }),
      })
      .map(({ icmpTypes, icmpCodes }) => ({
        protocols: [{ lo: icmp, hi: icmp }],
        // Codes without types would be 256 entries per code: keep a type range when codes are given.
        ...((icmpTypes || icmpCodes) && { icmpTypes: icmpTypes ?? [{ lo: 3, hi: 4 }] }),
        ...(icmpCodes && { icmpCodes }),
      })),
  );
}

const ruleArb: fc.Arbitrary<IrRule> = fc.constantFrom<Family>(4, 6).chain((family) =>
  fc
    .record({
      action: fc.constantFrom<IrRule["action"]>("accept", "drop"),
      family: fc.constant(family),
      services: servicesArb(family),
      src: fc.option(fc.array(prefixArb(family), { minLength: 1, maxLength: 3 }), { nil: undefined }),
      dst: fc.option(fc.array(prefixArb(family), { minLength: 1, maxLength: 3 }), { nil: undefined }),
      kind: fc.constantFrom<IrRule["origin"]["kind"]>("flow", "deny", "reply"),
      name: fc.constantFrom("web", "db-backup", "x".repeat(130)),
      log: fc.boolean(),
    })
    .map(({ services, src, dst, kind, name, ...rest }) => ({
      ...rest,
      ...services,
      ...(src && { src }),
      ...(dst && { dst }),
      origin: { kind, name },
    })),
);

function irPoint(target: Target, rules: readonly IrRule[]): IrPoint {
  const point: EnforcementPoint = {
    name: "p",
    loc: LOC,
    target: { value: target.id, loc: LOC },
    zones: [],
    role: "network",
    interfaces: {},
    options: {},
  };
  return {
    point,
    zones: [],
    zoneNetworks: new Map(),
    forward: rules,
    hosts: [],
    replies: !target.capabilities.stateful,
  };
}

describe.each([
  ["cisco-ios", ciscoIosTarget],
  ["cisco-asa", ciscoAsaTarget],
] as const)("%s: random IR, rendered and read back", (_id, target) => {
  const space = new PacketSpace();
  const context: ImportContext = {
    space,
    role: "network",
    hosts: [],
    interfaces: {},
    zoneSpace: () => space.none(),
  };
  const importer = findImporter(target.format)!;

  it("lets through exactly what the IR accepts", () => {
    fc.assert(
      fc.property(fc.array(ruleArb, { maxLength: 6 }), (rules) => {
        const rendered = target.render(irPoint(target, rules));
        const imported = importer.import(rendered.files, context);
        expect(imported.diagnostics).toEqual([]);
        expect(imported.accepted.equals(irListAccepts(space, rules))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
