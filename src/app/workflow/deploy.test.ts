import { beforeAll, describe, expect, it } from "vitest";
import type { PolicyFile } from "../store.js";
import { Deployments } from "./deploy.js";
import { removeFlow } from "./policy-edit.js";
import { type AcmeSetup, acmeSetup } from "./testing/deploy-fixture.js";

const POINTS = ["edge-fw", "core-fw", "dc-fw", "lyon-rtr", "ot-fw", "aws-vpc", "eks-shop"];
const HAND_ADDED = "-A RAMPART-FWD -s 10.8.0.0/21 -d 10.20.11.5/32 -p tcp -m tcp --dport 5432 -j ACCEPT";

const asUpload = (files: readonly PolicyFile[]) => files.map((f) => ({ name: f.path, text: f.text }));

function withHandAddedRule(files: readonly PolicyFile[]): { name: string; text: string }[] {
  return asUpload(files).map((f) =>
    f.name.endsWith(".rules.v4")
      ? { ...f, text: f.text.replace(/(--ctstate RELATED,ESTABLISHED -j ACCEPT\n)/, `$1${HAND_ADDED}\n`) }
      : f,
  );
}

describe("Deployments on acme", () => {
  let setup: AcmeSetup;
  let deployments: Deployments;
  const marked: number[] = [];

  beforeAll(async () => {
    setup = await acmeSetup();
    deployments = new Deployments(setup.store, setup.audit, setup.clock, setup.versions, {
      markImplemented: async (id) => {
        marked.push(id);
        await setup.store.requests.update(id, { state: "implemented" });
      },
    });
  });

  it("compile stores every proven point's configuration and reports each point", async () => {
    const r = await deployments.compile("olivia");
    if (!r.ok) throw new Error(r.message);
    expect(r.versionId).toBe(setup.versionId);
    expect(r.points.map((p) => p.point)).toEqual(POINTS);
    const proven = r.points.filter((p) => p.status === "proven");
    expect(proven.length).toBeGreaterThan(0);
    for (const p of r.points) expect(p.configId !== null).toBe(p.status === "proven");
    const stored = await setup.store.configs.list({ versionId: setup.versionId });
    expect(stored.map((c) => c.point).sort()).toEqual(proven.map((p) => p.point).sort());
    const core = r.points.find((p) => p.point === "core-fw")!;
    expect(core.files.map((f) => f.name)).toEqual(["core-fw.rules.v4", "core-fw.rules.v6", "core-fw.ipset"]);
    expect(core.files[0]!.lines).toBeGreaterThan(10);
    const audit = await setup.store.audit.list({ action: "config.compile" });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: "olivia", target: `version:${setup.versionId}` });
  });

  it("compiling again stores nothing new while the output is the same", async () => {
    const before = (await setup.store.configs.list()).length;
    const r = await deployments.compile("olivia", { point: "core-fw" });
    if (!r.ok) throw new Error(r.message);
    expect(r.points).toHaveLength(1);
    const first = (await setup.store.configs.list({ point: "core-fw" }))[0]!;
    expect(r.points[0]!.configId).toBe(first.id);
    expect((await setup.store.configs.list()).length).toBe(before);
  });

  it("plan shows a point as new, then unchanged once its configuration is recorded", async () => {
    const first = await deployments.plan("olivia", { point: "core-fw" });
    if (!first.ok) throw new Error(first.message);
    expect(first.deployment).toBeNull();
    expect(first.plan.status).toBe("new");
    expect(first.plan.becomeAllowed.length).toBeGreaterThan(0);

    const config = (await setup.store.configs.list({ point: "core-fw" }))[0]!;
    const rec = await deployments.record("olivia", { configId: config.id, note: "Change window CHG-1" });
    if (!rec.ok) throw new Error(rec.message);
    expect(rec.deployment).toMatchObject({ point: "core-fw", state: "recorded", recordedBy: "olivia" });
    const audit = await setup.store.audit.list({ action: "deployment.record" });
    expect(audit.map((e) => e.target)).toEqual([`deployment:${rec.deployment.id}`]);

    const second = await deployments.plan("olivia", { point: "core-fw" });
    if (!second.ok) throw new Error(second.message);
    expect(second.deployment?.id).toBe(rec.deployment.id);
    expect(second.plan).toMatchObject({
      status: "unchanged",
      lines: [],
      becomeAllowed: [],
      becomeDenied: [],
    });
  });

  it("verify passes the compiled text and marks the deployment verified", async () => {
    const d = (await deployments.list("core-fw"))[0]!;
    const config = (await deployments.config(d.configId))!;
    const r = await deployments.verify("olivia", d.id, { files: asUpload(config.files) });
    if (!r.ok) throw new Error(r.message);
    expect(r.report.equivalent).toBe(true);
    expect(r.deployment).toMatchObject({ state: "verified", verifiedAt: "2027-06-15T12:00:00.000Z" });
    expect((await deployments.get(d.id))?.verification).toEqual(r.report);
  });

  it("verify fails a device with a hand-added rule and names a witness packet and the line", async () => {
    const d = (await deployments.list("core-fw"))[0]!;
    const config = (await deployments.config(d.configId))!;
    const r = await deployments.verify("olivia", d.id, { files: withHandAddedRule(config.files) });
    if (!r.ok) throw new Error(r.message);
    expect(r.report.equivalent).toBe(false);
    expect(r.deployment.state).toBe("failed");
    const extra = r.report.allowedNotIntended[0]!;
    expect(extra.witness).toMatch(/^tcp 10\.8\.\S+ -> 10\.20\.11\.5:5432/);
    expect(extra.lines.map((l) => l.text)).toContain(HAND_ADDED);
    const audit = await setup.store.audit.list({ action: "deployment.verify" });
    expect(audit.map((e) => (e.detail as { state: string }).state)).toEqual(["verified", "failed"]);
  });

  it("plan compares only with a deployment recorded or verified, never a failed one", async () => {
    // The newest core-fw deployment failed verification: nothing recorded or verified is left to compare with.
    const r = await deployments.plan("olivia", { point: "core-fw" });
    if (!r.ok) throw new Error(r.message);
    expect(r.deployment).toBeNull();
    expect(r.plan.status).toBe("new");
  });

  it("answers bad input with problems, not exceptions", async () => {
    expect(await deployments.plan("olivia", { point: "nope" })).toMatchObject({
      ok: false,
      code: "not-found",
      message: expect.stringContaining('Unknown enforcement point "nope"'),
    });
    expect(await deployments.compile("olivia", { versionId: 99 })).toMatchObject({ code: "not-found" });
    expect(await deployments.record("olivia", { configId: 999 })).toMatchObject({ code: "not-found" });
    expect(await deployments.record("olivia", { configId: 1, note: "x".repeat(2001) })).toMatchObject({
      code: "invalid-input",
    });
    expect(await deployments.verify("olivia", 999, { files: [{ name: "a", text: "" }] })).toMatchObject({
      code: "not-found",
    });
    expect(await deployments.verify("olivia", 1, { files: [] })).toMatchObject({ code: "invalid-input" });
    expect(
      await deployments.verify("olivia", 1, { files: [{ name: "a", text: "" }], format: "nope" }),
    ).toMatchObject({ code: "invalid-input", message: expect.stringContaining('Unknown format "nope"') });
  });

  it("marks an access request implemented once every point its version changed is verified", async () => {
    const v1 = (await setup.store.versions.get(setup.versionId))!;
    const files = removeFlow(v1.files, "vendor-support-mes");
    if (!Array.isArray(files)) throw new Error(files.message);
    const at = setup.clock.now().toISOString();
    const proposed = await setup.store.versions.create({
      ...{ parentId: v1.id, state: "proposed", author: "rita", createdAt: at, message: "Request #1" },
      ...{ files, diff: null, requestId: null },
    });
    const v2 = (await setup.store.versions.decide(proposed.id, "approved", "alice", at))!;
    const req = await setup.store.requests.create({
      ...{ requester: "rita", createdAt: at, state: "approved", spec: {}, risk: {}, score: 0 },
    });
    await setup.store.requests.update(req.id, { versionId: v2.id });

    const affected = (await deployments.affectedPoints(v2.id))!;
    expect(affected).toContain("ot-fw");
    expect(affected).not.toContain("core-fw");
    const compiled = await deployments.compile("olivia", { versionId: v2.id });
    if (!compiled.ok) throw new Error(compiled.message);
    for (const [i, point] of affected.entries()) {
      const configId = compiled.points.find((p) => p.point === point)!.configId!;
      const rec = await deployments.record("olivia", { configId });
      if (!rec.ok) throw new Error(rec.message);
      const config = (await deployments.config(configId))!;
      const v = await deployments.verify("olivia", rec.deployment.id, { files: asUpload(config.files) });
      if (!v.ok) throw new Error(v.message);
      expect(v.implemented).toEqual(i === affected.length - 1 ? [req.id] : []);
    }
    expect(marked).toEqual([req.id]);
  });
});
