// Every route of the OpenAPI document, fed malformed bodies, queries, path parameters and headers: the server
// answers each with a status below 500, in bounded time, as JSON without a stack trace.

import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listOperations, type Operation, startTestServer, type TestServer } from "./testing.js";

let server: TestServer;
let operations: Operation[] = [];
/** Statuses seen with credentials: proof that the hostile input reached the routes, not only the sign-in check. */
const seen = new Map<number, number>();

beforeAll(async () => {
  server = await startTestServer();
  operations = await listOperations(server.url);
}, 60_000);

afterAll(async () => {
  await server?.close();
  // Most hostile requests must have been judged by the routes themselves (400, 404, 413, 415, 422 ...).
  const total = [...seen.values()].reduce((a, b) => a + b, 0);
  const refused = (seen.get(401) ?? 0) + (seen.get(403) ?? 0);
  expect(total).toBeGreaterThan(1000);
  expect(refused / total).toBeLessThan(0.5);
  for (const status of [400, 404, 413, 415])
    expect(seen.get(status) ?? 0, `status ${status}`).toBeGreaterThan(0);
});

const HOSTILE_SEGMENTS = [
  "0",
  "-1",
  "99999999999999999999",
  "1e3",
  "%00",
  "..%2F..%2Fetc%2Fpasswd",
  "%E2%80%AE",
  "x".repeat(300),
  "NaN",
  "__proto__",
  "constructor",
  "1;DROP TABLE users",
  "%27%20OR%201%3D1--",
];

const HOSTILE_BODIES: { type: string; body: string }[] = [
  { type: "application/json", body: "{" },
  { type: "application/json", body: "" },
  { type: "application/json", body: "null" },
  { type: "application/json", body: "[]" },
  { type: "application/json", body: '"text"' },
  { type: "application/json", body: "12345678901234567890123456789" },
  { type: "application/json", body: '{"__proto__":{"admin":true}}' },
  { type: "application/json", body: '{"constructor":{"prototype":{"x":1}}}' },
  { type: "application/json", body: "[".repeat(5000) + "]".repeat(5000) },
  { type: "application/json", body: JSON.stringify({ a: "x".repeat(2_000_000) }) },
  { type: "text/plain", body: "hello" },
  { type: "application/x-www-form-urlencoded", body: "a=1&b=2" },
  { type: "application/json; charset=utf-16", body: "{}" },
  { type: "application/json", body: '{"from":"\u0000","to":["\ud800"],"files":[{"path":"../x","text":1}]}' },
];

function fill(path: string, segment: string): string {
  return path.replace(/\{[^}]+\}/g, segment);
}

async function send(
  method: string,
  url: string,
  init: RequestInit & { headers?: Record<string, string> } = {},
) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 20_000);
  try {
    const res = await fetch(url, { method, ...init, signal: controller.signal, redirect: "manual" });
    const text = await res.text();
    return { status: res.status, text, type: res.headers.get("content-type") ?? "" };
  } finally {
    clearTimeout(timer);
  }
}

function expectClean(r: { status: number; text: string }, what: string): void {
  seen.set(r.status, (seen.get(r.status) ?? 0) + 1);
  expect(r.status, `${what} -> ${r.status}: ${r.text.slice(0, 300)}`).toBeLessThan(500);
  expect(r.text, what).not.toMatch(/\n\s+at [\w.<>]+ \(|node:internal|\.ts:\d+:\d+/);
}

describe("the API under hostile input", () => {
  it("lists every route in the OpenAPI document", () => {
    expect(operations.length).toBeGreaterThan(30);
  });

  it("signs the fuzzer in for real", async () => {
    const r = await send("GET", `${server.url}/api/v1/versions`, {
      headers: { authorization: `Bearer ${await server.token("admin")}` },
    });
    expect(r.status).toBe(200);
  });

  it("refuses anonymous requests on every non-public route", async () => {
    for (const op of operations) {
      if (op.access === "public") continue;
      const r = await send(op.method, server.url + fill(op.path, "1"), {
        headers: { "content-type": "application/json" },
        body: op.method === "GET" ? undefined : "{}",
      });
      expect(r.status, `${op.method} ${op.path}`).toBe(401);
    }
  });

  it("answers hostile path parameters and queries with a 4xx", async () => {
    const auth = { authorization: `Bearer ${await server.token("admin")}` };
    for (const op of operations.filter((o) => o.path.includes("{"))) {
      for (const seg of HOSTILE_SEGMENTS) {
        const r = await send(op.method, server.url + fill(op.path, seg), {
          headers: { ...auth, "content-type": "application/json" },
          body: op.method === "GET" ? undefined : "{}",
        });
        expectClean(r, `${op.method} ${fill(op.path, seg)}`);
      }
    }
    for (const op of operations.filter((o) => o.method === "GET")) {
      for (const q of [
        "?version=-1",
        "?version=abc",
        "?limit=1e999",
        "?x=1&x=2",
        "?withinDays=%00",
        "?" + "a=1&".repeat(500),
      ]) {
        const r = await send("GET", server.url + fill(op.path, "1") + q, { headers: auth });
        expectClean(r, `GET ${op.path}${q}`);
      }
    }
  }, 120_000);

  it("answers malformed bodies and headers with a 4xx", async () => {
    const token = await server.token("admin");
    for (const op of operations.filter((o) => o.method !== "GET")) {
      for (const b of HOSTILE_BODIES) {
        const r = await send(op.method, server.url + fill(op.path, "1"), {
          headers: { authorization: `Bearer ${token}`, "content-type": b.type },
          body: b.body,
        });
        expectClean(r, `${op.method} ${op.path} with ${b.type} ${b.body.slice(0, 40)}`);
      }
    }
    const hostileHeaders: Record<string, string>[] = [
      { authorization: "Bearer" },
      { authorization: "Basic YWRtaW46YWRtaW4=" },
      { authorization: `Bearer ${"x".repeat(5000)}` },
      { authorization: "Bearer rmp_1_" },
      { cookie: "rampart_session=" + "%".repeat(100) },
      { cookie: "rampart_session=\u00ff" },
      { "x-csrf-token": "x".repeat(10_000) },
    ];
    for (const headers of hostileHeaders) {
      for (const op of operations) {
        const r = await send(op.method, server.url + fill(op.path, "1"), {
          headers,
          body: op.method === "GET" ? undefined : "{}",
        });
        expectClean(r, `${op.method} ${op.path} with ${Object.keys(headers).join()}`);
      }
    }
  }, 180_000);

  it("answers random JSON bodies with a 4xx (property)", async () => {
    const token = await server.token("admin");
    const writes = operations.filter((o) => o.method !== "GET");
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...writes), fc.jsonValue({ maxDepth: 4 }), async (op, value) => {
        const r = await send(op.method, server.url + fill(op.path, "1"), {
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify(value),
        });
        expectClean(r, `${op.method} ${op.path} with ${JSON.stringify(value).slice(0, 80)}`);
      }),
      { numRuns: 300 },
    );
  }, 180_000);
});
