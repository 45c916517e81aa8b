// The API tokens page: one's own tokens (admins: everyone's), create one with scopes within one's permissions
// (the token shown once, with a copy button), revoke.

import { useState, type FormEvent } from "react";
import type { TokenView } from "../../../src/app/auth/tokens.js";
import { api, type ApiError } from "../api/client.js";
import type { Permission } from "../api/types.js";
import { toApiError, useApi } from "../api/use-api.js";
import { DataTable } from "../components/data-table.js";
import { PageHeader } from "../components/page-header.js";
import { ErrorBox } from "../components/states.js";
import { useSession } from "../session.js";
import "./admin/admin.css";
import { Section, when } from "./admin/section.js";
import { TextField } from "../components/text-field.js";

function CreateToken({ onCreated }: { onCreated: (token: string) => void }) {
  const { me } = useSession();
  const mine = (me?.permissions ?? []) as Permission[];
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<Set<Permission>>(new Set(mine.filter((p) => p === "policy:read")));
  const [days, setDays] = useState(30);
  const [error, setError] = useState<ApiError>();
  const toggle = (p: Permission) =>
    setScopes((s) => {
      const n = new Set(s);
      if (n.has(p)) n.delete(p);
      else n.add(p);
      return n;
    });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const r = await api.post<{ token: string }>("/tokens", {
        name,
        scopes: [...scopes],
        expiresInDays: days,
      });
      onCreated(r.token);
      setName("");
    } catch (x) {
      setError(toApiError(x));
    }
  };
  return (
    <form className="admin-form" onSubmit={submit} aria-label="Create a token">
      <TextField id="token-name" label="Name" value={name} required maxLength={64} onValue={setName} />
      <div className="field">
        <label htmlFor="token-days">Expires in days</label>
        <input
          id="token-days"
          type="number"
          min={1}
          max={365}
          value={days}
          onChange={(e) => setDays(Number(e.target.value))}
        />
      </div>
      <fieldset className="checkbox-grid">
        <legend>Scopes</legend>
        {mine.map((p) => (
          <label key={p}>
            <input type="checkbox" checked={scopes.has(p)} onChange={() => toggle(p)} /> {p}
          </label>
        ))}
      </fieldset>
      <button type="submit" className="primary" disabled={scopes.size === 0}>
        Create token
      </button>
      {error && <ErrorBox error={error} />}
    </form>
  );
}

function ShownOnce({ token, onClose }: { token: string; onClose: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="admin-notice" role="status">
      <p>Your new token, shown only this once:</p>
      <p className="token-once">
        <code>{token}</code>
      </p>
      <span className="admin-row-actions">
        <button
          type="button"
          onClick={() =>
            navigator.clipboard.writeText(token).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? "Copied" : "Copy"}
        </button>
        <button type="button" onClick={onClose}>
          Done
        </button>
      </span>
    </div>
  );
}

export default function AdminTokens() {
  const { can } = useSession();
  const [all, setAll] = useState(false);
  const tokens = useApi<{ tokens: TokenView[] }>("/tokens", all ? { all: "true" } : undefined);
  const [shown, setShown] = useState<string>();
  const [error, setError] = useState<ApiError>();
  const revoke = (id: number) =>
    api.delete(`/tokens/${id}`).then(
      () => {
        setError(undefined);
        tokens.reload();
      },
      (e: unknown) => setError(toApiError(e)),
    );
  return (
    <>
      <PageHeader title="API tokens" subtitle="Scoped, expiring credentials for scripts" />
      {shown && <ShownOnce token={shown} onClose={() => setShown(undefined)} />}
      {error && <ErrorBox error={error} />}
      <div className="panels">
        <section className="panel wide" aria-labelledby="create-token">
          <h2 id="create-token">Create a token</h2>
          <CreateToken
            onCreated={(t) => {
              setShown(t);
              tokens.reload();
            }}
          />
        </section>
        <Section
          title={all ? "Everyone's tokens" : "Your tokens"}
          source={tokens}
          actions={
            can("user:admin") && (
              <label>
                <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> Show
                everyone's
              </label>
            )
          }
        >
          {({ tokens: list }) => (
            <DataTable
              caption="API tokens"
              captionHidden
              rows={list}
              rowKey={(t) => t.id}
              empty="No tokens yet."
              columns={[
                { key: "name", header: "Name", sortValue: (t) => t.name },
                ...(all
                  ? [
                      {
                        key: "user",
                        header: "User id",
                        align: "right" as const,
                        sortValue: (t: TokenView) => t.userId,
                      },
                    ]
                  : []),
                { key: "scopes", header: "Scopes", render: (t) => t.scopes.join(", ") },
                {
                  key: "created",
                  header: "Created",
                  sortValue: (t) => t.createdAt,
                  render: (t) => when(t.createdAt),
                },
                {
                  key: "expires",
                  header: "Expires",
                  sortValue: (t) => t.expiresAt,
                  render: (t) => when(t.expiresAt),
                },
                {
                  key: "used",
                  header: "Last used",
                  sortValue: (t) => t.lastUsedAt ?? "",
                  render: (t) => when(t.lastUsedAt),
                },
                {
                  key: "state",
                  header: "State",
                  sortValue: (t) => (t.revoked ? "revoked" : "active"),
                  render: (t) =>
                    t.revoked ? (
                      <span className="muted">revoked</span>
                    ) : (
                      <button
                        type="button"
                        onClick={() => revoke(t.id)}
                        aria-label={`Revoke token ${t.name}`}
                      >
                        Revoke
                      </button>
                    ),
                },
              ]}
            />
          )}
        </Section>
      </div>
    </>
  );
}
