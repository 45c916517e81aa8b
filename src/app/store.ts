// The management server's storage port: what the use cases need to keep, whatever database keeps it.
// Implemented by src/adapters/store (SQLite and PostgreSQL through Kysely); one contract suite runs on both.
// Times are ISO 8601 strings in UTC; ids are positive integers given by the store.

import type { Role } from "./roles.js";

export interface UserRecord {
  readonly id: number;
  readonly username: string;
  readonly role: Role;
  /** argon2id PHC string; empty for a user who signs in only through OIDC. */
  readonly passwordHash: string;
  /** Base32 TOTP secret; set at enrolment, `totpEnabled` once a first code confirmed it. */
  readonly totpSecret: string | null;
  readonly totpEnabled: boolean;
  /** The last TOTP time step accepted: a code is never accepted twice. */
  readonly totpLastStep: number | null;
  /** SHA-256 hashes (hex) of the unused recovery codes. */
  readonly recoveryCodes: readonly string[];
  readonly disabled: boolean;
  /** The OIDC issuer and subject this user signs in as, "issuer#subject"; null for local users. */
  readonly oidcSubject: string | null;
  readonly createdAt: string;
  readonly passwordChangedAt: string;
}

export interface NewUser {
  readonly username: string;
  readonly role: Role;
  readonly passwordHash: string;
  readonly totpSecret?: string | null;
  readonly totpEnabled?: boolean;
  readonly recoveryCodes?: readonly string[];
  readonly oidcSubject?: string | null;
  readonly createdAt: string;
}

export type UserChange = Partial<
  Pick<
    UserRecord,
    | "role"
    | "passwordHash"
    | "totpSecret"
    | "totpEnabled"
    | "totpLastStep"
    | "recoveryCodes"
    | "disabled"
    | "oidcSubject"
    | "passwordChangedAt"
  >
>;

export interface UserRepo {
  create(user: NewUser): Promise<UserRecord>;
  /** Case-insensitive: "Alice" and "alice" are one user. */
  byName(username: string): Promise<UserRecord | undefined>;
  byId(id: number): Promise<UserRecord | undefined>;
  byOidcSubject(subject: string): Promise<UserRecord | undefined>;
  list(): Promise<UserRecord[]>;
  update(id: number, change: UserChange): Promise<UserRecord | undefined>;
  count(): Promise<number>;
}

export interface SessionRecord {
  /** SHA-256 (hex) of the cookie value: a stolen database holds no usable session. */
  readonly idHash: string;
  readonly userId: number;
  readonly csrfToken: string;
  /** "password" until the second factor is given, then "full". */
  readonly stage: "password" | "full";
  readonly createdAt: string;
  readonly lastSeenAt: string;
  /** The absolute timeout; the idle timeout is judged from lastSeenAt. */
  readonly expiresAt: string;
  readonly clientAddress: string;
  readonly userAgent: string;
}

export interface SessionRepo {
  create(session: SessionRecord): Promise<void>;
  get(idHash: string): Promise<SessionRecord | undefined>;
  touch(idHash: string, lastSeenAt: string): Promise<void>;
  upgrade(idHash: string, stage: "full"): Promise<void>;
  delete(idHash: string): Promise<void>;
  /** Every session of the user ("log out everywhere", password change, disable); returns how many. */
  deleteForUser(userId: number): Promise<number>;
  listForUser(userId: number): Promise<SessionRecord[]>;
  deleteExpired(now: string, idleBefore: string): Promise<number>;
}

export interface TokenRecord {
  readonly id: number;
  readonly userId: number;
  readonly name: string;
  /** SHA-256 (hex) of the secret part. */
  readonly tokenHash: string;
  /** Permissions the token may use (a subset of its owner's role's). */
  readonly scopes: readonly string[];
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly lastUsedAt: string | null;
  readonly revoked: boolean;
}

export interface TokenRepo {
  create(token: Omit<TokenRecord, "id" | "lastUsedAt" | "revoked">): Promise<TokenRecord>;
  byHash(tokenHash: string): Promise<TokenRecord | undefined>;
  byId(id: number): Promise<TokenRecord | undefined>;
  listForUser(userId: number): Promise<TokenRecord[]>;
  list(): Promise<TokenRecord[]>;
  markUsed(id: number, at: string): Promise<void>;
  revoke(id: number): Promise<void>;
}

/** Failed sign-ins counted per key ("user:NAME" or "ip:ADDRESS") in a sliding window. */
export interface ThrottleRecord {
  readonly key: string;
  readonly failures: number;
  readonly windowStart: string;
  readonly lockedUntil: string | null;
}

export interface ThrottleRepo {
  get(key: string): Promise<ThrottleRecord | undefined>;
  put(record: ThrottleRecord): Promise<void>;
  clear(key: string): Promise<void>;
}

