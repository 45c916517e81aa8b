// Every Capirca and Aerleon policy (.pol, and Aerleon's YAML) of the shared corpus imports without a crash, with its definitions and
// includes; the rules, lists and diagnostics of each are listed in a golden file.

import { describe, expect, it } from "vitest";
import { CORPUS_SKIP_REASON, corpusDir, corpusFiles } from "../../../../../test/support/corpus.js";
import { expectGolden } from "../../../../../test/support/golden.js";
import { formatDiagnostic } from "../../../policy/diagnostics.js";
import { PacketSpace } from "../../../space/packet-set.js";
import type { ConfigFile } from "../../model.js";
import { standaloneContext } from "../../standalone.js";
import { capircaImporter } from "./importer.js";

const GOLDEN = new URL("./golden/corpus-diagnostics.txt", import.meta.url).pathname;

describe.skipIf(!corpusDir())(
  `capirca importer on the corpus${corpusDir() ? "" : ` (${CORPUS_SKIP_REASON})`}`,
  () => {
    it("imports every .pol and YAML policy with no crash and lists its diagnostics", () => {
      const lines: string[] = [];
      let policies = 0;
      for (const folder of ["capirca", "aerleon"]) {
        const strip = (f: { path: string; text: string }): ConfigFile => ({
          name: f.path.slice(folder.length + 1),
          text: f.text,
        });
        const support = [...corpusFiles(`${folder}/def`), ...corpusFiles(`${folder}/policies/includes`)].map(
          strip,
        );
        for (const pol of corpusFiles(`${folder}/policies/pol`, (p) => /\.(pol|ya?ml)$/.test(p))) {
          const space = new PacketSpace();
          const result = capircaImporter.import([strip(pol), ...support], standaloneContext(space));
          policies++;
          const lists = (result.lists ?? []).map((l) => `${l.name} (${l.fallThrough})`).join(", ");
          lines.push(`${pol.path}: ${result.rules.length} terms; lists: ${lists}`);
          for (const d of result.diagnostics) lines.push(`  ${formatDiagnostic(d)}`);
          expect(result.lists?.length, pol.path).toBeGreaterThan(0);
        }
      }
      expect(policies).toBeGreaterThanOrEqual(70);
      expectGolden(GOLDEN, lines.join("\n") + "\n");
    });
  },
);
