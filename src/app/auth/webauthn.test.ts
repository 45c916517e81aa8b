import { afterEach, describe, expect, it } from "vitest";
import { sha256Hex } from "./secrets.js";
import { ACTOR, CLIENT, GOOD_PASSWORD, testIdentity, type TestIdentity } from "./testing/fixtures.js";
import { createWebAuthn, type WebAuthn } from "./webauthn.js";
import { defaultWebAuthnSettings, secondFactorMethods } from "./webauthn-settings.js";
import { SoftAuthenticator } from "./webauthn-soft-authenticator.js";

const SETTINGS = defaultWebAuthnSettings(8443);

interface World extends TestIdentity {
  readonly webauthn: WebAuthn;
  readonly userId: number;
  readonly key: SoftAuthenticator;
}

let open: TestIdentity[] = [];
afterEach(async () => {
  for (const w of open) await w.store.close();
  open = [];
});

async function world(role = "viewer"): Promise<World> {
  const id = await testIdentity();
  open.push(id);
  const r = await id.users.createUser(ACTOR, { username: "alice", role, password: GOOD_PASSWORD });
  if (!r.ok) throw new Error(r.message);
  const webauthn = createWebAuthn(id.store, id.clock, id.config, SETTINGS);
  return { ...id, webauthn, userId: r.user.id, key: new SoftAuthenticator(SETTINGS) };
}

const full = (w: World) => ({ userId: w.userId, stage: "full" as const });
const alice = { username: "alice", password: GOOD_PASSWORD };

async function register(w: World, key = w.key) {
  const o = await w.webauthn.registration.options(full(w));
  if (!o.ok) throw new Error(o.message);
  return w.webauthn.registration.verify(full(w), key.register(o.options), "YubiKey");
}

async function signIn(w: World, tamper = {}) {
  const o = await w.webauthn.login.options(alice, CLIENT);
  if (!o.ok) throw new Error(o.message);
  const response = w.key.authenticate(o.options, tamper);
  return { response, result: await w.webauthn.login.verify(alice, response, CLIENT) };
}

describe("WebAuthn registration", () => {
  it("verifies a software authenticator's attestation and keeps the credential", async () => {
    const w = await world();
    const r = await register(w);
    expect(r).toMatchObject({
      ok: true,
      credential: { name: "YubiKey", transports: ["usb"], lastUsedAt: null },
    });
    const stored = await w.store.webauthn.byCredentialId(w.key.id);
    expect(stored).toMatchObject({ userId: w.userId, counter: 0 });
    expect(await w.webauthn.registration.list(w.userId)).toHaveLength(1);
    expect((await w.store.audit.list({ action: "auth.webauthn-register" })).length).toBe(1);
  });

  it("issues recovery codes with the first second factor only", async () => {
    const w = await world();
    const first = await register(w);
    expect(first.ok && first.recoveryCodes?.length).toBe(10);
    const second = await register(w, new SoftAuthenticator(SETTINGS));
    expect(second.ok && second.recoveryCodes).toBeUndefined();
  });

  it("refuses a response made for another origin", async () => {
    const w = await world();
    const o = await w.webauthn.registration.options(full(w));
    if (!o.ok) throw new Error(o.message);
    const r = await w.webauthn.registration.verify(
      full(w),
      w.key.register(o.options, { origin: "https://evil.example" }),
      "k",
    );
    expect(r).toMatchObject({ ok: false, code: "webauthn-invalid" });
    expect(await w.store.webauthn.countForUser(w.userId)).toBe(0);
  });

  it("refuses a response for another relying party", async () => {
    const w = await world();
    const o = await w.webauthn.registration.options(full(w));
    if (!o.ok) throw new Error(o.message);
    const r = await w.webauthn.registration.verify(
      full(w),
      w.key.register(o.options, { rpId: "evil.example" }),
      "k",
    );
    expect(r).toMatchObject({ ok: false, code: "webauthn-invalid" });
  });

  it("takes a challenge once: a replayed response is refused", async () => {
    const w = await world();
    const o = await w.webauthn.registration.options(full(w));
    if (!o.ok) throw new Error(o.message);
    const response = w.key.register(o.options);
    expect((await w.webauthn.registration.verify(full(w), response, "k")).ok).toBe(true);
    const again = await w.webauthn.registration.verify(full(w), response, "k");
    expect(again).toMatchObject({ ok: false, code: "challenge-missing" });
  });

  it("refuses an answer to options older than five minutes", async () => {
    const w = await world();
    const o = await w.webauthn.registration.options(full(w));
    if (!o.ok) throw new Error(o.message);
    w.clock.advance(5 * 60 + 1);
    const r = await w.webauthn.registration.verify(full(w), w.key.register(o.options), "k");
    expect(r).toMatchObject({ ok: false, code: "challenge-missing" });
  });

  it("refuses an answer to superseded options", async () => {
    const w = await world();
    const old = await w.webauthn.registration.options(full(w));
    await w.webauthn.registration.options(full(w));
    if (!old.ok) throw new Error(old.message);
    const r = await w.webauthn.registration.verify(full(w), w.key.register(old.options), "k");
    expect(r).toMatchObject({ ok: false, code: "webauthn-invalid" });
  });

  it("lets a password-only session register only a first second factor", async () => {
    const w = await world("approver"); // created with TOTP enabled
    const r = await w.webauthn.registration.options({ userId: w.userId, stage: "password" });
    expect(r).toMatchObject({ ok: false, code: "mfa-already-enabled" });
  });

  it("upgrades an enrolling session to full when its first key is registered", async () => {
    const w = await world("approver");
    await w.store.users.update(w.userId, { totpEnabled: false, totpSecret: null });
    const login = await w.auth.login(alice, CLIENT);
    if (!login.ok) throw new Error(login.message);
    expect(login.stage).toBe("password");
    const asker = { userId: w.userId, stage: "password" as const, sessionIdHash: sha256Hex(login.sessionId) };
    const o = await w.webauthn.registration.options(asker);
    if (!o.ok) throw new Error(o.message);
    expect((await w.webauthn.registration.verify(asker, w.key.register(o.options), "k")).ok).toBe(true);
    expect(await w.auth.authenticateSession(login.sessionId)).toMatchObject({
      ok: true,
      session: { stage: "full" },
    });
  });
});

