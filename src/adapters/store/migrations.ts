// The schema's history as in-code migrations for Kysely's migrator (no migration files: paths differ
// between src and dist), and `migrateToLatest`, which applies what a database lacks.

import {
  type ColumnDefinitionBuilder,
  type CreateTableBuilder,
  type Kysely,
  type Migration,
  type MigrationResultSet,
  Migrator,
} from "kysely";
import type { StoreKind } from "./schema.js";

/** The few places where SQLite and PostgreSQL spell a column differently. */
interface Dialect {
  /** An integer primary key the database numbers. */
  id(col: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
  readonly double: "real" | "double precision";
}

function dialectOf(kind: StoreKind): Dialect {
  return kind === "sqlite"
    ? { id: (col) => col.primaryKey().autoIncrement(), double: "real" }
    : { id: (col) => col.primaryKey().generatedByDefaultAsIdentity(), double: "double precision" };
}

type Table = CreateTableBuilder<string, string>;

const text = (t: Table, ...names: string[]): Table =>
  names.reduce((acc, n) => acc.addColumn(n, "text", (c) => c.notNull()), t);
const nullableText = (t: Table, ...names: string[]): Table =>
  names.reduce((acc, n) => acc.addColumn(n, "text"), t);

function initial(d: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      let users = db.schema.createTable("users").addColumn("id", "integer", d.id);
      users = text(users, "username", "username_key", "role", "password_hash");
      users = nullableText(users, "totp_secret")
        .addColumn("totp_enabled", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("totp_last_step", "integer")
        .addColumn("recovery_codes", "text", (c) => c.notNull().defaultTo("[]"))
        .addColumn("disabled", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("oidc_subject", "text");
      await text(users, "created_at", "password_changed_at").execute();
      await db.schema.createIndex("users_username_key").unique().on("users").column("username_key").execute();
      await db.schema.createIndex("users_oidc_subject").unique().on("users").column("oidc_subject").execute();

      let sessions = db.schema
        .createTable("sessions")
        .addColumn("id_hash", "text", (c) => c.primaryKey())
        .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"));
      sessions = text(sessions, "csrf_token", "stage", "created_at", "last_seen_at", "expires_at");
      await text(sessions, "client_address", "user_agent").execute();
      await db.schema.createIndex("sessions_user_id").on("sessions").column("user_id").execute();

      let tokens = db.schema
        .createTable("tokens")
        .addColumn("id", "integer", d.id)
        .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"));
      tokens = text(tokens, "name", "token_hash", "scopes", "created_at", "expires_at");
      await nullableText(tokens, "last_used_at")
        .addColumn("revoked", "integer", (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex("tokens_token_hash").unique().on("tokens").column("token_hash").execute();
      await db.schema.createIndex("tokens_user_id").on("tokens").column("user_id").execute();

      await nullableText(
        text(
          db.schema.createTable("login_throttle").addColumn("key", "text", (c) => c.primaryKey()),
          "window_start",
        ).addColumn("failures", "integer", (c) => c.notNull()),
        "locked_until",
      ).execute();

      await createPolicyTables(db, d);
      await createAuditTable(db);
    },
    async down(db: Kysely<unknown>) {
      for (const t of [
        "audit_log",
        "recertifications",
        "analyses",
        "deployments",
        "configs",
        "access_requests",
        "policy_versions",
        "login_throttle",
        "tokens",
        "sessions",
        "users",
      ]) {
        await db.schema.dropTable(t).ifExists().execute();
      }
    },
  };
}

async function createPolicyTables(db: Kysely<unknown>, d: Dialect): Promise<void> {
  // request_id and version_id point at each other's tables; they carry no foreign key so that neither
  // table has to exist first, and the app keeps them consistent within one transaction.
  let versions = db.schema
    .createTable("policy_versions")
    .addColumn("id", "integer", d.id)
    .addColumn("parent_id", "integer", (c) => c.references("policy_versions.id"));
  versions = text(versions, "state", "author", "created_at", "message", "files", "diff");
  await nullableText(versions, "decided_by", "decided_at").addColumn("request_id", "integer").execute();
  await db.schema
    .createIndex("policy_versions_state")
    .on("policy_versions")
    .columns(["state", "id"])
    .execute();

  let requests = db.schema.createTable("access_requests").addColumn("id", "integer", d.id);
  requests = text(requests, "requester", "created_at", "state", "spec", "risk");
  requests = requests.addColumn("score", d.double, (c) => c.notNull());
  await nullableText(requests, "decided_by", "decided_at", "decision_note")
    .addColumn("version_id", "integer")
    .execute();
  await db.schema.createIndex("access_requests_state").on("access_requests").column("state").execute();
  await db.schema
    .createIndex("access_requests_requester")
    .on("access_requests")
    .column("requester")
    .execute();

  let configs = db.schema
    .createTable("configs")
    .addColumn("id", "integer", d.id)
    .addColumn("version_id", "integer", (c) => c.notNull().references("policy_versions.id"));
  configs = text(configs, "point", "target", "files", "created_at", "created_by");
  await configs.addColumn("proven", "integer", (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.createIndex("configs_version_id").on("configs").column("version_id").execute();
  await db.schema.createIndex("configs_point").on("configs").column("point").execute();

  let deployments = db.schema
    .createTable("deployments")
    .addColumn("id", "integer", d.id)
    .addColumn("config_id", "integer", (c) => c.notNull().references("configs.id"))
    .addColumn("version_id", "integer", (c) => c.notNull());
  deployments = text(deployments, "point", "state", "recorded_by", "recorded_at", "note", "verification");
  await nullableText(deployments, "verified_at").execute();
  await db.schema.createIndex("deployments_point").on("deployments").column("point").execute();

  const analyses = db.schema.createTable("analyses").addColumn("id", "integer", d.id);
  await text(analyses, "kind", "subject", "created_at", "created_by", "result").execute();
  await db.schema.createIndex("analyses_kind").on("analyses").column("kind").execute();

  let recerts = db.schema
    .createTable("recertifications")
    .addColumn("id", "integer", d.id)
    .addColumn("version_id", "integer", (c) => c.notNull());
  recerts = text(recerts, "flow", "decision", "decided_by", "decided_at", "note");
  await nullableText(recerts, "until").execute();
  await db.schema.createIndex("recertifications_flow").on("recertifications").column("flow").execute();
}

async function createAuditTable(db: Kysely<unknown>): Promise<void> {
  const audit = db.schema.createTable("audit_log").addColumn("seq", "integer", (c) => c.primaryKey());
  await text(
    audit,
    "at",
    "actor",
    "action",
    "target",
    "outcome",
    "client_address",
    "detail",
    "prev_hash",
    "hash",
  ).execute();
  await db.schema.createIndex("audit_log_actor").on("audit_log").columns(["actor", "seq"]).execute();
  await db.schema.createIndex("audit_log_action").on("audit_log").columns(["action", "seq"]).execute();
}

/** WebAuthn credentials as a second factor, and the challenges handed out with their options. */
function webauthn(d: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      let creds = db.schema
        .createTable("webauthn_credentials")
        .addColumn("id", "integer", d.id)
        .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"));
      creds = text(creds, "credential_id", "public_key").addColumn("counter", "bigint", (c) => c.notNull());
      await nullableText(text(creds, "transports", "name", "created_at"), "last_used_at").execute();
      await db.schema
        .createIndex("webauthn_credentials_credential_id")
        .unique()
        .on("webauthn_credentials")
        .column("credential_id")
        .execute();
      await db.schema
        .createIndex("webauthn_credentials_user_id")
        .on("webauthn_credentials")
        .column("user_id")
        .execute();

      const challenges = db.schema
        .createTable("webauthn_challenges")
        .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"));
      await text(challenges, "purpose", "challenge", "expires_at")
        .addPrimaryKeyConstraint("webauthn_challenges_pk", ["user_id", "purpose"])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable("webauthn_challenges").ifExists().execute();
      await db.schema.dropTable("webauthn_credentials").ifExists().execute();
    },
  };
}

/** Every migration, by name; names sort in the order they apply. */
export function migrations(kind: StoreKind): Record<string, Migration> {
  const d = dialectOf(kind);
  return { "0001-initial": initial(d), "0002-webauthn": webauthn(d) };
}

export interface MigrationReport {
  /** Names of the migrations applied now, in order; empty when the database was up to date. */
  readonly applied: string[];
}

/** Brings the database to the latest schema; throws an Error with a plain message when a migration fails. */
export async function migrateToLatest(db: Kysely<unknown>, kind: StoreKind): Promise<MigrationReport> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations(kind) },
  });
  const { error, results }: MigrationResultSet = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName;
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      failed === undefined
        ? `Cannot migrate the database: ${reason}`
        : `Cannot migrate the database: migration "${failed}" failed: ${reason}`,
    );
  }
  return { applied: (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName) };
}
