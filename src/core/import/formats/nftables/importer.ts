// The nftables importer: `nft -f` files and `nft list ruleset` output read back into exact packet sets.

import { type Diagnostic, sortDiagnostics } from "../../../policy/diagnostics.js";
import type { ConfigFile, ImportContext, Importer, ImportResult } from "../../model.js";
import { evaluateRuleset } from "./evaluate.js";
import { parseFiles } from "./parse-ruleset.js";
import { reporter } from "./report.js";

export const nftablesImporter: Importer = {
  id: "nftables",
  description: "nftables rulesets: `nft -f` files and `nft list ruleset` output",
  import(files: readonly ConfigFile[], context: ImportContext): ImportResult {
    const diagnostics: Diagnostic[] = [];
    const report = reporter(diagnostics);
    const ruleset = parseFiles(files, report);
    const { accepted, rules } = evaluateRuleset(ruleset, context, report);
    return { accepted, rules, diagnostics: sortDiagnostics(diagnostics) };
  },
};
