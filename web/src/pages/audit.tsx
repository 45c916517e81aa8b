// The Audit log page: entries filtered by actor, action and position, paged by seq; the hash chain's status;
// exports as JSON lines or syslog.

import { useState, type FormEvent } from "react";
import { useSearchParams } from "react-router";
import type { AuditVerifyReport } from "../../../src/app/audit-verify.js";
import type { AuditEntry } from "../../../src/app/store.js";
import { ApiError } from "../api/client.js";
import { toApiError, useApi } from "../api/use-api.js";
import { DataTable } from "../components/data-table.js";
import { PageHeader } from "../components/page-header.js";
import { ErrorBox } from "../components/states.js";
import "./admin/admin.css";
import { Section, download, when } from "./admin/section.js";
import { TextField } from "../components/text-field.js";

const PAGE = 50;

async function exportLog(format: "jsonl" | "syslog"): Promise<void> {
  const r = await fetch(`/api/v1/audit/export?format=${format}`, { credentials: "same-origin" });
  if (!r.ok)
    throw new ApiError(
      r.status,
      "export-failed",
      `Cannot export the audit log: the server answered ${r.status}`,
    );
  download(
    `rampart-audit.${format === "jsonl" ? "jsonl" : "log"}`,
    await r.text(),
    r.headers.get("content-type") ?? "text/plain",
  );
}

function Filters({ onApply }: { onApply: (actor: string, action: string, after: string) => void }) {
  const [params] = useSearchParams();
  const [actor, setActor] = useState(params.get("actor") ?? "");
  const [action, setAction] = useState(params.get("action") ?? "");
  const [after, setAfter] = useState(params.get("after") ?? "");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(actor.trim(), action.trim(), after.trim());
  };
  return (
    <form className="admin-form" onSubmit={submit} aria-label="Audit filters">
      <TextField id="audit-actor" label="Actor" value={actor} placeholder="admin" onValue={setActor} />
      <TextField
        id="audit-action"
        label="Action"
        value={action}
        placeholder="auth.login"
        onValue={setAction}
      />
      <TextField
        id="audit-after"
        label="After entry"
        value={after}
        inputMode="numeric"
        size={8}
        onValue={setAfter}
      />
      <button type="submit" className="primary">
        Filter
      </button>
    </form>
  );
}

export default function AuditLog() {
  const [params, setParams] = useSearchParams();
  const [exportError, setExportError] = useState<ApiError>();
  const query = {
    actor: params.get("actor") || undefined,
    action: params.get("action") || undefined,
    after: params.get("after") || undefined,
    limit: PAGE,
  };
  const entries = useApi<{ entries: AuditEntry[] }>("/audit", query);
  const chain = useApi<AuditVerifyReport>("/audit/verify");
  const go = (actor: string, action: string, after: string) => {
    const next: Record<string, string> = {};
    if (actor) next.actor = actor;
    if (action) next.action = action;
    if (after) next.after = after;
    setParams(next);
  };
  const exporting = (format: "jsonl" | "syslog") => () => {
    setExportError(undefined);
    exportLog(format).catch((e: unknown) => setExportError(toApiError(e)));
  };
  return (
    <>
      <PageHeader
        title="Audit log"
        subtitle="Who did what, in a hash chain"
        actions={
          <>
            <button type="button" onClick={exporting("jsonl")}>
              Export JSON lines
            </button>
            <button type="button" onClick={exporting("syslog")}>
              Export syslog
            </button>
          </>
        }
      />
      {exportError && <ErrorBox error={exportError} />}
      <div className="panels">
        <Section title="Chain" source={chain}>
          {(c) => (
            <p>
              {c.ok ? (
                <span className="state-ok">Intact</span>
              ) : (
                <span className="state-broken">Broken: {c.problemCount} problems</span>
              )}{" "}
              · {c.entries} entries checked
              {c.head && (
                <>
                  {" "}
                  · head #{c.head.seq} <code className="secret">{c.head.hash}</code>
                </>
              )}
            </p>
          )}
        </Section>
        <Section title="Entries" source={entries} actions={<Filters key={params.toString()} onApply={go} />}>
          {({ entries: list }) => (
            <>
              <DataTable
                caption="Audit entries in order"
                captionHidden
                rows={list}
                rowKey={(e) => e.seq}
                empty="No entry matches."
                columns={[
                  { key: "seq", header: "#", align: "right", sortValue: (e) => e.seq },
                  { key: "at", header: "When", sortValue: (e) => e.at, render: (e) => when(e.at) },
                  { key: "actor", header: "Actor", sortValue: (e) => e.actor },
                  { key: "action", header: "Action", sortValue: (e) => e.action },
                  { key: "target", header: "Target", sortValue: (e) => e.target },
                  {
                    key: "outcome",
                    header: "Outcome",
                    sortValue: (e) => e.outcome,
                    render: (e) => (
                      <span className={e.outcome === "success" ? "state-ok" : "state-failed"}>
                        {e.outcome}
                      </span>
                    ),
                  },
                  { key: "client", header: "Client", sortValue: (e) => e.clientAddress },
                  {
                    key: "detail",
                    header: "Detail",
                    render: (e) =>
                      e.detail === null || e.detail === undefined ? (
                        ""
                      ) : (
                        <code>{JSON.stringify(e.detail).slice(0, 160)}</code>
                      ),
                  },
                ]}
              />
              <div className="admin-row-actions">
                <button
                  type="button"
                  disabled={!query.after}
                  onClick={() => go(query.actor ?? "", query.action ?? "", "")}
                >
                  First page
                </button>
                <button
                  type="button"
                  disabled={list.length < PAGE}
                  onClick={() =>
                    go(query.actor ?? "", query.action ?? "", String(list[list.length - 1]!.seq))
                  }
                >
                  Next page
                </button>
              </div>
            </>
          )}
        </Section>
      </div>
    </>
  );
}
