// The cisco-asa target: one extended access-list with object-groups, bound inbound per interface or global.

import type { IrPoint } from "../../ir.js";
import { deviceName } from "../../names.js";
import type { RenderResult, Target } from "../../target.js";
import { ObjectGroups } from "../cisco-common/groups.js";
import { ZoneIndex } from "../cisco-common/zones.js";
import { pointInterfaces, readOptions, unboundZones } from "../cisco-common/text.js";
import { accessListLines } from "./entries.js";

/** ASA object and access-list names: at most 64 characters. */
const NAME_MAX = 64;

const OPTIONS = { "log-default-deny": "boolean" } as const;

export function asaAclName(point: string): string {
  return deviceName(`RAMPART-${point.toUpperCase()}`, NAME_MAX);
}

export const ciscoAsaTarget: Target = {
  id: "cisco-asa",
  description: "Cisco ASA extended access-list with object-groups (stateful)",
  format: "cisco-asa",
  capabilities: {
    families: [4, 6],
    roles: ["network"],
    stateful: true,
    deny: true,
    protocols: "any",
    anyProtocol: true,
    icmp: true,
    sourcePorts: true,
    hostRules: "shared",
    nameMaxLength: NAME_MAX,
  },
  render: renderAsa,
};

function renderAsa(ir: IrPoint): RenderResult {
  const { values, diagnostics } = readOptions(ir, "cisco-asa", OPTIONS);
  const acl = asaAclName(ir.point.name);
  const groups = new ObjectGroups(NAME_MAX);
  const ctx = { acl, groups, zones: new ZoneIndex(ir.zoneNetworks) };
  // The first pass only counts which rules share each group, so that the second can name them.
  accessListLines(ir.forward, ctx);
  groups.startNaming();
  const body = accessListLines(ir.forward, ctx);
  const log = values.get("log-default-deny") === true ? " log" : "";
  const out = [
    `! Rampart: enforcement point "${ir.point.name}" (cisco-asa), zones ${ir.zones.join(", ")}`,
    "!",
  ];
  for (const g of groups.groups) out.push(`object-group ${g.kind} ${g.name}`, ...g.lines.map((l) => ` ${l}`));
  if (groups.groups.length > 0) out.push("!");
  out.push(...body.lines);
  out.push(
    `access-list ${acl} remark Rampart: default deny`,
    `access-list ${acl} extended deny ip any any${log}`,
  );
  const { interfaces, unbound } = pointInterfaces(ir);
  out.push(
    "!",
    "! An ASA refuses by default traffic between interfaces of one security level, and traffic that",
    "! leaves by the interface it came in on (zones behind one interface): here the access-list decides.",
    "same-security-traffic permit inter-interface",
    "same-security-traffic permit intra-interface",
  );
  if (interfaces.length === 0) out.push(`access-group ${acl} global`);
  else out.push(...interfaces.map((name) => `access-group ${acl} in interface ${name}`));
  return {
    files: [{ name: `${ir.point.name}.asa`, text: `${out.join("\n")}\n` }],
    diagnostics: [...diagnostics, ...unboundZones(ir, unbound, interfaces.length)],
    stats: { rules: body.entries + 1, objects: groups.groups.length },
  };
}
