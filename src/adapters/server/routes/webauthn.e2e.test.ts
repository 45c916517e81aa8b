// Security keys end to end over real HTTP, with a software authenticator whose answers @simplewebauthn/server
// verifies for real: registration, sign-in, replay, counter regression, wrong origin, and who may do what.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultWebAuthnSettings } from "../../../app/auth/webauthn-settings.js";
import { SoftAuthenticator, type Tamper } from "../../../app/auth/webauthn-soft-authenticator.js";
import type { KyselyStore } from "../../store/kysely-store.js";
import { permissionsOf, type Role } from "../../../app/roles.js";
import type { Services } from "../compose.js";
import { HttpClient } from "../http-client.js";
import { startTestServer, TEST_PASSWORD, type TestServer } from "../testing.js";

type ErrorBody = { error: { code: string; message: string } };
const code = (r: { body: unknown }) => (r.body as ErrorBody).error?.code;
type Options = { options: { challenge: string } };

const SETTINGS = defaultWebAuthnSettings(3000);

let server: TestServer;
let store: KyselyStore;
let services: Services;
let url: string;

beforeEach(async () => {
  server = await startTestServer({ policy: false, webauthn: SETTINGS });
  store = server.store as KyselyStore;
  services = server.services;
  url = server.url;
});
afterEach(async () => server.close());

async function userOf(role: Role, username = "alice") {
  const r = await services.users.createUser({ name: "test" }, { username, role, password: TEST_PASSWORD });
  if (!r.ok) throw new Error(r.message);
  return r.user;
}

/** A viewer signed in with a password, holding a registered key. */
async function enrolled(role: Role = "viewer", username = "alice") {
  await userOf(role, username);
  if (role !== "viewer")
    await store.users.update((await store.users.byName(username))!.id, { totpEnabled: false });
  const c = new HttpClient(url);
  await c.login(username, TEST_PASSWORD);
  const key = new SoftAuthenticator(SETTINGS);
  const o = await c.post<Options>("/api/v1/auth/webauthn/register/options");
  const r = await c.post("/api/v1/auth/webauthn/register/verify", {
    name: "Desk key",
    response: key.register(o.body.options),
  });
  return { c, key, registered: r };
}

async function keyLogin(key: SoftAuthenticator, tamper: Tamper = {}, username = "alice") {
  const c = new HttpClient(url);
  const creds = { username, password: TEST_PASSWORD };
  const o = await c.post<Options>("/api/v1/auth/webauthn/login/options", creds);
  const response = key.authenticate(o.body.options, tamper);
  const r = await c.post<{ csrfToken: string }>("/api/v1/auth/webauthn/login/verify", { ...creds, response });
  if (r.status === 200) c.csrf = r.body.csrfToken;
  return { c, r, response };
}

describe("registering a security key", () => {
  it("registers, lists and signs in with the key", async () => {
    const { c, key, registered } = await enrolled();
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({
      credential: { name: "Desk key" },
      recoveryCodes: expect.any(Array),
    });
    const list = await c.get<{ credentials: unknown[] }>("/api/v1/auth/webauthn/credentials");
    expect(list.body.credentials).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toMatch(/publicKey/);

    const { c: fresh, r } = await keyLogin(key);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ stage: "full", user: { username: "alice" } });
    expect((await fresh.get<{ stage: string }>("/api/v1/auth/me")).body.stage).toBe("full");
  });

  it("upgrades the enrolling session of a role that needs MFA", async () => {
    const { c, registered } = await enrolled("approver");
    expect(registered.status).toBe(201);
    expect((await c.get<{ stage: string }>("/api/v1/auth/me")).body.stage).toBe("full");
  });

  it("refuses a registration made for another origin", async () => {
    await userOf("viewer");
    const c = new HttpClient(url);
    await c.login("alice", TEST_PASSWORD);
    const o = await c.post<Options>("/api/v1/auth/webauthn/register/options");
    const response = new SoftAuthenticator(SETTINGS).register(o.body.options, {
      origin: "http://127.0.0.1:3000",
    });
    const r = await c.post("/api/v1/auth/webauthn/register/verify", { response });
    expect(r.status).toBe(422);
    expect(code(r)).toBe("webauthn-invalid");
  });

  it("refuses anonymous callers and API tokens", async () => {
    const anonymous = new HttpClient(url);
    expect((await anonymous.post("/api/v1/auth/webauthn/register/options")).status).toBe(401);
    expect((await anonymous.get("/api/v1/auth/webauthn/credentials")).status).toBe(401);
    const user = await userOf("viewer");
    const t = await services.tokens.create(
      { name: "test" },
      {
        userId: user.id,
        name: "ci",
        scopes: [...permissionsOf("viewer")],
        expiresInDays: 30,
      },
    );
    if (!t.ok) throw new Error(t.message);
    const r = await new HttpClient(url, t.token).post("/api/v1/auth/webauthn/register/options");
    expect(r.status).toBe(403);
  });

  it("answers a malformed response with 400", async () => {
    await userOf("viewer");
    const c = new HttpClient(url);
    await c.login("alice", TEST_PASSWORD);
    const r = await c.post("/api/v1/auth/webauthn/register/verify", { response: { id: "not base64url!" } });
    expect(r.status).toBe(400);
    expect(code(r)).toBe("invalid-request");
  });
});

