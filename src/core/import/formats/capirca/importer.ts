// The Capirca/Aerleon importer: .pol policies with their #include files and NETWORK.net / SERVICES.svc (or
// Aerleon naming.yaml) definitions, each header a first-match rule list.

import { type Diagnostic, sortDiagnostics } from "../../../policy/diagnostics.js";
import { firstMatch } from "../../match.js";
import type {
  ConfigFile,
  ImportContext,
  ImportedRule,
  Importer,
  ImportResult,
  RuleList,
} from "../../model.js";
import type { PacketSet, PacketSpace } from "../../../space/packet-set.js";
import { definitionKind, Definitions, readNamingText, readNamingYaml } from "./definitions.js";
import { type Filter, readHeader } from "./header.js";
import { lexPolicy } from "./lex.js";
import { type Block, parseBlocks } from "./parse-policy.js";
import { collector, type Loc, type Report } from "./report.js";
import { termApplies, termRule, type TermEnv } from "./term.js";
import { readYamlPolicy } from "./yaml-policy.js";

/** What one list lets through: first match, with its fall-through ("next" counts as not accepted). */
export function listAccepts(space: PacketSpace, rules: readonly ImportedRule[], list: RuleList): PacketSet {
  return firstMatch(
    space,
    rules.filter((r) => r.list === list.name),
    list.fallThrough === "accept" ? "accept" : "drop",
  );
}

function isPolicy(file: ConfigFile): boolean {
  if (/\.pol$/i.test(file.name)) return true;
  if (/\.(inc|net|svc|ya?ml)$/i.test(file.name)) return false;
  return /^\s*header\s*\{/m.test(file.text);
}

function readDefinitions(files: readonly ConfigFile[], report: Report): Definitions {
  const defs = new Definitions(report);
  for (const f of files) {
    const kind = definitionKind(f);
    if (kind === "yaml") readNamingYaml(f, defs, report);
    else if (kind !== undefined) readNamingText(f, kind, defs, report);
  }
  return defs;
}

function uniqueName(name: string, used: Set<string>): string {
  let out = name;
  for (let n = 2; used.has(out); n++) out = `${name}#${n}`;
  used.add(out);
  return out;
}

/** Reads one policy's blocks (headers, then their terms) into rules and lists. */
function readPolicy(blocks: readonly Block[], env: TermEnv, used: Set<string>) {
  const rules: ImportedRule[] = [];
  const lists: RuleList[] = [];
  let filter: Filter | undefined;
  let skipping = false;
  for (const block of blocks) {
    if (block.kind === "header") {
      const read = readHeader(block, env.report);
      skipping = read === undefined;
      if (!read) continue;
      filter = { ...read, name: uniqueName(read.name, used) };
      const source = { file: block.loc.file, line: block.loc.line, text: env.lineText(block.loc) };
      lists.push({ name: filter.name, fallThrough: filter.fallThrough, source });
    } else if (!filter) {
      env.report(
        "config-syntax",
        "error",
        `Term "${block.name}" comes before any header: not read`,
        block.loc,
      );
    } else if (!skipping) {
      if (termApplies(block, filter)) rules.push(termRule(env, block, filter));
      else
        env.report(
          "config-ignored",
          "info",
          `Term "${block.name}" is not rendered for target "${filter.target}" (platform)`,
          block.loc,
        );
    }
  }
  return { rules, lists };
}

export const capircaImporter: Importer = {
  id: "capirca",
  description:
    "Capirca and Aerleon policies: .pol files with #include files and .net/.svc (or naming.yaml) definitions",
  import(files: readonly ConfigFile[], context: ImportContext): ImportResult {
    const diagnostics: Diagnostic[] = [];
    const report = collector(diagnostics);
    const byName = new Map(files.map((f) => [f.name, f.text.split(/\r?\n/)]));
    const lineText = (loc: Loc) => (byName.get(loc.file)?.[loc.line - 1] ?? "").trim();
    const defs = readDefinitions(files, report);
    const env: TermEnv = { space: context.space, defs, report, lineText, cache: new Map() };
    const rules: ImportedRule[] = [];
    const lists: RuleList[] = [];
    const used = new Set<string>();
    for (const f of files) {
      const yaml = /\.ya?ml$/i.test(f.name) && /^\s*filters\s*:/m.test(f.text);
      if (!yaml && !isPolicy(f)) continue;
      const blocks = yaml
        ? readYamlPolicy(f, files, report)
        : parseBlocks(lexPolicy(f, files, report), report);
      const read = readPolicy(blocks, env, used);
      rules.push(...read.rules);
      lists.push(...read.lists);
    }
    if (lists.length === 0 && files.length > 0)
      report("config-syntax", "error", "No policy header found (is a .pol file among the files?)", {
        file: files[0]!.name,
        line: 1,
        column: 1,
      });
    // Computed on first use: a rule-by-rule consumer (convert, the analyses) never pays for the fold.
    let accepted: PacketSet | undefined;
    const space = context.space;
    return {
      get accepted() {
        return (accepted ??= space.unionAll(lists.map((l) => listAccepts(space, rules, l))));
      },
      rules,
      lists,
      diagnostics: sortDiagnostics(diagnostics),
    };
  },
};
