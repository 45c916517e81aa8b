// The cisco-ios target: stateless extended ACLs (IPv4 with object-groups, IPv6 inline) bound to interfaces.

import { diagnostic, type Diagnostic } from "../../../policy/diagnostics.js";
import type { IrPoint, IrRule } from "../../ir.js";
import { deviceName } from "../../names.js";
import type { RenderResult, Target } from "../../target.js";
import { ObjectGroups } from "../cisco-common/groups.js";
import { ZoneIndex } from "../cisco-common/zones.js";
import { pointInterfaces, readOptions, unboundZones } from "../cisco-common/text.js";
import { aclLines, MAX_RULE_ENTRIES } from "./acl.js";

/** Longest ACL and object-group name written. */
const NAME_MAX = 64;

const OPTIONS = { direction: ["in", "out"], "log-default-deny": "boolean" } as const;

/** The ACL names of a point: RAMPART-<POINT>-V4 and -V6, uppercase as IOS configurations usually are. */
export function iosAclNames(point: string): { v4: string; v6: string } {
  const base = deviceName(`RAMPART-${point.toUpperCase()}`, NAME_MAX - 3);
  return { v4: `${base}-V4`, v6: `${base}-V6` };
}

export const ciscoIosTarget: Target = {
  id: "cisco-ios",
  description: "Cisco IOS / IOS XE extended ACLs (stateless; replies written out)",
  format: "cisco-ios",
  capabilities: {
    families: [4, 6],
    roles: ["network"],
    stateful: false,
    deny: true,
    protocols: "any",
    anyProtocol: true,
    icmp: true,
    sourcePorts: true,
    hostRules: "shared",
    nameMaxLength: NAME_MAX,
  },
  render: renderIos,
};

function renderIos(ir: IrPoint): RenderResult {
  const { values, diagnostics } = readOptions(ir, "cisco-ios", OPTIONS);
  const direction = (values.get("direction") as string | undefined) ?? "in";
  const refused = new Set<IrRule>();
  const ctx = {
    groups: new ObjectGroups(NAME_MAX),
    zones: new ZoneIndex(ir.zoneNetworks),
    logDefaultDeny: values.get("log-default-deny") === true,
    refuse: (rule: IrRule, entries: number) => {
      if (refused.has(rule)) return;
      refused.add(rule);
      diagnostics.push(tooManyEntries(ir, rule, entries));
    },
  };
  const names = iosAclNames(ir.point.name);
  const v4Rules = ir.forward.filter((r) => r.family === 4);
  // The first pass only counts which rules share each group, so that the second can name them.
  aclLines(4, v4Rules, ctx);
  ctx.groups.startNaming();
  const v4 = aclLines(4, v4Rules, ctx);
  const v6 = aclLines(
    6,
    ir.forward.filter((r) => r.family === 6),
    ctx,
  );
  const out = [
    `! Rampart: enforcement point "${ir.point.name}" (cisco-ios), zones ${ir.zones.join(", ")}`,
    '! Stateless ACLs: TCP replies pass by "established"; every other reply has entries of its own.',
    "!",
  ];
  for (const g of ctx.groups.groups)
    out.push(`object-group ${g.kind} ${g.name}`, ...g.lines.map((l) => ` ${l}`));
  if (ctx.groups.groups.length > 0) out.push("!");
  out.push(`ip access-list extended ${names.v4}`, ...v4.lines, "!");
  out.push(`ipv6 access-list ${names.v6}`, ...v6.lines, "!");
  const bind: Diagnostic[] = [];
  out.push(...bindings(ir, names, direction, bind));
  return {
    files: [{ name: `${ir.point.name}.ios`, text: `${out.join("\n")}\n` }],
    diagnostics: [...diagnostics, ...bind],
    refused: [...refused],
    stats: { rules: v4.entries + v6.entries, objects: ctx.groups.groups.length },
  };
}

function bindings(
  ir: IrPoint,
  names: { v4: string; v6: string },
  direction: string,
  diagnostics: Diagnostic[],
): string[] {
  const { interfaces, unbound } = pointInterfaces(ir);
  diagnostics.push(...unboundZones(ir, unbound, interfaces.length));
  if (interfaces.length === 0)
    return [
      `! Bind both ACLs ${direction === "in" ? "inbound" : "outbound"} on every interface between the zones:`,
      "!  interface <name>",
      `!   ip access-group ${names.v4} ${direction}`,
      `!   ipv6 traffic-filter ${names.v6} ${direction}`,
    ];
  return interfaces.flatMap((name) => [
    `interface ${name}`,
    ` ip access-group ${names.v4} ${direction}`,
    ` ipv6 traffic-filter ${names.v6} ${direction}`,
  ]);
}

function tooManyEntries(ir: IrPoint, rule: IrRule, entries: number): Diagnostic {
  const what = rule.origin.kind === "deny" ? "Deny" : "Flow";
  const part = rule.origin.kind === "reply" ? "its replies need" : "it needs";
  return diagnostic(
    "target-refused",
    "error",
    `${what} "${rule.origin.name}" cannot be written for enforcement point "${ir.point.name}" (cisco-ios): ${part} ${entries} IPv${rule.family} entries in one rule, more than ${MAX_RULE_ENTRIES}`,
    ir.point.loc,
  );
}
