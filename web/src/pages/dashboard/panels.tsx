// The dashboard's panels that sum up other pages: open findings per severity and drift per enforcement point.

import { Link } from "react-router";
import type { PointSummary } from "../../../../src/adapters/server/routes/points.js";
import { DataTable } from "../../components/data-table.js";
import { ErrorBox, Loading } from "../../components/states.js";
import { useFindings } from "../findings/use-findings.js";
import { countBySeverity, DRIFT_LABEL, DRIFT_RANK, pointDrifts, SEVERITIES } from "./summaries.js";
import "./dashboard.css";

const SEVERITY_LABEL = { error: "Errors", warning: "Warnings", note: "Notes" } as const;

/** Its own section rather than a useApi panel: findings come from several sources, any of which may fail. */
export function FindingsPanel() {
  const findings = useFindings();
  const counts = findings.rows ? countBySeverity(findings.rows) : undefined;
  return (
    <section className="panel" aria-labelledby="panel-open-findings">
      <h2 id="panel-open-findings">Open findings by severity</h2>
      {!counts && <Loading />}
      {counts && (
        <dl className="stats dash-severities">
          {SEVERITIES.map((s) => (
            <div key={s} className={`dash-severity dash-severity-${s}`}>
              <dt>{SEVERITY_LABEL[s]}</dt>
              <dd>
                <Link
                  to={`/findings?severity=${s}`}
                  aria-label={`${counts[s]} ${SEVERITY_LABEL[s].toLowerCase()}`}
                >
                  {counts[s]}
                </Link>
              </dd>
            </div>
          ))}
        </dl>
      )}
      {findings.failures.map((f) => (
        <div key={f.source}>
          <p className="muted">Not counted: {f.source}</p>
          <ErrorBox error={f.error} onRetry={findings.reload} />
        </div>
      ))}
    </section>
  );
}

/** Each point of the version in force against what was last deployed on it, the most urgent first. */
export function DriftTable({ version, points }: { version: number; points: PointSummary[] }) {
  return (
    <DataTable
      caption={`Drift of each enforcement point from version ${version}`}
      captionHidden
      rows={pointDrifts(points, version)}
      rowKey={(p) => p.name}
      empty="The policy has no enforcement points."
      initialSort={{ key: "drift", direction: "descending" }}
      columns={[
        {
          key: "point",
          header: "Point",
          sortValue: (p) => p.name,
          render: (p) => <Link to={`/points?point=${encodeURIComponent(p.name)}`}>{p.name}</Link>,
        },
        {
          key: "drift",
          header: "Against the version in force",
          sortValue: (p) => DRIFT_RANK[p.drift],
          render: (p) => <span className={`drift drift-${p.drift}`}>{DRIFT_LABEL[p.drift]}</span>,
        },
        {
          key: "deployed",
          header: "Deployed version",
          align: "right",
          sortValue: (p) => p.deployedVersion ?? -1,
          render: (p) =>
            p.deployedVersion === null ? <span className="muted">none</span> : p.deployedVersion,
        },
      ]}
    />
  );
}
