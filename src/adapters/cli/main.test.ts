import { describe, expect, it } from "vitest";
import { runCli } from "./testing.js";
import { packageVersion } from "../fs/package-root.js";
import { run } from "./main.js";
import { TESTDATA } from "./testing.js";

const noStackTrace = (s: string) => expect(s).not.toMatch(/\n\s+at /);

describe("rampart (program level)", () => {
  it("prints the package version with --version", async () => {
    const r = await runCli(["--version"]);
    expect(r).toMatchObject({ code: 0, stdout: `${packageVersion()}\n`, stderr: "" });
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("prints help on stdout with --help and documents RAMPART_TODAY", async () => {
    const r = await runCli(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: rampart");
    expect(r.stdout).toContain("RAMPART_TODAY");
    for (const command of ["validate", "matrix", "query", "explain", "init"])
      expect(r.stdout).toContain(command);
  });

  it("shows a command's help with `help COMMAND`", async () => {
    const r = await runCli(["help", "explain"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("--packets <file>");
  });

  it("exits 2 with usage on stderr when no command is given", async () => {
    const r = await runCli([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("Usage: rampart");
  });

  it("exits 2 on an unknown command or option, with a one-line message and no stack trace", async () => {
    for (const argv of [["frobnicate"], ["validate", "--bogus"], ["query", "nothing"]]) {
      const r = await runCli(argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/^error: /);
      noStackTrace(r.stderr);
    }
  });

  it("judges expiry against RAMPART_TODAY when set", async () => {
    const before = await runCli(["validate", "lab"], { env: { RAMPART_TODAY: "2024-01-15" } });
    // Before its expiry the vendor's flow still lets the internet reach the database, against an assertion.
    expect(before.code).toBe(1);
    expect(before.stdout).not.toContain("flow-expired");
    expect(before.stdout).toContain('is allowed by flow "old-vendor"');
    const after = await runCli(["validate", "lab"], { env: { RAMPART_TODAY: "2024-02-01" } });
    expect(after.stdout).toContain("flow-expired");
    const explain = [
      "explain",
      "lab",
      "--src",
      "203.0.113.7",
      "--dst",
      "10.9.0.5",
      "--proto",
      "tcp",
      "--dport",
      "22",
    ];
    expect((await runCli(explain, { env: { RAMPART_TODAY: "2024-01-15" } })).stdout).toMatch(/^allow/);
    expect((await runCli(explain)).stdout).toMatch(/^deny/);
  });

  it("rejects a RAMPART_TODAY that is not a date", async () => {
    const r = await runCli(["validate", "lab"], { env: { RAMPART_TODAY: "2024-02-30" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`rampart: Invalid RAMPART_TODAY "2024-02-30"; expected a date as YYYY-MM-DD\n`);
  });

  it("turns an unexpected failure into one line and exit 2", async () => {
    let stderr = "";
    const io = {
      stdout: () => {
        throw new Error("disk on fire");
      },
      stderr: (s: string) => void (stderr += s),
      isTTY: false,
      env: {},
      cwd: TESTDATA,
      today: "2025-06-15",
    };
    expect(await run(["validate", "lab"], io)).toBe(2);
    expect(stderr).toBe("rampart: internal error: disk on fire (set RAMPART_DEBUG=1 for details)\n");
  });

  it("colors output only on a terminal, and never with NO_COLOR", async () => {
    const ansi = "\u001b[";
    expect((await runCli(["validate", "lab"], { isTTY: true })).stdout).toContain(ansi);
    expect((await runCli(["validate", "lab"], { isTTY: false })).stdout).not.toContain(ansi);
    expect((await runCli(["validate", "lab"], { isTTY: true, env: { NO_COLOR: "1" } })).stdout).not.toContain(
      ansi,
    );
  });
});
