// The nftables target: one `nft -f` file per point that atomically replaces its own inet table.

import type { IrPoint, IrRule } from "../../ir.js";
import type { RenderResult, Target } from "../../target.js";
import { SetPlanner } from "./named-sets.js";
import { readOptions } from "./options.js";
import { COMMENT_MAX, ruleLines } from "./rule-text.js";

const INDENT = "\t";

interface ChainSpec {
  readonly name: "forward" | "input" | "output";
  readonly rules: readonly IrRule[];
}

/** A `#` line naming the policy rule behind the nft rules that follow, with its ticket and owner. */
function originLine(r: IrRule): string {
  const extra = [
    ...(r.origin.ticket !== undefined ? [`ticket ${r.origin.ticket}`] : []),
    ...(r.origin.owner !== undefined ? [`owner ${r.origin.owner}`] : []),
  ];
  const text = `# ${r.origin.kind} ${r.origin.name}${extra.length > 0 ? ` (${extra.join(", ")})` : ""}`;
  return [...text].map((c) => (c < " " || c === "\u007f" ? " " : c)).join("");
}

function chainText(chain: ChainSpec, planner: SetPlanner): { text: string[]; rules: number } {
  const inner = INDENT.repeat(2);
  const lines = [
    `${INDENT}chain ${chain.name} {`,
    `${inner}type filter hook ${chain.name} priority filter; policy drop;`,
    `${inner}ct state established,related counter accept comment "${"packets of accepted connections".slice(0, COMMENT_MAX)}"`,
  ];
  let rules = 1;
  let previous: IrRule | undefined;
  for (const r of chain.rules) {
    const same =
      previous !== undefined &&
      previous.origin.kind === r.origin.kind &&
      previous.origin.name === r.origin.name;
    if (!same) lines.push(`${inner}${originLine(r)}`);
    previous = r;
    for (const line of ruleLines(r, planner)) {
      lines.push(`${inner}${line}`);
      rules++;
    }
  }
  lines.push(`${INDENT}}`);
  return { text: lines, rules };
}

function setText(planner: SetPlanner): string[] {
  const out: string[] = [];
  for (const s of planner.plans) {
    out.push(
      `${INDENT}set ${s.name} {`,
      `${INDENT}${INDENT}type ${s.type}`,
      `${INDENT}${INDENT}flags interval`,
      `${INDENT}${INDENT}elements = {`,
      ...s.elements.map((e, i) => `${INDENT.repeat(3)}${e}${i < s.elements.length - 1 ? "," : ""}`),
      `${INDENT}${INDENT}}`,
      `${INDENT}}`,
      "",
    );
  }
  return out;
}

function header(ir: IrPoint, table: string): string[] {
  const p = ir.point;
  const zones = ir.zones.length > 0 ? ir.zones.join(", ") : "none";
  const lines = [
    `# Rampart: enforcement point "${p.name}" (nftables, ${p.role} role), zones: ${zones}.`,
    "# Generated from the policy: change the policy, not this file.",
    `# Load with \`nft -f ${p.name}.nft\`: it replaces table inet ${table} in one transaction and leaves every`,
    "# other table alone. Traffic of established connections passes by state; every new connection",
    "# must match a rule below, or the chain's policy drops it.",
  ];
  if (p.role === "host" && ir.hosts.length === 0)
    lines.push("# No protected hosts: every chain drops all new connections.");
  return lines;
}

export function renderNftables(ir: IrPoint): RenderResult {
  const { options, diagnostics } = readOptions(ir.point);
  const table = options.table;
  const chains: ChainSpec[] =
    ir.point.role === "network"
      ? [{ name: "forward", rules: ir.forward }]
      : [
          { name: "input", rules: ir.hosts.flatMap((h) => h.ingress) },
          { name: "output", rules: ir.hosts.flatMap((h) => h.egress) },
        ];
  const planner = new SetPlanner(ir.zoneNetworks);
  let rules = 0;
  const chainLines: string[] = [];
  for (const c of chains) {
    const out = chainText(c, planner);
    if (chainLines.length > 0) chainLines.push("");
    chainLines.push(...out.text);
    rules += out.rules;
  }
  const text = [
    ...header(ir, table),
    "",
    `table inet ${table} {}`,
    `delete table inet ${table}`,
    "",
    `table inet ${table} {`,
    ...setText(planner),
    ...chainLines,
    "}",
    "",
  ].join("\n");
  return {
    files: [{ name: `${ir.point.name}.nft`, text }],
    diagnostics,
    stats: { rules, objects: planner.plans.length },
  };
}

export const nftablesTarget: Target = {
  id: "nftables",
  description: "nftables: one `nft -f` file per point, replacing its own inet table atomically",
  format: "nftables",
  capabilities: {
    families: [4, 6],
    roles: ["network", "host"],
    stateful: true,
    deny: true,
    protocols: "any",
    anyProtocol: true,
    icmp: true,
    sourcePorts: true,
    hostRules: "shared",
    nameMaxLength: COMMENT_MAX,
  },
  render: renderNftables,
};
