// The aws-sg target: AWS VPC security groups, one per protected asset, as describe-security-groups JSON and
// as Terraform. Security groups are stateful and only allow, so lowering hands over accept rules alone.

import type { RenderResult, Target } from "../../target.js";
import { buildGroups } from "./groups.js";
import { readOptions } from "./options.js";
import { renderJson } from "./render-json.js";
import { renderTerraform } from "./render-terraform.js";

export const awsSgTarget: Target = {
  id: "aws-sg",
  description:
    "AWS VPC security groups (describe-security-groups JSON and Terraform), one per protected asset",
  format: "aws-sg",
  capabilities: {
    families: [4, 6],
    roles: ["host"],
    stateful: true,
    deny: false,
    protocols: "any",
    anyProtocol: true,
    icmp: true,
    sourcePorts: false,
    hostRules: "per-asset",
    nameMaxLength: 255,
  },
  render(ir): RenderResult {
    const point = ir.point.name;
    const { options, diagnostics: optionDiagnostics } = readOptions(ir.point);
    const { groups, diagnostics, refused } = buildGroups(ir);
    const rules = groups.reduce(
      (n, g) => n + [...g.ingress, ...g.egress].reduce((m, p) => m + p.v4.length + p.v6.length, 0),
      0,
    );
    return {
      files: [
        { name: `${point}.sg.json`, text: renderJson(point, groups, options) },
        { name: `${point}.tf`, text: renderTerraform(point, groups, options) },
      ],
      diagnostics: [...optionDiagnostics, ...diagnostics],
      refused,
      stats: { rules, objects: groups.length },
    };
  },
};
