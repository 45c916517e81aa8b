// The side panel of one matrix cell: why it is risky, the flows and denies behind it (POST /reach), the points
// that enforce it.

import { useEffect, useState } from "react";
import { Link } from "react-router";
import { api } from "../../api/client.js";
import { toApiError, type Loaded } from "../../api/use-api.js";
import { DataTable } from "../../components/data-table.js";
import { Empty, ErrorBox, Loading } from "../../components/states.js";
import type { GraphPoint, MatrixCell, ReachAnswer, RuleInfo } from "./api-types.js";
import type { CellRisk } from "./risk.js";

const SHOWN_LINES = 12;

function useReach(from: string, to: string): Loaded<ReachAnswer> & { reload: () => void } {
  const [result, setResult] = useState<Loaded<ReachAnswer>>({ state: "loading" });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let current = true;
    setResult({ state: "loading" });
    api.post<ReachAnswer>("/reach", { from: `zone:${from}`, to: `zone:${to}` }).then(
      (data) => current && setResult({ state: "done", data }),
      (e: unknown) => current && setResult({ state: "error", error: toApiError(e) }),
    );
    return () => {
      current = false;
    };
  }, [from, to, tick]);
  return { ...result, reload: () => setTick((t) => t + 1) };
}

function Lines({ title, lines }: { title: string; lines: string[] }) {
  if (lines.length === 0) return null;
  return (
    <details className="mm-lines" open={lines.length <= SHOWN_LINES}>
      <summary>
        {title} ({lines.length})
      </summary>
      <ul>
        {lines.slice(0, 200).map((l) => (
          <li key={l}>
            <code>{l}</code>
          </li>
        ))}
      </ul>
      {lines.length > 200 && <p className="muted">and {lines.length - 200} more</p>}
    </details>
  );
}

function Rules({ caption, rules, empty }: { caption: string; rules: RuleInfo[]; empty: string }) {
  return (
    <DataTable
      caption={caption}
      rows={rules}
      rowKey={(r) => r.name}
      empty={empty}
      columns={[
        { key: "name", header: "Name", sortValue: (r) => r.name },
        { key: "owner", header: "Owner", sortValue: (r) => r.owner ?? "" },
        {
          key: "why",
          header: "Justification",
          sortValue: (r) => r.justification ?? "",
          render: (r) => r.justification ?? <span className="muted">none</span>,
        },
        {
          key: "expires",
          header: "Expires",
          sortValue: (r) => r.expires ?? "",
          render: (r) => r.expires ?? "never",
        },
      ]}
    />
  );
}

export function CellPanel(props: {
  cell: MatrixCell;
  risk: CellRisk;
  points: GraphPoint[];
  onClose: () => void;
}) {
  const { cell, risk } = props;
  const reach = useReach(cell.from, cell.to);
  // A point filters what crosses between two different zones of its list (see enforcement.yaml).
  const points =
    cell.from === cell.to
      ? []
      : props.points.filter((p) => p.zones.includes(cell.from) && p.zones.includes(cell.to));
  return (
    <aside className="mm-side" aria-labelledby="mm-cell-title">
      <header className="mm-side-head">
        <h2 id="mm-cell-title">
          {cell.from} → {cell.to}
        </h2>
        <button type="button" className="link" onClick={props.onClose} aria-label="Close the cell's details">
          Close
        </button>
      </header>
      <p>
        <span className={`mm-chip level-${cell.level}`}>{levelText(cell.level)}</span>{" "}
        <span className={`mm-chip risk-${risk.band}`}>risk: {risk.band}</span>
      </p>
      {risk.reasons.length > 0 && (
        <ul className="mm-reasons">
          {risk.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
      {cell.services.length > 0 && (
        <p>
          Services: <code>{cell.services.join(", ")}</code>
        </p>
      )}
      <h3>Enforced by</h3>
      {points.length === 0 ? (
        <Empty>No enforcement point stands between these zones.</Empty>
      ) : (
        <ul className="mm-points">
          {points.map((p) => (
            <li key={p.name}>
              <Link to={`/points?point=${encodeURIComponent(p.name)}`}>{p.name}</Link>{" "}
              <span className="muted">({p.target}: compiled rules, plan and proof)</span>
            </li>
          ))}
        </ul>
      )}
      {reach.state === "loading" && <Loading label="Asking what is allowed…" />}
      {reach.state === "error" && <ErrorBox error={reach.error} onRetry={reach.reload} />}
      {reach.state === "done" && <ReachDetails answer={reach.data} />}
    </aside>
  );
}

function ReachDetails({ answer }: { answer: ReachAnswer }) {
  return (
    <>
      <p>
        Verdict: <strong>{answer.verdict}</strong>
        {answer.emptyQuery && <span className="muted"> (no packet can go between these zones)</span>}
      </p>
      <Rules caption="Flows allowing traffic" rules={answer.flows} empty="No flow allows anything here." />
      <Rules caption="Denies" rules={answer.denies} empty="No deny applies here." />
      <Lines title="Allowed packets" lines={answer.allowed} />
      <Lines title="Denied packets" lines={answer.denied} />
    </>
  );
}

export function levelText(level: MatrixCell["level"]): string {
  return level === "none" ? "closed" : level === "all" ? "all open" : "partly open";
}
