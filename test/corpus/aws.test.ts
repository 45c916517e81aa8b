// The AWS corpus: security groups (describe-security-groups, describe-security-group-rules JSON, Terraform)
// and network ACLs (describe-network-acls) import without a crash; the malformed files give diagnostics.

import { describe, expect, it } from "vitest";
import { CORPUS_SKIP_REASON, corpusDir, corpusFiles } from "../support/corpus.js";
import { describeCorpus } from "./harness.js";
import { expectRulesTraceable, importOk } from "./vendor-checks.js";

const FLOW_LOGS =
  "flow logs are traffic records, not configuration (read by the collectors, not an importer)";

describeCorpus({
  name: "aws",
  folders: [
    {
      folder: "aws",
      format: (path) => (path.startsWith("aws/flowlogs/") ? undefined : "aws-sg"),
      skip: Object.fromEntries(corpusFiles("aws/flowlogs").map((f) => [f.path, FLOW_LOGS])),
    },
  ],
});

/** The NetworkAclId of each ACL a describe-network-acls (or recorded API response) file holds. */
function naclIds(text: string): string[] {
  const root = JSON.parse(text) as Record<string, unknown>;
  const body = (root["data"] ?? root) as { NetworkAcls?: { NetworkAclId: string }[] };
  return (body.NetworkAcls ?? []).map((n) => n.NetworkAclId);
}

describe.skipIf(!corpusDir())(`aws corpus rule lists (skipped when ${CORPUS_SKIP_REASON})`, () => {
  const files = corpusFiles("aws", (p) => !p.startsWith("aws/flowlogs/"));

  it("reads each network ACL's ingress and egress as lists falling through to the * rule's deny", () => {
    let nacls = 0;
    for (const file of files.filter((f) => /NetworkAcl/.test(f.text) && f.path.endsWith(".json"))) {
      const r = importOk(file, "aws-sg");
      const ids = naclIds(file.text);
      for (const id of ids) {
        for (const dir of ["ingress", "egress"]) {
          const list = r.lists?.find((l) => l.name === `${id} ${dir}`);
          expect(list, `${file.path}: ${id} ${dir}`).toBeDefined();
          expect(list!.fallThrough).toBe("drop");
        }
        nacls++;
      }
      // The * rule (32767) is the fall-through, never a rule of its own.
      expect(r.rules.some((x) => x.label === "rule 32767")).toBe(false);
    }
    expect(nacls).toBeGreaterThanOrEqual(4);
  });

  it("reads security groups into rules that trace to their lines, without hosts to place them", () => {
    let rules = 0;
    for (const file of files) {
      const r = importOk(file, "aws-sg");
      expectRulesTraceable(file, r);
      rules += r.rules.length;
    }
    expect(rules).toBeGreaterThan(100);
  });
});
