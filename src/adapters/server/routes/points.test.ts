// GET /api/v1/points over real HTTP: the example's points, then a compiled config and a recorded deployment.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../http-client.js";
import { startTestServer, type TestServer } from "../testing.js";
import { type PointSummary } from "./points.js";

interface Answer {
  version: number;
  points: PointSummary[];
}

describe("GET /api/v1/points", () => {
  let server: TestServer;
  let url: string;

  beforeAll(async () => {
    server = await startTestServer();
    url = server.url;
  }, 60_000);

  afterAll(async () => {
    await server?.close();
  });

  it("lists the example's seven points with target, role and zones, nothing compiled yet", async () => {
    const client = new HttpClient(url, await server.token("viewer"));
    const r = await client.get<Answer>("/api/v1/points");
    expect(r.status).toBe(200);
    expect(r.body.version).toBe(1);
    expect(r.body.points).toHaveLength(7);
    const targets = r.body.points.map((p) => p.target).sort();
    expect(targets).toEqual(["aws-sg", "cisco-asa", "cisco-ios", "iptables", "junos", "k8s", "nftables"]);
    for (const p of r.body.points) {
      expect(p.zones.length, p.name).toBeGreaterThan(0);
      expect(p.config, p.name).toBeNull();
      expect(p.deployment, p.name).toBeNull();
    }
    expect(r.body.points.filter((p) => p.role === "host")).toHaveLength(2);
  });

  it("shows the stored config after compiling and the deployment after recording it", async () => {
    const operator = new HttpClient(server.url, await server.token("operator"));
    const first = (await new HttpClient(url, await server.token("viewer")).get<Answer>("/api/v1/points")).body
      .points[0]!;
    const compiled = await operator.post<{ points: { configId: number | null }[] }>("/api/v1/compile", {
      point: first.name,
    });
    expect(compiled.status).toBe(200);
    const configId = compiled.body.points[0]!.configId!;
    expect(configId).toBeGreaterThan(0);
    const recorded = await operator.post<{ id: number }>("/api/v1/deployments", { configId });
    expect(recorded.status).toBe(201);

    const r = await new HttpClient(url, await server.token("viewer")).get<Answer>("/api/v1/points");
    const p = r.body.points.find((x) => x.name === first.name)!;
    expect(p.config).toMatchObject({ id: configId, proven: true, target: first.target });
    expect(p.deployment).toMatchObject({ id: recorded.body.id, configId, state: "recorded", versionId: 1 });
    expect(r.body.points.filter((x) => x.config !== null)).toHaveLength(1);
  });

  it("answers 404 for a version that does not exist and 400 for a bad one", async () => {
    const client = new HttpClient(url, await server.token("viewer"));
    expect((await client.get("/api/v1/points?version=99")).status).toBe(404);
    expect((await client.get("/api/v1/points?version=abc")).status).toBe(400);
  });

  it("refuses a caller without a token", async () => {
    expect((await new HttpClient(url).get("/api/v1/points")).status).toBe(401);
  });
});
