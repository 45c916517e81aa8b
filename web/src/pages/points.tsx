// The Enforcement points page: each point of the version in force with its proof and deployment status, and a
// point's compiled configuration and plan.

import { useRef } from "react";
import { useSearchParams } from "react-router";
import type { PointSummary } from "../../../src/adapters/server/routes/points.js";
import { useApi } from "../api/use-api.js";
import { DataTable } from "../components/data-table.js";
import { PageHeader } from "../components/page-header.js";
import "./admin/admin.css";
import { PointDetail } from "./admin/point-detail.js";
import { Section, when } from "./admin/section.js";

export default function EnforcementPoints() {
  const [params, setParams] = useSearchParams();
  const points = useApi<{ version: number; points: PointSummary[] }>("/points");
  const chosen = params.get("point");
  // Kept across a reload (after Compile) so the open point stays on screen while the list refreshes.
  const last = useRef<PointSummary[]>(undefined);
  if (points.state === "done") last.current = points.data.points;
  const selected = last.current?.find((p) => p.name === chosen);
  return (
    <>
      <PageHeader
        title="Enforcement points"
        subtitle="Compiled configurations, proofs and what is deployed"
      />
      <div className="panels">
        <Section
          title={points.state === "done" ? `Points of version ${points.data.version}` : "Points"}
          source={points}
        >
          {({ points: list }) => (
            <DataTable
              caption="Enforcement points"
              captionHidden
              rows={list}
              rowKey={(p) => p.name}
              empty="The policy has no enforcement points."
              columns={[
                {
                  key: "name",
                  header: "Point",
                  sortValue: (p) => p.name,
                  render: (p) => (
                    <button type="button" className="link" onClick={() => setParams({ point: p.name })}>
                      {p.name}
                    </button>
                  ),
                },
                { key: "target", header: "Target", sortValue: (p) => p.target },
                { key: "role", header: "Role", sortValue: (p) => p.role },
                { key: "zones", header: "Zones", sortValue: (p) => p.zones.join(", ") },
                {
                  key: "proof",
                  header: "Proof",
                  sortValue: (p) => (p.config ? "proven" : "not compiled"),
                  render: (p) =>
                    p.config ? (
                      <span className="state-proven">proven</span>
                    ) : (
                      <span className="muted">not compiled</span>
                    ),
                },
                {
                  key: "deployed",
                  header: "Deployed",
                  sortValue: (p) => p.deployment?.state ?? "",
                  render: (p) =>
                    p.deployment ? (
                      <span>
                        <span className={`state-${p.deployment.state}`}>{p.deployment.state}</span> v
                        {p.deployment.versionId}, {when(p.deployment.recordedAt)}
                      </span>
                    ) : (
                      <span className="muted">never</span>
                    ),
                },
              ]}
            />
          )}
        </Section>
        {selected && <PointDetail key={selected.name} point={selected} onCompiled={points.reload} />}
      </div>
    </>
  );
}
