// The form to ask for access, with the risk check run live (debounced) while it is typed.

import { useState, type FormEvent } from "react";
import { api } from "../../api/client.js";
import type { AccessRequestRecord } from "../../api/types.js";
import { toApiError } from "../../api/use-api.js";
import type { RequestCheck } from "../../components/questions/api-types.js";
import { splitList } from "../../components/questions/list-text.js";
import { usePost } from "../../components/questions/use-post.js";
import { ErrorBox, Loading } from "../../components/states.js";
import type { ApiError } from "../../api/client.js";
import { RiskView } from "./risk-view.js";

const FIELDS = [
  ["from", "From", "zone:branch, asset:pos-1"],
  ["to", "To", "asset:hq-print-1"],
  ["services", "Services", "https, tcp/8443"],
] as const;

type Draft = Record<"from" | "to" | "services" | "justification" | "until" | "ticket", string>;
const EMPTY: Draft = { from: "", to: "", services: "", justification: "", until: "", ticket: "" };

/** The request body as typed; undefined until from, to and services all say something. */
function bodyOf(d: Draft, withJustification: boolean): Record<string, unknown> | undefined {
  const from = splitList(d.from);
  const to = splitList(d.to);
  const services = splitList(d.services);
  if (!from.length || !to.length || !services.length) return undefined;
  return {
    from,
    to,
    services,
    ...(withJustification && { justification: d.justification.trim() }),
    ...(d.until && { until: d.until }),
    ...(d.ticket.trim() && { ticket: d.ticket.trim() }),
  };
}

function LiveCheck({ draft }: { draft: Draft }) {
  const check = usePost<RequestCheck>("/requests/check", bodyOf(draft, false), 400);
  if (check.state === "idle") return <p className="muted">Fill in from, to and services to see the risk.</p>;
  if (check.state === "loading") return <Loading label="Checking the risk…" />;
  if (check.state === "error") return <ErrorBox error={check.error} />;
  return <RiskView risk={check.data.risk} title="Live risk check" />;
}

export function RequestForm({ onFiled }: { onFiled: (r: AccessRequestRecord) => void }) {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const set = (k: keyof Draft) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [k]: e.target.value }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = bodyOf(draft, true);
    if (!body) return;
    setBusy(true);
    setError(undefined);
    try {
      const filed = await api.post<AccessRequestRecord>("/requests", body);
      setDraft(EMPTY);
      onFiled(filed);
    } catch (x) {
      setError(toApiError(x));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <section className="panel" aria-labelledby="new-request-title">
        <h2 id="new-request-title">New access request</h2>
        <form className="q-form" onSubmit={(e) => void submit(e)}>
          {FIELDS.map(([k, label, hint]) => (
            <div className="field" key={k}>
              <label htmlFor={`req-${k}`}>{label}</label>
              <input id={`req-${k}`} required value={draft[k]} placeholder={hint} onChange={set(k)} />
            </div>
          ))}
          <div className="field">
            <label htmlFor="req-until">Needed until</label>
            <input id="req-until" type="date" value={draft.until} onChange={set("until")} />
          </div>
          <div className="field">
            <label htmlFor="req-ticket">Ticket</label>
            <input id="req-ticket" value={draft.ticket} placeholder="CHG-1234" onChange={set("ticket")} />
          </div>
          <div className="field wide">
            <label htmlFor="req-justification">Justification</label>
            <textarea
              id="req-justification"
              required
              minLength={10}
              maxLength={2000}
              value={draft.justification}
              onChange={set("justification")}
            />
          </div>
          <div className="q-actions">
            <button type="submit" className="primary" disabled={busy}>
              {busy ? "Filing…" : "File request"}
            </button>
          </div>
          {error && <ErrorBox error={error} />}
        </form>
      </section>
      <section className="panel" aria-labelledby="live-risk-title" aria-live="polite">
        <h2 id="live-risk-title">Risk check</h2>
        <LiveCheck draft={draft} />
      </section>
    </>
  );
}
