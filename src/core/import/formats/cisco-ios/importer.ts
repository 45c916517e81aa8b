// The cisco-ios importer: IOS and IOS XE configurations (ACLs, object-groups, interface bindings) read into
// the new connections they let through. The rules are in docs/targets/cisco-ios.md, "Reading configurations".

import { PROTO } from "../../../net/protocol.js";
import { sortDiagnostics } from "../../../policy/diagnostics.js";
import type { PacketSet, PacketSpace } from "../../../space/packet-set.js";
import { firstMatch, icmpMatch } from "../../match.js";
import type {
  ConfigFile,
  ImportContext,
  ImportedRule,
  Importer,
  ImportResult,
  RuleList,
} from "../../model.js";
import { Cursor, Problems } from "../cisco-common/tokens.js";
import { readExtendedAce, readStandardAce } from "./ace.js";
import { iosAccepted } from "./bindings.js";
import { type CiscoSyntax, IOS_SYNTAX, type IosAcl, type IosConfig, readIosConfig } from "./read.js";

export const ciscoIosImporter: Importer = {
  id: "cisco-ios",
  description: "Cisco IOS / IOS XE configuration: extended, standard and IPv6 ACLs bound to interfaces",
  import: importIos,
};

function importIos(files: readonly ConfigFile[], context: ImportContext): ImportResult {
  return importCisco(files, context, IOS_SYNTAX);
}

/** The IOS pipeline for one dialect (IOS, NX-OS): read, evaluate each ACL, decide by interface bindings. */
export function importCisco(
  files: readonly ConfigFile[],
  context: ImportContext,
  syntax: CiscoSyntax,
): ImportResult {
  const problems = new Problems();
  const config = readIosConfig(files, context.space, problems, syntax);
  const evaluated = evaluateAcls(config, context.space, problems, syntax);
  const accepted = iosAccepted(config, evaluated, context, problems);
  const rules = [...evaluated.values()].flatMap((l) => l.rules);
  const lists = [...evaluated.values()].map(({ acl }) => aclList(acl, syntax));
  return { accepted, rules, lists, diagnostics: sortDiagnostics(problems.list) };
}

/**
 * An ACL as a rule list: its implicit deny drops what no entry decides; an ACL with no entries lets everything
 * through on IOS (as if not applied), where the dialect says so.
 */
function aclList(acl: IosAcl, syntax: CiscoSyntax): RuleList {
  return {
    name: acl.name,
    fallThrough: acl.entries.length === 0 && syntax.emptyAclPermits ? "accept" : "drop",
    source: { file: acl.head.file, line: acl.head.line, text: acl.head.text },
  };
}

/** One ACL read into rules, with what it accepts as a first-match list with its implicit entries. */
export interface EvaluatedAcl {
  readonly acl: IosAcl;
  readonly rules: ImportedRule[];
  readonly accepted: PacketSet;
}

function evaluateAcls(
  config: IosConfig,
  space: PacketSpace,
  problems: Problems,
  syntax: CiscoSyntax,
): Map<string, EvaluatedAcl> {
  const out = new Map<string, EvaluatedAcl>();
  const ctx = { space, objects: config.objects, problems };
  for (const [key, acl] of config.acls) {
    const rules: ImportedRule[] = [];
    for (const e of acl.entries) {
      const c = new Cursor(e.line, e.start);
      let widened = false;
      const entry = { ...ctx, deny: e.action === "deny", onWidened: () => (widened = true) };
      const match = acl.standard
        ? readStandardAce(c, acl.family, entry)
        : readExtendedAce(c, acl.family, entry);
      if (match === undefined) continue;
      rules.push({
        action: e.action === "permit" ? "accept" : "drop",
        match,
        source: { file: e.line.file, line: e.line.line, text: e.line.text },
        list: acl.name,
        ...(e.label !== undefined && { label: e.label }),
        ...((widened as boolean) && { widened: true }),
      });
    }
    if (acl.family === 6) rules.push(...implicitNeighborDiscovery(acl, space, syntax));
    // An ACL without entries lets everything through on IOS, as if it were not applied.
    const empty = acl.entries.length === 0 && syntax.emptyAclPermits;
    const accepted = empty ? space.all() : firstMatch(space, rules, "drop");
    out.set(key, { acl, rules, accepted: accepted.intersect(space.family(acl.family)) });
  }
  return out;
}

/** IPv6 ACLs end with implicit permits for neighbor discovery, before the implicit deny. */
function implicitNeighborDiscovery(acl: IosAcl, space: PacketSpace, syntax: CiscoSyntax): ImportedRule[] {
  return syntax.implicitIcmp6.map(([name, type]) => ({
    action: "accept" as const,
    match: icmpMatch(space, PROTO.icmpv6, [{ lo: type as number, hi: type as number }]).intersect(
      space.family(6),
    ),
    source: { file: acl.head.file, line: acl.head.line, text: `(implicit) permit icmp any any ${name}` },
    list: acl.name,
  }));
}
