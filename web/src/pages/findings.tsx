// The Findings page: what needs attention from every source (policy diagnostics, broken intent, expired flows,
// stored analyses, failed verifications) in one table, with filters, sorting and CSV export.

import { useMemo, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { DataTable } from "../components/data-table.js";
import { PageHeader } from "../components/page-header.js";
import "../components/questions/questions.css";
import { Verdict } from "../components/questions/rule-table.js";
import { ErrorBox, Loading } from "../components/states.js";
import {
  filterRows,
  type FindingFilter,
  type FindingRow,
  SEVERITY_RANK,
  type Severity,
} from "./findings/collect.js";
import { download, toCsv } from "./findings/csv.js";
import { useFindings } from "./findings/use-findings.js";

function exportCsv(rows: readonly FindingRow[]): void {
  const header = ["severity", "kind", "code", "message", "where", "source"];
  download(
    `rampart-findings-${new Date().toISOString().slice(0, 10)}.csv`,
    toCsv(
      header,
      rows.map((r) => [r.severity, r.kind, r.code, r.message, r.where, r.source]),
    ),
  );
}

function Filters(props: { kinds: string[]; filter: FindingFilter; onChange: (f: FindingFilter) => void }) {
  const { filter, onChange } = props;
  return (
    <form
      className="q-filters"
      role="search"
      aria-label="Filter findings"
      onSubmit={(e) => e.preventDefault()}
    >
      <div className="field">
        <label htmlFor="f-severity">Severity</label>
        <select
          id="f-severity"
          value={filter.severity}
          onChange={(e) => onChange({ ...filter, severity: e.target.value as Severity | "" })}
        >
          <option value="">All</option>
          <option value="error">Error</option>
          <option value="warning">Warning</option>
          <option value="note">Note</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-kind">Kind</label>
        <select
          id="f-kind"
          value={filter.kind}
          onChange={(e) => onChange({ ...filter, kind: e.target.value })}
        >
          <option value="">All</option>
          {props.kinds.map((k) => (
            <option key={k}>{k}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-text">Text</label>
        <input
          id="f-text"
          type="search"
          value={filter.text}
          placeholder="flow, file, message…"
          onChange={(e) => onChange({ ...filter, text: e.target.value })}
        />
      </div>
    </form>
  );
}

export default function Findings() {
  const findings = useFindings();
  // The dashboard links here with ?severity=…: the list opens filtered.
  const [params] = useSearchParams();
  const [filter, setFilter] = useState<FindingFilter>(() => {
    const s = params.get("severity");
    return { severity: s === "error" || s === "warning" || s === "note" ? s : "", kind: "", text: "" };
  });
  const rows = findings.rows;
  const kinds = useMemo(() => [...new Set((rows ?? []).map((r) => r.kind))].sort(), [rows]);
  const shown = useMemo(() => filterRows(rows ?? [], filter), [rows, filter]);
  return (
    <>
      <PageHeader
        title="Findings"
        subtitle="What needs attention: policy diagnostics, broken intent, expired flows, analyses, failed verifications"
        actions={
          <button type="button" disabled={!rows || shown.length === 0} onClick={() => exportCsv(shown)}>
            Export CSV
          </button>
        }
      />
      <section className="panel">
        {findings.failures.length > 0 && (
          <div className="q-source-errors">
            {findings.failures.map((f) => (
              <div key={f.source}>
                <strong>{f.source}:</strong> <ErrorBox error={f.error} onRetry={findings.reload} />
              </div>
            ))}
          </div>
        )}
        {!rows ? (
          <Loading label="Collecting findings…" />
        ) : (
          <>
            <Filters kinds={kinds} filter={filter} onChange={setFilter} />
            <p className="muted" role="status">
              {shown.length} of {rows.length} findings
            </p>
            <DataTable
              caption="Findings"
              captionHidden
              rows={shown}
              rowKey={(r) => r.id}
              empty={rows.length === 0 ? "Nothing needs attention." : "No finding matches these filters."}
              initialSort={{ key: "severity", direction: "descending" }}
              columns={[
                {
                  key: "severity",
                  header: "Severity",
                  sortValue: (r) => SEVERITY_RANK[r.severity],
                  render: (r) => <Verdict verdict={r.severity} />,
                },
                { key: "kind", header: "Kind", sortValue: (r) => r.kind },
                {
                  key: "code",
                  header: "Code",
                  sortValue: (r) => r.code,
                  render: (r) => <code>{r.code}</code>,
                },
                { key: "message", header: "Message", sortValue: (r) => r.message },
                {
                  key: "where",
                  header: "Where",
                  sortValue: (r) => r.where,
                  render: (r) => <code>{r.where}</code>,
                },
                {
                  key: "source",
                  header: "Source",
                  sortValue: (r) => r.source,
                  render: (r) => (r.link ? <Link to={r.link}>{r.source}</Link> : r.source),
                },
              ]}
            />
          </>
        )}
      </section>
    </>
  );
}
