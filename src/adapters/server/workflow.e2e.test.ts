// The change workflow end to end over real HTTP, on SQLite and on PostgreSQL: a requester asks for access, the
// risk check answers, an approver approves, the change is a new version in force, an operator compiles and plans
// the points it changes, records the deployment and verifies it, and the request is implemented.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshSchema, postgresUnavailable } from "../store/testing/postgres.js";
import { HttpClient } from "./http-client.js";
import { startTestServer, type TestServer } from "./testing.js";

interface Backend {
  readonly name: string;
  readonly skip: string | undefined;
  readonly start: () => Promise<{ server: TestServer; cleanup: () => Promise<void> }>;
}

const pgSkip = await postgresUnavailable();
const backends: Backend[] = [
  {
    name: "sqlite",
    skip: undefined,
    start: async () => ({ server: await startTestServer(), cleanup: async () => undefined }),
  },
  {
    name: "postgres",
    skip: pgSkip,
    start: async () => {
      const schema = freshSchema();
      return { server: await startTestServer({ store: schema.options }), cleanup: schema.cleanup };
    },
  },
];

interface PointOutcome {
  point: string;
  status: string;
  configId: number | null;
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(
    `the change workflow on ${backend.name}${backend.skip ? ` (skipped: ${backend.skip})` : ""}`,
    () => {
      let server: TestServer;
      let cleanup: () => Promise<void>;
      beforeAll(async () => {
        ({ server, cleanup } = await backend.start());
      }, 60_000);
      afterAll(async () => {
        await server?.close();
        await cleanup?.();
      });

      it("goes from a request to a verified deployment and an implemented request", async () => {
        const requester = new HttpClient(server.url, await server.token("requester"));
        const approver = new HttpClient(server.url, await server.token("approver"));
        const operator = new HttpClient(server.url, await server.token("operator"));

        const asked = await requester.post<{ id: number; score: number; risk: { opened: string[] } }>(
          "/api/v1/requests",
          {
            from: ["zone:branch"],
            to: ["asset:hq-print-1"],
            services: ["https"],
            justification: "Branch staff print to the head office printer",
            until: "2026-12-31",
          },
        );
        expect(asked.status).toBe(201);
        expect(asked.body.risk.opened.length).toBeGreaterThan(0);

        const approved = await approver.post<{ version: { id: number; state: string } }>(
          `/api/v1/requests/${asked.body.id}/approve`,
          { note: "Fine" },
        );
        expect(approved.status).toBe(200);
        expect(approved.body.version.state).toBe("approved");
        const current = await requester.get<{ id: number }>("/api/v1/versions/current");
        expect(current.body.id).toBe(approved.body.version.id);
        const reach = await requester.post<{ verdict: string }>("/api/v1/reach", {
          from: "zone:branch",
          to: "asset:hq-print-1",
          services: ["https"],
        });
        expect(reach.body.verdict).toBe("allow");

        const diff = await requester.get<{ report: { becomeAllowed: string[] } }>(
          `/api/v1/versions/${approved.body.version.id}/diff`,
        );
        expect(diff.status).toBe(200);

        const compiled = await operator.post<{ points: PointOutcome[] }>("/api/v1/compile", {});
        expect(compiled.status).toBe(200);
        const proven = compiled.body.points.filter((p) => p.status === "proven" && p.configId !== null);
        expect(proven.length).toBeGreaterThan(0);

        for (const p of proven) {
          const plan = await operator.get<{ plan: { status: string } }>(`/api/v1/points/${p.point}/plan`);
          expect(plan.body.plan.status, p.point).toBe("new");
          const config = await operator.get<{ files: { path: string; text: string }[] }>(
            `/api/v1/configs/${p.configId}`,
          );
          const recorded = await operator.post<{ id: number }>("/api/v1/deployments", {
            configId: p.configId,
            note: "change window 42",
          });
          expect(recorded.status).toBe(201);
          const verified = await operator.post<{ deployment: { state: string } }>(
            `/api/v1/deployments/${recorded.body.id}/verify`,
            { files: config.body.files.map((f) => ({ name: f.path, text: f.text })) },
          );
          expect(verified.body.deployment.state, p.point).toBe("verified");
          const after = await operator.get<{ plan: { status: string } }>(`/api/v1/points/${p.point}/plan`);
          expect(after.body.plan.status, p.point).toBe("unchanged");
        }
        const request = await requester.get<{ state: string }>(`/api/v1/requests/${asked.body.id}`);
        expect(request.body.state).toBe("implemented");

        const audit = await operator.get<{ ok: boolean; entries: number }>("/api/v1/audit/verify");
        expect(audit.body.ok).toBe(true);
        const actions = await operator.get<{ entries: { action: string }[] }>("/api/v1/audit?limit=1000");
        const seen = new Set(actions.body.entries.map((e) => e.action));
        for (const a of [
          "request.create",
          "request.approve",
          "config.compile",
          "deployment.record",
          "deployment.verify",
        ])
          expect(seen, a).toContain(a);
      }, 120_000);
    },
  );
}
