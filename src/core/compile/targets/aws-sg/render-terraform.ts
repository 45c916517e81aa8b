// The groups as Terraform (AWS provider): one aws_security_group per asset and one
// aws_vpc_security_group_{ingress,egress}_rule per CIDR and protocol/port entry, formatted like
// `terraform fmt`.

import { shortHash } from "../../names.js";
import { describeFlows, type SecurityGroup } from "./groups.js";
import type { AwsSgOptions } from "./options.js";
import { awsCidr, type Permission, type PermissionSpec, specKey } from "./permissions.js";
import { groupTags } from "./render-json.js";

/** A quoted HCL string: quotes and backslashes escaped, and `${` / `%{` kept literal. */
export function hclString(text: string): string {
  const escaped = text
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/\n/g, "\\n")
    .replace(/\$\{/g, "$${")
    .replace(/%\{/g, "%%{");
  return `"${escaped}"`;
}

/** Attribute lines with their "=" aligned, as `terraform fmt` does for consecutive one-line attributes. */
function attributes(rows: readonly (readonly [string, string])[], indent: string): string[] {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${indent}${k.padEnd(width)} = ${v}`);
}

function specLabel(s: PermissionSpec): string {
  switch (s.protocol) {
    case "-1":
      return "all";
    case "tcp":
    case "udp":
      return s.from === s.to ? `${s.protocol}_${s.from}` : `${s.protocol}_${s.from}-${s.to}`;
    case "icmp":
    case "icmpv6":
      if (s.from === -1) return s.protocol;
      return s.to === -1 ? `${s.protocol}_${s.from}` : `${s.protocol}_${s.from}_${s.to}`;
    default:
      return `proto_${s.protocol}`;
  }
}

function groupResource(point: string, g: SecurityGroup, options: AwsSgOptions): string[] {
  const tags = groupTags(point, g).map((t) => [hclString(t.Key), hclString(t.Value)] as const);
  return [
    `resource "aws_security_group" ${hclString(g.label)} {`,
    ...attributes(
      [
        ["name", hclString(g.groupName)],
        ["description", hclString(g.description)],
        ["vpc_id", hclString(options.vpc)],
      ],
      "  ",
    ),
    "",
    "  tags = {",
    ...attributes(tags, "    "),
    "  }",
    "}",
  ];
}

function ruleResources(
  g: SecurityGroup,
  dir: "ingress" | "egress",
  perms: readonly Permission[],
): string[][] {
  const short = dir === "ingress" ? "in" : "out";
  return perms.flatMap((p) =>
    [...p.v4, ...p.v6].map((peer) => {
      const cidr = awsCidr(peer.prefix);
      const label = `${g.label}_${short}_${specLabel(p.spec)}_${shortHash(`${specKey(p.spec)}|${cidr}`)}`;
      const rows: [string, string][] = [
        ["security_group_id", `aws_security_group.${g.label}.id`],
        ["description", hclString(describeFlows(peer.flows))],
        ["ip_protocol", hclString(p.spec.protocol)],
      ];
      if (p.spec.from !== undefined) rows.push(["from_port", String(p.spec.from)]);
      if (p.spec.to !== undefined) rows.push(["to_port", String(p.spec.to)]);
      rows.push([peer.prefix.family === 4 ? "cidr_ipv4" : "cidr_ipv6", hclString(cidr)]);
      return [
        `resource "aws_vpc_security_group_${dir}_rule" ${hclString(label)} {`,
        ...attributes(rows, "  "),
        "}",
      ];
    }),
  );
}

export function renderTerraform(
  point: string,
  groups: readonly SecurityGroup[],
  options: AwsSgOptions,
): string {
  const header = [
    `# Security groups of enforcement point "${point}", written by Rampart (aws-sg); edit the policy, not this file.`,
    "# One group per protected asset, tagged rampart:asset. Security groups only allow: every rule below is an",
    "# allowed entry, anything else is dropped. The AWS provider removes the allow-all egress rule AWS gives a",
    "# new group, so a group without egress rules here lets its host open no connection.",
  ];
  const blocks = groups.flatMap((g) => [
    groupResource(point, g, options),
    ...ruleResources(g, "ingress", g.ingress),
    ...ruleResources(g, "egress", g.egress),
  ]);
  return `${[header, ...blocks].map((b) => b.join("\n")).join("\n\n")}\n`;
}
