import { describe, expect, it } from "vitest";
import type { Measurement } from "./timing.js";
import { benchImport, IMPORT_MEASUREMENTS, importBenchArgs, renderWorkload, timeImports } from "./import.js";

describe("the import benchmark", () => {
  it("renders one ruleset per filter of the generated policy, which reads back rule by rule", () => {
    for (const format of ["nftables", "iptables"]) {
      const rulesets = renderWorkload(format, { terms: 40, headers: 2, seed: 3 });
      expect(rulesets.length).toBe(2);
      const t = timeImports(format, rulesets);
      // Every term gives at least one rule (more where a family or a service splits it).
      expect(t.rules).toBeGreaterThanOrEqual(40);
      expect(t.bytes).toBeGreaterThan(0);
    }
  });

  it("emits every measurement it names, for a given ruleset too", () => {
    const got: Measurement[] = [];
    benchImport({ generate: { terms: 20, headers: 1, seed: 1 } }, (m) => got.push(m));
    expect(got.map((m) => m.name)).toEqual(IMPORT_MEASUREMENTS);
    const given: Measurement[] = [];
    const text =
      "*filter\n:FORWARD DROP [0:0]\n-A FORWARD -s 10.0.0.0/8 -p tcp --dport 22 -j ACCEPT\nCOMMIT\n";
    benchImport({ configs: [{ name: "rules.v4", text }] }, (m) => given.push(m));
    expect(given.find((m) => m.name === "import.iptables_rules")?.value).toBe(1);
  });

  it("runs alone for --only import, for one format when named, and beside the rest for nothing", () => {
    expect(importBenchArgs([], ["import"])).toMatchObject({ run: true, only: true });
    expect(importBenchArgs([], ["import.iptables"]).options.formats).toEqual(["iptables"]);
    expect(importBenchArgs([], [])).toMatchObject({ run: true, only: false });
    expect(importBenchArgs([], ["compile"])).toMatchObject({ run: false, only: false });
    expect(importBenchArgs([], ["capirca_import"])).toMatchObject({ run: false });
    const given = importBenchArgs(["--format", "nftables", "--capirca-terms", "50"], ["import"]);
    expect(given.options).toMatchObject({ format: "nftables", generate: { terms: 50 } });
  });
});
