import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { Command, CommanderError } from "commander";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { totpCode } from "../../app/auth/totp.js";
import { TEST_AUTH_CONFIG } from "../../app/auth/testing/fixtures.js";
import { createIdentity } from "../../app/auth/identity.js";
import { openStore } from "../store/open-store.js";
import { CliError, type CommandContext } from "./io.js";
import { addStoreOptions, openStoreFromOptions } from "./store-options.js";
import { registerToken } from "./token.js";
import { registerUser, type IdentityCliDeps } from "./user.js";

const deps: IdentityCliDeps = { addStoreOptions, openStore: openStoreFromOptions, config: TEST_AUTH_CONFIG };
let dir = "";
beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), "rampart-user-cli-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `rampart user|token …` in-process against a SQLite database in a fresh folder. */
async function runIdentityCli(argv: string[], stdin = "") {
  let stdout = "";
  let stderr = "";
  const ctx: CommandContext = {
    io: {
      stdout: (s) => void (stdout += s),
      stderr: (s) => void (stderr += s),
      isTTY: false,
      env: { USER: "ops", RAMPART_DATA: dir },
      cwd: dir,
      today: "2025-06-15",
      stdin: Readable.from([stdin]),
    },
    argv,
    today: "2025-06-15",
    exitCode: 0,
  };
  const program = new Command("rampart").exitOverride().configureOutput({
    writeOut: (s) => void (stdout += s),
    writeErr: (s) => void (stderr += s),
  });
  registerUser(program, ctx, deps);
  registerToken(program, ctx, deps);
  let code = 0;
  try {
    await program.parseAsync(argv, { from: "user" });
    code = ctx.exitCode;
  } catch (e) {
    if (e instanceof CliError) stderr += `rampart: ${e.message}\n`;
    else if (!(e instanceof CommanderError)) throw e;
    code = 2;
  }
  return { code, stdout, stderr };
}

const PW = "violet-harbor-lantern-42";

describe("rampart user", () => {
  it("adds an admin with --json: the otpauth URI and recovery codes, once", async () => {
    const r = await runIdentityCli(
      ["user", "add", "alice", "--role", "admin", "--password-stdin", "--json"],
      `${PW}\n`,
    );
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout) as {
      username: string;
      role: string;
      otpauthUri: string;
      recoveryCodes: string[];
    };
    expect(out).toMatchObject({ username: "alice", role: "admin" });
    expect(out.otpauthUri).toMatch(/^otpauth:\/\/totp\/Rampart:alice\?/);
    expect(out.recoveryCodes).toHaveLength(10);

    // The stored password (without the line break) and the TOTP secret sign in.
    const store = await openStore({ data: dir });
    try {
      const id = createIdentity(store, { config: TEST_AUTH_CONFIG });
      const secret = new URL(out.otpauthUri).searchParams.get("secret") ?? "";
      const login = await id.auth.login(
        { username: "alice", password: PW, totp: totpCode(secret, new Date()) },
        { address: "127.0.0.1", userAgent: "test" },
      );
      expect(login).toMatchObject({ ok: true, stage: "full" });
      const [entry] = await store.audit.list({ action: "user.create" });
      expect(entry?.actor).toBe("cli:ops");
    } finally {
      await store.close();
    }
  });

  it("adds a viewer in text, then lists, disables and enables it", async () => {
    const add = await runIdentityCli(["user", "add", "bob", "--role", "viewer", "--password-stdin"], PW);
    expect(add.stdout).toContain('Created user "bob" (viewer).');
    expect(add.stdout).not.toContain("otpauth");
    expect((await runIdentityCli(["user", "disable", "bob"])).stdout).toContain('User "bob" disabled');
    const list = await runIdentityCli(["user", "list", "--json"]);
    expect(JSON.parse(list.stdout)).toMatchObject([{ username: "bob", disabled: true }]);
    await runIdentityCli(["user", "enable", "bob"]);
    expect((await runIdentityCli(["user", "list"])).stdout).toMatch(/bob\s+viewer\s+-\s+active/);
  });

  it("refuses a weak password and an unknown user with a message and exit 2", async () => {
    const weak = await runIdentityCli(
      ["user", "add", "bob", "--role", "viewer", "--password-stdin"],
      "password123\n",
    );
    expect(weak).toMatchObject({ code: 2, stdout: "" });
    expect(weak.stderr).toContain("at least 12 characters");
    const unknown = await runIdentityCli(["user", "passwd", "nobody", "--password-stdin"], PW);
    expect(unknown.stderr).toBe('rampart: Unknown user "nobody"\n');
    const empty = await runIdentityCli(["user", "add", "bob", "--role", "viewer", "--password-stdin"], "");
    expect(empty.stderr).toContain("standard input was empty");
  });

  it("resets MFA and prints the new URI", async () => {
    await runIdentityCli(["user", "add", "carol", "--role", "approver", "--password-stdin"], PW);
    const r = await runIdentityCli(["user", "mfa-reset", "carol", "--json"]);
    expect(JSON.parse(r.stdout)).toMatchObject({
      username: "carol",
      otpauthUri: expect.stringMatching(/^otpauth:/),
    });
  });
});

describe("rampart token", () => {
  it("creates a token once, lists it without its secret, and revokes it", async () => {
    await runIdentityCli(["user", "add", "ci", "--role", "operator", "--password-stdin"], PW);
    const made = await runIdentityCli([
      "token",
      "create",
      "--user",
      "ci",
      "--name",
      "pipeline",
      "--scope",
      "policy:read",
      "deploy:write",
      "--expires-in",
      "30",
      "--json",
    ]);
    const out = JSON.parse(made.stdout) as { token: string; id: number; scopes: string[] };
    expect(out.token).toMatch(/^rmp_1_/);
    expect(out.scopes).toEqual(["policy:read", "deploy:write"]);
    const list = await runIdentityCli(["token", "list"]);
    expect(list.stdout).toMatch(/1\s+ci\s+pipeline\s+policy:read,deploy:write/);
    expect(list.stdout).not.toContain(out.token);
    expect((await runIdentityCli(["token", "revoke", "1"])).stdout).toBe("Token #1 revoked.\n");
    expect((await runIdentityCli(["token", "list", "--json"])).stdout).toContain('"revoked": true');
  });

  it("refuses a scope beyond the role and a bad expiry", async () => {
    await runIdentityCli(["user", "add", "ci", "--role", "viewer", "--password-stdin"], PW);
    const base = ["token", "create", "--user", "ci", "--name", "x"];
    const scope = await runIdentityCli([...base, "--scope", "policy:write", "--expires-in", "5"]);
    expect(scope.stderr).toContain('Scope "policy:write" is beyond');
    const expiry = await runIdentityCli([...base, "--scope", "policy:read", "--expires-in", "500"]);
    expect(expiry.stderr).toContain("1 to 365 days");
    expect((await runIdentityCli([...base, "--scope", "policy:read", "--expires-in", "soon"])).code).toBe(2);
  });
});
