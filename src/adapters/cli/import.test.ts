import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ImportReport } from "../../app/import.js";
import { runCli, runCliJson } from "./testing.js";

const IPTABLES = `*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
[12:3400] -A INPUT -p tcp -m tcp --dport 22 -m comment --comment "ssh" -j ACCEPT
-A INPUT -p udp -m limit --limit 3/min -j ACCEPT
-A INPUT -p tcp --dport 23 -j DROP
COMMIT
`;

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "rampart-import-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe("rampart import", () => {
  it("detects the format and prints rules per list with file:line, then the diagnostics", async () => {
    const cwd = folder({ "rules.v4": IPTABLES });
    const r = await runCli(["import", "rules.v4"], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("iptables (detected:");
    expect(r.stdout).toMatch(/INPUT \(falls through: drop\)/);
    expect(r.stdout).toContain("rules.v4:5  accept  [12:3400] -A INPUT -p tcp");
    expect(r.stdout).toContain("hits 12");
    expect(r.stderr).toMatch(/rules\.v4:6:\d+: warning config-unsupported: .*limit/);
  });

  it("gives the whole report as JSON", async () => {
    const cwd = folder({ "rules.v4": IPTABLES });
    const r = await runCliJson<ImportReport>(["import", "rules.v4", "--format", "iptables", "--json"], {
      cwd,
    });
    expect(r.code).toBe(0);
    expect(r.json.format).toBe("iptables");
    expect(r.json.formatReason).toBe("given");
    const input = r.json.lists.find((l) => l.name === "INPUT")!;
    expect(input.fallThrough).toBe("drop");
    expect(input.rules.map((x) => [x.line, x.action, x.label ?? null, x.hits ?? null])).toEqual([
      [5, "accept", "ssh", 12],
      [6, "accept", null, null],
      [7, "drop", null, null],
    ]);
    expect(r.json.diagnostics.some((d) => d.line === 6 && d.code === "config-unsupported")).toBe(true);
  });

  it("refuses an unknown format with a suggestion, and files it cannot detect", async () => {
    const cwd = folder({ "rules.v4": IPTABLES, "notes.txt": "hello\n" });
    const unknown = await runCli(["import", "rules.v4", "--format", "iptable"], { cwd });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown format "iptable" (did you mean "iptables"?)');
    const undetected = await runCli(["import", "notes.txt"], { cwd });
    expect(undetected.code).toBe(2);
    expect(undetected.stderr).toContain("Cannot detect the format");
  });
});