export interface PolicyFile {
  readonly path: string;
  readonly text: string;
}

export type VersionState = "proposed" | "approved" | "rejected";

export interface VersionRecord {
  readonly id: number;
  /** The version this one was proposed on top of; null for the first. */
  readonly parentId: number | null;
  readonly state: VersionState;
  readonly author: string;
  readonly createdAt: string;
  readonly message: string;
  readonly files: readonly PolicyFile[];
  /** The semantic diff against the parent (an app-level report, stored as JSON); null when none was made. */
  readonly diff: unknown;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
  /** The access request this version implements, if any. */
  readonly requestId: number | null;
}

export interface VersionRepo {
  create(version: Omit<VersionRecord, "id" | "decidedBy" | "decidedAt">): Promise<VersionRecord>;
  get(id: number): Promise<VersionRecord | undefined>;
  /** Newest first, without files and diff (list pages stay small). */
  list(options?: { state?: VersionState; limit?: number }): Promise<Omit<VersionRecord, "files" | "diff">[]>;
  /** The newest approved version: the policy in force. */
  current(): Promise<VersionRecord | undefined>;
  /** The id of current()'s version, without reading its files: what a question checks on every request. */
  currentId(): Promise<number | undefined>;
  decide(
    id: number,
    state: "approved" | "rejected",
    by: string,
    at: string,
  ): Promise<VersionRecord | undefined>;
}

export type RequestState = "pending" | "approved" | "rejected" | "withdrawn" | "implemented";

export interface AccessRequestRecord {
  readonly id: number;
  readonly requester: string;
  readonly createdAt: string;
  readonly state: RequestState;
  /** What is asked (from, to, services, until, justification...), as the API received it. */
  readonly spec: unknown;
  /** The risk check's result at creation. */
  readonly risk: unknown;
  readonly score: number;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
  readonly decisionNote: string | null;
  /** The policy version the approval created. */
  readonly versionId: number | null;
}

export interface RequestRepo {
  create(
    request: Omit<AccessRequestRecord, "id" | "decidedBy" | "decidedAt" | "decisionNote" | "versionId">,
  ): Promise<AccessRequestRecord>;
  get(id: number): Promise<AccessRequestRecord | undefined>;
  /** The highest id given so far (0 for none): names the next request's flow without reading them all. */
  lastId(): Promise<number>;
  list(options?: { state?: RequestState; requester?: string }): Promise<AccessRequestRecord[]>;
  update(
    id: number,
    change: Partial<
      Pick<
        AccessRequestRecord,
        "state" | "decidedBy" | "decidedAt" | "decisionNote" | "versionId" | "risk" | "score"
      >
    >,
  ): Promise<AccessRequestRecord | undefined>;
}

export interface ConfigRecord {
  readonly id: number;
  readonly versionId: number;
  readonly point: string;
  readonly target: string;
  readonly files: readonly PolicyFile[];
  readonly proven: boolean;
  readonly createdAt: string;
  readonly createdBy: string;
}

export interface ConfigRepo {
  create(config: Omit<ConfigRecord, "id">): Promise<ConfigRecord>;
  get(id: number): Promise<ConfigRecord | undefined>;
  list(options?: { versionId?: number; point?: string }): Promise<Omit<ConfigRecord, "files">[]>;
}

export type DeploymentState = "recorded" | "verified" | "failed";

export interface DeploymentRecord {
  readonly id: number;
  readonly configId: number;
  readonly point: string;
  readonly versionId: number;
  readonly state: DeploymentState;
  readonly recordedBy: string;
  readonly recordedAt: string;
  readonly note: string;
  readonly verifiedAt: string | null;
  /** The verification's result (the app's report, as JSON). */
  readonly verification: unknown;
}

export interface DeploymentRepo {
  create(d: Omit<DeploymentRecord, "id" | "verifiedAt" | "verification">): Promise<DeploymentRecord>;
  get(id: number): Promise<DeploymentRecord | undefined>;
  list(options?: { point?: string }): Promise<DeploymentRecord[]>;
  update(
    id: number,
    change: Partial<Pick<DeploymentRecord, "state" | "verifiedAt" | "verification">>,
  ): Promise<DeploymentRecord | undefined>;
}

export interface AnalysisRecord {
  readonly id: number;
  readonly kind: string;
  readonly subject: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly result: unknown;
}

export interface AnalysisRepo {
  create(a: Omit<AnalysisRecord, "id">): Promise<AnalysisRecord>;
  get(id: number): Promise<AnalysisRecord | undefined>;
  list(options?: { kind?: string; limit?: number }): Promise<Omit<AnalysisRecord, "result">[]>;
}

