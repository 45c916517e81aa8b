import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditLog, type Clock } from "../../app/audit.js";
import { verifyAuditChain } from "../../app/audit-verify.js";
import type { AuditEntry } from "../../app/store.js";
import { openStore } from "../store/open-store.js";
import { runCli } from "./testing.js";

/** Runs `rampart …` in-process in the test's folder. */
function runAudit(argv: string[], env: Record<string, string> = {}) {
  return runCli(argv, { cwd: dir, env });
}

const dir = mkdtempSync(join(tmpdir(), "rampart-audit-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const clock: Clock = { now: () => new Date("2025-06-15T10:00:00.000Z") };

async function seed(data: string, n: number): Promise<AuditEntry[]> {
  const store = await openStore({ data: join(dir, data) });
  const log = new AuditLog(store, clock);
  const out: AuditEntry[] = [];
  for (let i = 1; i <= n; i++)
    out.push(await log.record({ actor: `user${i}`, action: "version.propose", detail: { i } }));
  await store.close();
  return out;
}

describe("rampart audit verify", () => {
  let entries: AuditEntry[];
  beforeAll(async () => {
    entries = await seed("intact", 3);
  });

  it("passes an intact log and prints the entries checked and the head hash", async () => {
    const r = await runAudit(["audit", "verify", "--data", "intact"]);
    expect(r).toEqual({
      code: 0,
      stderr: "",
      stdout:
        "Audit log intact: 3 entries checked.\n" +
        `Head: seq 3, hash ${entries[2]!.hash}\n` +
        "Keep this hash elsewhere: the chain alone cannot show entries cut off its end; " +
        "`rampart audit verify --expect-head HASH` checks it is still there.\n",
    });
  });

  it("finds the database through RAMPART_DATA and reports as JSON", async () => {
    const r = await runAudit(["audit", "verify", "--json"], { RAMPART_DATA: "intact" });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      ok: true,
      entries: 3,
      head: { seq: 3, hash: entries[2]!.hash },
      problems: [],
      problemCount: 0,
    });
  });

  it("catches a row changed with a direct SQL UPDATE, naming its seq", async () => {
    await seed("tampered", 4);
    const db = new SqliteDatabase(join(dir, "tampered", "rampart.db"));
    db.prepare("update audit_log set actor = 'mallory' where seq = 2").run();
    db.close();
    const r = await runAudit(["audit", "verify", "--data", "tampered"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^Audit log broken: 4 entries checked, 1 problem\.\n/);
    expect(r.stdout).toContain(
      "  seq 2: changed: Entry 2 was changed: its content does not match its hash\n",
    );
  });

  it("catches a deleted row", async () => {
    await seed("deleted", 4);
    const db = new SqliteDatabase(join(dir, "deleted", "rampart.db"));
    db.prepare("delete from audit_log where seq = 3").run();
    db.close();
    const r = await runAudit(["audit", "verify", "--data", "deleted", "--json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).problems).toEqual([
      { seq: 3, code: "deleted", message: "Entries were deleted: entry 3 is missing before entry 4" },
    ]);
  });

  it("--expect-head fails when the recorded head was cut off the end", async () => {
    const seeded = await seed("cut", 3);
    const db = new SqliteDatabase(join(dir, "cut", "rampart.db"));
    db.prepare("delete from audit_log where seq = 3").run();
    db.close();
    expect((await runAudit(["audit", "verify", "--data", "cut"])).code).toBe(0);
    const r = await runAudit(["audit", "verify", "--data", "cut", "--expect-head", seeded[2]!.hash]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`seq 2: truncated: No entry has the expected head hash "${seeded[2]!.hash}"`);
    expect(
      (await runAudit(["audit", "verify", "--data", "cut", "--expect-head", seeded[1]!.hash])).code,
    ).toBe(0);
  });

  it("refuses a malformed --expect-head and an unknown database URL with exit 2", async () => {
    const bad = await runAudit(["audit", "verify", "--data", "intact", "--expect-head", "abc"]);
    expect(bad).toEqual({
      code: 2,
      stdout: "",
      stderr: 'rampart: Invalid --expect-head "abc": expected 64 hexadecimal digits\n',
    });
    const url = await runAudit(["audit", "verify", "--db", "mysql://u:pw@h/d"]);
    expect(url.code).toBe(2);
    expect(url.stderr).toBe(
      'rampart: Unsupported database URL "mysql://u:***@h/d": use postgres://, sqlite: or a file path\n',
    );
  });
});

describe("rampart audit export", () => {
  it("writes JSON lines ending with its own audit.export entry, by $USER", async () => {
    await seed("export", 2);
    const r = await runAudit(["audit", "export", "--data", "export"], { USER: "olga" });
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as AuditEntry);
    expect(lines.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(lines[2]).toMatchObject({ actor: "olga", action: "audit.export", detail: { format: "jsonl" } });
    expect(verifyAuditChain(lines).ok).toBe(true);
  });

  it("writes syslog to a private file, by 'cli' when USER is unset", async () => {
    const r = await runAudit([
      "audit",
      "export",
      "--data",
      "export",
      "--format",
      "syslog",
      "--out",
      "audit.log",
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^Exported 4 entries to audit\.log \(head [0-9a-f]{64}\)\.\n$/);
    const text = readFileSync(join(dir, "audit.log"), "utf8");
    const lines = text.trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines.every((l) => /^<8[4-6]>1 \S+ \S+ rampart - \S+ \[rampart@32473 seq="\d+" /.test(l))).toBe(
      true,
    );
    expect(lines[3]).toContain('actor="cli" action="audit.export"');
    expect(statSync(join(dir, "audit.log")).mode & 0o777).toBe(0o600);
  });

  it("refuses an unknown format", async () => {
    const r = await runAudit(["audit", "export", "--data", "export", "--format", "csv"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Allowed choices are jsonl, syslog");
  });
});
