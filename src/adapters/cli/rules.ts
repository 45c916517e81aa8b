// How a flow or deny is shown in text: name, owner, ticket, where it is written, and why it exists.

import type { RuleInfo } from "../../app/rule-info.js";
import type { Colors } from "./output.js";

/**
 *   flow shop-web (owner shop-team, ticket SHOP-12) examples/acme/flows.yaml:10
 *     Customers buy from the shop
 */
export function formatRule(r: RuleInfo, c: Colors, indent = "  "): string {
  const facts = [
    r.owner ? `owner ${r.owner}` : "no owner",
    ...(r.ticket ? [`ticket ${r.ticket}`] : []),
    ...(r.expires ? [`expires ${r.expires}`] : []),
  ];
  let out = `${indent}${r.kind} ${c.bold(r.name)} (${facts.join(", ")}) ${c.dim(`${r.file}:${r.line}`)}\n`;
  for (const line of r.justification?.trim().split("\n") ?? []) out += `${indent}  ${line.trimEnd()}\n`;
  return out;
}

export function formatRules(rules: readonly RuleInfo[], c: Colors, indent = "  "): string {
  return rules.map((r) => formatRule(r, c, indent)).join("");
}
