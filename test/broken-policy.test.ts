// An outside checker: a policy broken in every documented way, split over several files, must be reported
// problem by problem at the exact place, in the documented line format; hostile inputs must end in a clear
// message and exit 1 or 2, never a stack trace, in bounded time.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli, type CliRun } from "../src/adapters/cli/testing.js";

const dir = mkdtempSync(join(tmpdir(), "rampart-broken-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { RAMPART_TODAY: "2025-06-15" };

const FILES: Record<string, string> = {
  // Line 2 opens a flow map that never closes.
  "a-syntax.yaml": `zones:
  broken: { networks: ["10.99.0.0/16"
  other: [
`,
  "assets.yaml": `assets:
  srv-1: { addresses: ["10.10.5.5"], zone: internet }
  srv-2: { addresses: ["10.10.6.6"], zone: corp }
groups:
  ga: ["group:gb", "asset:srv-2"]
  gb: ["group:ga"]
`,
  "flows.yaml": `flows:
  - { name: ok-flow, from: zone:corp, to: zone:internet, services: [web] }
  - { name: ok-flow, from: zone:corp, to: zone:internet, services: [web] }
  - name: typo-flow
    from: zone:corp
    to: "192.0.2.0/24"
    sevices: [web]
  - { name: ghost, from: zone:corpp, to: any }
  - { name: cancelled, from: zone:corp, to: zone:internet, services: [ssh] }
  - { name: old, from: zone:corp, to: zone:internet, services: [http], expires: 2020-01-01 }
denies:
  - { name: no-ssh, from: any, to: any, services: [ssh] }
assertions:
  - { name: must-fail, from: zone:corp, to: zone:internet, service: http, expect: allow }
`,
  "services.yaml": `services:
  loop-a: [loop-b]
  loop-b: [loop-a]
  big: ["tcp/70000"]
  web: ["tcp/443"]
`,
  "zones.yaml": `zones:
  internet: ["0.0.0.0/0"]
  corp: { networks: ["10.10.0.0/16"] }
  lab: { networks: ["10.10.0.0/16"] }
  bad: { networks: ["10.300.0.0/16"] }
  hosty: { networks: ["10.40.0.1/16"] }
`,
};

/** FILE:LINE:COL, severity, code, and a fragment the message must contain. */
const EXPECTED: [string, "error" | "warning", string, string][] = [
  ["pol/a-syntax.yaml:3:3", "error", "yaml-syntax", ""],
  ["pol/assets.yaml:2:24", "error", "address-outside-zone", 'it is in zone "corp"'],
  ["pol/assets.yaml:6:8", "error", "reference-cycle", "group:ga"],
  ["pol/flows.yaml:3:13", "error", "duplicate-name", '"ok-flow"'],
  ["pol/flows.yaml:7:5", "error", "unknown-key", 'did you mean "services"?'],
  ["pol/flows.yaml:8:26", "error", "unknown-reference", 'did you mean "corp"?'],
  ["pol/flows.yaml:9:13", "warning", "flow-cancelled", '"no-ssh"'],
  ["pol/flows.yaml:10:81", "warning", "flow-expired", "2020-01-01"],
  ["pol/flows.yaml:14:83", "error", "assertion-failed", '"must-fail"'],
  ["pol/services.yaml:3:12", "error", "reference-cycle", "loop-a"],
  ["pol/services.yaml:4:9", "error", "port-range", "70000"],
  ["pol/zones.yaml:4:21", "error", "duplicate-network", "10.10.0.0/16"],
  ["pol/zones.yaml:5:21", "error", "invalid-cidr", "10.300.0.0/16"],
  ["pol/zones.yaml:6:23", "error", "host-bits", "10.40.0.0/16"],
];

const LINE = /^[^:]+:\d+:\d+: (error|warning) [a-z-]+: .+$/;

function expectNoCrash(r: CliRun): void {
  const all = r.stdout + r.stderr;
  expect(all).not.toContain("    at ");
  expect(all).not.toContain("Error:");
  expect(all).not.toContain("internal error");
}

describe("a policy broken in every documented way", () => {
  const root = join(dir, "pol");
  mkdirSync(root);
  for (const [f, text] of Object.entries(FILES)) writeFileSync(join(root, f), text);

  it("validate reports every problem at its place, in the documented format, and exits 1", async () => {
    const r = await runCli(["validate", "pol"], { cwd: dir, env });
    expectNoCrash(r);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split("\n");
    const summary = lines.pop()!;
    expect(summary).toMatch(/^pol: .*\d+ errors?, \d+ warnings?$/);
    for (const l of lines) expect(l).toMatch(LINE);
    for (const [where, severity, code, fragment] of EXPECTED) {
      const prefix = `${where}: ${severity} ${code}: `;
      const hit = lines.find((l) => l.startsWith(prefix) && l.includes(fragment));
      expect(hit, `${prefix}...${fragment}`).toBeDefined();
    }
    // Sorted by file, line and column.
    const key = (l: string) => {
      const m = /^([^:]+):(\d+):(\d+):/.exec(l)!;
      return [m[1]!, Number(m[2]), Number(m[3])] as const;
    };
    const sorted = [...lines].sort((a, b) => {
      const [fa, la, ca] = key(a);
      const [fb, lb, cb] = key(b);
      return fa < fb ? -1 : fa > fb ? 1 : la - lb || ca - cb;
    });
    expect(lines).toEqual(sorted);
  });

  it("validate --json gives the same diagnostics as objects", async () => {
    const r = await runCli(["validate", "pol", "--json"], { cwd: dir, env });
    expectNoCrash(r);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as {
      ok: boolean;
      diagnostics: { code: string; severity: string; file: string; line: number; column: number }[];
    };
    expect(json.ok).toBe(false);
    for (const [where, severity, code] of EXPECTED) {
      const [file, line, column] = where.split(":");
      expect(json.diagnostics, where).toContainEqual(
        expect.objectContaining({ code, severity, file, line: Number(line), column: Number(column) }),
      );
    }
  });

  it("questions about a policy with errors end in exit 2 and a clear message", async () => {
    const r = await runCli(["query", "reach", "pol", "--from", "zone:corp", "--to", "any", "--json"], {
      cwd: dir,
      env,
    });
    expectNoCrash(r);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Cannot answer/);
  });
});

describe("hostile inputs", () => {
  const hostile = join(dir, "hostile");
  mkdirSync(hostile);
  const write = (name: string, content: string | Buffer) => {
    writeFileSync(join(hostile, name), content);
    return `hostile/${name}`;
  };

  // A deterministic "random" byte string: not UTF-8, NULs, control characters.
  const garbage = Buffer.alloc(4096);
  let s = 12345;
  for (let i = 0; i < garbage.length; i++) garbage[i] = (s = (s * 1103515245 + 12345) & 0x7fffffff) >> 16;

  let bomb = `metadata:\n  a0: &a0 ["10.0.0.1","10.0.0.2","10.0.0.3","10.0.0.4","10.0.0.5","10.0.0.6","10.0.0.7","10.0.0.8","10.0.0.9"]\n`;
  for (let k = 1; k < 12; k++)
    bomb += `  a${k}: &a${k} [${Array(9)
      .fill(`*a${k - 1}`)
      .join(",")}]\n`;
  bomb += "groups:\n  g: *a11\nflows:\n  - { name: f, from: *a11, to: *a0, services: *a11 }\n";

  const cases: [string, () => string, RegExp][] = [
    ["binary garbage", () => write("garbage.yaml", garbage), /error (yaml-syntax|invalid-type)/],
    [
      "deeply nested flow YAML",
      () => write("deep.yaml", `metadata: ${"[".repeat(5000)}${"]".repeat(5000)}\n`),
      /error/,
    ],
    [
      "deeply nested block YAML",
      () =>
        write(
          "deep2.yaml",
          "flows:\n" + Array.from({ length: 3000 }, (_, k) => `${"  ".repeat(k + 1)}a:\n`).join(""),
        ),
      /error/,
    ],
    ["a YAML bomb of aliases", () => write("bomb.yaml", bomb), /error invalid-type/],
    ["an alias with no anchor", () => write("alias.yaml", "zones: *nowhere\n"), /error yaml-syntax/],
    [
      "a 5 MB YAML of long strings",
      () =>
        write(
          "long.yaml",
          `zones:\n  z: { networks: ["10.0.0.0/8"], description: "${"x".repeat(5_000_000)}" }\nbogus: 1\n`,
        ),
      /error unknown-key/,
    ],
    [
      "a directory with no YAML",
      () => {
        mkdirSync(join(hostile, "noyaml"));
        writeFileSync(join(hostile, "noyaml", "README.txt"), "hello\n");
        return "hostile/noyaml";
      },
      /no \.yaml or \.yml file/,
    ],
    ["a path that does not exist", () => "hostile/missing.yaml", /no such file or folder/],
  ];

  it.each(cases)(
    "%s: exits 1 or 2 with a clear message, no stack trace, in bounded time",
    async (_, make, msg) => {
      const path = make();
      const t0 = Date.now();
      const r = await runCli(["validate", path], { cwd: dir, env });
      expect(Date.now() - t0).toBeLessThan(10_000);
      expectNoCrash(r);
      expect([1, 2]).toContain(r.code);
      expect(r.stdout + r.stderr).toMatch(msg);
    },
  );

  it("an empty file is an empty policy, as documented (exit 0, no crash)", async () => {
    // docs/policy-format.md: "a file may be empty or hold only comments". Not a failure.
    const r = await runCli(["validate", write("empty.yaml", "")], { cwd: dir, env });
    expectNoCrash(r);
    expect(r.code).toBe(0);
  });

  // Regression: sections were once appended with push(...array), which overflowed the stack past ~110,000 entries.
  it("a 5 MB YAML of 200,000 zones: no internal error", async () => {
    let text = "zones:\n";
    for (let i = 0; i < 200_000; i++)
      text += `  z${i}: ["${10 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.0/24"]\n`;
    const path = write("many.yaml", text);
    const r = await runCli(["validate", path], { cwd: dir, env });
    expectNoCrash(r);
    expect([0, 1, 2]).toContain(r.code);
  });
});
