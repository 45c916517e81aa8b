import { describe, expect, it } from "vitest";
import { AuditLog, type Clock } from "../audit.js";
import { PolicyCache } from "../policy-cache.js";
import type { Store } from "../store.js";
import { addFlow } from "./policy-edit.js";
import { isProblem } from "./problem.js";
import { AccessRequests, type StoredRisk } from "./requests.js";
import { ACME_FILES } from "./testing/acme-files.js";
import { testStore } from "./testing/store.js";
import { PolicyVersions } from "./versions.js";

/** The store under test; switch to openStore({}) to run on SQLite. */
const makeStore = (): Promise<Store> => testStore();

const clock: Clock = { now: () => new Date("2026-06-01T10:00:00Z") };
// Every store below starts with acme as version 1, so one cache serves them all (acme opens once).
const cache = new PolicyCache();

async function setup() {
  const store = await makeStore();
  const versions = new PolicyVersions(store, new AuditLog(store, clock), clock, cache);
  const boot = await versions.bootstrap("admin", ACME_FILES, "Acme");
  if (!boot.ok) throw new Error(boot.message);
  const requests = new AccessRequests(store, new AuditLog(store, clock), clock, versions);
  return { store, versions, requests };
}

const PRINT = {
  from: ["zone:branch"],
  to: ["asset:hq-print-1"],
  services: ["https"],
  justification: "Lyon prints on the HQ printer: it has the big trays",
  until: "2026-09-30",
  ticket: "CHG-9",
};

async function filed(requests: AccessRequests, spec: object = PRINT, who = "rita") {
  const r = await requests.create(who, spec, { address: "192.0.2.9" });
  if (!r.ok) throw new Error(r.message);
  return r.request;
}

describe("AccessRequests.create", () => {
  it("stores a pending request with its risk check and the packets it opens, and audits it", async () => {
    const { store, requests } = await setup();
    const req = await filed(requests);
    expect(req).toMatchObject({ id: 1, requester: "rita", state: "pending", versionId: null });
    const risk = req.risk as StoredRisk;
    expect(risk).toMatchObject({ level: "low", versionId: 1, flow: "request-1" });
    expect(req.score).toBe(risk.score);
    expect(risk.opened).toEqual(["tcp/443 from 10.11.0.0/16 to 10.10.30.10"]);
    expect(req.spec).toEqual(PRINT);
    expect((await store.audit.list()).at(-1)).toMatchObject({
      actor: "rita",
      action: "request.create",
      target: "request:1",
      clientAddress: "192.0.2.9",
    });
  });

  it("scores guest Wi-Fi asking for the card vault high, with the denies that keep it closed", async () => {
    const { requests } = await setup();
    const req = await filed(requests, {
      from: ["zone:guest-wifi"],
      to: ["app:payments/db"],
      services: ["postgres"],
      justification: "The guest kiosk wants to read card data",
    });
    const risk = req.risk as StoredRisk;
    expect(risk.level).toBe("critical");
    expect(risk.findings.map((f) => f.code)).toEqual(
      expect.arrayContaining(["deny-conflict", "untrusted-to-sensitive"]),
    );
    expect(risk.opened).toEqual([]);
  });

  it("refuses unknown references with the diagnostics that name them", async () => {
    const { requests } = await setup();
    const r = await requests.create("rita", { ...PRINT, to: ["asset:no-such-printer"] });
    expect(r).toMatchObject({ ok: false, code: "invalid-input" });
    expect(!r.ok && r.message).toContain('"no-such-printer"');
    expect(!r.ok && r.diagnostics?.length).toBeGreaterThan(0);
  });

  it.each([
    [{ ...PRINT, justification: "because" }, '"justification"'],
    [{ ...PRINT, until: "2026-05-31" }, "in the past"],
    [{ ...PRINT, until: "2026-02-30" }, "YYYY-MM-DD"],
    [{ ...PRINT, from: [] }, '"from"'],
    [{ ...PRINT, extra: 1 }, '"extra"'],
    ["not an object", "expected an object"],
  ])("refuses a malformed request (%#)", async (spec, words) => {
    const { requests } = await setup();
    const r = await requests.create("rita", spec);
    expect(r).toMatchObject({ ok: false, code: "invalid-input" });
    expect(!r.ok && r.message).toContain(words);
  });
});

