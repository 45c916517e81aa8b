// nft itself as the oracle for the JSON reader: every corpus ruleset nft can load (in a user and network
// namespace of its own) is listed back as `nft -j list ruleset`, and that JSON must import to exactly what
// the text imports to, rule for rule.

import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parsePrefix } from "../../src/core/net/prefix.js";
import { nftablesImporter } from "../../src/core/import/formats/nftables/importer.js";
import { standaloneContext } from "../../src/core/import/standalone.js";
import { PacketSpace } from "../../src/core/space/packet-set.js";
import { CORPUS_SKIP_REASON, corpusDir, corpusFiles } from "../support/corpus.js";

/** nft in an unprivileged namespace: `unshare -rn` gives a private ruleset without root. */
function nftJson(path: string): string | undefined {
  const r = spawnSync("unshare", ["-rn", "sh", "-c", 'nft -f "$1" && nft -j list ruleset', "sh", path], {
    encoding: "utf8",
    timeout: 60_000,
  });
  return r.status === 0 ? r.stdout : undefined;
}

const nftWorks =
  spawnSync("unshare", ["-rn", "nft", "list", "ruleset"], { stdio: "ignore", timeout: 30_000 }).status === 0;

describe.skipIf(!corpusDir() || !nftWorks)(
  `nft -j output imports as its text does (skipped when ${CORPUS_SKIP_REASON}, or nft cannot run in an unprivileged namespace)`,
  () => {
    it("gives the same rules, actions, hits and accepted packets, for the network and the host role", () => {
      let loaded = 0;
      const differences: string[] = [];
      for (const f of corpusFiles("nftables", (p) => p.endsWith(".nft"))) {
        if (f.text.trimStart().startsWith("{")) continue;
        const json = nftJson(f.absolute);
        // nft refuses some dumps here (missing interfaces, kernel features, deliberate failures): left out.
        if (json === undefined) continue;
        loaded++;
        const space = new PacketSpace();
        for (const role of ["network", "host"] as const) {
          const context = {
            ...standaloneContext(space, role),
            hosts:
              role === "host"
                ? [{ name: "h", addresses: [parsePrefix("10.0.0.1/32"), parsePrefix("fd00::1/128")] }]
                : [],
          };
          const text = nftablesImporter.import([{ name: f.path, text: f.text }], context);
          const fromJson = nftablesImporter.import([{ name: `${f.path}.json`, text: json }], context);
          // Rule by rule within each list; the lists' order may differ (nft -j declares every chain first).
          const shape = (r: typeof text) =>
            [...r.rules]
              .sort((x, y) => (x.list < y.list ? -1 : x.list > y.list ? 1 : 0))
              .map((x) => `${x.list} ${x.action} ${x.hits ?? "-"}`);
          if (!text.accepted.equals(fromJson.accepted))
            differences.push(`${f.path} (${role}): accepted differs`);
          if (shape(text).join("\n") !== shape(fromJson).join("\n"))
            differences.push(`${f.path} (${role}): rules differ`);
        }
      }
      expect(differences).toEqual([]);
      // Most of the corpus loads; far fewer would mean nft (not the reader) is broken here.
      expect(loaded).toBeGreaterThanOrEqual(50);
    });
  },
);
