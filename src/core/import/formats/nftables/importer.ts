// The nftables importer: `nft -f` files, `nft list ruleset` output and `nft -j list ruleset` JSON read back
// into exact packet sets.

import { diagnostic, type Diagnostic, sortDiagnostics } from "../../../policy/diagnostics.js";
import type { ConfigFile, ConfigSource, ImportContext, Importer, ImportResult } from "../../model.js";
import type { JsonPos } from "../aws-sg/json-parse.js";
import { evaluateRuleset } from "./evaluate.js";
import { parseFiles } from "./parse-ruleset.js";
import { isJsonRuleset, renderJsonRuleset } from "./read-json.js";
import { type Report, reporter } from "./report.js";

export const nftablesImporter: Importer = {
  id: "nftables",
  description: "nftables rulesets: `nft -f` files, `nft list ruleset` output and `nft -j list ruleset` JSON",
  import(files: readonly ConfigFile[], context: ImportContext): ImportResult {
    const diagnostics: Diagnostic[] = [];
    const { texts, positions } = renderJson(files, diagnostics);
    const base = reporter(diagnostics);
    // Problems in a JSON file point at the JSON object their command came from.
    const report: Report = (code, message, token) => {
      const at = positions.get(token.file)?.[token.line - 1];
      base(code, message, at ? { ...token, line: at.line, column: at.column } : token);
    };
    const ruleset = parseFiles(texts, report);
    const { accepted, rules, lists } = evaluateRuleset(ruleset, context, report);
    const remap = (s: ConfigSource): ConfigSource => {
      const at = positions.get(s.file)?.[s.line - 1];
      return at ? { ...s, line: at.line } : s;
    };
    return {
      accepted,
      rules: positions.size === 0 ? rules : rules.map((r) => ({ ...r, source: remap(r.source) })),
      lists: lists.map((l) => (l.source ? { ...l, source: remap(l.source) } : l)),
      diagnostics: sortDiagnostics(diagnostics),
    };
  },
};

/** JSON files become the nft commands they stand for; the positions map their lines back into the JSON. */
function renderJson(
  files: readonly ConfigFile[],
  diagnostics: Diagnostic[],
): { texts: ConfigFile[]; positions: Map<string, readonly JsonPos[]> } {
  const positions = new Map<string, readonly JsonPos[]>();
  const texts = files.map((f) => {
    if (!isJsonRuleset(f.text)) return f;
    const r = renderJsonRuleset(f.text);
    for (const p of r.problems)
      diagnostics.push(
        diagnostic("config-syntax", "error", p.message, {
          file: f.name,
          line: p.pos.line,
          column: p.pos.column,
        }),
      );
    positions.set(f.name, r.positions);
    return { name: f.name, text: r.text };
  });
  return { texts, positions };
}
