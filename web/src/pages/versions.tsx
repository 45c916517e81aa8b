// The Policy versions page: every version, one version's files and checks, its semantic diff, restore and decide.

import { useState } from "react";
import { useSearchParams } from "react-router";
import { api } from "../api/client.js";
import type { CurrentVersion, VersionSummary } from "../api/types.js";
import { toApiError, useApi } from "../api/use-api.js";
import { DataTable } from "../components/data-table.js";
import { PageHeader } from "../components/page-header.js";
import { ErrorBox } from "../components/states.js";
import { useSession } from "../session.js";
import "./admin/admin.css";
import { Section, when } from "./admin/section.js";
import { VersionDiff } from "./admin/version-diff.js";
import type { ApiError } from "../api/client.js";

interface VersionDetail extends CurrentVersion {
  files: { path: string; text: string }[];
}

/** Restore, approve and reject, each shown only to those allowed; a note is asked where the server needs one. */
function Actions({ v, onDone }: { v: VersionSummary; onDone: (message: string) => void }) {
  const { can } = useSession();
  const [note, setNote] = useState("");
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const act = async (what: string, path: string, body: unknown) => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.post<{ id: number }>(path, body);
      onDone(`${what}: version ${r.id}`);
      setNote("");
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  };
  const decide = v.state === "proposed" && can("request:decide");
  const restore = can("policy:write");
  if (!decide && !restore) return null;
  return (
    <form className="admin-form" onSubmit={(e) => e.preventDefault()}>
      <div className="field">
        <label htmlFor="version-note">Message or note</label>
        <input id="version-note" value={note} onChange={(e) => setNote(e.target.value)} size={40} />
      </div>
      {restore && (
        <button
          type="button"
          disabled={busy}
          onClick={() =>
            act("Restored as a proposal", `/versions/${v.id}/restore`, {
              message: note || `Restore version ${v.id}`,
            })
          }
        >
          Restore
        </button>
      )}
      {decide && (
        <>
          <button
            type="button"
            className="primary"
            disabled={busy}
            onClick={() => act("Approved", `/versions/${v.id}/approve`, note ? { note } : {})}
          >
            Approve
          </button>
          <button
            type="button"
            disabled={busy || note.trim() === ""}
            title="A note saying why is needed"
            onClick={() => act("Rejected", `/versions/${v.id}/reject`, { note })}
          >
            Reject
          </button>
        </>
      )}
      {error && <ErrorBox error={error} />}
    </form>
  );
}

function Detail({ id, onDone }: { id: number; onDone: (message: string) => void }) {
  const detail = useApi<VersionDetail>(`/versions/${id}`);
  return (
    <Section title={`Version ${id}`} source={detail}>
      {(v) => (
        <>
          <p>
            <span className={`state-${v.state}`}>{v.state}</span> · by {v.author} on {when(v.createdAt)}
            {v.decidedBy && ` · decided by ${v.decidedBy} on ${when(v.decidedAt)}`}
            {v.parentId !== null && ` · on top of version ${v.parentId}`}
          </p>
          <p>{v.message}</p>
          <Actions v={v} onDone={onDone} />
          <p className="muted">
            {v.files.length} files: {v.counts.zones ?? 0} zones, {v.counts.assets ?? 0} assets,{" "}
            {v.counts.flows ?? 0} flows, {v.counts.points ?? 0} points; {v.diagnostics.length} diagnostics
          </p>
          <details>
            <summary>Files</summary>
            {v.files.map((f) => (
              <details key={f.path}>
                <summary>{f.path}</summary>
                <pre className="code-view">{f.text}</pre>
              </details>
            ))}
          </details>
        </>
      )}
    </Section>
  );
}

export default function PolicyVersions() {
  const [params, setParams] = useSearchParams();
  const [notice, setNotice] = useState<string>();
  const versions = useApi<{ versions: VersionSummary[] }>("/versions");
  const selected = params.get("v") ? Number(params.get("v")) : undefined;
  const against = params.get("against") ? Number(params.get("against")) : undefined;
  const select = (id: number, view: "view" | "diff") =>
    setParams(view === "diff" ? { v: String(id), view } : { v: String(id) });
  const done = (message: string) => {
    setNotice(message);
    versions.reload();
  };
  return (
    <>
      <PageHeader
        title="Policy versions"
        subtitle="Every version, what each change opened and closed, restore"
      />
      {notice && (
        <p className="admin-notice" role="status">
          {notice}
        </p>
      )}
      <div className="panels">
        <Section title="Versions" source={versions}>
          {({ versions: list }) => (
            <DataTable
              caption="Policy versions, newest first"
              captionHidden
              rows={list}
              rowKey={(v) => v.id}
              empty="No policy version yet."
              columns={[
                { key: "id", header: "Version", align: "right", sortValue: (v) => v.id },
                {
                  key: "state",
                  header: "State",
                  sortValue: (v) => v.state,
                  render: (v) => <span className={`state-${v.state}`}>{v.state}</span>,
                },
                { key: "author", header: "Author", sortValue: (v) => v.author },
                { key: "message", header: "Message", sortValue: (v) => v.message },
                {
                  key: "at",
                  header: "Created",
                  sortValue: (v) => v.createdAt,
                  render: (v) => when(v.createdAt),
                },
                {
                  key: "open",
                  header: "Open",
                  render: (v) => (
                    <span className="admin-row-actions">
                      <button
                        type="button"
                        onClick={() => select(v.id, "view")}
                        aria-label={`View version ${v.id}`}
                      >
                        View
                      </button>
                      <button
                        type="button"
                        onClick={() => select(v.id, "diff")}
                        aria-label={`Diff of version ${v.id}`}
                      >
                        Diff
                      </button>
                    </span>
                  ),
                },
              ]}
            />
          )}
        </Section>
        {selected !== undefined && <Detail key={selected} id={selected} onDone={done} />}
        {selected !== undefined && params.get("view") === "diff" && (
          <VersionDiff
            id={selected}
            against={against}
            others={versions.state === "done" ? versions.data.versions : []}
            onAgainst={(a) =>
              setParams(
                a === undefined
                  ? { v: String(selected), view: "diff" }
                  : { v: String(selected), view: "diff", against: String(a) },
              )
            }
          />
        )}
      </div>
    </>
  );
}
