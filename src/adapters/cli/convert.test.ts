import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { runCli, runCliJson } from "./testing.js";

const CAPIRCA = fileURLToPath(new URL("../../core/import/formats/capirca/testdata/", import.meta.url));
const ARGS = ["convert", "policies/pol/edge.pol", "def", "policies/includes", "--format", "capirca"];

describe("rampart convert", () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("prints one proven nftables file per Capirca filter, and exits 0", async () => {
    const r = await runCli([...ARGS, "--target", "nftables"], { cwd: CAPIRCA });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("# ==> nftables-mixed-input.nft <==");
    expect(r.stdout).toContain("# ==> nftables-inet-output.nft <==");
    expect(r.stderr).toMatch(/nftables:mixed-input\s+5\s+\d+\s+nftables-mixed-input\.nft\s+proven/);
  });

  it("writes the files with --out", async () => {
    const out = mkdtempSync(join(tmpdir(), "rampart-convert-"));
    dirs.push(out);
    const r = await runCli([...ARGS, "--target", "iptables", "--out", out], { cwd: CAPIRCA });
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toContain("nftables-mixed-input.rules.v4");
    expect(readFileSync(join(out, "nftables-mixed-input.rules.v4"), "utf8")).toContain("-A FORWARD");
  });

  it("prints the lists and diagnostics as JSON", async () => {
    const r = await runCliJson<{ lists: { list: string; status: string }[]; diagnostics: unknown[] }>(
      [...ARGS, "--target", "nftables", "--json"],
      { cwd: CAPIRCA },
    );
    expect(r.code).toBe(0);
    expect(r.json.lists.map((l) => l.status)).toEqual(["proven", "proven"]);
    expect(Array.isArray(r.json.diagnostics)).toBe(true);
  });

  it("names an unknown format and exits 2", async () => {
    const r = await runCli(
      ["convert", "policies/pol/edge.pol", "--format", "capirka", "--target", "nftables"],
      {
        cwd: CAPIRCA,
      },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown format "capirka"');
  });

  it("reports a policy's problems with their lines", async () => {
    const r = await runCli(
      ["convert", "policies/pol/edge.pol", "--format", "capirca", "--target", "nftables"],
      {
        cwd: CAPIRCA,
      },
    );
    // Without the definitions every name is undefined: each is reported at its line, nothing crashes.
    expect(r.stderr).toContain(
      'policies/pol/edge.pol:7:1: error config-syntax: Included file "includes/bogons.incl" is not among the files read',
    );
    expect(r.stderr).toContain('Undefined network "WEB_SERVERS"');
  });
});
