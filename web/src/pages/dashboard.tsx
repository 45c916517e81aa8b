// The dashboard, and the pattern for every page: useApi per source, each panel with its own loading/error/empty.

import type { ReactNode } from "react";
import { Link } from "react-router";
import type { PointSummary } from "../../../src/adapters/server/routes/points.js";
import type { AccessRequestRecord, CurrentVersion, DueReport, VersionSummary } from "../api/types.js";
import { useApi, type Loaded } from "../api/use-api.js";
import { BarChart, perDay } from "../components/bar-chart.js";
import { DataTable } from "../components/data-table.js";
import { PageHeader } from "../components/page-header.js";
import { Empty, ErrorBox, Loading } from "../components/states.js";
import { DriftTable, FindingsPanel } from "./dashboard/panels.js";

/** One panel: shows the loading and error states of its source, and its content once loaded. */
function Panel<T>(props: {
  title: string;
  source: Loaded<T> & { reload: () => void };
  children: (data: T) => ReactNode;
  wide?: boolean;
}) {
  const { source } = props;
  return (
    <section
      className={props.wide ? "panel wide" : "panel"}
      aria-labelledby={`panel-${props.title.replace(/\W+/g, "-")}`}
    >
      <h2 id={`panel-${props.title.replace(/\W+/g, "-")}`}>{props.title}</h2>
      {source.state === "loading" && <Loading />}
      {source.state === "error" && <ErrorBox error={source.error} onRetry={source.reload} />}
      {source.state === "done" && props.children(source.data)}
    </section>
  );
}

const POSTURE: [key: string, label: string][] = [
  ["zones", "Zones"],
  ["assets", "Assets"],
  ["flows", "Flows"],
  ["points", "Enforcement points"],
  ["applications", "Applications"],
  ["denies", "Denies"],
];

function Posture({ v }: { v: CurrentVersion }) {
  return (
    <>
      <dl className="stats">
        {POSTURE.map(([key, label]) => (
          <div key={key} className="stat">
            <dt>{label}</dt>
            <dd>{v.counts[key] ?? 0}</dd>
          </div>
        ))}
      </dl>
      <p className="muted">
        Version {v.id}: {v.message} ({v.counts.assertionsPassed ?? 0} of {v.counts.assertions ?? 0} assertions
        hold;{" "}
        <Link to="/findings">
          {v.counts.errors ?? 0} errors, {v.counts.warnings ?? 0} warnings
        </Link>
        )
      </p>
    </>
  );
}

export default function Dashboard() {
  const current = useApi<CurrentVersion>("/versions/current");
  const pending = useApi<{ requests: AccessRequestRecord[] }>("/requests", { state: "pending" });
  const recert = useApi<DueReport>("/recertification");
  const points = useApi<{ version: number; points: PointSummary[] }>("/points");
  const versions = useApi<{ versions: VersionSummary[] }>("/versions");
  return (
    <>
      <PageHeader title="Dashboard" subtitle="The posture at a glance" />
      <div className="panels">
        <Panel title="Posture" source={current} wide>
          {(v) => <Posture v={v} />}
        </Panel>
        <Panel title="Pending requests" source={pending}>
          {({ requests }) =>
            requests.length === 0 ? (
              <Empty>No request waits for a decision.</Empty>
            ) : (
              <p>
                <Link to="/requests">{requests.length} pending</Link>, oldest from{" "}
                {requests[requests.length - 1]!.requester}
              </p>
            )
          }
        </Panel>
        <Panel title="Changes over 30 days" source={versions}>
          {({ versions: list }) => (
            <BarChart
              title="Policy versions created per day"
              bars={perDay(
                list.map((x) => x.createdAt),
                new Date().toISOString().slice(0, 10),
                30,
              )}
            />
          )}
        </Panel>
        <Panel title="Flows expiring within 30 days" source={recert} wide>
          {(r) => (
            <DataTable
              caption="Flows expiring soon or expired"
              captionHidden
              rows={r.due}
              rowKey={(f) => f.name}
              empty="No flow expires within 30 days."
              initialSort={{ key: "days", direction: "ascending" }}
              columns={[
                { key: "name", header: "Flow", sortValue: (f) => f.name },
                { key: "owner", header: "Owner", sortValue: (f) => f.owner },
                { key: "expires", header: "Expires", sortValue: (f) => f.expires },
                {
                  key: "days",
                  header: "Days left",
                  align: "right",
                  sortValue: (f) => f.daysLeft,
                  render: (f) =>
                    f.daysLeft !== null && f.daysLeft < 0 ? <span className="bad">expired</span> : f.daysLeft,
                },
              ]}
            />
          )}
        </Panel>
        <FindingsPanel />
        <Panel title="Drift per enforcement point" source={points} wide>
          {(p) => <DriftTable version={p.version} points={p.points} />}
        </Panel>
      </div>
    </>
  );
}
