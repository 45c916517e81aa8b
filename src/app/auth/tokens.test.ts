import { describe, expect, it } from "vitest";
import { ACTOR, GOOD_PASSWORD, testIdentity } from "./testing/fixtures.js";

async function setup(role = "operator") {
  const id = await testIdentity();
  const r = await id.users.createUser(ACTOR, { username: "ci-bot", role, password: GOOD_PASSWORD });
  if (!r.ok) throw new Error(r.message);
  return { ...id, userId: r.user.id };
}

describe("API tokens", () => {
  it("shows the token once as rmp_<id>_<secret> and stores only its hash", async () => {
    const id = await setup();
    const r = await id.tokens.create(ACTOR, {
      userId: id.userId,
      name: "ci",
      scopes: ["policy:read"],
      expiresInDays: 30,
    });
    if (!r.ok) throw new Error(r.message);
    expect(r.token).toMatch(new RegExp(`^rmp_${r.record.id}_[A-Za-z0-9_-]{43}$`));
    const stored = await id.store.tokens.byId(r.record.id);
    expect(stored?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(r.token.split("_").slice(2).join("_"));
    expect(r.record).not.toHaveProperty("tokenHash");
    const check = await id.tokens.authenticate(r.token);
    expect(check).toMatchObject({ ok: true, user: { username: "ci-bot" }, permissions: ["policy:read"] });
  });

  it("refuses scopes beyond the owner's role, unknown scopes and no scope", async () => {
    const id = await setup("operator");
    const make = (scopes: string[]) =>
      id.tokens.create(ACTOR, { userId: id.userId, name: "x", scopes, expiresInDays: 1 });
    expect(await make(["policy:write"])).toMatchObject({ ok: false, code: "scope-not-allowed" });
    expect(await make(["everything"])).toMatchObject({ ok: false, code: "invalid-scope" });
    expect(await make([])).toMatchObject({ ok: false, code: "invalid-scope" });
    expect(await make(["deploy:write", "audit:read"])).toMatchObject({ ok: true });
  });

  it("requires an expiry of 1 to 365 whole days", async () => {
    const id = await setup();
    const make = (expiresInDays: number) =>
      id.tokens.create(ACTOR, { userId: id.userId, name: "x", scopes: ["policy:read"], expiresInDays });
    for (const bad of [0, 366, 1.5, Number.NaN])
      expect(await make(bad)).toMatchObject({ code: "invalid-expiry" });
    expect(await make(365)).toMatchObject({ ok: true });
  });

  it("stops working when it expires", async () => {
    const id = await setup();
    const r = await id.tokens.create(ACTOR, {
      userId: id.userId,
      name: "x",
      scopes: ["policy:read"],
      expiresInDays: 1,
    });
    if (!r.ok) throw new Error(r.message);
    id.clock.advance(86_399);
    expect(await id.tokens.authenticate(r.token)).toMatchObject({ ok: true });
    id.clock.advance(1);
    expect(await id.tokens.authenticate(r.token)).toEqual({ ok: false, reason: "expired" });
  });

  it("stops working when revoked or its owner is disabled, and revocation is audited", async () => {
    const id = await setup();
    const a = await id.tokens.create(ACTOR, {
      userId: id.userId,
      name: "a",
      scopes: ["policy:read"],
      expiresInDays: 9,
    });
    const b = await id.tokens.create(ACTOR, {
      userId: id.userId,
      name: "b",
      scopes: ["policy:read"],
      expiresInDays: 9,
    });
    if (!a.ok || !b.ok) throw new Error("create failed");
    expect(await id.tokens.revoke(ACTOR, a.record.id)).toEqual({ ok: true });
    expect(await id.tokens.authenticate(a.token)).toEqual({ ok: false, reason: "revoked" });
    await id.users.disableUser(ACTOR, id.userId);
    expect(await id.tokens.authenticate(b.token)).toEqual({ ok: false, reason: "disabled" });
    const actions = (await id.store.audit.list()).map((e) => e.action);
    expect(actions.filter((x) => x.startsWith("token."))).toEqual([
      "token.create",
      "token.create",
      "token.revoke",
    ]);
    expect(await id.tokens.revoke(ACTOR, 999)).toMatchObject({ code: "unknown-token" });
  });

  it("refuses a wrong secret for a real id, and malformed bearers", async () => {
    const id = await setup();
    const r = await id.tokens.create(ACTOR, {
      userId: id.userId,
      name: "x",
      scopes: ["policy:read"],
      expiresInDays: 9,
    });
    if (!r.ok) throw new Error(r.message);
    expect(await id.tokens.authenticate(`rmp_${r.record.id}_${"A".repeat(43)}`)).toEqual({
      ok: false,
      reason: "unknown",
    });
    expect(await id.tokens.authenticate("rmp_1_short")).toEqual({ ok: false, reason: "unknown" });
    expect(await id.tokens.authenticate("")).toEqual({ ok: false, reason: "unknown" });
  });

  it("shrinks to what the owner's current role allows", async () => {
    const id = await setup("operator");
    const r = await id.tokens.create(ACTOR, {
      userId: id.userId,
      name: "x",
      scopes: ["policy:read", "deploy:write"],
      expiresInDays: 9,
    });
    if (!r.ok) throw new Error(r.message);
    await id.users.setRole(ACTOR, id.userId, "viewer");
    expect(await id.tokens.authenticate(r.token)).toMatchObject({ ok: true, permissions: ["policy:read"] });
  });

  it("marks when it was last used", async () => {
    const id = await setup();
    const r = await id.tokens.create(ACTOR, {
      userId: id.userId,
      name: "x",
      scopes: ["policy:read"],
      expiresInDays: 9,
    });
    if (!r.ok) throw new Error(r.message);
    await id.tokens.authenticate(r.token);
    expect((await id.store.tokens.byId(r.record.id))?.lastUsedAt).toBe(id.clock.now().toISOString());
  });
});
