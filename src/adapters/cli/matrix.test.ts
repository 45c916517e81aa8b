import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { shortServices } from "./matrix.js";
import { runCli, runCliJson } from "./testing.js";

describe("rampart matrix", () => {
  it("prints an aligned zone × zone table, rows from and columns to", async () => {
    const r = await runCli(["matrix", "lab"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const lines = r.stdout.split("\n");
    expect(lines.slice(0, 5)).toEqual([
      "from \\ to  internet  dmz                    corp  data",
      "internet   —         tcp/80,443             —     —",
      "dmz        —         —                      —     tcp/5432",
      "corp       —         proto 0-5 tcp/0-22 +2  —     icmp/8",
      "data       —         —                      —     —",
    ]);
  });

  it("--json gives the zones and one cell per ordered pair", async () => {
    const r = await runCliJson<{ zones: string[]; cells: Record<string, unknown>[] }>([
      "matrix",
      "lab",
      "--json",
    ]);
    expect(r.code).toBe(0);
    expect(r.json.zones).toEqual(["internet", "dmz", "corp", "data"]);
    expect(r.json.cells).toHaveLength(16);
    expect(r.json.cells).toContainEqual({
      from: "internet",
      to: "dmz",
      level: "partial",
      services: ["tcp/80,443"],
      flows: ["internet-to-web"],
    });
    expect(r.json.cells).toContainEqual({ from: "data", to: "corp", level: "none", services: [], flows: [] });
  });

  it("refuses to answer for a policy with errors: diagnostics on stderr, exit 2", async () => {
    const r = await runCli(["matrix", "broken.yaml"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      'broken.yaml:10:11: error unknown-reference: Unknown zone "crop"\n' +
        'broken.yaml:12:16: error unknown-reference: Unknown service "htps"; did you mean "https"?\n' +
        "rampart: Cannot answer: the policy has 2 errors; fix them first (see `rampart validate`)\n",
    );
  });

  it("answers despite a failed assertion, and prints warnings only with --verbose", async () => {
    const quiet = await runCli(["matrix", "failing.yaml"]);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe("");
    expect(quiet.stdout).toContain("corp       —     tcp/443");
    const lab = await runCli(["matrix", "lab"]);
    expect(lab.stderr).toBe("");
    const verbose = await runCli(["matrix", "lab", "--verbose"]);
    expect(verbose.stderr).toContain("warning flow-expired");
  });

  it("colors cells on a terminal without breaking alignment", async () => {
    const r = await runCli(["matrix", "lab"], { isTTY: true });
    const plain = stripVTControlCharacters(r.stdout);
    expect(plain).toBe((await runCli(["matrix", "lab"])).stdout);
    expect(r.stdout).not.toBe(plain);
  });
});

describe("shortServices", () => {
  it("keeps a short list whole", () => {
    expect(shortServices(["tcp/80,443", "udp/53"])).toBe("tcp/80,443 udp/53");
  });

  it("splits entries listing several protocols", () => {
    expect(shortServices(["tcp/443, udp/443"])).toBe("tcp/443 udp/443");
  });

  it("cuts a long port list and counts what it left out", () => {
    expect(shortServices(["tcp/22,53,88,135,389,443,445"])).toBe("tcp/22,53,88,135 +3");
  });

  it("counts services that do not fit", () => {
    expect(shortServices(["tcp/1000-2000", "udp/3000-4000", "icmp/8"], 18)).toBe("tcp/1000-2000 +2");
  });

  it("always shows at least one item", () => {
    expect(shortServices(["tcp/10000-20000,30000-40000"], 5)).toBe("tcp/10000-20000 +1");
    expect(shortServices([])).toBe("");
  });
});