describe("AccessRequests decisions", () => {
  it("does not let the requester approve their own request, and audits the attempt", async () => {
    const { store, requests } = await setup();
    await filed(requests);
    expect(await requests.approve("RITA", 1)).toMatchObject({ ok: false, code: "own-change" });
    expect((await store.audit.list()).at(-1)).toMatchObject({
      actor: "RITA",
      action: "request.approve",
      outcome: "denied",
    });
    expect((await requests.get(1))?.state).toBe("pending");
  });

  it("turns an approval into a new policy version in force, authored by the requester", async () => {
    const { store, versions, requests } = await setup();
    await filed(requests);
    const r = await requests.approve("alice", 1, "Fine for the summer");
    if (!r.ok) throw new Error(r.message);
    expect(r.request).toMatchObject({
      state: "approved",
      decidedBy: "alice",
      versionId: 2,
      decisionNote: "Fine for the summer",
    });
    expect(r.version).toMatchObject({
      id: 2,
      parentId: 1,
      state: "approved",
      author: "rita",
      decidedBy: "alice",
      requestId: 1,
      message: `Access request #1: ${PRINT.justification}`,
    });
    const current = await versions.current();
    const flow = current?.opened.loaded.policy.flows.find((f) => f.name === "request-1");
    expect(flow).toMatchObject({ owner: "rita", ticket: "CHG-9", justification: PRINT.justification });
    expect(flow?.expires?.value).toBe("2026-09-30");
    expect((r.version.diff as { becomeAllowed: string[] }).becomeAllowed).toEqual([
      "tcp/443 from 10.11.0.0/16 to 10.10.30.10",
    ]);
    const trail = (await store.audit.list()).map((e) => `${e.actor} ${e.action} ${e.target}`);
    expect(trail.slice(-2)).toEqual(["alice version.approve version:2", "alice request.approve request:1"]);
    expect(await requests.approve("bob", 1)).toMatchObject({ ok: false, code: "conflict" });
  });

  it("lands two approvals made at once one on top of the other, neither lost", async () => {
    const { versions, requests } = await setup();
    await filed(requests);
    await filed(requests, { ...PRINT, from: ["zone:corp"] }, "sam");
    const [a, b] = await Promise.all([requests.approve("alice", 1), requests.approve("bob", 2)]);
    expect(a.ok && b.ok).toBe(true);
    const ids = [a, b].map((r) => (r.ok ? r.version.id : 0)).sort();
    expect(ids).toEqual([2, 3]);
    const names = (await versions.current())!.opened.loaded.policy.flows.map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(["request-1", "request-2"]));
    expect((await versions.current())!.record.parentId).toBe(2);
  });

  it("checks the risk again against the version in force at approval", async () => {
    const { versions, requests } = await setup();
    await filed(requests);
    // Meanwhile a deny closes what the request asks for.
    const deny = ACME_FILES.map((f) =>
      f.path === "denies.yaml"
        ? {
            ...f,
            text: `${f.text}\n  - name: no-https-to-printers\n    from: any\n    to: group:printers\n    services: [https]\n`,
          }
        : f,
    );
    const p = await versions.propose("pat", { files: deny, message: "Printers speak IPP only" });
    expect(p.ok && (await versions.approve("alice", p.version.id)).ok).toBe(true);
    const r = await requests.approve("alice", 1);
    expect(r.ok && r.risk.versionId).toBe(2);
    expect(r.ok && r.risk.findings.map((f) => f.code)).toContain("deny-conflict");
    expect(r.ok && r.version.parentId).toBe(2);
  });

  it("rejects with a note, by someone else only; a rejected request cannot be approved", async () => {
    const { requests } = await setup();
    await filed(requests);
    expect(await requests.reject("rita", 1, "Never mind")).toMatchObject({ code: "own-change" });
    expect(await requests.reject("alice", 1, " ")).toMatchObject({ code: "invalid-input" });
    expect(await requests.reject("alice", 1, "Use the Lyon printer")).toMatchObject({
      ok: true,
      request: { state: "rejected", decisionNote: "Use the Lyon printer" },
    });
    expect(await requests.approve("bob", 1)).toMatchObject({ ok: false, code: "conflict" });
  });

  it("lets only the requester withdraw, and only while pending", async () => {
    const { requests } = await setup();
    await filed(requests);
    expect(await requests.withdraw("alice", 1)).toMatchObject({ ok: false, code: "forbidden" });
    expect(await requests.withdraw("rita", 1)).toMatchObject({ ok: true, request: { state: "withdrawn" } });
    expect(await requests.withdraw("rita", 1)).toMatchObject({ ok: false, code: "conflict" });
    expect(await requests.withdraw("rita", 7)).toMatchObject({ ok: false, code: "not-found" });
  });

  it("marks an approved request implemented, once, and nothing else", async () => {
    const { requests } = await setup();
    await filed(requests);
    expect(await requests.markImplemented(1)).toMatchObject({ ok: false, code: "conflict" });
    await requests.approve("alice", 1);
    expect(await requests.markImplemented(1)).toMatchObject({ ok: true, request: { state: "implemented" } });
    expect(await requests.markImplemented(1)).toMatchObject({ ok: true, request: { state: "implemented" } });
    expect(await requests.markImplemented(5)).toMatchObject({ ok: false, code: "not-found" });
  });

  it("lists requests by state and requester", async () => {
    const { requests } = await setup();
    await filed(requests);
    await filed(requests, { ...PRINT, from: ["zone:corp"] }, "sam");
    await requests.withdraw("sam", 2);
    expect((await requests.list({ state: "pending" })).map((r) => r.id)).toEqual([1]);
    expect((await requests.list({ requester: "sam" })).map((r) => r.state)).toEqual(["withdrawn"]);
  });

  it("names the flow after the request and steps around a name already taken", async () => {
    const { versions, requests } = await setup();
    const taken = addFlow(ACME_FILES, {
      name: "request-1",
      from: ["zone:corp"],
      to: ["zone:servers"],
      services: ["https"],
    });
    if (isProblem(taken)) throw new Error(taken.message);
    const p = await versions.propose("pat", { files: taken, message: "A flow named like a request" });
    await versions.approve("alice", p.ok ? p.version.id : 0);
    await filed(requests);
    const r = await requests.approve("alice", 1);
    expect(r.ok && r.risk.flow).toBe("request-1-2");
  });
});
