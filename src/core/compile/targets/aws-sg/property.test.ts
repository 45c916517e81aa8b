import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Family } from "../../../net/address.js";
import { type Prefix, prefixOf } from "../../../net/prefix.js";
import { PROTO } from "../../../net/protocol.js";
import type { EnforcementPoint } from "../../../policy/types.js";
import { hostAccepts } from "../../../import/match.js";
import { awsSgImporter } from "../../../import/formats/aws-sg/importer.js";
import { PacketSpace } from "../../../space/packet-set.js";
import { summarize } from "../../../space/summarize.js";
import type { IrHostRules, IrPoint, IrRule, NumRange } from "../../ir.js";
import { irListAccepts } from "../../ir-set.js";
import { awsSgTarget } from "./target.js";

const LOC = { file: "policy.yaml", line: 1, column: 1 };
const POINT: EnforcementPoint = {
  name: "prop",
  loc: LOC,
  target: { value: "aws-sg", loc: LOC },
  zones: "all",
  role: "host",
  interfaces: {},
  options: { vpc: "vpc-0123456789abcdef0" },
};

/** Addresses drawn from small pools, so hosts, peers and rules overlap often. */
function prefixArb(family: Family): fc.Arbitrary<Prefix> {
  const bits = family === 4 ? 32 : 128;
  const base = family === 4 ? 0x0a000000n : 0x20010db8n << 96n;
  return fc
    .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: bits - 10, max: bits }))
    .map(([n, len]) => prefixOf({ family, value: base | (BigInt(n) << BigInt(bits - 12)) }, len));
}

const rangeArb = (max: number, width: number): fc.Arbitrary<NumRange> =>
  fc
    .tuple(fc.integer({ min: 0, max }), fc.integer({ min: 0, max: width }))
    .map(([lo, w]) => ({ lo, hi: Math.min(max, lo + w) }));

type Service = Pick<IrRule, "protocols" | "dstPorts" | "icmpTypes" | "icmpCodes">;

function serviceArb(family: Family): fc.Arbitrary<Service> {
  const icmp = family === 4 ? PROTO.icmp : PROTO.icmpv6;
  return fc.oneof(
    fc.constant({}),
    fc
      .subarray([PROTO.icmp, PROTO.tcp, PROTO.udp, PROTO.gre, PROTO.esp, PROTO.icmpv6, PROTO.sctp, 0, 255], {
        minLength: 1,
      })
      .map((ps) => ({ protocols: ps.map((p) => ({ lo: p, hi: p })) })),
    fc
      .tuple(
        fc.subarray([PROTO.tcp, PROTO.udp], { minLength: 1 }),
        fc.array(rangeArb(65535, 3000), { minLength: 1, maxLength: 3 }),
      )
      .map(([ps, ports]) => ({ protocols: ps.map((p) => ({ lo: p, hi: p })), dstPorts: ports })),
    fc.tuple(rangeArb(255, 3), fc.option(rangeArb(255, 2), { nil: undefined })).map(([types, codes]) => ({
      protocols: [{ lo: icmp, hi: icmp }],
      icmpTypes: [types],
      ...(codes && { icmpCodes: [codes] }),
    })),
  );
}

interface HostShape {
  readonly addresses: Prefix[];
}

/** An accept rule of a host: its own side is absent or all of the host's addresses of the family. */
function ruleArb(host: HostShape, dir: "ingress" | "egress", i: number): fc.Arbitrary<IrRule> {
  return fc.constantFrom<Family>(4, 6).chain((family) => {
    const own = host.addresses.filter((p) => p.family === family);
    return fc
      .tuple(
        serviceArb(family),
        fc.option(fc.array(prefixArb(family), { minLength: 1, maxLength: 3 }), { nil: undefined }),
        fc.boolean(),
      )
      .map(([service, peer, pinOwn]): IrRule => {
        const ownSide = pinOwn && own.length > 0 ? own : undefined;
        const [src, dst] = dir === "ingress" ? [peer, ownSide] : [ownSide, peer];
        return {
          action: "accept",
          family,
          ...service,
          ...(src && { src }),
          ...(dst && { dst }),
          origin: { kind: "flow", name: `flow-${i}` },
          log: false,
        };
      });
  });
}

const hostArb = (name: string): fc.Arbitrary<IrHostRules> =>
  fc
    .tuple(fc.array(prefixArb(4), { minLength: 1, maxLength: 2 }), fc.array(prefixArb(6), { maxLength: 1 }))
    .chain(([v4, v6]) => {
      const host = { addresses: [...v4, ...v6] };
      const rules = (dir: "ingress" | "egress") =>
        fc
          .array(fc.nat(99), { maxLength: 4 })
          .chain((ids) => fc.tuple(...ids.map((i) => ruleArb(host, dir, i))));
      return fc.tuple(rules("ingress"), rules("egress")).map(([ingress, egress]) => ({
        name,
        assets: [],
        addresses: host.addresses,
        ingress,
        egress,
      }));
    });

const irArb: fc.Arbitrary<IrPoint> = fc
  .integer({ min: 1, max: 3 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => hostArb(`host-${i}`))))
  .map((hosts) => ({
    point: POINT,
    zones: ["everywhere"],
    zoneNetworks: new Map([
      [
        "everywhere",
        [
          { prefix: { family: 4, value: 0n, length: 0 }, except: [] },
          { prefix: { family: 6, value: 0n, length: 0 }, except: [] },
        ],
      ],
    ]),
    forward: [],
    hosts,
    replies: false,
  }));

describe("aws-sg render → import round trip", () => {
  it("lets through exactly what the host rules accept", () => {
    fc.assert(
      fc.property(irArb, (ir) => {
        const space = new PacketSpace();
        const rendered = awsSgTarget.render(ir);
        expect(rendered.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
        const context = {
          space,
          role: "host" as const,
          hosts: ir.hosts.map((h) => ({ name: h.name, addresses: h.addresses })),
          interfaces: {},
          zoneSpace: () => space.none(),
        };
        const expected = hostAccepts(
          space,
          ir.hosts.map((h) => ({
            addresses: h.addresses,
            ingress: irListAccepts(space, h.ingress),
            egress: irListAccepts(space, h.egress),
          })),
        );
        // Both files at once: the JSON answers, and the Terraform must agree with it (else an error).
        const both = awsSgImporter.import(rendered.files, context);
        expect(both.diagnostics).toEqual([]);
        const diff = both.accepted.minus(expected).union(expected.minus(both.accepted));
        expect(summarize(diff, 3)).toEqual(["nothing"]);
        // Each file alone gives the same answer.
        for (const f of rendered.files)
          expect(awsSgImporter.import([f], context).accepted.equals(expected), f.name).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
