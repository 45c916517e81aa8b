import { describe, expect, it } from "vitest";
import { AuditLog, type Clock } from "../audit.js";
import { PolicyCache } from "../policy-cache.js";
import type { PolicyFile, Store } from "../store.js";
import { testStore } from "./testing/store.js";
import { PolicyVersions } from "./versions.js";

/** The store under test; switch to openStore({}) to run on SQLite. */
const makeStore = (): Promise<Store> => testStore();

const clock: Clock = { now: () => new Date("2026-06-01T10:00:00Z") };

const policy = (services: string): PolicyFile[] => [
  {
    path: "zones.yaml",
    text: 'zones:\n  inside: { networks: ["10.0.0.0/8"] }\n  outside: { networks: ["0.0.0.0/0"] }\n',
  },
  {
    path: "flows.yaml",
    text: `# Outbound web\nflows:\n  - name: web\n    from: zone:inside\n    to: zone:outside\n    services: [${services}]\n`,
  },
];

async function setup() {
  const store = await makeStore();
  const versions = new PolicyVersions(store, new AuditLog(store, clock), clock, new PolicyCache());
  const first = await versions.bootstrap("admin", policy("https"), "Initial policy");
  if (!first.ok) throw new Error(first.message);
  return { store, versions, first: first.version };
}

const actions = async (store: Store) =>
  (await store.audit.list()).map((e) => `${e.actor} ${e.action} ${e.outcome}`);

