import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./testing.js";

/** Runs `rampart …` in-process in the test's folder. */
function runDb(argv: string[], env: Record<string, string> = {}) {
  return runCli(argv, { cwd: dir, env });
}

const dir = mkdtempSync(join(tmpdir(), "rampart-db-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("rampart db migrate", () => {
  it("applies the schema to a new database, then finds it up to date", async () => {
    expect(await runDb(["db", "migrate", "--db", "sqlite:r.db"])).toEqual({
      code: 0,
      stdout: `Applied 2 migrations to sqlite:r.db: 0001-initial, 0002-webauthn\n`,
      stderr: "",
    });
    expect(await runDb(["db", "migrate", "--db", "sqlite:r.db"])).toEqual({
      code: 0,
      stdout: "The database sqlite:r.db is up to date.\n",
      stderr: "",
    });
  });

  it("uses RAMPART_DB and prints JSON", async () => {
    const r = await runDb(["db", "migrate", "--json"], { RAMPART_DB: "env.db" });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      database: "env.db",
      kind: "sqlite",
      applied: ["0001-initial", "0002-webauthn"],
    });
  });

  it("defaults to the data folder, --data naming it", async () => {
    const r = await runDb(["db", "migrate", "--data", "d"]);
    expect(r.stdout).toBe("Applied 2 migrations to d/rampart.db: 0001-initial, 0002-webauthn\n");
  });

  it("reports an unreachable PostgreSQL with exit 2, without the password", async () => {
    const r = await runDb(["db", "migrate", "--db", "postgres://u:secret@127.0.0.1:1/x"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^rampart: Cannot open the database "postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/x": /,
    );
    expect(r.stderr).not.toContain("secret");
  });
});
