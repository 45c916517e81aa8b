// What one policy version changes against another: packets opened and closed, rules, zone-matrix cells, points.

import type { PolicyDiffReport } from "../../../../src/app/diff.js";
import { useApi } from "../../api/use-api.js";
import { DataTable } from "../../components/data-table.js";
import { Empty } from "../../components/states.js";
import { Section } from "./section.js";

interface DiffAnswer {
  report: PolicyDiffReport;
  diagnostics: { code: string; message: string }[];
}

function PacketList({ items, kind }: { items: readonly string[]; kind: "opened" | "closed" }) {
  if (items.length === 0)
    return <Empty>{kind === "opened" ? "No packet newly allowed." : "No packet newly denied."}</Empty>;
  return (
    <ul className={`diff-list ${kind}`}>
      {items.map((p, i) => (
        <li key={i}>{p}</li>
      ))}
    </ul>
  );
}

function Report({ report }: { report: PolicyDiffReport }) {
  if (!report.changed) return <Empty>The two versions allow exactly the same packets everywhere.</Empty>;
  return (
    <>
      <div className="diff-columns">
        <div>
          <h3>Packets opened ({report.becomeAllowed.length})</h3>
          <PacketList items={report.becomeAllowed} kind="opened" />
        </div>
        <div>
          <h3>Packets closed ({report.becomeDenied.length})</h3>
          <PacketList items={report.becomeDenied} kind="closed" />
        </div>
      </div>
      <h3>Rules changed</h3>
      <DataTable
        caption="Rules changed"
        captionHidden
        rows={report.rules}
        rowKey={(r) => `${r.kind}:${r.name}`}
        empty="No flow or deny changed."
        columns={[
          { key: "name", header: "Rule", sortValue: (r) => r.name },
          { key: "kind", header: "Kind", sortValue: (r) => r.kind },
          { key: "change", header: "Change", sortValue: (r) => r.change },
          { key: "aspects", header: "What", render: (r) => r.aspects.join(", ") || "—" },
          { key: "where", header: "Where", sortValue: (r) => `${r.file}:${r.line}` },
          {
            key: "packets",
            header: "Packets",
            render: (r) => (
              <>
                {r.widened.length > 0 && <PacketList items={r.widened} kind="opened" />}
                {r.narrowed.length > 0 && <PacketList items={r.narrowed} kind="closed" />}
              </>
            ),
          },
        ]}
      />
      <h3>Zone matrix</h3>
      <DataTable
        caption="Zone-matrix cells changed"
        captionHidden
        rows={report.matrix}
        rowKey={(m) => `${m.from}>${m.to}`}
        empty="No zone-to-zone cell changed."
        columns={[
          { key: "from", header: "From zone", sortValue: (m) => m.from },
          { key: "to", header: "To zone", sortValue: (m) => m.to },
          { key: "before", header: "Before", sortValue: (m) => m.before },
          { key: "after", header: "After", sortValue: (m) => m.after },
          {
            key: "services",
            header: "Services",
            render: (m) =>
              `${m.servicesBefore.join(", ") || "none"} → ${m.servicesAfter.join(", ") || "none"}`,
          },
        ]}
      />
      <h3>Enforcement points</h3>
      <DataTable
        caption="Changes per enforcement point"
        captionHidden
        rows={report.points}
        rowKey={(p) => p.point}
        columns={[
          { key: "point", header: "Point", sortValue: (p) => p.point },
          { key: "status", header: "Status", sortValue: (p) => p.status },
          {
            key: "target",
            header: "Target",
            render: (p) =>
              p.targetBefore === p.targetAfter
                ? (p.targetAfter ?? "—")
                : `${p.targetBefore ?? "—"} → ${p.targetAfter ?? "—"}`,
          },
          {
            key: "opened",
            header: "Opened",
            render: (p) => <PacketList items={p.becomeAllowed.map((x) => x.packets)} kind="opened" />,
          },
          {
            key: "closed",
            header: "Closed",
            render: (p) => <PacketList items={p.becomeDenied.map((x) => x.packets)} kind="closed" />,
          },
        ]}
      />
    </>
  );
}

export function VersionDiff(props: {
  id: number;
  against: number | undefined;
  others: readonly { id: number }[];
  onAgainst: (against: number | undefined) => void;
}) {
  const diff = useApi<DiffAnswer>(`/versions/${props.id}/diff`, { against: props.against });
  return (
    <Section
      title={`What version ${props.id} changes`}
      source={diff}
      actions={
        <div className="field">
          <label htmlFor="diff-against">Compared with</label>
          <select
            id="diff-against"
            value={props.against ?? ""}
            onChange={(e) => props.onAgainst(e.target.value === "" ? undefined : Number(e.target.value))}
          >
            <option value="">Its parent</option>
            {props.others
              .filter((o) => o.id !== props.id)
              .map((o) => (
                <option key={o.id} value={o.id}>
                  Version {o.id}
                </option>
              ))}
          </select>
        </div>
      }
    >
      {(d) => <Report report={d.report} />}
    </Section>
  );
}
