// Signing in from an identity provider's verified claims: provisioning rules, refusals, local MFA step-up.

import { beforeEach, describe, expect, it } from "vitest";
import type { OidcSettings } from "./oidc.js";
import { OidcService } from "./oidc-service.js";
import { totpCode } from "./totp.js";
import { ACTOR, CLIENT, TEST_AUTH_CONFIG, testIdentity, type TestIdentity } from "./testing/fixtures.js";
import { sha256Hex } from "./secrets.js";

const settings: OidcSettings = {
  issuer: "https://idp.example",
  clientId: "rampart",
  clientSecret: "secret",
  redirectUri: "https://rampart.example/api/v1/auth/oidc/callback",
  scopes: "openid",
  usernameClaim: "preferred_username",
  roleClaim: "groups",
  roleMap: { readers: "viewer", netops: "operator" },
  createUsers: true,
  requireLocalMfa: false,
};

const alice = {
  issuer: "https://idp.example",
  subject: "s-1",
  claims: { preferred_username: "alice", groups: ["netops"] },
};

let id: TestIdentity;
const service = (change: Partial<OidcSettings> = {}) =>
  new OidcService(id.store, id.clock, TEST_AUTH_CONFIG, id.auth.sessions, { ...settings, ...change });

beforeEach(async () => {
  id = await testIdentity();
});

describe("OidcService.signIn", () => {
  it("refuses an unknown subject when users are not created automatically", async () => {
    const r = await service({ createUsers: false }).signIn(alice, CLIENT);
    expect(r).toMatchObject({ ok: false, code: "unknown-user" });
    expect(await id.store.users.count()).toBe(0);
  });

  it("signs in a user an administrator created and linked, without creating another", async () => {
    await service().signIn(alice, CLIENT);
    const r = await service({ createUsers: false }).signIn(alice, CLIENT);
    expect(r).toMatchObject({ ok: true, stage: "full", user: { username: "alice", role: "operator" } });
    expect(await id.store.users.count()).toBe(1);
  });

  it("keeps the same user when the provider renames them (the subject is the key)", async () => {
    await service().signIn(alice, CLIENT);
    const r = await service().signIn(
      { ...alice, claims: { ...alice.claims, preferred_username: "alice2" } },
      CLIENT,
    );
    expect(r).toMatchObject({ ok: true, user: { username: "alice" } });
  });

  it("gives a session that authenticates", async () => {
    const r = await service().signIn(alice, CLIENT);
    if (!r.ok) throw new Error(r.message);
    const check = await id.auth.authenticateSession(r.sessionId);
    expect(check).toMatchObject({ ok: true, user: { username: "alice" } });
  });
});

describe("OidcService.stepUp (requireLocalMfa)", () => {
  it("upgrades the session with the user's TOTP code and refuses a wrong one", async () => {
    const first = await service().signIn(alice, CLIENT);
    if (!first.ok) throw new Error(first.message);
    const reset = await id.users.resetMfa(ACTOR, first.user.id);
    if (!reset.ok) throw new Error(reset.message);
    const secret = new URL(reset.otpauthUri!).searchParams.get("secret")!;

    const r = await service({ requireLocalMfa: true }).signIn(alice, CLIENT);
    if (!r.ok) throw new Error(r.message);
    expect(r).toMatchObject({ stage: "password", next: "mfa" });
    const hash = sha256Hex(r.sessionId);
    expect(await service().stepUp(hash, { totp: "000000" }, CLIENT)).toMatchObject({
      ok: false,
      code: "mfa-invalid",
    });
    expect((await id.store.sessions.get(hash))?.stage).toBe("password");
    const ok = await service().stepUp(hash, { totp: totpCode(secret, id.clock.now()) }, CLIENT);
    expect(ok).toMatchObject({ ok: true });
    expect((await id.store.sessions.get(hash))?.stage).toBe("full");
    expect(await service().stepUp(hash, { totp: "000000" }, CLIENT)).toMatchObject({
      code: "mfa-not-pending",
    });
  });
});
