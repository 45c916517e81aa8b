import { describe, expect, it } from "vitest";
import type { PointSummary } from "../../../../src/adapters/server/routes/points.js";
import type { FindingRow } from "../findings/collect.js";
import { countBySeverity, driftOf, pointDrifts } from "./summaries.js";

const config = {
  id: 4,
  target: "nftables",
  proven: true,
  createdAt: "2025-01-02T00:00:00Z",
  createdBy: "ann",
};

function point(
  name: string,
  withConfig: boolean,
  deployment?: { versionId: number; state: string },
): PointSummary {
  return {
    name,
    target: "nftables",
    role: "gateway",
    zones: ["dmz", "lan"],
    description: null,
    config: withConfig ? config : null,
    deployment: deployment
      ? { id: 9, configId: 4, recordedAt: "2025-01-02T00:00:00Z", recordedBy: "ann", ...deployment }
      : null,
  };
}

describe("dashboard summaries", () => {
  it("counts findings per severity, zero for a severity with none", () => {
    const rows = [{ severity: "error" }, { severity: "note" }, { severity: "error" }] as FindingRow[];
    expect(countBySeverity(rows)).toEqual({ error: 2, warning: 0, note: 1 });
  });

  it("calls a point deployed with the version in force in sync, and one with an older version behind", () => {
    expect(driftOf(point("a", true, { versionId: 3, state: "verified" }), 3)).toBe("in-sync");
    expect(driftOf(point("b", true, { versionId: 2, state: "verified" }), 3)).toBe("behind");
  });

  it("puts a failed verification before the version it carried", () => {
    expect(driftOf(point("a", true, { versionId: 3, state: "failed" }), 3)).toBe("failed");
    expect(driftOf(point("b", false, { versionId: 1, state: "failed" }), 3)).toBe("failed");
  });

  it("tells a point never compiled for the version in force from one compiled but never deployed", () => {
    expect(driftOf(point("a", false), 3)).toBe("not-compiled");
    expect(driftOf(point("b", false, { versionId: 2, state: "recorded" }), 3)).toBe("not-compiled");
    expect(driftOf(point("c", true), 3)).toBe("never-deployed");
  });

  it("keeps the deployed version beside each point's drift", () => {
    const drifts = pointDrifts([point("a", true, { versionId: 2, state: "recorded" }), point("b", true)], 3);
    expect(drifts).toEqual([
      { name: "a", drift: "behind", deployedVersion: 2 },
      { name: "b", drift: "never-deployed", deployedVersion: null },
    ]);
  });
});
