// The iptables importer: iptables-save / ip6tables-save output and iptables-restore files (with the ipset
// files their sets come from) read into exactly the new connections the filter table lets through.

import type { Family } from "../../../net/address.js";
import { diagnostic, type Diagnostic, sortDiagnostics } from "../../../policy/diagnostics.js";
import type { PacketSet } from "../../../space/packet-set.js";
import { hostAccepts } from "../../match.js";
import type {
  ConfigFile,
  ImportContext,
  Importer,
  ImportedRule,
  ImportResult,
  RuleList,
} from "../../model.js";
import { TableEvaluator } from "./chains.js";
import { classifyFile } from "./family.js";
import { readIpsets } from "./ipset.js";
import { emptyTable, type FilterTable, runFile } from "./restore.js";

const FAMILIES: readonly Family[] = [4, 6];

export const iptablesImporter: Importer = {
  id: "iptables",
  description: "iptables-save / iptables-restore files (filter table, IPv4 and IPv6) and ipset files",
  import(files, context): ImportResult {
    const diagnostics: Diagnostic[] = [];
    const kinds = files.flatMap(splitMixed).map((f) => ({ file: f, kind: classifyFile(f) }));
    const { sets, diagnostics: setProblems } = readIpsets(
      kinds.filter((k) => k.kind.kind === "ipset").map((k) => k.file),
    );
    diagnostics.push(...setProblems);
    const rules: ImportedRule[] = [];
    const lists: RuleList[] = [];
    const byFamily = new Map<Family, TableEvaluator>();
    const read = new Set(kinds.flatMap((k) => (k.kind.kind === "rules" ? [k.kind.family] : [])));
    for (const family of FAMILIES) {
      const mine = kinds.filter((k) => k.kind.kind === "rules" && k.kind.family === family);
      for (const k of mine) if (k.kind.kind === "rules" && k.kind.guessed) diagnostics.push(guessed(k.file));
      if (mine.length === 0) continue;
      const table: FilterTable = emptyTable();
      for (const k of mine) runFile(k.file, family, table, diagnostics);
      const evaluator = new TableEvaluator(
        { space: context.space, family, context, sets, setLookups: new Map() },
        table,
        diagnostics,
        // Read together, IPv4 and IPv6 chains of one name are still two lists, each with its own policy.
        read.size > 1 && family === 6 ? " (IPv6)" : "",
      );
      evaluator.walkAll();
      for (const r of evaluator.rules) rules.push(r);
      lists.push(...evaluator.lists());
      byFamily.set(family, evaluator);
    }
    const first = kinds.find((k) => k.kind.kind === "rules")?.file ?? files[0];
    if (first) for (const f of FAMILIES) if (!byFamily.has(f)) diagnostics.push(missing(first, f));
    return {
      accepted: accepted(context, byFamily),
      rules,
      lists,
      diagnostics: sortDiagnostics(diagnostics),
    };
  },
};

const IPSET_LINE = /^\s*(create|add|del|flush|destroy|swap|rename|test)\s/;
const RULES_LINE = /^\s*([-:*]|COMMIT\b|\/?\S*ip6?tables\s)/;

/**
 * A file holding ipset commands and iptables rules together (aerleon's ipset output, a restore script) is read
 * as its two parts, each keeping the file's name and line numbers (the other part's lines left blank).
 */
function splitMixed(file: ConfigFile): ConfigFile[] {
  const lines = file.text.split(/\r?\n/);
  const sets = lines.map((l) => IPSET_LINE.test(l));
  if (!sets.some(Boolean) || !lines.some((l, k) => !sets[k] && RULES_LINE.test(l))) return [file];
  const part = (keep: boolean) => lines.map((l, k) => (sets[k] === keep ? l : "")).join("\n");
  return [
    { name: file.name, text: part(true) },
    { name: file.name, text: part(false) },
  ];
}

/** A family without a rules file is not filtered: the kernel's built-in chains accept by default. */
function chainAccepts(
  context: ImportContext,
  byFamily: Map<Family, TableEvaluator>,
  chain: string,
): PacketSet {
  return context.space.unionAll(
    FAMILIES.map((f) => byFamily.get(f)?.accepted(chain) ?? context.space.family(f)),
  );
}

function accepted(context: ImportContext, byFamily: Map<Family, TableEvaluator>): PacketSet {
  if (context.role === "network") return chainAccepts(context, byFamily, "FORWARD");
  const ingress = chainAccepts(context, byFamily, "INPUT");
  const egress = chainAccepts(context, byFamily, "OUTPUT");
  return hostAccepts(
    context.space,
    context.hosts.map((h) => ({ addresses: h.addresses, ingress, egress })),
  );
}

function guessed(file: ConfigFile): Diagnostic {
  return diagnostic(
    "config-unsupported",
    "warning",
    `Cannot tell whether "${file.name}" holds IPv4 or IPv6 rules; it is read as IPv4 (name it .v4 or .v6)`,
    { file: file.name, line: 1, column: 1 },
  );
}

function missing(file: ConfigFile, family: Family): Diagnostic {
  return diagnostic(
    "config-unsupported",
    "warning",
    `No IPv${family} rules file was given; IPv${family} is taken as unfiltered (the kernel's default ACCEPT policies)`,
    { file: file.name, line: 1, column: 1 },
  );
}
