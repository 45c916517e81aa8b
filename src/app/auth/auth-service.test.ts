import { describe, expect, it } from "vitest";
import { totpCode, totpUri } from "./totp.js";
import { ACTOR, CLIENT, GOOD_PASSWORD, testIdentity, type TestIdentity } from "./testing/fixtures.js";

async function withUser(
  role = "viewer",
  username = "alice",
): Promise<TestIdentity & { userId: number; uri?: string; codes?: string[] }> {
  const id = await testIdentity();
  const r = await id.users.createUser(ACTOR, { username, role, password: GOOD_PASSWORD });
  if (!r.ok) throw new Error(r.message);
  return { ...id, userId: r.user.id, uri: r.otpauthUri, codes: r.recoveryCodes };
}

const secretOf = (uri: string | undefined) => new URL(uri ?? "").searchParams.get("secret") ?? "";
const login = (id: TestIdentity, password: string, extra: object = {}, client = CLIENT) =>
  id.auth.login({ username: "alice", password, ...extra }, client);

describe("login", () => {
  it("signs in with the right password and makes a full session", async () => {
    const id = await withUser();
    const r = await login(id, GOOD_PASSWORD);
    expect(r).toMatchObject({ ok: true, stage: "full", user: { username: "alice", role: "viewer" } });
    if (!r.ok) return;
    expect(r.next).toBeUndefined();
    const check = await id.auth.authenticateSession(r.sessionId);
    expect(check).toMatchObject({ ok: true, session: { csrfToken: r.csrfToken, stage: "full" } });
  });

  it("answers an unknown user and a wrong password with the same code and message", async () => {
    const id = await withUser();
    const wrong = await login(id, "not-the-password!");
    const unknown = await id.auth.login({ username: "mallory", password: GOOD_PASSWORD }, CLIENT);
    expect(wrong).toEqual(unknown);
    expect(wrong).toMatchObject({ ok: false, code: "invalid-credentials" });
  });

  it("refuses a disabled user as invalid credentials", async () => {
    const id = await withUser();
    await id.users.disableUser(ACTOR, id.userId);
    expect(await login(id, GOOD_PASSWORD)).toMatchObject({ ok: false, code: "invalid-credentials" });
  });

  it("gives a new session id at every sign-in", async () => {
    const id = await withUser();
    const a = await login(id, GOOD_PASSWORD);
    const b = await login(id, GOOD_PASSWORD);
    expect(a.ok && b.ok && a.sessionId !== b.sessionId && a.csrfToken !== b.csrfToken).toBe(true);
  });

  it("writes an audit entry for success and failure, never the password", async () => {
    const id = await withUser();
    await login(id, "wrong-password-here");
    await id.auth.login({ username: "ghost", password: "whatever-it-is" }, CLIENT);
    await login(id, GOOD_PASSWORD);
    const entries = await id.store.audit.list({ afterSeq: 1 });
    expect(entries.map((e) => [e.actor, e.action, e.outcome])).toEqual([
      ["alice", "auth.login-failed", "failure"],
      ["-", "auth.login-failed", "failure"],
      ["alice", "auth.login", "success"],
    ]);
    expect(entries[1]?.detail).toMatchObject({ reason: "invalid-credentials", username: "ghost" });
    expect(entries[2]?.clientAddress).toBe(CLIENT.address);
    const text = JSON.stringify(entries);
    expect(text).not.toContain("wrong-password-here");
    expect(text).not.toContain(GOOD_PASSWORD);
  });
});

