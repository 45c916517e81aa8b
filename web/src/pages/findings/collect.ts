// Findings from every source the API has, as one list of rows: pure, so it is tested apart from the page.

import type { CurrentVersion, DeploymentRecord, DueReport } from "../../api/types.js";

export type Severity = "error" | "warning" | "note";

export interface FindingRow {
  /** Unique across sources. */
  readonly id: string;
  readonly severity: Severity;
  /** What sort of finding: "Policy diagnostic", "Broken intent", "Expired flow", "Anomaly"… (open-ended). */
  readonly kind: string;
  /** The source's own code ("assertion-failed", "shadowed"…). */
  readonly code: string;
  readonly message: string;
  /** Where it is: file:line, a flow, a point. */
  readonly where: string;
  /** What found it: "Version 3", "Analysis 5", "Deployment 2". */
  readonly source: string;
  /** Where the console shows more about it. */
  readonly link?: string;
}

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 3, warning: 2, note: 1 };

export function severityOf(text: string): Severity {
  if (text === "error" || text === "critical" || text === "high") return "error";
  if (text === "warning" || text === "medium") return "warning";
  return "note";
}

export function fromVersion(v: CurrentVersion): FindingRow[] {
  return v.diagnostics.map((d, i) => ({
    id: `v${v.id}-d${i}`,
    severity: severityOf(d.severity),
    kind: d.code === "assertion-failed" ? "Broken intent" : "Policy diagnostic",
    code: d.code,
    message: d.message,
    where: d.file ? `${d.file}:${d.line ?? 1}` : "",
    source: `Version ${v.id}`,
    link: "/versions",
  }));
}

/**
 * Expired flows are warnings (they still sit in the policy); flows expiring within the window and flows that
 * never expire are notes.
 */
export function fromRecertification(r: DueReport): FindingRow[] {
  const forever = r.noExpiry.map((f) => ({
    id: `flow-${f.name}`,
    severity: "note" as const,
    kind: "No expiry",
    code: "flow-no-expiry",
    message: `Flow "${f.name}" never expires: nobody is asked to look at it again (owner ${f.owner ?? "unknown"})`,
    where: `${f.file}:${f.line}`,
    source: `Version ${r.versionId}`,
  }));
  return [...r.due.map((f) => due(f, r.versionId)), ...forever];
}

function due(f: DueReport["due"][number], versionId: number): FindingRow {
  const expired = f.daysLeft !== null && f.daysLeft < 0;
  return {
    id: `flow-${f.name}`,
    severity: expired ? "warning" : "note",
    kind: expired ? "Expired flow" : "Expiring flow",
    code: expired ? "flow-expired" : "flow-expiring",
    message: expired
      ? `Flow "${f.name}" expired on ${f.expires} (owner ${f.owner ?? "unknown"})`
      : `Flow "${f.name}" expires on ${f.expires}, in ${f.daysLeft} days (owner ${f.owner ?? "unknown"})`,
    where: `${f.file}:${f.line}`,
    source: `Version ${versionId}`,
  };
}

export function fromDeployments(list: readonly DeploymentRecord[]): FindingRow[] {
  return list
    .filter((d) => d.state === "failed")
    .map((d) => ({
      id: `deployment-${d.id}`,
      severity: "error" as const,
      kind: "Failed verification",
      code: "deployment-failed",
      message: `What is on "${d.point}" does not match version ${d.versionId}`,
      where: d.point,
      source: `Deployment ${d.id}`,
      link: "/points",
    }));
}

/** A stored analysis as GET /analyses/:id gives it; `result` holds the report of an analyze or a verify. */
export interface StoredAnalysis {
  readonly id: number;
  readonly kind: string;
  readonly subject: string;
  readonly result: unknown;
}

interface AnalyzeFinding {
  kind: string;
  severity: string;
  message: string;
  location?: { file: string; line: number };
}

export function fromAnalysis(a: StoredAnalysis): FindingRow[] {
  const report = (a.result as { report?: Record<string, unknown> } | null)?.report;
  if (!report) return [];
  const source = `${a.kind === "verify" ? "Verification" : "Analysis"} ${a.id}`;
  if (a.kind === "verify") {
    if (report.equivalent !== false) return [];
    const extra = (report.allowedNotIntended as unknown[] | undefined)?.length ?? 0;
    const missing = (report.intendedNotAllowed as unknown[] | undefined)?.length ?? 0;
    return [
      {
        id: `analysis-${a.id}`,
        severity: "error",
        kind: "Failed verification",
        code: "not-equivalent",
        message: `The configuration of "${a.subject}" differs from the policy: ${extra} allowed but not intended, ${missing} intended but not allowed`,
        where: a.subject,
        source,
      },
    ];
  }
  const findings = (report.findings as AnalyzeFinding[] | undefined) ?? [];
  return findings.map((f, i) => ({
    id: `analysis-${a.id}-${i}`,
    severity: severityOf(f.severity),
    kind: "Anomaly",
    code: f.kind,
    message: f.message,
    where: f.location ? `${f.location.file}:${f.location.line}` : a.subject,
    source,
  }));
}

/** What a row is about, for spotting the same finding reported by two sources. */
function subjectOf(r: FindingRow): string {
  // The policy's "flow-expired" diagnostic points at the expiry date, recertification at the flow: both name it.
  const flow = r.code === "flow-expired" ? /Flow "([^"]+)"/.exec(r.message)?.[1] : undefined;
  return flow !== undefined ? `flow-expired:${flow}` : `${r.code}@${r.where}#${r.message}`;
}

/** One row per finding: the policy's own "flow-expired" diagnostic and recertification say the same thing. */
export function dedupe(rows: readonly FindingRow[]): FindingRow[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const key = subjectOf(r);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export interface FindingFilter {
  severity: Severity | "";
  kind: string;
  text: string;
}

export function filterRows(rows: readonly FindingRow[], f: FindingFilter): FindingRow[] {
  const text = f.text.trim().toLowerCase();
  return rows.filter(
    (r) =>
      (f.severity === "" || r.severity === f.severity) &&
      (f.kind === "" || r.kind === f.kind) &&
      (text === "" ||
        [r.message, r.code, r.where, r.source, r.kind].some((s) => s.toLowerCase().includes(text))),
  );
}
