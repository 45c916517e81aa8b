// The Kubernetes corpus: NetworkPolicy manifests import without a crash; the Cilium and AdminNetworkPolicy
// objects of crd/ each get an "is not modelled" diagnostic of their own, never silence.

import { describe, expect, it } from "vitest";
import { CORPUS_SKIP_REASON, corpusDir, corpusFiles } from "../support/corpus.js";
import { describeCorpus } from "./harness.js";
import { importOk } from "./vendor-checks.js";

describeCorpus({ name: "kubernetes", folders: [{ folder: "kubernetes", format: "k8s" }] });

describe.skipIf(!corpusDir())(`kubernetes corpus kinds (skipped when ${CORPUS_SKIP_REASON})`, () => {
  it("reports each object of a kind other than NetworkPolicy at its kind line", () => {
    let objects = 0;
    for (const file of corpusFiles("kubernetes/crd")) {
      const r = importOk(file, "k8s");
      const lines = file.text.split("\n");
      const kinds = lines
        .map((l, i) => ({ kind: /^kind:\s*(\S+)/.exec(l)?.[1], line: i + 1 }))
        .filter((k) => k.kind !== undefined && k.kind !== "NetworkPolicy");
      for (const k of kinds) {
        const d = r.diagnostics.find(
          (x) =>
            x.code === "config-unsupported" && Math.abs(x.line - k.line) <= 1 && x.message.includes(k.kind!),
        );
        expect(d, `${file.path}:${k.line} ${k.kind}`).toBeDefined();
        objects++;
      }
    }
    expect(objects).toBe(8);
  });

  it("reads every NetworkPolicy's isolated directions as lists", () => {
    for (const file of corpusFiles("kubernetes", (p) => !p.includes("/crd/"))) {
      const r = importOk(file, "k8s");
      const lists = new Set((r.lists ?? []).map((l) => l.name));
      for (const rule of r.rules) expect(lists.has(rule.list), `${file.path}: ${rule.list}`).toBe(true);
    }
  });
});
