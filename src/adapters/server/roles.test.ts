// Every role against every route: a role without the route's permission gets 403 "forbidden", a role with it
// never does; a token gets only what both its owner's role and its scopes allow.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { permissionsOf, ROLES, roleAllows, type Permission, type Role } from "../../app/roles.js";
import { listOperations, type Operation, startTestServer, type TestServer } from "./testing.js";

let server: TestServer;
let operations: Operation[] = [];
const tokens = new Map<Role, string>();

beforeAll(async () => {
  server = await startTestServer();
  operations = await listOperations(server.url);
  for (const role of ROLES) tokens.set(role, await server.token(role));
}, 60_000);

afterAll(async () => server?.close());

/** Paths filled with ids that do not exist, so an allowed write finds nothing to change. */
function fill(path: string): string {
  return path.replace(/\{[^}]+\}/g, "999999");
}

async function call(op: Operation, bearer: string) {
  const res = await fetch(server.url + fill(op.path), {
    method: op.method,
    headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
    body: op.method === "GET" ? undefined : "{}",
  });
  const text = await res.text();
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
  } catch {
    code = undefined;
  }
  return { status: res.status, code };
}

describe("roles × routes", () => {
  it("has a permission or a public/signed-in access on every route", () => {
    for (const op of operations) expect(op.access, `${op.method} ${op.path}`).toBeTruthy();
  });

  for (const role of ROLES) {
    it(`gives "${role}" exactly its permissions`, async () => {
      let allowed = 0;
      let refused = 0;
      for (const op of operations) {
        if (op.access === "public" || op.path === "/api/v1/auth/logout-everywhere") continue;
        const r = await call(op, tokens.get(role)!);
        const may =
          op.access === "signed-in" || op.access === "enrolling" || roleAllows(role, op.access as Permission);
        if (may) {
          expect(r.code, `${role} ${op.method} ${op.path} -> ${r.status}`).not.toBe("forbidden");
          expect(r.status, `${role} ${op.method} ${op.path}`).not.toBe(401);
          allowed++;
        } else {
          expect([r.status, r.code], `${role} ${op.method} ${op.path}`).toEqual([403, "forbidden"]);
          refused++;
        }
      }
      expect(allowed).toBeGreaterThan(0);
      if (role !== "admin") expect(refused).toBeGreaterThan(0);
    }, 60_000);
  }

  it("limits a token to its scopes", async () => {
    const readOnly = await server.token("admin", ["policy:read"]);
    for (const op of operations) {
      if (op.access === "public" || op.access === "signed-in" || op.access === "enrolling") continue;
      if (op.access === "policy:read") continue;
      const r = await call(op, readOnly);
      expect([r.status, r.code], `${op.method} ${op.path}`).toEqual([403, "forbidden"]);
    }
    expect(permissionsOf("admin").length).toBeGreaterThan(1);
  }, 60_000);
});
