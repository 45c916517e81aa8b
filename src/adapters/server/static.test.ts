import type { FastifyInstance } from "fastify";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "./app.js";
import { defaultConsoleDir, registerConsole } from "./static.js";

const INDEX = '<!doctype html><script type="module" src="/assets/index-abc123.js"></script>';
let dir: string;
let app: FastifyInstance;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "rampart-console-"));
  mkdirSync(join(dir, "assets"));
  writeFileSync(join(dir, "index.html"), INDEX);
  writeFileSync(join(dir, "assets", "index-abc123.js"), "console.log(1)");
  writeFileSync(join(dir, "favicon.svg"), "<svg/>");
  app = await buildServer({
    routes: [],
    version: "test",
    authenticator: {
      session: async () => ({ reason: "none" }),
      token: async () => ({ reason: "none" }),
    },
  });
  expect(await registerConsole(app, dir)).toBe(true);
});

afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("registerConsole", () => {
  it("serves index.html at / without caching, under the server's CSP", async () => {
    const r = await app.inject({ method: "GET", url: "/" });
    expect(r.statusCode).toBe(200);
    expect(r.body).toBe(INDEX);
    expect(r.headers["content-type"]).toMatch(/text\/html/);
    expect(r.headers["cache-control"]).toBe("no-cache");
    expect(r.headers["content-security-policy"]).toContain("default-src 'self'");
  });

  it("answers a console route (deep link) with index.html", async () => {
    for (const url of ["/matrix", "/admin/users?x=1", "/login"]) {
      const r = await app.inject({ method: "GET", url });
      expect(r.statusCode, url).toBe(200);
      expect(r.body, url).toBe(INDEX);
    }
  });

  it("caches hashed assets for a year and other files not at all", async () => {
    const asset = await app.inject({ method: "GET", url: "/assets/index-abc123.js" });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(asset.headers["content-type"]).toMatch(/javascript/);
    const icon = await app.inject({ method: "GET", url: "/favicon.svg" });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers["cache-control"]).toBe("no-cache");
  });

  it("keeps the API's JSON 404 for unknown API paths and missing files", async () => {
    for (const url of ["/api/v1/nothing", "/assets/gone-123.js", "/robots.txt"]) {
      const r = await app.inject({ method: "GET", url });
      expect(r.statusCode, url).toBe(404);
      expect(r.json(), url).toMatchObject({ error: { code: "not-found" } });
    }
  });

  it("leaves the server's own routes alone", async () => {
    expect((await app.inject({ method: "GET", url: "/healthz" })).json()).toEqual({ status: "ok" });
    expect((await app.inject({ method: "GET", url: "/api/openapi.json" })).json()).toHaveProperty("openapi");
  });

  it("registers nothing when the console is not built", async () => {
    const empty = mkdtempSync(join(tmpdir(), "rampart-console-"));
    const other = await buildServer({
      routes: [],
      version: "test",
      authenticator: { session: async () => ({ reason: "x" }), token: async () => ({ reason: "x" }) },
    });
    try {
      expect(await registerConsole(other, empty)).toBe(false);
      expect((await other.inject({ method: "GET", url: "/" })).statusCode).toBe(404);
    } finally {
      await other.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("finds the built console in dist/web from the source tree", () => {
    expect(defaultConsoleDir().replaceAll("\\", "/")).toMatch(/\/dist\/web$/);
  });
});
