// Identity and access end to end over real HTTP: sessions and their cookies, MFA, lockout, expiry, CSRF,
// logout everywhere, four eyes, security headers, and the audit chain catching a row changed in the database.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { KyselyStore } from "../store/kysely-store.js";
import { HttpClient } from "./http-client.js";
import { startTestServer, type TestServer } from "./testing.js";

type ErrorBody = { error: { code: string; message: string } };
const code = (r: { body: unknown }) => (r.body as ErrorBody).error?.code;

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => server.close());

describe("sessions", () => {
  it("sets an HttpOnly SameSite=Strict cookie and gives a new session id at every sign-in", async () => {
    const u = await server.user("viewer");
    const c = new HttpClient(server.url);
    const first = await c.login(u.username, u.password);
    expect(first.status).toBe(200);
    const setCookie = first.headers.getSetCookie().join("\n");
    expect(setCookie).toMatch(/rampart_session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    const id1 = c.cookie("rampart_session");
    expect((await c.get("/api/v1/auth/me")).status).toBe(200);
    await c.login(u.username, u.password);
    expect(c.cookie("rampart_session")).not.toBe(id1);
  });

  it("ends a session after 30 idle minutes and after 12 hours in all", async () => {
    const u = await server.user("viewer");
    const c = new HttpClient(server.url);
    await c.login(u.username, u.password);
    server.clock.advance(29 * 60_000);
    expect((await c.get("/api/v1/versions")).status).toBe(200);
    server.clock.advance(31 * 60_000);
    expect((await c.get("/api/v1/versions")).status).toBe(401);

    await c.login(u.username, u.password);
    for (let t = 0; t < 36; t++) {
      server.clock.advance(20 * 60_000);
      const r = await c.get("/api/v1/versions");
      if (t < 35) expect(r.status, `after ${(t + 1) * 20} minutes`).toBe(200);
      else expect(r.status, "after 12 hours").toBe(401);
    }
  });

  it("logs out everywhere", async () => {
    const u = await server.user("viewer");
    const a = new HttpClient(server.url);
    const b = new HttpClient(server.url);
    await a.login(u.username, u.password);
    await b.login(u.username, u.password);
    const r = await a.post("/api/v1/auth/logout-everywhere");
    expect(r.status).toBe(200);
    expect((r.body as { ended: number }).ended).toBe(2);
    expect((await b.get("/api/v1/versions")).status).toBe(401);
    expect((await a.get("/api/v1/versions")).status).toBe(401);
  });
});

describe("multi-factor sign-in", () => {
  it("asks approvers for a TOTP code, refuses a wrong one or a replayed one, accepts a recovery code once", async () => {
    const u = await server.user("approver");
    expect(u.totpSecret).toBeDefined();
    const c = new HttpClient(server.url);
    expect(code(await c.login(u.username, u.password))).toBe("mfa-required");
    expect(code(await c.login(u.username, u.password, "000000"))).toBe("mfa-invalid");
    const good = server.totp(u.totpSecret!);
    expect((await c.login(u.username, u.password, good)).status).toBe(200);
    expect(code(await new HttpClient(server.url).login(u.username, u.password, good))).toBe("mfa-invalid");

    const reset = await server.services.users.resetMfa(
      { name: "t" },
      (await server.store.users.byName(u.username))!.id,
    );
    const recovery = reset.ok ? reset.recoveryCodes![0]! : "";
    const viaRecovery = () =>
      new HttpClient(server.url).post("/api/v1/auth/login", {
        username: u.username,
        password: u.password,
        recoveryCode: recovery,
      });
    expect((await viaRecovery()).status).toBe(200);
    expect(code(await viaRecovery())).toBe("mfa-invalid");
  });

  it("lets a user promoted into a role that needs MFA do nothing but enrol", async () => {
    const u = await server.user("viewer");
    const admin = await server.services.store.users.byName(u.username);
    await server.services.users.setRole({ name: "t" }, admin!.id, "policy-admin");
    const c = new HttpClient(server.url);
    const login = await c.login(u.username, u.password);
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ stage: "password", next: "enroll-mfa" });
    expect(code(await c.get("/api/v1/versions"))).toBe("mfa-enrollment-required");
    const enrol = await c.post<{ secret: string; otpauthUri: string }>("/api/v1/auth/mfa/enroll");
    expect(enrol.status).toBe(200);
    expect(enrol.body.otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    const confirm = await c.post<{ recoveryCodes: string[] }>("/api/v1/auth/mfa/confirm", {
      code: server.totp(enrol.body.secret),
    });
    expect(confirm.status).toBe(200);
    expect(confirm.body.recoveryCodes).toHaveLength(10);
    expect((await c.get("/api/v1/versions")).status).toBe(200);
  });
});

