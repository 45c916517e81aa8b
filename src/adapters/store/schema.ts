// The database's tables as Kysely sees them: portable column types shared by SQLite and PostgreSQL.
// Ids are integer identities, times ISO 8601 text, booleans integers 0/1 and JSON values text, so that one
// set of queries and one row mapping serve both databases.

import type { Generated } from "kysely";

/** 0 or 1: SQLite has no boolean type, and one representation keeps the row mapping shared. */
export type Flag = number;

export interface UsersTable {
  id: Generated<number>;
  username: string;
  /** The username in lower case, unique: "Alice" and "alice" are one user. */
  username_key: string;
  role: string;
  password_hash: string;
  totp_secret: string | null;
  totp_enabled: Flag;
  totp_last_step: number | null;
  /** JSON array of hex SHA-256 hashes. */
  recovery_codes: string;
  disabled: Flag;
  oidc_subject: string | null;
  created_at: string;
  password_changed_at: string;
}

export interface SessionsTable {
  id_hash: string;
  user_id: number;
  csrf_token: string;
  stage: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  client_address: string;
  user_agent: string;
}

export interface TokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  token_hash: string;
  /** JSON array of permissions. */
  scopes: string;
  created_at: string;
  expires_at: string;
  last_used_at: string | null;
  revoked: Flag;
}

export interface LoginThrottleTable {
  key: string;
  failures: number;
  window_start: string;
  locked_until: string | null;
}

export interface PolicyVersionsTable {
  id: Generated<number>;
  parent_id: number | null;
  state: string;
  author: string;
  created_at: string;
  message: string;
  /** JSON array of {path, text}. */
  files: string;
  /** JSON of the semantic diff, "null" when none. */
  diff: string;
  decided_by: string | null;
  decided_at: string | null;
  request_id: number | null;
}

export interface AccessRequestsTable {
  id: Generated<number>;
  requester: string;
  created_at: string;
  state: string;
  spec: string;
  risk: string;
  score: number;
  decided_by: string | null;
  decided_at: string | null;
  decision_note: string | null;
  version_id: number | null;
}

export interface ConfigsTable {
  id: Generated<number>;
  version_id: number;
  point: string;
  target: string;
  files: string;
  proven: Flag;
  created_at: string;
  created_by: string;
}

export interface DeploymentsTable {
  id: Generated<number>;
  config_id: number;
  point: string;
  version_id: number;
  state: string;
  recorded_by: string;
  recorded_at: string;
  note: string;
  verified_at: string | null;
  verification: string;
}

export interface AnalysesTable {
  id: Generated<number>;
  kind: string;
  subject: string;
  created_at: string;
  created_by: string;
  result: string;
}

export interface RecertificationsTable {
  id: Generated<number>;
  flow: string;
  version_id: number;
  decision: string;
  decided_by: string;
  decided_at: string;
  until: string | null;
  note: string;
}

export interface AuditLogTable {
  /** Given by the append (last seq + 1), not by the database: the chain needs it before the insert. */
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  outcome: string;
  client_address: string;
  detail: string;
  prev_hash: string;
  hash: string;
}

export interface WebAuthnCredentialsTable {
  id: Generated<number>;
  user_id: number;
  /** base64url, unique. */
  credential_id: string;
  /** COSE key, base64url. */
  public_key: string;
  counter: number;
  /** JSON array of transport names. */
  transports: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

export interface WebAuthnChallengesTable {
  user_id: number;
  /** "register" or "login"; with user_id the primary key. */
  purpose: string;
  challenge: string;
  expires_at: string;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  tokens: TokensTable;
  login_throttle: LoginThrottleTable;
  policy_versions: PolicyVersionsTable;
  access_requests: AccessRequestsTable;
  configs: ConfigsTable;
  deployments: DeploymentsTable;
  analyses: AnalysesTable;
  recertifications: RecertificationsTable;
  audit_log: AuditLogTable;
  webauthn_credentials: WebAuthnCredentialsTable;
  webauthn_challenges: WebAuthnChallengesTable;
}

export type StoreKind = "sqlite" | "postgres";
