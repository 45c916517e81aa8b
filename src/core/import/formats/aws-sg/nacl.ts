// What VPC network ACLs let through. Each ACL is two stateless first-match lists (ingress, egress) ordered by
// rule number, ending in the `*` rule (32767) that denies what no rule decides: that rule is the lists'
// fall-through, not a rule of its own. describe-network-acls names the subnets an ACL guards but not their
// addresses. When the point's interface map names a subnet (zone → subnet id), a packet entering that zone
// from outside must pass the ingress list and one leaving it the egress list; with no subnet mapped, which
// list a packet meets is unknown and `accepted` is what either list of any ACL allows (an over-approximation,
// reported). Return traffic is not checked (the lists are stateless). The rule lists are exact either way.

import { diagnostic, type Diagnostic } from "../../../policy/diagnostics.js";
import type { PacketSet } from "../../../space/packet-set.js";
import { firstMatch, prefixMatch } from "../../match.js";
import type { ImportContext, ImportedRule, RuleList } from "../../model.js";
import type { Nacl } from "./read-nacl.js";
import { protocolSet } from "./semantics.js";

/** The `*` rule every network ACL ends with. */
export const DEFAULT_RULE_NUMBER = 32767;

export interface NaclResult {
  readonly rules: ImportedRule[];
  readonly lists: RuleList[];
  readonly accepted: PacketSet;
  readonly diagnostics: Diagnostic[];
}

export function evaluateNacls(nacls: readonly Nacl[], context: ImportContext): NaclResult {
  const space = context.space;
  const rules: ImportedRule[] = [];
  const lists: RuleList[] = [];
  const accepted: PacketSet[] = [];
  const byList = new Map<string, PacketSet>();
  for (const nacl of nacls) {
    for (const direction of ["ingress", "egress"] as const) {
      const name = `${nacl.id} ${direction}`;
      const entries = nacl.entries
        .filter((e) => e.direction === direction && e.number !== DEFAULT_RULE_NUMBER)
        .sort((a, b) => a.number - b.number);
      const own: ImportedRule[] = entries.map((e) => ({
        action: e.action === "allow" ? "accept" : "drop",
        match: protocolSet(space, e.protocol).intersect(
          prefixMatch(space, direction === "ingress" ? "src" : "dst", [e.cidr]),
        ),
        source: { file: e.at.file, line: e.at.line, text: e.at.text },
        list: name,
        label: `rule ${e.number}`,
      }));
      rules.push(...own);
      lists.push({
        name,
        fallThrough: "drop",
        source: { file: nacl.at.file, line: nacl.at.line, text: nacl.at.text },
      });
      const passes = firstMatch(space, own, "drop");
      accepted.push(passes);
      byList.set(name, passes);
    }
  }
  const guarded = guardedZones(nacls, context);
  if (guarded.length > 0) {
    let through = space.all();
    for (const { zone, nacl } of guarded) {
      const inSrc = context.zoneSpace(zone, "src");
      const inDst = context.zoneSpace(zone, "dst");
      const entering = inDst.minus(inSrc);
      const leaving = inSrc.minus(inDst);
      through = through
        .minus(entering.minus(byList.get(`${nacl.id} ingress`)!))
        .minus(leaving.minus(byList.get(`${nacl.id} egress`)!));
    }
    return { rules, lists, accepted: through, diagnostics: [] };
  }
  const diagnostics =
    nacls.length === 0
      ? []
      : [
          diagnostic(
            "config-unsupported",
            "warning",
            "Network ACLs guard subnets whose addresses describe-network-acls does not give: read as letting through what any of their lists allows, return traffic unchecked",
            nacls[0]!.at,
          ),
        ];
  return { rules, lists, accepted: space.unionAll(accepted), diagnostics };
}

/** The zones whose interface (in the point's map) is a subnet an ACL is associated with. */
function guardedZones(nacls: readonly Nacl[], context: ImportContext): { zone: string; nacl: Nacl }[] {
  const out: { zone: string; nacl: Nacl }[] = [];
  for (const [zone, iface] of Object.entries(context.interfaces)) {
    const nacl = nacls.find((n) => n.subnets.includes(iface));
    if (nacl) out.push({ zone, nacl });
  }
  return out;
}
