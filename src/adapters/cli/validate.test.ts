import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli, runCliJson, TESTDATA } from "./testing.js";

const ACME = join(TESTDATA, "../../../../examples/acme");

describe("rampart validate", () => {
  it("prints each diagnostic with its place, then the summary; exit 0 with warnings only", async () => {
    const r = await runCli(["validate", "lab"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(
      'lab/rules/flows.yaml:31:14: warning flow-expired: Flow "old-vendor" expired on 2024-01-31 and allows nothing\n' +
        "lab: 4 zones, 3 assets, 5 flows, 1 deny, 1 point, 2 assertions (2 passed); 0 errors, 1 warning\n",
    );
  });

  it("reads the working folder when no PATH is given", async () => {
    const r = await runCli(["validate"], { cwd: join(TESTDATA, "lab") });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("rules/flows.yaml:31:14: warning flow-expired");
    expect(r.stdout).toContain("lab: 4 zones");
  });

  it("exits 1 when the policy has errors, listing them in file order", async () => {
    const r = await runCli(["validate", "broken.yaml"]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toEqual([
      expect.stringMatching(/^broken\.yaml:9:11: warning empty-flow: /),
      'broken.yaml:10:11: error unknown-reference: Unknown zone "crop"',
      'broken.yaml:12:16: error unknown-reference: Unknown service "htps"; did you mean "https"?',
      "broken: 2 zones, 0 assets, 1 flow, 0 denies, 0 points, 0 assertions (0 passed); 2 errors, 1 warning",
    ]);
  });

  it("counts failed assertions as errors", async () => {
    const r = await runCli(["validate", "failing.yaml"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^failing\.yaml:19:13: error assertion-failed: Assertion "corp reaches ssh in the dmz" failed/,
    );
    expect(r.stdout).toContain("1 assertion (0 passed, 1 failed); 1 error, 0 warnings");
  });

  it("--json gives ok, the diagnostics and the counts", async () => {
    const r = await runCliJson<Record<string, unknown>>(["validate", "broken.yaml", "--json"]);
    expect(r.code).toBe(1);
    expect(r.json).toEqual({
      ok: false,
      name: "broken",
      diagnostics: [
        expect.objectContaining({ code: "empty-flow", severity: "warning" }),
        {
          code: "unknown-reference",
          severity: "error",
          message: 'Unknown zone "crop"',
          file: "broken.yaml",
          line: 10,
          column: 11,
        },
        expect.objectContaining({ code: "unknown-reference", line: 12, column: 16 }),
      ],
      counts: {
        zones: 2,
        services: 0,
        assets: 0,
        groups: 0,
        applications: 0,
        flows: 1,
        denies: 0,
        points: 0,
        assertions: 0,
        assertionsPassed: 0,
        assertionsFailed: 0,
        errors: 2,
        warnings: 1,
      },
    });
    const ok = await runCliJson<{ ok: boolean }>(["validate", "lab", "--json"]);
    expect(ok.code).toBe(0);
    expect(ok.json.ok).toBe(true);
  });

  describe("a PATH that cannot be read", () => {
    const empty = mkdtempSync(join(tmpdir(), "rampart-validate-"));
    afterAll(() => rmSync(empty, { recursive: true, force: true }));

    it("exits 2 with one line when the path does not exist", async () => {
      const r = await runCli(["validate", "no/such/place"]);
      expect(r).toEqual({
        code: 2,
        stdout: "",
        stderr: 'rampart: Cannot read policy "no/such/place": no such file or folder\n',
      });
    });

    it("exits 2 when the folder holds no YAML file", async () => {
      const r = await runCli(["validate", empty]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /^rampart: Cannot read policy ".*": the folder holds no \.yaml or \.yml file\n$/,
      );
    });
  });

  describe.skipIf(!existsSync(ACME))("on examples/acme (skipped when examples/acme is absent)", () => {
    it("validates the example organization without errors", async () => {
      const r = await runCli(["validate", "examples/acme"], { cwd: join(ACME, "../..") });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(
        /^acme: \d+ zones, \d+ assets, .*, (\d+) assertions \(\1 passed\); 0 errors, /m,
      );
    });
  });
});
