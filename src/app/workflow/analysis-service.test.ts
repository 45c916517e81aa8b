import { beforeAll, describe, expect, it } from "vitest";
import { compilePoints, selectPoints } from "../compile.js";
import { AnalysisService } from "./analysis-service.js";
import { type AcmeSetup, acmeSetup } from "./testing/deploy-fixture.js";

describe("AnalysisService on acme", () => {
  let setup: AcmeSetup;
  let service: AnalysisService;
  let ios: { name: string; text: string }[];
  // Line 4 can never match: line 3 accepts all it would.
  const small = [
    {
      name: "core-fw.rules.v4",
      text: [
        "*filter",
        ":FORWARD DROP [0:0]",
        "-A FORWARD -s 10.0.0.0/8 -p tcp -m tcp --dport 22 -j ACCEPT",
        "-A FORWARD -s 10.1.0.0/16 -p tcp -m tcp --dport 22 -j ACCEPT",
        "COMMIT",
        "",
      ].join("\n"),
    },
  ];

  beforeAll(async () => {
    setup = await acmeSetup();
    service = new AnalysisService(setup.store, setup.audit, setup.clock, setup.versions);
    const loaded = (await setup.versions.current())!.opened.loaded;
    const compiled = compilePoints(loaded, selectPoints(loaded, { points: ["lyon-rtr"] }).points)[0]!;
    ios = compiled.files.map((f) => ({ name: f.name, text: f.text }));
  });

  it("analyzeUpload reads the files in their detected format, stores the report and audits", async () => {
    const r = await service.analyzeUpload("olivia", { files: small });
    if (!r.ok) throw new Error(r.message);
    expect(r.report.formats).toEqual([{ file: "core-fw.rules.v4", format: "iptables" }]);
    expect(r.report.findings.map((f) => [f.kind, f.location.line])).toEqual([["redundant", 4]]);
    const stored = await service.get(r.id);
    expect(stored).toMatchObject({ kind: "analyze", subject: "core-fw.rules.v4", createdBy: "olivia" });
    expect((stored!.result as { report: unknown }).report).toEqual(r.report);
    const audit = await setup.store.audit.list({ action: "config.analyze" });
    expect(audit.map((e) => e.target)).toEqual([`analysis:${r.id}`]);
  });

  it("analyzeUpload against the policy adds its violations and records the version", async () => {
    const r = await service.analyzeUpload("olivia", { files: small, policy: true, point: "core-fw" });
    if (!r.ok) throw new Error(r.message);
    expect(r.report.findings.map((f) => f.kind)).toContain("policy-violation");
    const stored = await service.get(r.id);
    expect(stored?.result).toMatchObject({ versionId: setup.versionId, point: "core-fw" });
  });

  it("analyzeUpload answers bad options as problems", async () => {
    expect(await service.analyzeUpload("olivia", { files: small, point: "core-fw" })).toMatchObject({
      ok: false,
      code: "invalid-input",
    });
    expect(await service.analyzeUpload("olivia", { files: small, format: "nope" })).toMatchObject({
      code: "invalid-input",
      message: expect.stringContaining('"nope"'),
    });
    expect(await service.analyzeUpload("olivia", { files: small, policy: true })).toMatchObject({
      code: "invalid-input",
      message: expect.stringContaining("choose one"),
    });
    expect(
      await service.analyzeUpload("olivia", { files: small, policy: true, versionId: 42 }),
    ).toMatchObject({
      code: "not-found",
    });
  });

  it("verifyUpload proves the compiled configuration equivalent and stores the verdict", async () => {
    const r = await service.verifyUpload("olivia", { point: "lyon-rtr", files: ios });
    if (!r.ok) throw new Error(r.message);
    expect(r.versionId).toBe(setup.versionId);
    expect(r.report).toMatchObject({ point: "lyon-rtr", format: "cisco-ios", equivalent: true });
    expect(await service.get(r.id)).toMatchObject({ kind: "verify", subject: "lyon-rtr" });
    expect((await service.list({ kind: "verify" })).map((a) => a.id)).toEqual([r.id]);
    expect(await setup.store.audit.list({ action: "config.verify" })).toHaveLength(1);
    expect(await service.verifyUpload("olivia", { point: "nope", files: ios })).toMatchObject({
      code: "invalid-input",
      message: expect.stringContaining('Unknown enforcement point "nope"'),
    });
  });
});
