import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPolicy } from "../../../app/open-policy.js";
import { readPolicyRepository } from "../../fs/policy-files.js";
import { ACME, startTestServer, type TestServer } from "../testing.js";
import { graphRoutes, policyGraph } from "./graph.js";

async function acme() {
  const files = await readPolicyRepository(ACME, process.cwd());
  if (!files.ok) throw new Error(files.message);
  return openPolicy(files.files.sources, { today: "2026-03-02" });
}

describe("policyGraph", () => {
  it("places each asset in its zone with its owner, criticality, data and applications", async () => {
    const g = policyGraph(await acme());
    const shopWeb = g.assets.find((a) => a.name === "shop-web-1");
    expect(shopWeb).toMatchObject({ zone: "dmz", owner: "shop-team", criticality: "high", data: ["public"] });
    expect(shopWeb?.applications).toEqual(["shop"]);
    expect(g.zones.map((z) => z.name)).toContain("guest-wifi");
    expect(g.applications.find((a) => a.name === "shop")?.tiers[0]).toEqual({
      name: "web",
      assets: ["shop-web-1", "shop-web-2"],
    });
  });

  it("expands application tiers and zones of a flow into graph nodes", async () => {
    const g = policyGraph(await acme());
    const flow = g.flows.find((f) => f.name === "internet-to-shop-web");
    expect(flow?.fromNodes).toEqual(["zone:internet"]);
    expect(flow?.toNodes).toEqual(["asset:shop-web-1", "asset:shop-web-2"]);
    expect(flow?.to).toEqual(["app:shop/web"]);
  });

  it("lists enforcement points with every zone when a point stands between all of them", async () => {
    const g = policyGraph(await acme());
    const edge = g.points.find((p) => p.name === "edge-fw");
    expect(edge?.target).toBe("nftables");
    expect(edge?.zones.length).toBe(g.zones.length);
  });
});

describe("GET /api/v1/graph over HTTP", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.close());

  it("answers the current version's graph to a policy reader and refuses an anonymous caller", async () => {
    // The route is wired in compose.ts; until then this test also proves graphRoutes builds a valid spec.
    expect(graphRoutes({ open: async () => undefined }).map((r) => r.path)).toEqual(["/api/v1/graph"]);
    const token = await server.token("viewer");
    const ok = await fetch(`${server.url}/api/v1/graph`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { version: number; assets: unknown[]; points: unknown[] };
    expect(body.version).toBe(1);
    expect(body.assets.length).toBeGreaterThan(10);
    const anonymous = await fetch(`${server.url}/api/v1/graph`);
    expect(anonymous.status).toBe(401);
  });

  it("answers 404 for a version that does not exist", async () => {
    const token = await server.token("viewer");
    const r = await fetch(`${server.url}/api/v1/graph?version=99`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(r.status).toBe(404);
  });
});
