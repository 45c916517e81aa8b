import { describe, expect, it } from "vitest";
import { ACTOR, CLIENT, GOOD_PASSWORD, testIdentity } from "./testing/fixtures.js";

describe("createUser", () => {
  it("creates a viewer without MFA and audits it", async () => {
    const id = await testIdentity();
    const r = await id.users.createUser(ACTOR, { username: "bob", role: "viewer", password: GOOD_PASSWORD });
    expect(r).toMatchObject({ ok: true, user: { username: "bob", role: "viewer", totpEnabled: false } });
    expect(r).not.toHaveProperty("otpauthUri");
    const [entry] = await id.store.audit.list({ action: "user.create" });
    expect(entry).toMatchObject({ actor: "cli:test", target: "user:bob" });
  });

  it("enables TOTP at once for a role that needs MFA and returns its URI and recovery codes", async () => {
    const id = await testIdentity();
    const r = await id.users.createUser(ACTOR, { username: "carol", role: "admin", password: GOOD_PASSWORD });
    if (!r.ok) throw new Error(r.message);
    expect(r.user.totpEnabled).toBe(true);
    expect(r.otpauthUri).toMatch(/^otpauth:\/\/totp\/Rampart:carol\?/);
    expect(r.recoveryCodes).toHaveLength(10);
  });

  it("refuses bad usernames, unknown roles, duplicates (any case) and weak passwords as data", async () => {
    const id = await testIdentity();
    const make = (username: string, role = "viewer", password = GOOD_PASSWORD) =>
      id.users.createUser(ACTOR, { username, role, password });
    expect(await make("-dash")).toMatchObject({ ok: false, code: "invalid-username" });
    expect(await make("a".repeat(65))).toMatchObject({ code: "invalid-username" });
    expect(await make("with space")).toMatchObject({ code: "invalid-username" });
    expect(await make("ok.name@x-y_z")).toMatchObject({ ok: true });
    expect(await make("dave", "root")).toMatchObject({ code: "invalid-role" });
    expect(await make("OK.NAME@x-y_z")).toMatchObject({ code: "user-exists" });
    expect(await make("erin", "viewer", "password")).toMatchObject({ code: "password-too-short" });
  });
});

describe("passwords", () => {
  it("ends every session when an admin sets a password, and the new one works", async () => {
    const id = await testIdentity();
    const u = await id.users.createUser(ACTOR, { username: "bob", role: "viewer", password: GOOD_PASSWORD });
    if (!u.ok) throw new Error(u.message);
    const s = await id.auth.login({ username: "bob", password: GOOD_PASSWORD }, CLIENT);
    if (!s.ok) throw new Error(s.message);
    expect(await id.users.setPassword(ACTOR, u.user.id, "another-fine-passphrase")).toMatchObject({
      ok: true,
    });
    expect(await id.auth.authenticateSession(s.sessionId)).toMatchObject({ ok: false });
    expect(
      await id.auth.login({ username: "bob", password: "another-fine-passphrase" }, CLIENT),
    ).toMatchObject({
      ok: true,
    });
  });

  it("lets a user change their own password only with the current one", async () => {
    const id = await testIdentity();
    const u = await id.users.createUser(ACTOR, { username: "bob", role: "viewer", password: GOOD_PASSWORD });
    if (!u.ok) throw new Error(u.message);
    const next = "a whole new passphrase";
    expect(await id.users.changeOwnPassword(u.user.id, "wrong-current-pw", next)).toMatchObject({
      code: "invalid-credentials",
    });
    expect(await id.users.changeOwnPassword(u.user.id, GOOD_PASSWORD, "bob-is-my-name-ok")).toMatchObject({
      code: "password-contains-username",
    });
    expect(await id.users.changeOwnPassword(u.user.id, GOOD_PASSWORD, next)).toMatchObject({ ok: true });
  });
});

