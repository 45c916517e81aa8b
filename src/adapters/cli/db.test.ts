import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command, CommanderError } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { registerDb } from "./db.js";
import { CliError, type CommandContext } from "./io.js";

/** Runs `rampart db …` in-process as main.ts's run() would (until main.ts registers the command). */
async function runDb(argv: string[], env: Record<string, string> = {}) {
  let stdout = "";
  let stderr = "";
  const ctx: CommandContext = {
    io: {
      stdout: (s) => void (stdout += s),
      stderr: (s) => void (stderr += s),
      isTTY: false,
      env,
      cwd: dir,
      today: "2025-06-15",
    },
    argv,
    today: "2025-06-15",
    exitCode: 0,
  };
  const program = new Command("rampart").exitOverride().configureOutput({
    writeOut: (s) => ctx.io.stdout(s),
    writeErr: (s) => ctx.io.stderr(s),
  });
  registerDb(program, ctx);
  try {
    await program.parseAsync(argv, { from: "user" });
    return { code: ctx.exitCode, stdout, stderr };
  } catch (e) {
    if (e instanceof CommanderError) return { code: e.exitCode === 0 ? 0 : 2, stdout, stderr };
    if (e instanceof CliError)
      return { code: e.exitCode, stdout, stderr: stderr + `rampart: ${e.message}\n` };
    throw e;
  }
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
