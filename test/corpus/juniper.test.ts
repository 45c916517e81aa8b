// The Juniper corpus: every Junos configuration (set and curly-brace forms, SRX policies, firewall filters)
// imports without a crash, says what it did not read, and keeps filters and zone pairs as rule lists.

import { describe, expect, it } from "vitest";
import { CORPUS_SKIP_REASON, corpusDir, corpusFiles } from "../support/corpus.js";
import { describeCorpus } from "./harness.js";
import { expectRulesTraceable, importOk } from "./vendor-checks.js";

describeCorpus({ name: "juniper", folders: [{ folder: "juniper", format: "junos" }] });

describe.skipIf(!corpusDir())(`juniper corpus rule lists (skipped when ${CORPUS_SKIP_REASON})`, () => {
  it("reads every IP firewall filter as a list ending in a discard, and every rule traces to its line", () => {
    let filters = 0;
    for (const file of corpusFiles("juniper")) {
      const r = importOk(file, "junos");
      expectRulesTraceable(file, r);
      const written = new Set(
        [...file.text.matchAll(/^(?:set )?firewall (?:family (inet6?) )?filter (\S+) term/gm)].map(
          (m) => `${m[1] ?? "inet"} ${m[2]}`,
        ),
      );
      for (const name of written) {
        const list = r.lists?.find((l) => l.name === name);
        expect(list, `${file.path}: filter ${name}`).toBeDefined();
        expect(list!.fallThrough).toBe("drop");
        filters++;
      }
    }
    expect(filters).toBeGreaterThan(10);
  });
});