export interface RecertificationRecord {
  readonly id: number;
  readonly flow: string;
  /** The version the decision was made on. */
  readonly versionId: number;
  readonly decision: "recertified" | "expire";
  readonly decidedBy: string;
  readonly decidedAt: string;
  /** The new expiry date for "recertified" (YYYY-MM-DD). */
  readonly until: string | null;
  readonly note: string;
}

export interface RecertificationRepo {
  create(r: Omit<RecertificationRecord, "id">): Promise<RecertificationRecord>;
  list(options?: { flow?: string }): Promise<RecertificationRecord[]>;
}

export interface AuditEntry {
  readonly seq: number;
  readonly at: string;
  /** Username, or "-" for an anonymous client (a failed login names the username tried in detail). */
  readonly actor: string;
  /** Dotted verb: "auth.login", "auth.login-failed", "version.propose", "request.approve", "audit.export"... */
  readonly action: string;
  /** What it acted on: "version:12", "user:alice"; "" when nothing. */
  readonly target: string;
  readonly outcome: "success" | "failure" | "denied";
  readonly clientAddress: string;
  readonly detail: unknown;
  readonly prevHash: string;
  readonly hash: string;
}

export type NewAuditEntry = Omit<AuditEntry, "seq" | "prevHash" | "hash">;

export interface AuditRepo {
  /**
   * Appends one entry at the end of the chain: reads the last entry's seq and hash and inserts under a lock,
   * so concurrent appends (even from two server processes on PostgreSQL) never fork the chain.
   * `hashOf` computes the new entry's hash from everything else in it.
   */
  append(entry: NewAuditEntry, hashOf: (e: Omit<AuditEntry, "hash">) => string): Promise<AuditEntry>;
  /** In seq order, from `afterSeq` (exclusive), at most `limit`. */
  list(options?: {
    afterSeq?: number;
    limit?: number;
    actor?: string;
    action?: string;
  }): Promise<AuditEntry[]>;
  count(): Promise<number>;
}

/** A WebAuthn credential (security key or passkey) registered as a second factor. */
export interface WebAuthnCredentialRecord {
  readonly id: number;
  readonly userId: number;
  /** The authenticator's credential id, base64url; unique across users. */
  readonly credentialId: string;
  /** The COSE public key, base64url. */
  readonly publicKey: string;
  /** The signature counter last seen: an assertion must move it forward (unless the authenticator keeps none). */
  readonly counter: number;
  readonly transports: readonly string[];
  readonly name: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
}

export type WebAuthnPurpose = "register" | "login";

/** A challenge handed out with WebAuthn options: one per user and purpose, used at most once. */
export interface WebAuthnChallengeRecord {
  readonly userId: number;
  readonly purpose: WebAuthnPurpose;
  /** base64url, as sent to the client. */
  readonly challenge: string;
  readonly expiresAt: string;
}

export interface WebAuthnRepo {
  /** A credential id already registered (by anyone) is a StoreConflict. */
  create(c: Omit<WebAuthnCredentialRecord, "id" | "lastUsedAt">): Promise<WebAuthnCredentialRecord>;
  byCredentialId(credentialId: string): Promise<WebAuthnCredentialRecord | undefined>;
  listForUser(userId: number): Promise<WebAuthnCredentialRecord[]>;
  countForUser(userId: number): Promise<number>;
  /**
   * Records a use and the new counter, only if the stored counter is still `expectedCounter` (so two
   * concurrent sign-ins with one assertion cannot both pass); returns whether it did.
   */
  markUsed(id: number, expectedCounter: number, counter: number, at: string): Promise<boolean>;
  /** Deletes the user's credential; false when the user has no credential with that id. */
  delete(userId: number, id: number): Promise<boolean>;
  deleteForUser(userId: number): Promise<number>;
  /** Stores the challenge, replacing the user's previous one for the same purpose. */
  putChallenge(c: WebAuthnChallengeRecord): Promise<void>;
  /** Removes and returns the user's challenge for the purpose: a challenge is taken once, whatever follows. */
  takeChallenge(userId: number, purpose: WebAuthnPurpose): Promise<WebAuthnChallengeRecord | undefined>;
}

export interface Store {
  readonly kind: "sqlite" | "postgres";
  readonly users: UserRepo;
  readonly sessions: SessionRepo;
  readonly tokens: TokenRepo;
  readonly throttle: ThrottleRepo;
  readonly versions: VersionRepo;
  readonly requests: RequestRepo;
  readonly configs: ConfigRepo;
  readonly deployments: DeploymentRepo;
  readonly analyses: AnalysisRepo;
  readonly recertifications: RecertificationRepo;
  readonly audit: AuditRepo;
  readonly webauthn: WebAuthnRepo;
  /** Runs `fn` in one database transaction: all its writes land or none. Nested calls join the outer one. */
  transaction<T>(fn: (store: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