describe("disable, enable, roles, MFA reset", () => {
  it("disables and enables a user; disabling ends sessions but keeps tokens", async () => {
    const id = await testIdentity();
    const u = await id.users.createUser(ACTOR, { username: "bob", role: "viewer", password: GOOD_PASSWORD });
    if (!u.ok) throw new Error(u.message);
    const t = await id.tokens.create(ACTOR, {
      userId: u.user.id,
      name: "t",
      scopes: ["policy:read"],
      expiresInDays: 9,
    });
    await id.auth.login({ username: "bob", password: GOOD_PASSWORD }, CLIENT);
    expect(await id.users.disableUser(ACTOR, u.user.id)).toMatchObject({
      ok: true,
      user: { disabled: true },
    });
    expect(await id.store.sessions.listForUser(u.user.id)).toHaveLength(0);
    expect(await id.users.enableUser(ACTOR, u.user.id)).toMatchObject({
      ok: true,
      user: { disabled: false },
    });
    expect(t.ok && (await id.tokens.authenticate(t.token))).toMatchObject({ ok: true });
  });

  it("never disables or demotes the last enabled admin", async () => {
    const id = await testIdentity();
    const a = await id.users.createUser(ACTOR, { username: "root1", role: "admin", password: GOOD_PASSWORD });
    if (!a.ok) throw new Error(a.message);
    expect(await id.users.disableUser(ACTOR, a.user.id)).toMatchObject({ code: "last-admin" });
    expect(await id.users.setRole(ACTOR, a.user.id, "viewer")).toMatchObject({ code: "last-admin" });
    await id.users.createUser(ACTOR, { username: "root2", role: "admin", password: GOOD_PASSWORD });
    expect(await id.users.setRole(ACTOR, a.user.id, "viewer")).toMatchObject({ ok: true });
  });

  it("ends the sessions of a user promoted into an MFA role without TOTP", async () => {
    const id = await testIdentity();
    const u = await id.users.createUser(ACTOR, { username: "bob", role: "viewer", password: GOOD_PASSWORD });
    if (!u.ok) throw new Error(u.message);
    const s = await id.auth.login({ username: "bob", password: GOOD_PASSWORD }, CLIENT);
    if (!s.ok) throw new Error(s.message);
    expect(await id.users.setRole(ACTOR, u.user.id, "approver")).toMatchObject({
      user: { role: "approver" },
    });
    expect(await id.auth.authenticateSession(s.sessionId)).toMatchObject({ ok: false });
    const [entry] = await id.store.audit.list({ action: "user.set-role" });
    expect(entry?.detail).toMatchObject({ from: "viewer", to: "approver", sessionsEnded: 1 });
  });

  it("resets MFA: a new enabled secret for an MFA role, nothing for a viewer", async () => {
    const id = await testIdentity();
    const a = await id.users.createUser(ACTOR, {
      username: "carol",
      role: "approver",
      password: GOOD_PASSWORD,
    });
    const v = await id.users.createUser(ACTOR, { username: "vic", role: "viewer", password: GOOD_PASSWORD });
    if (!a.ok || !v.ok) throw new Error("create failed");
    const r = await id.users.resetMfa(ACTOR, a.user.id);
    expect(r).toMatchObject({ ok: true, user: { totpEnabled: true, recoveryCodesLeft: 10 } });
    expect(r.ok && r.otpauthUri).not.toBe(a.otpauthUri);
    const rv = await id.users.resetMfa(ACTOR, v.user.id);
    expect(rv).toMatchObject({ ok: true, user: { totpEnabled: false, recoveryCodesLeft: 0 } });
    expect(rv).not.toHaveProperty("otpauthUri");
  });

  it("lists users without hashes or secrets", async () => {
    const id = await testIdentity();
    await id.users.createUser(ACTOR, { username: "carol", role: "admin", password: GOOD_PASSWORD });
    const list = await id.users.listUsers();
    expect(list.map((u) => u.username)).toEqual(["carol"]);
    expect(JSON.stringify(list)).not.toMatch(/argon2|secret|passwordHash/);
  });
});
