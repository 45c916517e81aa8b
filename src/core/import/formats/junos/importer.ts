// The junos importer: SRX configurations (`set` or curly-brace form) read into exact packet sets.
// Semantics and assumptions: docs/targets/junos.md, "Reading configurations".

import { sortDiagnostics } from "../../../policy/diagnostics.js";
import type { ConfigFile, ImportContext, Importer, ImportResult } from "../../model.js";
import type { Statement } from "./statements.js";
import { evaluateConfig, policyLists } from "./evaluate.js";
import { evaluateFilters } from "./evaluate-filters.js";
import { filtersAccepted } from "./filters-accepted.js";
import { parseBraceConfig } from "./parse-braces.js";
import { type InsertOp, type ParsedConfig, parseSetConfig } from "./parse-set.js";
import { readConfig } from "./read-config.js";

const SET_LINE = /^(\S+[#>%]\s+)?(set|delete|deactivate|activate|insert|edit)\s/;

/** True when the text is in `set` form: more lines start with a configuration verb than open a block. */
export function isSetForm(text: string): boolean {
  let set = 0;
  let braces = 0;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("#")) continue;
    if (SET_LINE.test(line)) set++;
    else if (line.endsWith("{")) braces++;
  }
  return set >= braces;
}

export function parseJunos(files: readonly ConfigFile[]): ParsedConfig {
  const statements: Statement[] = [];
  const inserts: InsertOp[] = [];
  const diagnostics: ParsedConfig["diagnostics"] = [];
  for (const f of files) {
    const parsed = isSetForm(f.text) ? parseSetConfig(f.text, f.name) : parseBraceConfig(f.text, f.name);
    statements.push(...parsed.statements);
    inserts.push(...parsed.inserts);
    diagnostics.push(...parsed.diagnostics);
  }
  return { statements, inserts, diagnostics };
}

export const junosImporter: Importer = {
  id: "junos",
  description: "Juniper Junos SRX security policies and firewall filters (set or curly-brace configuration)",
  import(files: readonly ConfigFile[], context: ImportContext): ImportResult {
    const parsed = parseJunos(files);
    const { config, reporter } = readConfig(parsed);
    const hasPolicies = config.contexts.size > 0 || config.global.length > 0 || config.zones.size > 0;
    const filters = evaluateFilters(config, reporter, context.space);
    const srx = evaluateConfig(config, reporter, context);
    const throughFilters = filtersAccepted(config, filters, reporter, context, hasPolicies);
    // Filters on the interfaces decide before the security policies; without policies they decide alone.
    const accepted = hasPolicies ? srx.accepted.intersect(throughFilters) : throughFilters;
    return {
      accepted: config.filters.size > 0 || hasPolicies ? accepted : context.space.none(),
      rules: [...srx.rules, ...filters.rules],
      lists: [...policyLists(config, srx.rules), ...filters.lists],
      diagnostics: sortDiagnostics([...parsed.diagnostics, ...reporter.diagnostics]),
    };
  },
};
