// Shared by the iptables tests (and only by them): address pools, IR points around rule lists, import
// contexts, and what a host-role IR lets through.

import type { Prefix } from "../../../net/prefix.js";
import { hostAccepts } from "../../../import/match.js";
import type { ImportContext, ImportHost } from "../../../import/model.js";
import type { EnforcementPoint } from "../../../policy/types.js";
import type { PacketSpace } from "../../../space/packet-set.js";
import { irListAccepts } from "../../ir-set.js";
import type { IrPoint, IrRule } from "../../ir.js";

export const V4: readonly Prefix[] = [
  { family: 4, value: 0x0a000000n, length: 8 },
  { family: 4, value: 0x0a010000n, length: 16 },
  { family: 4, value: 0x0a010203n, length: 32 },
  { family: 4, value: 0x0a020000n, length: 24 },
  { family: 4, value: 0x0a030000n, length: 24 },
  { family: 4, value: 0x0a040000n, length: 24 },
  { family: 4, value: 0x0a050000n, length: 24 },
  { family: 4, value: 0xc0000200n, length: 24 },
  { family: 4, value: 0xc0000280n, length: 25 },
  { family: 4, value: 0x00000000n, length: 1 },
  { family: 4, value: 0xac100000n, length: 12 },
  { family: 4, value: 0x7f000000n, length: 8 },
];
export const V6: readonly Prefix[] = [
  { family: 6, value: 0x20010db8n << 96n, length: 32 },
  { family: 6, value: (0x20010db8n << 96n) | (1n << 80n), length: 48 },
  { family: 6, value: (0x20010db8n << 96n) | (2n << 80n), length: 48 },
  { family: 6, value: (0x20010db8n << 96n) | (3n << 80n), length: 48 },
  { family: 6, value: (0x20010db8n << 96n) | 5n, length: 128 },
  { family: 6, value: 0n, length: 1 },
  { family: 6, value: 0xfe80n << 112n, length: 10 },
  { family: 6, value: 0xff02n << 112n, length: 16 },
];
const LOC = { file: "policy.yaml", line: 1, column: 1 };

function testPoint(role: "network" | "host", options: Record<string, unknown>): EnforcementPoint {
  return {
    name: "prop",
    loc: LOC,
    target: { value: "iptables", loc: LOC },
    zones: "all",
    role,
    interfaces: {},
    options,
  };
}

export function networkIr(rules: readonly IrRule[], options: Record<string, unknown> = {}): IrPoint {
  return {
    point: testPoint("network", options),
    zones: [],
    zoneNetworks: new Map(),
    forward: rules,
    hosts: [],
    replies: false,
  };
}

/** The hosts of host-role tests. */
export const TEST_HOSTS: readonly ImportHost[] = [
  { name: "h1", addresses: [V4[2]!, V6[4]!] },
  { name: "h2", addresses: [V4[8]!] },
];

export function hostIr(
  ingress: readonly IrRule[],
  egress: readonly IrRule[],
  options: Record<string, unknown> = {},
): IrPoint {
  return {
    point: testPoint("host", options),
    zones: [],
    zoneNetworks: new Map(),
    forward: [],
    hosts: [{ name: "prop", assets: [], addresses: TEST_HOSTS.flatMap((h) => h.addresses), ingress, egress }],
    replies: false,
  };
}

export function testContext(space: PacketSpace, role: "network" | "host"): ImportContext {
  return {
    space,
    role,
    hosts: role === "host" ? TEST_HOSTS : [],
    interfaces: {},
    zoneSpace: () => space.none(),
  };
}

/** What the IR of a host-role point lets through, by the IR's own meaning. */
export function hostExpected(space: PacketSpace, ingress: readonly IrRule[], egress: readonly IrRule[]) {
  const i = irListAccepts(space, ingress);
  const e = irListAccepts(space, egress);
  return hostAccepts(
    space,
    TEST_HOSTS.map((h) => ({ addresses: h.addresses, ingress: i, egress: e })),
  );
}
