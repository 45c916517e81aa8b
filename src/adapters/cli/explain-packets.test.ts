import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./testing.js";

const dir = mkdtempSync(join(tmpdir(), "rampart-packets-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function packetsFile(name: string, lines: readonly string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}

const GOOD = [
  `{"src":"198.51.100.1","dst":"192.0.2.10","proto":"tcp","sport":40000,"dport":443}`,
  `{"src":"10.1.5.5","dst":"192.0.2.10","proto":"tcp","dport":23}`,
  `{"src":"10.1.5.5","dst":"10.9.0.5","proto":"icmp"}`,
  `{"src":"10.1.5.5","dst":"10.9.0.5","proto":1,"type":0,"code":0}`,
  `{"src":"2001:db8:1::5","dst":"2001:db8:2::10","proto":6,"dport":22}`,
];

describe("rampart explain --packets", () => {
  it("writes one JSON verdict per packet line, in order; exit 0", async () => {
    const r = await runCli(["explain", "lab", "--packets", packetsFile("good.jsonl", GOOD), "--json"]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(
      r.stdout
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([
      { verdict: "allow", flows: ["internet-to-web"], denies: [] },
      { verdict: "deny", flows: ["corp-to-dmz"], denies: ["no-telnet"] },
      { verdict: "allow", flows: ["admins-ping-db"], denies: [] },
      { verdict: "deny", flows: [], denies: [] },
      { verdict: "allow", flows: ["corp-to-dmz"], denies: [] },
    ]);
  });

  it("writes a compact text line per packet without --json", async () => {
    const r = await runCli(["explain", "lab", "--packets", packetsFile("text.jsonl", GOOD)]);
    expect(r.stdout).toBe(
      [
        "allow tcp 198.51.100.1:40000 -> 192.0.2.10:443 (flow internet-to-web)",
        "deny  tcp 10.1.5.5:0 -> 192.0.2.10:23 (deny no-telnet over flow corp-to-dmz)",
        "allow icmp 10.1.5.5 -> 10.9.0.5 type 8 code 0 (flow admins-ping-db)",
        "deny  icmp 10.1.5.5 -> 10.9.0.5 type 0 code 0 (no flow allows it)",
        "allow tcp [2001:db8:1::5]:0 -> [2001:db8:2::10]:22 (flow corp-to-dmz)",
      ].join("\n") + "\n",
    );
  });

  it("turns each malformed line into an error line at its place, skips blank lines, and exits 2", async () => {
    const lines = [
      GOOD[0]!,
      "",
      "{not json",
      `{"src":"10.1.5.300","dst":"10.9.0.5","proto":"icmp"}`,
      "   ",
      `{"src":"10.1.5.5","dst":"2001:db8::1","proto":"icmp"}`,
      `{"src":"10.1.5.5","dst":"10.9.0.5","proto":"udp"}`,
      `["10.1.5.5"]`,
      `{"src":"10.1.5.5","dst":"10.9.0.5","proto":"tcp","dport":"http"}`,
      GOOD[2]!,
    ];
    const r = await runCli(["explain", "lab", "--packets", packetsFile("bad.jsonl", lines), "--json"]);
    expect(r.code).toBe(2);
    const out = r.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out).toEqual([
      { verdict: "allow", flows: ["internet-to-web"], denies: [] },
      { line: 3, error: expect.stringMatching(/^Invalid JSON: /) },
      { line: 4, error: 'Invalid "src" "10.1.5.300": not an IPv4 or IPv6 address' },
      { line: 6, error: 'Cannot make packet: "src" is IPv4 but "dst" is IPv6' },
      { line: 7, error: 'Missing "dport": required for udp' },
      { line: 8, error: 'Expected a JSON object with "src", "dst" and "proto"' },
      { line: 9, error: 'Invalid "dport" "http": expected a whole number 0-65535' },
      { verdict: "allow", flows: ["admins-ping-db"], denies: [] },
    ]);
    expect(r.stderr).toBe("rampart: 6 malformed packet lines of 8\n");
    // Without --json the error lines keep the same JSON form, so they stay machine-readable.
    const text = await runCli(["explain", "lab", "--packets", join(dir, "bad.jsonl")]);
    expect(text.code).toBe(2);
    expect(text.stdout.split("\n")[1]).toMatch(/^\{"line":3,"error":"Invalid JSON: /);
  });

  it('reads standard input for "-", with CRLF line ends', async () => {
    const r = await runCli(["explain", "lab", "--packets", "-", "--json"], {
      stdin: GOOD.slice(0, 2).join("\r\n"),
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `{"verdict":"allow","flows":["internet-to-web"],"denies":[]}\n{"verdict":"deny","flows":["corp-to-dmz"],"denies":["no-telnet"]}\n`,
    );
  });

  it("writes nothing for an empty input", async () => {
    const r = await runCli(["explain", "lab", "--packets", "-"], { stdin: "" });
    expect(r).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("keeps one output line per input line over many packets (written in chunks)", async () => {
    const many = Array.from({ length: 5000 }, (_, i) => GOOD[i % GOOD.length]!);
    const r = await runCli(["explain", "lab", "--packets", packetsFile("many.jsonl", many), "--json"]);
    expect(r.code).toBe(0);
    const out = r.stdout.trimEnd().split("\n");
    expect(out).toHaveLength(5000);
    expect(out[4999]).toBe(`{"verdict":"allow","flows":["corp-to-dmz"],"denies":[]}`);
  });

  it("exits 2 with one line when the packets file cannot be read", async () => {
    const r = await runCli(["explain", "lab", "--packets", "no-such.jsonl"]);
    expect(r).toEqual({
      code: 2,
      stdout: "",
      stderr: 'rampart: Cannot read "no-such.jsonl": no such file or folder\n',
    });
  });
});