describe("lockout and throttling", () => {
  it("locks the account after 5 failures and answers 'locked' for right and wrong passwords alike", async () => {
    const id = await withUser();
    for (let i = 0; i < 5; i++)
      expect(await login(id, `wrong-${i}-password`)).toMatchObject({ code: "invalid-credentials" });
    const right = await login(id, GOOD_PASSWORD);
    const wrong = await login(id, "wrong-again-password");
    expect(right).toMatchObject({ ok: false, code: "locked", retryAfterSeconds: 900 });
    expect(wrong).toEqual(right);
  });

  it("locks an unknown username the same way, so locking reveals nothing", async () => {
    const id = await withUser();
    for (let i = 0; i < 5; i++)
      await id.auth.login({ username: "ghost", password: `guess-${i}-pass` }, CLIENT);
    expect(await id.auth.login({ username: "GHOST", password: "x" }, CLIENT)).toMatchObject({
      code: "locked",
    });
  });

  it("unlocks after 15 minutes and forgets the failures after a success", async () => {
    const id = await withUser();
    for (let i = 0; i < 5; i++) await login(id, `wrong-${i}-password`);
    id.clock.advance(14 * 60);
    expect(await login(id, GOOD_PASSWORD)).toMatchObject({ code: "locked", retryAfterSeconds: 60 });
    id.clock.advance(60);
    expect(await login(id, GOOD_PASSWORD)).toMatchObject({ ok: true });
    for (let i = 0; i < 4; i++) await login(id, `wrong-${i}-password`);
    expect(await login(id, GOOD_PASSWORD)).toMatchObject({ ok: true });
  });

  it("lets failures older than the window expire", async () => {
    const id = await withUser();
    for (let i = 0; i < 4; i++) await login(id, `wrong-${i}-password`);
    id.clock.advance(15 * 60);
    await login(id, "wrong-again-password");
    expect(await login(id, GOOD_PASSWORD)).toMatchObject({ ok: true });
  });

  it("throttles an address after 20 failures across accounts, not other addresses", async () => {
    const id = await withUser();
    for (let i = 0; i < 20; i++)
      await id.auth.login({ username: `user${i}`, password: "guess-password" }, CLIENT);
    const r = await login(id, GOOD_PASSWORD);
    expect(r).toMatchObject({ ok: false, code: "throttled", retryAfterSeconds: 900 });
    expect(await login(id, GOOD_PASSWORD, {}, { ...CLIENT, address: "198.51.100.7" })).toMatchObject({
      ok: true,
    });
  });
});

describe("second factor", () => {
  it("requires a code from a user with TOTP, and accepts each code once", async () => {
    const id = await withUser("approver");
    const secret = secretOf(id.uri);
    expect(await login(id, GOOD_PASSWORD)).toMatchObject({ ok: false, code: "mfa-required" });
    const code = totpCode(secret, id.clock.now());
    expect(await login(id, GOOD_PASSWORD, { totp: code })).toMatchObject({ ok: true, stage: "full" });
    expect(await login(id, GOOD_PASSWORD, { totp: code })).toMatchObject({ ok: false, code: "mfa-invalid" });
  });

  it("counts a wrong code as a failure towards the lockout", async () => {
    const id = await withUser("approver");
    for (let i = 0; i < 5; i++) await login(id, GOOD_PASSWORD, { totp: "000000" });
    const code = totpCode(secretOf(id.uri), id.clock.now());
    expect(await login(id, GOOD_PASSWORD, { totp: code })).toMatchObject({ code: "locked" });
  });

  it("accepts a recovery code once", async () => {
    const id = await withUser("approver");
    const code = id.codes?.[0] ?? "";
    expect(await login(id, GOOD_PASSWORD, { recoveryCode: code })).toMatchObject({ ok: true, stage: "full" });
    expect(await login(id, GOOD_PASSWORD, { recoveryCode: code })).toMatchObject({ code: "mfa-invalid" });
    expect((await id.users.userByName("alice"))?.recoveryCodesLeft).toBe(9);
  });

  it("lets a user of an MFA role without TOTP in only to enrol, then upgrades the session", async () => {
    const id = await withUser();
    await id.users.setRole(ACTOR, id.userId, "policy-admin");
    const r = await login(id, GOOD_PASSWORD);
    expect(r).toMatchObject({ ok: true, stage: "password", next: "enroll-mfa" });
    if (!r.ok) return;
    const begun = await id.auth.beginTotpEnrolment(id.userId);
    if (!begun.ok) throw new Error(begun.message);
    expect(begun.uri).toBe(totpUri(begun.secret, "alice"));
    const session = await id.auth.authenticateSession(r.sessionId);
    const idHash = session.ok ? session.session.idHash : "";
    expect(await id.auth.confirmTotpEnrolment(id.userId, "123456", idHash)).toMatchObject({
      code: "mfa-invalid",
    });
    const done = await id.auth.confirmTotpEnrolment(
      id.userId,
      totpCode(begun.secret, id.clock.now()),
      idHash,
    );
    expect(done).toMatchObject({ ok: true });
    expect(done.ok && done.recoveryCodes).toHaveLength(10);
    expect(await id.auth.authenticateSession(r.sessionId)).toMatchObject({
      ok: true,
      session: { stage: "full" },
    });
    expect(await id.auth.beginTotpEnrolment(id.userId)).toMatchObject({ code: "mfa-already-enabled" });
  });
});

