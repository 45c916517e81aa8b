// The iptables target: one iptables-restore file per address family (filter table, Rampart's own chains
// hooked into FORWARD, or INPUT and OUTPUT for the host role) and an ipset file for long address lists.

import type { Family } from "../../../net/address.js";
import { diagnostic, type Diagnostic } from "../../../policy/diagnostics.js";
import type { IrPoint } from "../../ir.js";
import type { OutputFile, RenderResult, Target } from "../../target.js";
import { renderFamily } from "./files.js";
import { renderIpsets, SetRegistry } from "./ipsets.js";
import { readOptions } from "./options.js";
import { COMMENT_MAX } from "./text.js";

const FAMILIES: readonly Family[] = [4, 6];

export const iptablesTarget: Target = {
  id: "iptables",
  description:
    "iptables-restore files (filter table, IPv4 and IPv6) with Rampart's own chains, and ipsets for long lists",
  format: "iptables",
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
  render(ir): RenderResult {
    const { options, diagnostics } = readOptions(ir.point);
    const sets = new SetRegistry(options.chain, ir.point.role === "network" ? "fwd" : "host");
    const families = FAMILIES.map((f) => renderFamily(ir, f, options, sets));
    const files: OutputFile[] = families.map((f) => ({ name: f.name, text: f.text }));
    const used = sets.sets();
    if (used.length > 0)
      files.push({ name: `${ir.point.name}.ipset`, text: renderIpsets(ir.point.name, ir.point.role, used) });
    const refusals = families.flatMap((f) => f.writer.refusals);
    return {
      files,
      diagnostics: [...diagnostics, ...refusalDiagnostics(ir, refusals)],
      // Accept rules left out in part; a drop rule's refused part is dropped whole, which widens nothing.
      refused: refusals.filter((r) => r.rule.action === "accept").map((r) => r.rule),
      stats: {
        rules: files.reduce((n, f) => n + f.text.split("\n").filter((l) => l.startsWith("-A ")).length, 0),
        objects: used.length,
      },
    };
  },
};

function refusalDiagnostics(
  ir: IrPoint,
  refusals: readonly { origin: { kind: string; name: string }; why: string }[],
) {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const { origin, why } of refusals) {
    const key = `${origin.name}\u0000${why}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const what = origin.kind === "deny" ? "Deny" : "Flow";
    out.push(
      diagnostic(
        "target-refused",
        "error",
        `${what} "${origin.name}" cannot be written exactly for enforcement point "${ir.point.name}" (iptables): ${why}`,
        ir.point.loc,
      ),
    );
  }
  return out;
}
