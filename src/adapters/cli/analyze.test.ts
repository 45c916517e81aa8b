import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ACME_DIR, compileAcme, loadAcme, writeFolder } from "../../../test/support/deployed.js";
import { expectGolden } from "../../../test/support/golden.js";
import { runCli, runCliJson, TESTDATA } from "./testing.js";

const FIXTURES = fileURLToPath(new URL("../../core/analysis/anomalies/fixtures/", import.meta.url));
const LAB = `${TESTDATA}lab`;
const inFixtures = { cwd: FIXTURES };

interface JsonReport {
  findings: {
    kind: string;
    severity: string;
    message: string;
    location: { file: string; line: number };
    related: unknown[];
  }[];
  diagnostics: { code: string }[];
}

describe("rampart analyze", () => {
  it("prints the findings of an iptables file as JSON (golden)", async () => {
    const r = await runCli(["analyze", "planted.iptables", "--json"], inFixtures);
    expect(r.code).toBe(0);
    expectGolden(`${FIXTURES}planted.iptables.json.golden`, r.stdout);
  });

  it("prints SARIF 2.1.0 with a rule per kind, locations and related locations (golden)", async () => {
    const r = await runCli(["analyze", "planted.iptables", "--sarif"], inFixtures);
    expect(r.code).toBe(0);
    const sarif = JSON.parse(r.stdout) as {
      version: string;
      runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string }[] }[];
    };
    expect(sarif.version).toBe("2.1.0");
    const run = sarif.runs[0]!;
    const ids = run.tool.driver.rules.map((x) => x.id);
    expect(run.results.every((x) => ids.includes(x.ruleId))).toBe(true);
    // SARIF names the tool's version, which every release changes; the golden file pins it as "VERSION" so
    // that it compares everything else.
    (run.tool.driver as { version?: string }).version = "VERSION";
    expectGolden(`${FIXTURES}planted.iptables.sarif.golden`, JSON.stringify(sarif, null, 2) + "\n");
  });

  it("detects each file's format and analyzes several files at once", async () => {
    const r = await runCliJson<JsonReport>(
      ["analyze", "planted.iptables", "planted.nft", "planted.ios", "planted.junos", "--json"],
      inFixtures,
    );
    expect(r.code).toBe(0);
    const files = new Set(r.json.findings.map((f) => f.location.file));
    expect([...files].sort()).toEqual(["planted.ios", "planted.iptables", "planted.junos", "planted.nft"]);
  });

  it("exits 1 when a finding reaches --fail-on, 0 below it", async () => {
    expect((await runCli(["analyze", "planted.junos", "--fail-on", "error"], inFixtures)).code).toBe(1);
    expect(
      (await runCli(["analyze", "planted.nft", "--format", "nftables", "--fail-on", "note"], inFixtures))
        .code,
    ).toBe(1);
    const clean = await runCli(["analyze", "policy-lab.nft", "--fail-on", "warning"], inFixtures);
    expect(clean.code).toBe(0);
  });

  it("with --policy, reports what the policy's denies forbid and untrusted zones reaching admin services", async () => {
    const r = await runCliJson<JsonReport>(
      ["analyze", "policy-lab.nft", "--policy", LAB, "--point", "edge-fw", "--json"],
      inFixtures,
    );
    expect(r.code).toBe(0);
    expect(r.json.findings.map((f) => `${f.location.line} ${f.kind}`)).toEqual([
      "5 policy-violation",
      "6 overly-permissive",
    ]);
  });

  it("with --policy, says nothing of what the policy's own flows let untrusted zones reach", async () => {
    const base = writeFolder(compileAcme(loadAcme(), ["edge-fw"]), "out");
    const r = await runCliJson<JsonReport>(
      ["analyze", "out/edge-fw.nft", "--policy", ACME_DIR, "--point", "edge-fw", "--json"],
      { cwd: base },
    );
    expect(r.code).toBe(0);
    expect(r.json.findings.filter((f) => f.kind === "policy-violation")).toEqual([]);
    const exposures = r.json.findings.filter(
      (f) => f.kind === "overly-permissive" && /untrusted/.test(f.message),
    );
    expect(exposures).toEqual([]);
  });

  it("prints a table with a summary line by default, and JUnit XML with --junit", async () => {
    const table = await runCli(["analyze", "planted.nft"], inFixtures);
    expect(table.stdout).toMatch(/^KIND +SEVERITY +LOCATION +MESSAGE/);
    expect(table.stdout).toContain("planted.nft:5");
    expect(table.stdout).toMatch(/8 rules in 1 file: 5 findings \(1 error, 2 warnings, 2 notes\)/);
    const junit = await runCli(["analyze", "planted.nft", "--junit"], inFixtures);
    expect(junit.stdout).toContain('<testsuite name="planted.nft" tests="5" failures="5">');
    expect(junit.stdout).toContain('<failure type="shadowed"');
  });

  it("exits 2 for unreadable files, unknown formats and bad options", async () => {
    const missing = await runCli(["analyze", "nope.txt"], inFixtures);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Cannot read "nope.txt"');
    expect((await runCli(["analyze", "planted.nft", "--format", "pf"], inFixtures)).code).toBe(2);
    expect((await runCli(["analyze", "planted.nft", "--fail-on", "fatal"], inFixtures)).code).toBe(2);
    expect((await runCli(["analyze", "planted.nft", "--json", "--sarif"], inFixtures)).code).toBe(2);
    expect((await runCli(["analyze", "planted.nft", "--point", "x"], inFixtures)).code).toBe(2);
  });
});