describe("sessions", () => {
  it("ends a session idle for 30 minutes, and keeps one used within them", async () => {
    const id = await withUser();
    const r = await login(id, GOOD_PASSWORD);
    if (!r.ok) throw new Error(r.message);
    id.clock.advance(29 * 60);
    expect(await id.auth.authenticateSession(r.sessionId)).toMatchObject({ ok: true });
    id.clock.advance(29 * 60);
    expect(await id.auth.authenticateSession(r.sessionId)).toMatchObject({ ok: true });
    id.clock.advance(30 * 60);
    expect(await id.auth.authenticateSession(r.sessionId)).toEqual({ ok: false, reason: "idle" });
    expect(await id.auth.authenticateSession(r.sessionId)).toEqual({ ok: false, reason: "unknown" });
  });

  it("ends a session 12 hours after sign-in however busy", async () => {
    const id = await withUser();
    const r = await login(id, GOOD_PASSWORD);
    if (!r.ok) throw new Error(r.message);
    for (let i = 0; i < 12 * 3 - 1; i++) {
      id.clock.advance(20 * 60);
      expect(await id.auth.authenticateSession(r.sessionId)).toMatchObject({ ok: true });
    }
    id.clock.advance(20 * 60);
    expect(await id.auth.authenticateSession(r.sessionId)).toEqual({ ok: false, reason: "expired" });
  });

  it("writes lastSeenAt at most once a minute", async () => {
    const id = await withUser();
    const r = await login(id, GOOD_PASSWORD);
    if (!r.ok) throw new Error(r.message);
    const first = await id.auth.authenticateSession(r.sessionId);
    id.clock.advance(30);
    const second = await id.auth.authenticateSession(r.sessionId);
    id.clock.advance(30);
    const third = await id.auth.authenticateSession(r.sessionId);
    const seen = [first, second, third].map((c) => (c.ok ? c.session.lastSeenAt : ""));
    expect(seen[0]).toBe(seen[1]);
    expect(seen[2]).not.toBe(seen[1]);
  });

  it("purges sessions past either timeout", async () => {
    const id = await withUser();
    await login(id, GOOD_PASSWORD);
    id.clock.advance(10 * 60);
    await login(id, GOOD_PASSWORD);
    id.clock.advance(25 * 60);
    expect(await id.auth.sessions.purgeExpired()).toBe(1);
    expect(await id.store.sessions.listForUser(id.userId)).toHaveLength(1);
  });

  it("refuses unknown and malformed cookie values", async () => {
    const id = await withUser();
    expect(await id.auth.authenticateSession("nope")).toEqual({ ok: false, reason: "unknown" });
    expect(await id.auth.authenticateSession("a".repeat(43))).toEqual({ ok: false, reason: "unknown" });
  });

  it("ends sessions of a user who is disabled", async () => {
    const id = await withUser();
    const r = await login(id, GOOD_PASSWORD);
    if (!r.ok) throw new Error(r.message);
    await id.users.disableUser(ACTOR, id.userId);
    expect(await id.auth.authenticateSession(r.sessionId)).toMatchObject({ ok: false });
  });

  it("logs out one session, or all of them everywhere", async () => {
    const id = await withUser();
    const a = await login(id, GOOD_PASSWORD);
    const b = await login(id, GOOD_PASSWORD);
    const c = await login(id, GOOD_PASSWORD);
    if (!a.ok || !b.ok || !c.ok) throw new Error("sign-in failed");
    await id.auth.logout({ name: "alice" }, a.sessionId);
    expect(await id.auth.authenticateSession(a.sessionId)).toMatchObject({ ok: false, reason: "unknown" });
    expect(await id.auth.authenticateSession(b.sessionId)).toMatchObject({ ok: true });
    expect(await id.auth.logoutEverywhere({ name: "alice" }, id.userId)).toBe(2);
    expect(await id.auth.authenticateSession(b.sessionId)).toMatchObject({ ok: false });
    expect(await id.auth.authenticateSession(c.sessionId)).toMatchObject({ ok: false });
    expect(await id.store.audit.list({ action: "auth.logout-everywhere" })).toHaveLength(1);
  });
});
