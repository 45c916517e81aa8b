import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Family } from "../../../net/address.js";
import { parsePrefix, type Prefix } from "../../../net/prefix.js";
import { PROTO } from "../../../net/protocol.js";
import type { AddressTerm, EnforcementPoint } from "../../../policy/types.js";
import { PacketSpace } from "../../../space/packet-set.js";
import { junosImporter } from "../../../import/formats/junos/importer.js";
import type { ImportContext } from "../../../import/model.js";
import type { IrPoint, IrRule, NumRange } from "../../ir.js";
import { irListAccepts } from "../../ir-set.js";
import { junosTarget } from "./target.js";

const loc = { file: "property", line: 1, column: 1 };
const POINT: EnforcementPoint = {
  name: "fw",
  loc,
  target: { value: "junos", loc },
  zones: "all",
  role: "network",
  interfaces: {},
  options: {},
};

const term = (prefix: string, ...except: string[]): AddressTerm => ({
  prefix: parsePrefix(prefix),
  except: except.map(parsePrefix),
});

/** Nested zones that cover every address, so the zone pairs together see every packet. */
const ZONES = new Map<string, AddressTerm[]>([
  ["outside", [term("0.0.0.0/0", "10.0.0.0/8"), term("::/0", "2001:db8::/32")]],
  ["inside", [term("10.0.0.0/8", "10.1.0.0/16"), term("2001:db8::/32", "2001:db8:1::/48")]],
  ["core", [term("10.1.0.0/16"), term("2001:db8:1::/48")]],
]);

/** Prefixes near the zone borders: inside one zone, straddling several, or covering them. */
const V4 = [
  "0.0.0.0/0",
  "0.0.0.0/1",
  "10.0.0.0/7",
  "10.0.0.0/8",
  "10.1.0.0/16",
  "10.1.2.0/24",
  "10.2.0.0/15",
  "192.168.0.0/16",
];
const V6 = [
  "::/0",
  "2001:db8::/32",
  "2001:db8::/31",
  "2001:db8:1::/48",
  "2001:db8:1:2::/64",
  "2001:db8:8000::/33",
];

function prefixArb(family: Family): fc.Arbitrary<Prefix> {
  const base = fc.constantFrom(...(family === 4 ? V4 : V6)).map(parsePrefix);
  const host = fc
    .tuple(
      fc.constantFrom(
        family === 4 ? "10.1.0.0/16" : "2001:db8:1::/48",
        family === 4 ? "10.9.0.0/16" : "2001:db8:9::/48",
      ),
      fc.bigInt({ min: 0n, max: 65535n }),
    )
    .map(([p, n]) => {
      const net = parsePrefix(p);
      return { family, value: net.value + n, length: family === 4 ? 32 : 128 };
    });
  return fc.oneof(base, host);
}

const rangeArb = (min: number, max: number, width: number): fc.Arbitrary<NumRange> =>
  fc
    .integer({ min, max })
    .chain((lo) => fc.integer({ min: lo, max: Math.min(max, lo + width) }).map((hi) => ({ lo, hi })));

function servicesArb(family: Family): fc.Arbitrary<Partial<IrRule>> {
  const icmp = family === 4 ? PROTO.icmp : PROTO.icmpv6;
  const ports = fc.record(
    {
      protocols: fc.constantFrom(
        [{ lo: 6, hi: 6 }],
        [{ lo: 17, hi: 17 }],
        [
          { lo: 6, hi: 6 },
          { lo: 17, hi: 17 },
          { lo: 132, hi: 132 },
        ],
      ),
      dstPorts: fc.array(rangeArb(0, 65535, 3000), { minLength: 1, maxLength: 3 }),
      srcPorts: fc.array(rangeArb(0, 65535, 30000), { minLength: 1, maxLength: 2 }),
    },
    { requiredKeys: ["protocols"] },
  );
  const icmpRule = fc.record(
    {
      protocols: fc.constant([{ lo: icmp, hi: icmp }]),
      icmpTypes: fc.array(rangeArb(0, 255, 2), { minLength: 1, maxLength: 2 }),
      icmpCodes: fc.array(rangeArb(0, 255, 2), { minLength: 1, maxLength: 2 }),
    },
    { requiredKeys: ["protocols", "icmpTypes"] },
  );
  const protocols = fc
    .array(rangeArb(0, 255, 4), { minLength: 1, maxLength: 3 })
    .map((protocols) => ({ protocols }));
  return fc.oneof(fc.constant({}), ports, icmpRule, protocols);
}

/** IR fields must be normalized as lowering makes them: sorted, disjoint ranges. */
function normalizeRanges(ranges: readonly NumRange[]): NumRange[] {
  const sorted = [...ranges].sort((a, b) => a.lo - b.lo);
  const out: NumRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.lo <= last.hi + 1) out[out.length - 1] = { lo: last.lo, hi: Math.max(last.hi, r.hi) };
    else out.push(r);
  }
  return out;
}

const ruleArb: fc.Arbitrary<IrRule> = fc.constantFrom<Family>(4, 6).chain((family) =>
  fc
    .record({
      action: fc.constantFrom<IrRule["action"]>("accept", "drop"),
      src: fc.option(fc.array(prefixArb(family), { minLength: 1, maxLength: 3 }), { nil: undefined }),
      dst: fc.option(fc.array(prefixArb(family), { minLength: 1, maxLength: 3 }), { nil: undefined }),
      services: servicesArb(family),
      name: fc.constantFrom("web", "dns", "deny-all", "ops"),
      log: fc.boolean(),
    })
    .map(({ action, src, dst, services, name, log }): IrRule => {
      const norm = (k: "protocols" | "dstPorts" | "srcPorts" | "icmpTypes" | "icmpCodes") =>
        services[k] ? { [k]: normalizeRanges(services[k]!) } : {};
      return {
        action,
        family,
        ...norm("protocols"),
        ...norm("dstPorts"),
        ...norm("srcPorts"),
        ...norm("icmpTypes"),
        ...norm("icmpCodes"),
        ...(src && { src }),
        ...(dst && { dst }),
        origin: { kind: action === "accept" ? "flow" : "deny", name },
        log,
      };
    }),
);

function context(space: PacketSpace): ImportContext {
  return {
    space,
    role: "network",
    hosts: [],
    interfaces: {},
    zoneSpace(zone, dir) {
      const terms = ZONES.get(zone) ?? [];
      return space.unionAll(
        terms.map((t) =>
          space.prefix(dir, t.prefix).minus(space.unionAll(t.except.map((e) => space.prefix(dir, e)))),
        ),
      );
    },
  };
}

describe("junos target and importer agree with the IR", () => {
  it("reads back exactly what random rule lists accept", () => {
    fc.assert(
      fc.property(fc.array(ruleArb, { minLength: 1, maxLength: 8 }), (forward) => {
        const ir: IrPoint = {
          point: POINT,
          zones: [...ZONES.keys()],
          zoneNetworks: ZONES,
          forward,
          hosts: [],
          replies: false,
        };
        const rendered = junosTarget.render(ir);
        const space = new PacketSpace();
        const imported = junosImporter.import(rendered.files, context(space));
        expect(imported.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
        expect(imported.accepted.equals(irListAccepts(space, forward))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