describe("signing in with a security key", () => {
  it("refuses a replayed assertion", async () => {
    const { key } = await enrolled();
    const { response } = await keyLogin(key);
    const r = await new HttpClient(url).post("/api/v1/auth/webauthn/login/verify", {
      username: "alice",
      password: TEST_PASSWORD,
      response,
    });
    expect(r.status).toBe(401);
    expect(code(r)).toBe("mfa-invalid");
  });

  it("refuses a counter that goes back", async () => {
    const { key } = await enrolled();
    expect((await keyLogin(key, { counter: 10 })).r.status).toBe(200);
    const { r } = await keyLogin(key, { counter: 9 });
    expect(r.status).toBe(401);
    expect(code(r)).toBe("mfa-invalid");
  });

  it("refuses an assertion made for another origin", async () => {
    const { key } = await enrolled();
    const { r } = await keyLogin(key, { origin: "https://evil.example" });
    expect(r.status).toBe(401);
  });

  it("gives no options without the right password, and locks the account like password sign-in", async () => {
    await enrolled();
    const c = new HttpClient(url);
    const wrong = { username: "alice", password: "not the password at all" };
    expect((await c.post("/api/v1/auth/webauthn/login/options", wrong)).status).toBe(401);
    for (let i = 1; i < 5; i++) await c.post("/api/v1/auth/webauthn/login/options", wrong);
    const r = await c.post("/api/v1/auth/webauthn/login/options", {
      username: "alice",
      password: TEST_PASSWORD,
    });
    expect(r.status).toBe(429);
    expect(r.headers.get("retry-after")).toMatch(/^\d+$/);
  });
});

describe("removing a security key", () => {
  it("removes one's own key, not another user's, and never the last second factor a role needs", async () => {
    const { c } = await enrolled();
    const { credentials } = (
      await c.get<{ credentials: { id: number }[] }>("/api/v1/auth/webauthn/credentials")
    ).body;
    const id = credentials[0]!.id;
    const { c: bob } = await enrolled("approver", "bob");
    expect((await bob.call("DELETE", `/api/v1/auth/webauthn/credentials/${id}`)).status).toBe(404);
    const bobs = (await bob.get<{ credentials: { id: number }[] }>("/api/v1/auth/webauthn/credentials")).body;
    const last = await bob.call("DELETE", `/api/v1/auth/webauthn/credentials/${bobs.credentials[0]!.id}`);
    expect(last.status).toBe(409);
    expect(code(last)).toBe("last-second-factor");
    expect((await c.call("DELETE", `/api/v1/auth/webauthn/credentials/${id}`)).status).toBe(204);
    expect(
      (await c.get<{ credentials: unknown[] }>("/api/v1/auth/webauthn/credentials")).body.credentials,
    ).toEqual([]);
  });
});
