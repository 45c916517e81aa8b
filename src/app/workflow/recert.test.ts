import { beforeEach, describe, expect, it } from "vitest";
import { mayDecide, Recertification } from "./recert.js";
import { type AcmeSetup, acmeSetup } from "./testing/deploy-fixture.js";

// acme on 2027-06-15: vendor-support-mes expires on 2027-06-30, hr-legacy-export expired on 2025-03-31,
// shop-app-to-catalog expires on 2027-09-30 and partner-edi-upload on 2027-12-31; the 53 others never do.
const OWNER = { username: "ot-engineering", role: "approver" } as const;
const ADMIN = { username: "pat", role: "policy-admin" } as const;

describe("Recertification on acme", () => {
  let setup: AcmeSetup;
  let recert: Recertification;

  beforeEach(async () => {
    setup = await acmeSetup("2027-06-15");
    recert = new Recertification(setup.store, setup.audit, setup.clock, setup.versions);
  });

  it("due lists flows expiring within the window or expired, soonest first, and those without expiry apart", async () => {
    const r = await recert.due();
    if (!r.ok) throw new Error(r.message);
    expect(r.report).toMatchObject({ today: "2027-06-15", withinDays: 30, versionId: setup.versionId });
    expect(r.report.due.map((f) => [f.name, f.daysLeft])).toEqual([
      ["hr-legacy-export", -806],
      ["vendor-support-mes", 15],
    ]);
    expect(r.report.due[1]).toMatchObject({
      owner: "ot-engineering",
      expires: "2027-06-30",
      ticket: "CHG-2025-0184",
      justification: expect.stringContaining("support contract"),
      file: "flows.yaml",
      line: expect.any(Number),
      lastDecision: null,
    });
    expect(r.report.noExpiry).toHaveLength(53);
    expect(r.report.noExpiry.every((f) => f.expires === null && f.daysLeft === null)).toBe(true);
    const wide = await recert.due({ withinDays: 200 });
    expect(wide.ok && wide.report.due.map((f) => f.name)).toContain("shop-app-to-catalog");
    expect(await recert.due({ withinDays: -1 })).toMatchObject({ code: "invalid-input" });
  });

  it("recertify by the owner makes a new approved version with the new expiry and the comments kept", async () => {
    const r = await recert.recertify(OWNER, "vendor-support-mes", {
      until: "2028-06-15",
      note: "Contract renewed",
    });
    if (!r.ok) throw new Error(r.message);
    expect(r.version).toMatchObject({
      state: "approved",
      parentId: setup.versionId,
      decidedBy: "ot-engineering",
    });
    expect((await setup.versions.current())?.record.id).toBe(r.version.id);
    const before = setup.store.versions.get(setup.versionId);
    const flows = (v: { files: readonly { path: string; text: string }[] }) =>
      v.files.find((f) => f.path === "flows.yaml")!.text;
    const text = flows(r.version);
    expect(text).toMatch(/name: vendor-support-mes[\s\S]*?expires: 2028-06-15/);
    expect(text).not.toContain("expires: 2027-06-30");
    // Every comment line of the old file is still there.
    const comments = (t: string) => t.split("\n").filter((l) => l.trim().startsWith("#"));
    expect(comments(text)).toEqual(comments(flows((await before)!)));
    expect(r.decision).toMatchObject({
      flow: "vendor-support-mes",
      decision: "recertified",
      until: "2028-06-15",
    });
    const audit = await setup.store.audit.list({ action: "flow.recertify" });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: "ot-engineering", target: "flow:vendor-support-mes" });
    const due = await recert.due();
    expect(due.ok && due.report.due.map((f) => f.name)).toEqual(["hr-legacy-export"]);
    const wide = await recert.due({ withinDays: 400 });
    const row = wide.ok ? wide.report.due.find((f) => f.name === "vendor-support-mes") : undefined;
    expect(row?.lastDecision).toMatchObject({ decision: "recertified", decidedBy: "ot-engineering" });
  });

  it("only the owner with recert:decide, a policy admin or an admin may decide", async () => {
    const flow = (await setup.versions.current())!.opened.loaded.policy.flows.find(
      (f) => f.name === "vendor-support-mes",
    )!;
    expect(mayDecide(OWNER, flow)).toBe(true);
    expect(mayDecide(ADMIN, flow)).toBe(true);
    expect(mayDecide({ username: "root", role: "admin" }, flow)).toBe(true);
    expect(mayDecide({ username: "shop-team", role: "approver" }, flow)).toBe(false);
    expect(mayDecide({ username: "ot-engineering", role: "requester" }, flow)).toBe(false);
    expect(mayDecide({ username: "ot-engineering", role: "operator" }, flow)).toBe(false);
    const entries = await setup.store.audit.count();
    const r = await recert.recertify({ username: "shop-team", role: "approver" }, "vendor-support-mes", {
      until: "2028-01-01",
    });
    expect(r).toMatchObject({ ok: false, code: "forbidden" });
    expect(await setup.store.audit.count()).toBe(entries);
  });

  it("recertify refuses dates not after today or beyond a year, expired and unknown flows", async () => {
    const at = (until: string) => recert.recertify(OWNER, "vendor-support-mes", { until });
    expect(await at("2027-06-15")).toMatchObject({
      code: "invalid-input",
      message: expect.stringMatching(/after today/),
    });
    expect(await at("2028-06-16")).toMatchObject({
      code: "invalid-input",
      message: expect.stringMatching(/one year/),
    });
    expect(await at("soon")).toMatchObject({ code: "invalid-input" });
    expect(await recert.recertify(ADMIN, "hr-legacy-export", { until: "2027-12-31" })).toMatchObject({
      code: "conflict",
      message: expect.stringContaining("expired on 2025-03-31"),
    });
    expect(await recert.recertify(ADMIN, "nope", { until: "2027-12-31" })).toMatchObject({
      code: "not-found",
    });
    expect((await setup.versions.current())?.record.id).toBe(setup.versionId);
  });

  it("letExpire records the decision, audits it and leaves the policy as it is", async () => {
    const r = await recert.letExpire(ADMIN, "shop-app-to-catalog", "Migration finishes on time");
    if (!r.ok) throw new Error(r.message);
    expect(r.decision).toMatchObject({
      decision: "expire",
      until: null,
      versionId: setup.versionId,
      decidedBy: "pat",
    });
    expect((await setup.versions.current())?.record.id).toBe(setup.versionId);
    expect(await setup.store.audit.list({ action: "flow.let-expire" })).toHaveLength(1);
    expect((await recert.decisions("shop-app-to-catalog")).map((d) => d.decision)).toEqual(["expire"]);
    expect(await recert.letExpire(ADMIN, "shop-web-to-app")).toMatchObject({
      code: "invalid-input",
      message: expect.stringContaining("has no expiry date"),
    });
  });
});
