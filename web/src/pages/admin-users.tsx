// The Users admin page: every user, create one (with the second factor shown once), change role, disable or
// enable, reset MFA, set a password.

import { useState, type FormEvent } from "react";
import type { PublicUser } from "../api/types.js";
import { api, type ApiError } from "../api/client.js";
import { toApiError, useApi } from "../api/use-api.js";
import { DataTable } from "../components/data-table.js";
import { PageHeader } from "../components/page-header.js";
import { ErrorBox } from "../components/states.js";
import "./admin/admin.css";
import { IssuedMfa } from "./admin/issued-mfa.js";
import { Section, when } from "./admin/section.js";
import { TextField } from "../components/text-field.js";

const ROLES = ["viewer", "requester", "approver", "policy-admin", "operator", "admin"] as const;

interface Issued {
  username: string;
  otpauthUri?: string;
  recoveryCodes?: string[];
}

function CreateUser({ onCreated }: { onCreated: (issued: Issued) => void }) {
  const [username, setUsername] = useState("");
  const [role, setRole] = useState<string>("viewer");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<ApiError>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const r = await api.post<Issued & { user: PublicUser }>("/users", {
        username,
        role,
        ...(password && { password }),
      });
      onCreated({ ...r, username: r.user.username });
      setUsername("");
      setPassword("");
    } catch (x) {
      setError(toApiError(x));
    }
  };
  return (
    <form className="admin-form" onSubmit={submit} aria-label="Create a user">
      <div className="field">
        <label htmlFor="new-username">Username</label>
        <input id="new-username" value={username} onChange={(e) => setUsername(e.target.value)} required />
      </div>
      <div className="field">
        <label htmlFor="new-role">Role</label>
        <select id="new-role" value={role} onChange={(e) => setRole(e.target.value)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </div>
      <TextField
        id="new-password"
        label="Password (optional)"
        type="password"
        autoComplete="new-password"
        value={password}
        onValue={setPassword}
      />
      <button type="submit" className="primary">
        Create user
      </button>
      {error && <ErrorBox error={error} />}
    </form>
  );
}

/** One row's controls; each change goes straight to the server and the list reloads. */
function UserActions({
  user,
  onChanged,
  onIssued,
}: {
  user: PublicUser;
  onChanged: (e?: ApiError) => void;
  onIssued: (i: Issued) => void;
}) {
  const run = (p: Promise<unknown>) =>
    p.then(
      () => onChanged(),
      (e: unknown) => onChanged(toApiError(e)),
    );
  const path = `/users/${encodeURIComponent(user.username)}`;
  return (
    <span className="admin-row-actions">
      <label className="visually-hidden" htmlFor={`role-${user.id}`}>
        Role of {user.username}
      </label>
      <select
        id={`role-${user.id}`}
        value={user.role}
        onChange={(e) => run(api.patch(path, { role: e.target.value }))}
      >
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      <button type="button" onClick={() => run(api.patch(path, { disabled: !user.disabled }))}>
        {user.disabled ? "Enable" : "Disable"}
      </button>
      <button
        type="button"
        onClick={() =>
          api.post<Omit<Issued, "username">>(`${path}/mfa-reset`, {}).then(
            (r) => {
              onIssued({ ...r, username: user.username });
              onChanged();
            },
            (e: unknown) => onChanged(toApiError(e)),
          )
        }
      >
        Reset MFA
      </button>
      <button
        type="button"
        onClick={() => {
          const password = window.prompt(`New password for ${user.username} (at least 12 characters)`);
          if (password) run(api.post(`${path}/password`, { password }));
        }}
      >
        Set password
      </button>
    </span>
  );
}

export default function AdminUsers() {
  const users = useApi<{ users: PublicUser[] }>("/users");
  const [issued, setIssued] = useState<Issued>();
  const [error, setError] = useState<ApiError>();
  const changed = (e?: ApiError) => {
    setError(e);
    users.reload();
  };
  return (
    <>
      <PageHeader title="Users" subtitle="Who may sign in, with which role" />
      {issued && <IssuedMfa {...issued} onClose={() => setIssued(undefined)} />}
      {error && <ErrorBox error={error} />}
      <div className="panels">
        <section className="panel wide" aria-labelledby="create-user">
          <h2 id="create-user">Create a user</h2>
          <CreateUser
            onCreated={(i) => {
              setIssued(i);
              users.reload();
            }}
          />
        </section>
        <Section title="Users" source={users}>
          {({ users: list }) => (
            <DataTable
              caption="Users"
              captionHidden
              rows={list}
              rowKey={(u) => u.id}
              empty="No users."
              columns={[
                { key: "username", header: "Username", sortValue: (u) => u.username },
                { key: "role", header: "Role", sortValue: (u) => u.role },
                {
                  key: "status",
                  header: "Status",
                  sortValue: (u) => (u.disabled ? "disabled" : "active"),
                  render: (u) => (u.disabled ? <span className="state-failed">disabled</span> : "active"),
                },
                {
                  key: "mfa",
                  header: "MFA",
                  sortValue: (u) => (u.totpEnabled ? "on" : u.mfaRequired ? "pending" : "off"),
                  render: (u) =>
                    u.totpEnabled
                      ? `on (${u.recoveryCodesLeft} recovery codes)`
                      : u.mfaRequired
                        ? "not enrolled"
                        : "off",
                },
                {
                  key: "created",
                  header: "Created",
                  sortValue: (u) => u.createdAt,
                  render: (u) => when(u.createdAt),
                },
                {
                  key: "actions",
                  header: "Actions",
                  render: (u) => <UserActions user={u} onChanged={changed} onIssued={setIssued} />,
                },
              ]}
            />
          )}
        </Section>
      </div>
    </>
  );
}
