// The cisco-ios importer: IOS and IOS XE configurations (ACLs, object-groups, interface bindings) read into
// the new connections they let through. The rules are in docs/targets/cisco-ios.md, "Reading configurations".

import { PROTO } from "../../../net/protocol.js";
import { sortDiagnostics } from "../../../policy/diagnostics.js";
import type { PacketSet, PacketSpace } from "../../../space/packet-set.js";
import { firstMatch, icmpMatch } from "../../match.js";
import type { ConfigFile, ImportContext, ImportedRule, Importer, ImportResult } from "../../model.js";
import { Cursor, Problems } from "../cisco-common/tokens.js";
import { readExtendedAce, readStandardAce } from "./ace.js";
import { iosAccepted } from "./bindings.js";
import { type IosAcl, type IosConfig, readIosConfig } from "./read.js";

export const ciscoIosImporter: Importer = {
  id: "cisco-ios",
  description: "Cisco IOS / IOS XE configuration: extended, standard and IPv6 ACLs bound to interfaces",
  import: importIos,
};

function importIos(files: readonly ConfigFile[], context: ImportContext): ImportResult {
  const problems = new Problems();
  const config = readIosConfig(files, context.space, problems);
  const lists = evaluateAcls(config, context.space, problems);
  const accepted = iosAccepted(config, lists, context, problems);
  const rules = [...lists.values()].flatMap((l) => l.rules);
  return { accepted, rules, diagnostics: sortDiagnostics(problems.list) };
}

/** One ACL read into rules, with what it accepts as a first-match list with its implicit entries. */
export interface EvaluatedAcl {
  readonly acl: IosAcl;
  readonly rules: ImportedRule[];
  readonly accepted: PacketSet;
}

function evaluateAcls(config: IosConfig, space: PacketSpace, problems: Problems): Map<string, EvaluatedAcl> {
  const out = new Map<string, EvaluatedAcl>();
  const ctx = { space, objects: config.objects, problems };
  for (const [key, acl] of config.acls) {
    const rules: ImportedRule[] = [];
    for (const e of acl.entries) {
      const c = new Cursor(e.line, e.start);
      const match = acl.standard ? readStandardAce(c, acl.family, ctx) : readExtendedAce(c, acl.family, ctx);
      if (match === undefined) continue;
      rules.push({
        action: e.action === "permit" ? "accept" : "drop",
        match,
        source: { file: e.line.file, line: e.line.line, text: e.line.text },
        list: acl.name,
        ...(e.label !== undefined && { label: e.label }),
      });
    }
    if (acl.family === 6) rules.push(...implicitNeighborDiscovery(acl, space));
    // An ACL without entries lets everything through on IOS, as if it were not applied.
    const accepted = acl.entries.length === 0 ? space.all() : firstMatch(space, rules, "drop");
    out.set(key, { acl, rules, accepted: accepted.intersect(space.family(acl.family)) });
  }
  return out;
}

/** IPv6 ACLs end with implicit permits for neighbor discovery (NA, NS), before the implicit deny. */
function implicitNeighborDiscovery(acl: IosAcl, space: PacketSpace): ImportedRule[] {
  return [
    ["nd-na", 136],
    ["nd-ns", 135],
  ].map(([name, type]) => ({
    action: "accept" as const,
    match: icmpMatch(space, PROTO.icmpv6, [{ lo: type as number, hi: type as number }]).intersect(
      space.family(6),
    ),
    source: { file: acl.head.file, line: acl.head.line, text: `(implicit) permit icmp any any ${name}` },
    list: acl.name,
  }));
}
