import { describe, expect, it } from "vitest";
import { CORPUS_SKIP_REASON, corpusDir, corpusFiles } from "../../../../test/support/corpus.js";
import { detectFormat } from "../../import/detect.js";
import { findImporter } from "../../import/formats/index.js";
import { standaloneContext } from "../../import/standalone.js";
import { PacketSpace } from "../../space/packet-set.js";
import { analyzeConfiguration } from "./analyze.js";

// Real configurations: every file of a few folders whose format is detected is analyzed without a crash,
// and every finding points at a line of its file.
const FOLDERS = ["iptables", "nftables", "cisco-ios", "juniper"];

describe.skipIf(!corpusDir())(
  `analyzeConfiguration on the shared corpus (skipped: ${CORPUS_SKIP_REASON})`,
  () => {
    for (const folder of FOLDERS) {
      it(`analyzes the ${folder} files without crashing, findings on real lines`, () => {
        let analyzed = 0;
        for (const f of corpusFiles(folder).slice(0, 40)) {
          const file = { name: f.path, text: f.text };
          const format = detectFormat(file);
          const importer = format === undefined ? undefined : findImporter(format);
          if (!importer) continue;
          const space = new PacketSpace();
          const result = importer.import([file], standaloneContext(space));
          const findings = analyzeConfiguration(space, result, { today: "2026-06-01" });
          const lines = f.text.split("\n").length;
          for (const x of findings) {
            expect(x.location.file).toBe(f.path);
            expect(x.location.line).toBeGreaterThanOrEqual(1);
            expect(x.location.line).toBeLessThanOrEqual(lines);
          }
          analyzed++;
        }
        expect(analyzed).toBeGreaterThan(0);
      }, 120_000);
    }
  },
);
