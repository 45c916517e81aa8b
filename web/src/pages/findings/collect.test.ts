import { describe, expect, it } from "vitest";
import type { CurrentVersion, DueReport } from "../../api/types.js";
import { dedupe, filterRows, fromAnalysis, fromRecertification, fromVersion } from "./collect.js";

const version = {
  id: 3,
  diagnostics: [
    {
      code: "assertion-failed",
      severity: "error",
      message: "Guests reach the vault",
      file: "assertions.yaml",
      line: 9,
    },
    { code: "unused-asset", severity: "warning", message: 'Asset "old-1" is never used' },
  ],
} as unknown as CurrentVersion;

describe("findings from every source", () => {
  it("calls a failed assertion broken intent and keeps where it is written", () => {
    const rows = fromVersion(version);
    expect(rows.map((r) => [r.kind, r.severity, r.where])).toEqual([
      ["Broken intent", "error", "assertions.yaml:9"],
      ["Policy diagnostic", "warning", ""],
    ]);
  });

  it("tells expired flows from flows about to expire", () => {
    const report = {
      versionId: 3,
      due: [
        { name: "old", owner: "ops", expires: "2026-01-01", daysLeft: -5, file: "flows.yaml", line: 4 },
        { name: "soon", owner: null, expires: "2026-02-01", daysLeft: 10, file: "flows.yaml", line: 9 },
      ],
      noExpiry: [
        { name: "forever", owner: "ops", expires: null, daysLeft: null, file: "flows.yaml", line: 20 },
      ],
    } as unknown as DueReport;
    expect(fromRecertification(report).map((r) => [r.kind, r.severity])).toEqual([
      ["Expired flow", "warning"],
      ["Expiring flow", "note"],
      ["No expiry", "note"],
    ]);
  });

  it("reads anomalies of an analysis and a failed verification", () => {
    const analysis = {
      id: 5,
      kind: "analyze",
      subject: "fw.conf",
      result: {
        report: {
          findings: [
            {
              kind: "shadowed",
              severity: "error",
              message: "Rule 3 is shadowed",
              location: { file: "fw.conf", line: 12 },
            },
          ],
        },
      },
    };
    expect(fromAnalysis(analysis)).toMatchObject([
      { kind: "Anomaly", code: "shadowed", where: "fw.conf:12" },
    ]);
    const verify = {
      id: 6,
      kind: "verify",
      subject: "edge-fw",
      result: { report: { equivalent: false, allowedNotIntended: [1, 2], intendedNotAllowed: [] } },
    };
    expect(fromAnalysis(verify)[0]!.message).toContain("2 allowed but not intended");
    expect(fromAnalysis({ ...verify, result: { report: { equivalent: true } } })).toEqual([]);
  });

  it("filters by severity, kind and text together", () => {
    const rows = fromVersion(version);
    expect(filterRows(rows, { severity: "error", kind: "", text: "" })).toHaveLength(1);
    expect(filterRows(rows, { severity: "", kind: "Policy diagnostic", text: "" })).toHaveLength(1);
    expect(filterRows(rows, { severity: "", kind: "", text: "OLD-1" })).toHaveLength(1);
    expect(filterRows(rows, { severity: "error", kind: "", text: "old-1" })).toHaveLength(0);
  });
});

describe("merging sources", () => {
  it("keeps one row when the policy and recertification report the same expired flow", () => {
    const v = {
      id: 1,
      diagnostics: [
        {
          code: "flow-expired",
          severity: "warning",
          message: 'Flow "x" expired',
          file: "flows.yaml",
          line: 338,
        },
      ],
    } as unknown as CurrentVersion;
    const r = {
      versionId: 1,
      due: [{ name: "x", owner: "a", expires: "2025-03-31", daysLeft: -3, file: "flows.yaml", line: 335 }],
      noExpiry: [],
    } as unknown as DueReport;
    expect(dedupe([...fromVersion(v), ...fromRecertification(r)])).toHaveLength(1);
  });
});