describe("PolicyVersions", () => {
  it("bootstraps the first version approved at once, and only once", async () => {
    const { store, versions, first } = await setup();
    expect(first).toMatchObject({
      id: 1,
      state: "approved",
      parentId: null,
      author: "admin",
      decidedBy: "admin",
    });
    expect((await versions.current())?.opened.counts.flows).toBe(1);
    expect(await versions.bootstrap("admin", policy("http"), "Again")).toMatchObject({
      ok: false,
      code: "conflict",
    });
    expect(await actions(store)).toEqual(["admin version.bootstrap success"]);
  });

  it("stores a proposal on top of the current version with its semantic diff, and audits it", async () => {
    const { store, versions } = await setup();
    const r = await versions.propose(
      "alice",
      { files: policy("https, ssh"), message: "Add ssh" },
      { address: "192.0.2.7" },
    );
    expect(r.ok).toBe(true);
    const v = r.ok ? r.version : undefined!;
    expect(v).toMatchObject({ state: "proposed", parentId: 1, author: "alice", message: "Add ssh" });
    expect((v.diff as { becomeAllowed: string[] }).becomeAllowed.join("\n")).toContain("tcp/22");
    const last = (await store.audit.list()).at(-1)!;
    expect(last).toMatchObject({
      actor: "alice",
      action: "version.propose",
      target: "version:2",
      clientAddress: "192.0.2.7",
    });
    expect((await versions.current())?.record.id).toBe(1);
  });

  it("does not let the author approve their own change, whatever the case of the name", async () => {
    const { store, versions } = await setup();
    const p = await versions.propose("alice", { files: policy("ssh"), message: "ssh only" });
    const id = p.ok ? p.version.id : 0;
    expect(await versions.approve("Alice", id)).toMatchObject({ ok: false, code: "own-change" });
    expect((await store.audit.list()).at(-1)).toMatchObject({
      actor: "Alice",
      action: "version.approve",
      outcome: "denied",
    });
    const ok = await versions.approve("bob", id);
    expect(ok).toMatchObject({ ok: true, version: { state: "approved", decidedBy: "bob" } });
    expect((await versions.current())?.record.id).toBe(id);
  });

  it("refuses to approve a version whose parent is no longer current", async () => {
    const { versions } = await setup();
    const a = await versions.propose("alice", { files: policy("ssh"), message: "a" });
    const b = await versions.propose("carol", { files: policy("http"), message: "b" });
    expect(await versions.approve("bob", a.ok ? a.version.id : 0)).toMatchObject({ ok: true });
    const stale = await versions.approve("bob", b.ok ? b.version.id : 0);
    expect(stale).toMatchObject({ ok: false, code: "stale" });
    expect(!stale.ok && stale.message).toContain("propose the change again on top of the current version");
  });

  it("lets only one of two concurrent approvals on the same parent land", async () => {
    const { versions } = await setup();
    const a = await versions.propose("alice", { files: policy("ssh"), message: "a" });
    const b = await versions.propose("carol", { files: policy("http"), message: "b" });
    const results = await Promise.all([
      versions.approve("bob", a.ok ? a.version.id : 0),
      versions.approve("dave", b.ok ? b.version.id : 0),
    ]);
    expect(results.map((r) => (r.ok ? "ok" : r.code)).sort()).toEqual(["ok", "stale"]);
  });

  it("refuses a policy with errors, with its diagnostics", async () => {
    const { versions } = await setup();
    const files = policy("https").map((f) =>
      f.path === "flows.yaml" ? { ...f, text: f.text.replace("zone:outside", "zone:outsde") } : f,
    );
    const r = await versions.propose("alice", { files, message: "typo" });
    expect(r).toMatchObject({ ok: false, code: "invalid-policy" });
    expect(!r.ok && r.diagnostics?.[0]).toMatchObject({ severity: "error", file: "flows.yaml" });
    expect(!r.ok && r.message).toContain('"outsde"');
  });

  it.each([
    ["/etc/passwd.yaml", "paths are relative"],
    ["../up.yaml", '".."'],
    ["notes.txt", ".yaml or .yml"],
    [".hidden.yaml", 'starts with "."'],
  ])("refuses the file path %s", async (path, words) => {
    const { versions } = await setup();
    const r = await versions.propose("alice", {
      files: [...policy("https"), { path, text: "" }],
      message: "x",
    });
    expect(r).toMatchObject({ ok: false, code: "invalid-input" });
    expect(!r.ok && r.message).toContain(words);
  });

  it("refuses too many files, too many bytes, and an empty message", async () => {
    const { versions } = await setup();
    const many = Array.from({ length: 501 }, (_, i) => ({ path: `f${i}.yaml`, text: "" }));
    expect(await versions.propose("alice", { files: many, message: "x" })).toMatchObject({
      code: "invalid-input",
    });
    const big = [{ path: "big.yaml", text: "#".repeat(5 * 1024 * 1024 + 1) }];
    const r = await versions.propose("alice", { files: big, message: "x" });
    expect(!r.ok && r.message).toContain("5 MB");
    expect(await versions.propose("alice", { files: policy("ssh"), message: " " })).toMatchObject({
      code: "invalid-input",
    });
  });

  it("rejects a proposal, which then cannot be approved", async () => {
    const { store, versions } = await setup();
    const p = await versions.propose("alice", { files: policy("ssh"), message: "ssh" });
    const id = p.ok ? p.version.id : 0;
    expect(await versions.reject("bob", id, "Use the jump hosts")).toMatchObject({
      ok: true,
      version: { state: "rejected" },
    });
    expect(await versions.approve("bob", id)).toMatchObject({ ok: false, code: "not-proposed" });
    expect((await store.audit.list({ action: "version.reject" }))[0]?.detail).toEqual({
      note: "Use the jump hosts",
    });
    expect(await versions.approve("bob", 99)).toMatchObject({ ok: false, code: "not-found" });
  });

  it("restores an old version as a new proposal that still needs a second person", async () => {
    const { versions } = await setup();
    const p = await versions.propose("alice", { files: policy("ssh"), message: "ssh" });
    await versions.approve("bob", p.ok ? p.version.id : 0);
    expect(await versions.restore("alice", 2)).toMatchObject({ ok: false, code: "conflict" });
    const r = await versions.restore("alice", 1, "Back to https");
    expect(r).toMatchObject({
      ok: true,
      version: { id: 3, parentId: 2, state: "proposed", message: "Back to https" },
    });
    expect(await versions.approve("alice", 3)).toMatchObject({ code: "own-change" });
    expect(await versions.approve("bob", 3)).toMatchObject({ ok: true });
    expect((await versions.current())?.record.files).toEqual(policy("https"));
  });

  it("compares any two versions, and a first version with the empty policy", async () => {
    const { versions } = await setup();
    await versions.propose("alice", { files: policy("ssh"), message: "ssh" });
    const d = await versions.diff(1, 2);
    expect(d.ok && d.report.becomeAllowed.join()).toContain("tcp/22");
    expect(d.ok && d.report.becomeDenied.join()).toContain("tcp/443");
    const parent = await versions.diff(null, 2);
    expect(parent.ok && parent.report.becomeAllowed).toEqual(d.ok && d.report.becomeAllowed);
    const first = await versions.diff(null, 1);
    expect(first.ok && first.report.becomeAllowed.join()).toContain("tcp/443");
    expect(await versions.diff(1, 9)).toMatchObject({ ok: false, code: "not-found" });
  });
});
