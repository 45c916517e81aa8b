// The cisco-asa importer: ASA configurations (access-lists, objects, object-groups, access-groups,
// interfaces) read into the new connections they let through. Rules in docs/targets/cisco-asa.md.

import { sortDiagnostics } from "../../../policy/diagnostics.js";
import type { PacketSpace } from "../../../space/packet-set.js";
import { firstMatch } from "../../match.js";
import type {
  ConfigFile,
  ImportContext,
  ImportedRule,
  Importer,
  ImportResult,
  RuleList,
} from "../../model.js";
import { Cursor, Problems } from "../cisco-common/tokens.js";
import { readAsaAce } from "./ace.js";
import { asaAccepted, type EvaluatedList } from "./bindings.js";
import { type AsaConfig, readAsaConfig } from "./read.js";

export const ciscoAsaImporter: Importer = {
  id: "cisco-asa",
  description: "Cisco ASA configuration: extended access-lists with objects, bound by access-group",
  import: importAsa,
};

function importAsa(files: readonly ConfigFile[], context: ImportContext): ImportResult {
  const problems = new Problems();
  const config = readAsaConfig(files, context.space, problems);
  const lists = evaluateLists(config, context.space, problems);
  const accepted = asaAccepted(config, lists, context, problems);
  const rules = [...lists.values()].flatMap((l) => l.rules);
  // Every access-list ends in an implicit deny.
  const ruleLists: RuleList[] = [...config.acls.values()].map((acl) => ({
    name: acl.name,
    fallThrough: "drop",
    source: { file: acl.head.file, line: acl.head.line, text: acl.head.text },
  }));
  return { accepted, rules, lists: ruleLists, diagnostics: sortDiagnostics(problems.list) };
}

function evaluateLists(
  config: AsaConfig,
  space: PacketSpace,
  problems: Problems,
): Map<string, EvaluatedList> {
  const out = new Map<string, EvaluatedList>();
  const ctx = { space, objects: config.objects, names: config.names, problems };
  for (const [name, acl] of config.acls) {
    const rules: ImportedRule[] = [];
    for (const e of acl.entries) {
      let widened = false;
      const match = readAsaAce(new Cursor(e.line, e.start), {
        ...ctx,
        deny: e.action === "deny",
        onWidened: () => (widened = true),
      });
      if (match === undefined) continue;
      const inactive = match === "inactive";
      rules.push({
        // An inactive entry matches nothing until switched on; analyses still see it.
        action: inactive ? "other" : e.action === "permit" ? "accept" : "drop",
        match: inactive ? space.none() : match,
        source: { file: e.line.file, line: e.line.line, text: e.line.text },
        list: name,
        ...(e.label !== undefined && { label: e.label }),
        ...((widened as boolean) && { widened: true }),
      });
    }
    out.set(name, { rules, accepted: firstMatch(space, rules, "drop") });
  }
  return out;
}