describe("WebAuthn credentials", () => {
  it("refuses to remove the last second factor of a role that needs one", async () => {
    const w = await world("approver");
    await w.store.users.update(w.userId, { totpEnabled: false, totpSecret: null });
    const r = await register(w);
    if (!r.ok) throw new Error(r.message);
    const removed = await w.webauthn.registration.remove(w.userId, r.credential.id);
    expect(removed).toMatchObject({ ok: false, code: "last-second-factor" });
  });

  it("removes one's own key but not someone else's", async () => {
    const w = await world();
    const r = await register(w);
    if (!r.ok) throw new Error(r.message);
    const bob = await w.users.createUser(ACTOR, { username: "bob", role: "viewer", password: GOOD_PASSWORD });
    if (!bob.ok) throw new Error(bob.message);
    expect(await w.webauthn.registration.remove(bob.user.id, r.credential.id)).toMatchObject({
      code: "not-found",
    });
    expect(await w.webauthn.registration.remove(w.userId, r.credential.id)).toEqual({ ok: true });
    expect(await w.webauthn.registration.list(w.userId)).toEqual([]);
  });

  it("counts a registered key as a second factor method", async () => {
    const w = await world();
    const user = async () => (await w.store.users.byId(w.userId))!;
    expect(await secondFactorMethods(w.store, await user())).toEqual([]);
    await register(w);
    expect(await secondFactorMethods(w.store, await user())).toEqual(["webauthn"]);
  });
});

describe("WebAuthn sign-in", () => {
  it("signs in with password and assertion, moving the counter on", async () => {
    const w = await world("approver");
    await register(w);
    const { result } = await signIn(w);
    expect(result).toMatchObject({ ok: true, stage: "full", user: { username: "alice" } });
    if (!result.ok) return;
    expect(await w.auth.authenticateSession(result.sessionId)).toMatchObject({
      ok: true,
      session: { stage: "full" },
    });
    expect(await w.store.webauthn.byCredentialId(w.key.id)).toMatchObject({
      counter: 1,
      lastUsedAt: expect.any(String),
    });
    const [entry] = await w.store.audit.list({ action: "auth.login" });
    expect(entry?.detail).toMatchObject({ method: "webauthn" });
  });

  it("gives no options for a wrong password, and counts the failure", async () => {
    const w = await world();
    await register(w);
    const r = await w.webauthn.login.options({ username: "alice", password: "wrong password!!" }, CLIENT);
    expect(r).toMatchObject({ ok: false, code: "invalid-credentials" });
    expect((await w.store.throttle.get("user:alice"))?.failures).toBe(1);
  });

  it("says so when the account has no key", async () => {
    const w = await world();
    expect(await w.webauthn.login.options(alice, CLIENT)).toMatchObject({
      ok: false,
      code: "webauthn-not-enrolled",
    });
  });

  it("refuses a replayed assertion", async () => {
    const w = await world();
    await register(w);
    const { response } = await signIn(w);
    expect((await w.webauthn.login.verify(alice, response, CLIENT)).ok).toBe(false);
  });

  it("refuses a counter that goes back", async () => {
    const w = await world();
    await register(w);
    expect((await signIn(w, { counter: 5 })).result.ok).toBe(true);
    const back = await signIn(w, { counter: 3 });
    expect(back.result).toMatchObject({ ok: false, code: "mfa-invalid" });
    expect((await w.store.webauthn.byCredentialId(w.key.id))?.counter).toBe(5);
    const [failure] = await w.store.audit.list({ action: "auth.login-failed" });
    expect(JSON.stringify(failure?.detail)).toMatch(/counter/i);
  });

  it("refuses an assertion made for another origin", async () => {
    const w = await world();
    await register(w);
    const { result } = await signIn(w, { origin: "https://evil.example" });
    expect(result).toMatchObject({ ok: false, code: "mfa-invalid" });
  });

  it("refuses another user's key", async () => {
    const w = await world();
    await register(w);
    const bob = await w.users.createUser(ACTOR, { username: "bob", role: "viewer", password: GOOD_PASSWORD });
    if (!bob.ok) throw new Error(bob.message);
    const o = await w.webauthn.login.options(alice, CLIENT);
    if (!o.ok) throw new Error(o.message);
    const response = w.key.authenticate(o.options);
    const r = await w.webauthn.login.verify({ username: "bob", password: GOOD_PASSWORD }, response, CLIENT);
    expect(r).toMatchObject({ ok: false, code: "mfa-invalid" });
  });

  it("locks the account after repeated bad assertions, like password sign-in", async () => {
    const w = await world();
    await register(w);
    for (let i = 0; i < w.config.throttle.accountFailures; i++)
      await signIn(w, { origin: "https://evil.example" });
    const r = await w.webauthn.login.options(alice, CLIENT);
    expect(r).toMatchObject({ ok: false, code: "locked", retryAfterSeconds: expect.any(Number) });
  });
});
