// The console's data routes over real HTTP: the live risk check answers like filing would, and stores nothing.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../http-client.js";
import { startTestServer, type TestServer } from "../testing.js";

interface CheckAnswer {
  flow: string;
  risk: { score: number; level: string; opened: string[]; findings: { code: string }[]; versionId: number };
}

const ASK = { from: ["zone:branch"], to: ["asset:hq-print-1"], services: ["https"] };

describe("POST /api/v1/requests/check", () => {
  let server: TestServer;
  let url: string;

  beforeAll(async () => {
    server = await startTestServer();
    url = server.url;
  }, 60_000);

  afterAll(async () => {
    await server?.close();
  });

  it("answers the risk and the packets the request would open without storing a request", async () => {
    const requester = new HttpClient(url, await server.token("requester"));
    const r = await requester.post<CheckAnswer>("/api/v1/requests/check", ASK);
    expect(r.status).toBe(200);
    expect(r.body.flow).toBe("request-1");
    expect(r.body.risk.opened.length).toBeGreaterThan(0);
    expect(r.body.risk.score).toBeGreaterThanOrEqual(0);
    expect(["low", "medium", "high", "critical"]).toContain(r.body.risk.level);
    expect(await server.services.requests.list()).toEqual([]);
  });

  it("gives the same score as filing the request", async () => {
    const requester = new HttpClient(url, await server.token("requester"));
    const checked = await requester.post<CheckAnswer>("/api/v1/requests/check", {
      ...ASK,
      justification: "Branch staff print to the head office printer",
    });
    const filed = await server.services.requests.create("someone", {
      ...ASK,
      justification: "Branch staff print to the head office printer",
    });
    expect(filed.ok).toBe(true);
    if (filed.ok) expect(checked.body.risk.score).toBe(filed.risk.score);
  });

  it("answers a reference the policy does not know as a 422 with the diagnostics", async () => {
    const requester = new HttpClient(url, await server.token("requester"));
    const r = await requester.post<{ error: { code: string; message: string } }>("/api/v1/requests/check", {
      ...ASK,
      to: ["asset:no-such-asset"],
    });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe("invalid-input");
    expect(r.body.error.message).toContain("no-such-asset");
  });

  it("refuses a caller without request:create", async () => {
    const viewer = new HttpClient(url, await server.token("viewer"));
    const r = await viewer.post("/api/v1/requests/check", ASK);
    expect(r.status).toBe(403);
  });

  it("rejects an incomplete body as a 400 naming the field", async () => {
    const requester = new HttpClient(url, await server.token("requester"));
    const r = await requester.post<{ error: { message: string } }>("/api/v1/requests/check", {
      from: ["any"],
    });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain("body.to");
  });
});
