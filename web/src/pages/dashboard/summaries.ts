// What the dashboard sums up from other pages' data: findings counted per severity, and each point's drift.

import type { PointSummary } from "../../../../src/adapters/server/routes/points.js";
import type { FindingRow, Severity } from "../findings/collect.js";

/** Most urgent first, the order the dashboard shows them in. */
export const SEVERITIES: readonly Severity[] = ["error", "warning", "note"];

export function countBySeverity(rows: readonly FindingRow[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, note: 0 };
  for (const r of rows) counts[r.severity] += 1;
  return counts;
}

export type Drift = "in-sync" | "behind" | "failed" | "never-deployed" | "not-compiled";

export const DRIFT_LABEL: Readonly<Record<Drift, string>> = {
  "in-sync": "in sync",
  behind: "behind",
  failed: "failed verification",
  "never-deployed": "never deployed",
  "not-compiled": "not compiled",
};

/** Most urgent first: a failed verification needs a person, an uncompiled point needs a compile. */
export const DRIFT_RANK: Readonly<Record<Drift, number>> = {
  failed: 5,
  behind: 4,
  "not-compiled": 3,
  "never-deployed": 2,
  "in-sync": 1,
};

/**
 * How a point's device stands against the version in force. A failed verification wins over everything: what
 * is on the device is not what Rampart believes, whatever version it carried. A point deployed with the version
 * in force is in sync even when it was recompiled since; otherwise it needs a configuration before a deployment.
 */
export function driftOf(p: PointSummary, versionInForce: number): Drift {
  const d = p.deployment;
  if (d?.state === "failed") return "failed";
  if (d && d.versionId === versionInForce) return "in-sync";
  if (!p.config) return "not-compiled";
  if (!d) return "never-deployed";
  return "behind";
}

export interface PointDrift {
  readonly name: string;
  readonly drift: Drift;
  /** The version on the device as far as Rampart knows, or null when nothing was deployed. */
  readonly deployedVersion: number | null;
}

export function pointDrifts(points: readonly PointSummary[], versionInForce: number): PointDrift[] {
  return points.map((p) => ({
    name: p.name,
    drift: driftOf(p, versionInForce),
    deployedVersion: p.deployment?.versionId ?? null,
  }));
}
