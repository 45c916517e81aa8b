// One request: what it asks, its risk, its decision; Approve / Reject with a comment, or Withdraw one's own.

import { useState, type ReactNode } from "react";
import { Link } from "react-router";
import { api, type ApiError } from "../../api/client.js";
import type { AccessRequestRecord } from "../../api/types.js";
import { toApiError, useApi } from "../../api/use-api.js";
import type { StoredRisk } from "../../components/questions/api-types.js";
import { Verdict } from "../../components/questions/rule-table.js";
import { ErrorBox, Loading } from "../../components/states.js";
import { useSession } from "../../session.js";
import { specOf } from "./request-list.js";
import { RiskView } from "./risk-view.js";

type Action = "approve" | "reject" | "withdraw";

function Decide(props: { r: AccessRequestRecord; onDone: () => void }) {
  const { me, can } = useSession();
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState<Action | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const own = me?.user.username.toLowerCase() === props.r.requester.toLowerCase();
  const act = async (action: Action) => {
    setBusy(action);
    setError(undefined);
    try {
      const body = action === "withdraw" ? {} : note.trim() ? { note: note.trim() } : {};
      await api.post(`/requests/${props.r.id}/${action}`, body);
      setNote("");
      props.onDone();
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(undefined);
    }
  };
  if (props.r.state !== "pending") return null;
  const decide = can("request:decide") && !own;
  return (
    <div className="q-decide">
      {decide && (
        <>
          <label htmlFor="decision-note">Comment</label>
          <textarea
            id="decision-note"
            value={note}
            maxLength={2000}
            placeholder="Why (required to reject)"
            onChange={(e) => setNote(e.target.value)}
          />
        </>
      )}
      <div className="q-actions">
        {decide && (
          <>
            <button
              type="button"
              className="primary"
              disabled={busy !== undefined}
              onClick={() => void act("approve")}
            >
              {busy === "approve" ? "Approving…" : "Approve"}
            </button>
            <button
              type="button"
              disabled={busy !== undefined || note.trim() === ""}
              title={note.trim() === "" ? "Say why in the comment first" : undefined}
              onClick={() => void act("reject")}
            >
              {busy === "reject" ? "Rejecting…" : "Reject"}
            </button>
          </>
        )}
        {own && (
          <button type="button" disabled={busy !== undefined} onClick={() => void act("withdraw")}>
            {busy === "withdraw" ? "Withdrawing…" : "Withdraw"}
          </button>
        )}
      </div>
      {own && can("request:decide") && <p className="muted">Someone else must decide on your own request.</p>}
      {error && <ErrorBox error={error} />}
    </div>
  );
}

function Facts({ r }: { r: AccessRequestRecord }) {
  const s = specOf(r);
  const facts: [string, ReactNode][] = [
    ["State", <Verdict key="s" verdict={r.state} />],
    ["From", (s.from ?? []).join(", ")],
    ["To", (s.to ?? []).join(", ")],
    ["Services", (s.services ?? []).join(", ")],
    ["Justification", s.justification ?? ""],
    ["Needed until", s.until ?? "no end date"],
    ["Ticket", s.ticket ?? "none"],
    ["Requester", r.requester],
    ["Filed", new Date(r.createdAt).toLocaleString()],
  ];
  if (r.decidedBy)
    facts.push(
      ["Decided by", `${r.decidedBy}${r.decidedAt ? ` on ${new Date(r.decidedAt).toLocaleString()}` : ""}`],
      ["Comment", r.decisionNote ?? "none"],
    );
  if (r.versionId !== null)
    facts.push([
      "Policy version",
      <Link key="v" to="/versions">
        Version {r.versionId}
      </Link>,
    ]);
  return (
    <dl>
      {facts.map(([k, v]) => (
        <div key={k} style={{ display: "contents" }}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function RequestDetail({ id, onChanged }: { id: number; onChanged: () => void }) {
  const found = useApi<AccessRequestRecord>(`/requests/${id}`);
  return (
    <section className="panel wide q-detail" aria-labelledby="request-detail-title">
      <h2 id="request-detail-title">Request #{id}</h2>
      {found.state === "loading" && <Loading />}
      {found.state === "error" && <ErrorBox error={found.error} onRetry={found.reload} />}
      {found.state === "done" && (
        <>
          <Facts r={found.data} />
          {found.data.risk !== null && found.data.risk !== undefined && (
            <RiskView
              risk={found.data.risk as StoredRisk}
              title={found.data.state === "pending" ? "Risk at filing" : "Risk the decision was made on"}
            />
          )}
          <Decide
            r={found.data}
            onDone={() => {
              found.reload();
              onChanged();
            }}
          />
          <p>
            <Link to="/requests">Close</Link>
          </p>
        </>
      )}
    </section>
  );
}