describe("brute-force defence", () => {
  it("locks an account after 5 failures with one answer for the right and wrong password", async () => {
    const u = await server.user("viewer");
    const c = new HttpClient(server.url);
    const unknown = await c.login("nobody-here", "whatever-password");
    const wrong = await c.login(u.username, "not the password at all");
    expect([unknown.status, code(unknown)]).toEqual([401, "invalid-credentials"]);
    expect([wrong.status, code(wrong)]).toEqual([401, "invalid-credentials"]);
    expect((unknown.body as ErrorBody).error.message).toBe((wrong.body as ErrorBody).error.message);
    for (let i = 0; i < 4; i++) await c.login(u.username, "not the password at all");
    const locked = await c.login(u.username, u.password);
    expect([locked.status, code(locked)]).toEqual([429, "locked"]);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    const lockedWrong = await c.login(u.username, "still not it, no");
    expect([lockedWrong.status, code(lockedWrong)]).toEqual([429, "locked"]);
    server.clock.advance(16 * 60_000);
    expect((await c.login(u.username, u.password)).status).toBe(200);
  });

  it("throttles a client address that fails across many accounts", async () => {
    const c = new HttpClient(server.url);
    for (let i = 0; i < 20; i++) await c.login(`user-${i}`, "wrong password here");
    const u = await server.user("viewer");
    const r = await c.login(u.username, u.password);
    expect([r.status, code(r)]).toEqual([429, "throttled"]);
  });
});

describe("CSRF", () => {
  it("refuses cookie-authenticated writes without the session's token or from another origin", async () => {
    const u = await server.user("requester");
    const c = new HttpClient(server.url);
    await c.login(u.username, u.password);
    const body = { name: "ci", scopes: ["policy:read"], expiresInDays: 7 };
    const none = await c.post("/api/v1/tokens", body, { "x-csrf-token": "" });
    expect([none.status, code(none)]).toEqual([403, "csrf"]);
    const wrong = await c.post("/api/v1/tokens", body, { "x-csrf-token": "x".repeat(43) });
    expect([wrong.status, code(wrong)]).toEqual([403, "csrf"]);
    const foreign = await c.post("/api/v1/tokens", body, { origin: "https://evil.example" });
    expect([foreign.status, code(foreign)]).toEqual([403, "csrf"]);
    const ok = await c.post<{ token: string }>("/api/v1/tokens", body);
    expect(ok.status).toBe(201);
    // A token is not a cookie: a request carrying one needs no CSRF token.
    const t = new HttpClient(server.url, ok.body.token);
    expect((await t.get("/api/v1/versions")).status).toBe(200);
  });
});

describe("four eyes", () => {
  it("refuses to let anyone approve their own version or request", async () => {
    const adminToken = await server.token("admin");
    const admin = new HttpClient(server.url, adminToken);
    const current = await admin.get<{ files: { path: string; text: string }[] }>("/api/v1/versions/current");
    const files = current.body.files.map((f) =>
      f.path.endsWith("flows.yaml")
        ? { ...f, text: f.text.replace("Customers reach", "Customers do reach") }
        : f,
    );
    const proposed = await admin.post<{ id: number }>("/api/v1/versions", { files, message: "Wording" });
    expect(proposed.status).toBe(201);
    const own = await admin.post(`/api/v1/versions/${proposed.body.id}/approve`);
    expect([own.status, code(own)]).toEqual([403, "own-change"]);
    const other = new HttpClient(server.url, await server.token("approver"));
    expect((await other.post(`/api/v1/versions/${proposed.body.id}/approve`)).status).toBe(200);

    const req = await other.post<{ id: number }>("/api/v1/requests", {
      from: ["zone:corp"],
      to: ["zone:dmz"],
      services: ["tcp/8443"],
      justification: "Staff reach the new admin console",
      until: "2026-12-31",
    });
    expect(req.status).toBe(201);
    const self = await other.post(`/api/v1/requests/${req.body.id}/approve`);
    expect([self.status, code(self)]).toEqual([403, "own-change"]);
    expect((await admin.post(`/api/v1/requests/${req.body.id}/approve`)).status).toBe(200);
  });
});

describe("headers and audit", () => {
  it("sends security headers on every answer", async () => {
    const r = await fetch(`${server.url}/api/v1/versions`);
    expect(r.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);
    expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    expect(r.headers.get("referrer-policy")).toBe("no-referrer");
    expect(r.headers.get("strict-transport-security")).toBeNull();
  });

  it("catches an audit row changed directly in the database", async () => {
    const u = await server.user("viewer");
    const c = new HttpClient(server.url);
    await c.login(u.username, "wrong password here");
    await c.login(u.username, u.password);
    const auditor = new HttpClient(server.url, await server.token("admin"));
    const before = await auditor.get<{ ok: boolean; entries: number }>("/api/v1/audit/verify");
    expect(before.body.ok).toBe(true);
    expect(before.body.entries).toBeGreaterThan(3);
    const db = (server.store as KyselyStore).db;
    await db.updateTable("audit_log").set({ actor: "someone-else" }).where("seq", "=", 2).execute();
    const after = await auditor.get<{ ok: boolean; problems: { seq: number; code: string }[] }>(
      "/api/v1/audit/verify",
    );
    expect(after.body.ok).toBe(false);
    expect(after.body.problems[0]).toMatchObject({ seq: 2, code: "changed" });
  });
});
