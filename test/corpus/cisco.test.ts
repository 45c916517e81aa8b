// The Cisco corpus (IOS, ASA, NX-OS): every configuration imports without a crash, says what it did not read,
// and keeps each ACL as a rule list whose rules point at their lines.

import { describe, expect, it } from "vitest";
import { CORPUS_SKIP_REASON, corpusDir, corpusFiles } from "../support/corpus.js";
import { describeCorpus } from "./harness.js";
import { expectRulesTraceable, importOk } from "./vendor-checks.js";

describeCorpus({
  name: "cisco",
  folders: [
    {
      folder: "cisco-ios",
      format: "cisco-ios",
      empty: { "cisco-ios/ios-blankish-file": "a single comment line" },
    },
    { folder: "cisco-asa", format: "cisco-asa" },
    { folder: "cisco-nxos", format: "cisco-nxos" },
  ],
});

const FOLDERS = ["cisco-ios", "cisco-asa", "cisco-nxos"] as const;

describe.skipIf(!corpusDir())(`cisco corpus rule lists (skipped when ${CORPUS_SKIP_REASON})`, () => {
  for (const folder of FOLDERS)
    it(`${folder}: every rule traces to its line and list; every IP ACL with entries is a list`, () => {
      let lists = 0;
      for (const file of corpusFiles(folder)) {
        const r = importOk(file, folder);
        expectRulesTraceable(file, r);
        lists += r.lists?.length ?? 0;
        for (const l of r.lists ?? []) expect(["drop", "accept"]).toContain(l.fallThrough);
      }
      expect(lists).toBeGreaterThan(20);
    });

  it("reads NX-OS address and port groups in entries, in sequence-number order", () => {
    const file = corpusFiles("cisco-nxos").find((f) => f.path.endsWith("/nxos_ip_access_list"))!;
    const r = importOk(file, "cisco-nxos");
    const indices = r.rules.filter((x) => x.list === "acl_indices").map((x) => x.source.text);
    expect(indices).toEqual(["deny 1 any any", "13 deny 4 any any", "15 deny 2 any any", "deny 3 any any"]);
    const syntax = r.diagnostics.filter((d) => d.code === "config-syntax");
    expect(syntax).toEqual([]);
  });
});
