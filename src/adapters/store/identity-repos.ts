// Users, sessions, API tokens and sign-in throttling on Kysely: the rows identity and access are judged by.

import type { Kysely, Selectable } from "kysely";
import type { Role } from "../../app/roles.js";
import type {
  SessionRecord,
  SessionRepo,
  ThrottleRepo,
  TokenRecord,
  TokenRepo,
  UserChange,
  UserRecord,
  UserRepo,
} from "../../app/store.js";
import { fromFlag, fromJson, toCount, toFlag, toJson } from "./codec.js";
import { orConflict } from "./errors.js";
import type { Database, SessionsTable, TokensTable, UsersTable } from "./schema.js";

/** Lower case by Unicode rules: the key that makes usernames case-insensitive. */
export function usernameKey(username: string): string {
  return username.normalize("NFC").toLowerCase();
}

function toUser(row: Selectable<UsersTable>): UserRecord {
  return {
    id: row.id,
    username: row.username,
    role: row.role as Role,
    passwordHash: row.password_hash,
    totpSecret: row.totp_secret,
    totpEnabled: fromFlag(row.totp_enabled),
    totpLastStep: row.totp_last_step === null ? null : Number(row.totp_last_step),
    recoveryCodes: fromJson<string[]>(row.recovery_codes),
    disabled: fromFlag(row.disabled),
    oidcSubject: row.oidc_subject,
    createdAt: row.created_at,
    passwordChangedAt: row.password_changed_at,
  };
}

export function userRepo(db: Kysely<Database>): UserRepo {
  const one = async (row: Selectable<UsersTable> | undefined) => (row ? toUser(row) : undefined);
  return {
    async create(user) {
      const row = await orConflict(
        () =>
          db
            .insertInto("users")
            .values({
              username: user.username,
              username_key: usernameKey(user.username),
              role: user.role,
              password_hash: user.passwordHash,
              totp_secret: user.totpSecret ?? null,
              totp_enabled: toFlag(user.totpEnabled ?? false),
              totp_last_step: null,
              recovery_codes: toJson(user.recoveryCodes ?? []),
              disabled: 0,
              oidc_subject: user.oidcSubject ?? null,
              created_at: user.createdAt,
              password_changed_at: user.createdAt,
            })
            .returningAll()
            .executeTakeFirstOrThrow(),
        user.oidcSubject
          ? `A user named "${user.username}" or signing in as "${user.oidcSubject}" already exists`
          : `A user named "${user.username}" already exists`,
        `username "${user.username}"`,
      );
      return toUser(row);
    },
    byName: async (username) =>
      one(
        await db
          .selectFrom("users")
          .selectAll()
          .where("username_key", "=", usernameKey(username))
          .executeTakeFirst(),
      ),
    byId: async (id) => one(await db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst()),
    byOidcSubject: async (subject) =>
      one(await db.selectFrom("users").selectAll().where("oidc_subject", "=", subject).executeTakeFirst()),
    list: async () =>
      (await db.selectFrom("users").selectAll().orderBy("username_key").execute()).map(toUser),
    async update(id, change) {
      const values = userColumns(change);
      if (Object.keys(values).length > 0) {
        await orConflict(
          () => db.updateTable("users").set(values).where("id", "=", id).execute(),
          `Another user already signs in as "${change.oidcSubject ?? ""}"`,
          `OIDC subject "${change.oidcSubject ?? ""}"`,
        );
      }
      return one(await db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst());
    },
    count: async () =>
      toCount(
        (
          await db
            .selectFrom("users")
            .select((eb) => eb.fn.countAll().as("n"))
            .executeTakeFirst()
        )?.n,
      ),
  };
}

function userColumns(c: UserChange): Partial<Omit<UsersTable, "id">> {
  const v: Partial<Omit<UsersTable, "id">> = {};
  if (c.role !== undefined) v.role = c.role;
  if (c.passwordHash !== undefined) v.password_hash = c.passwordHash;
  if (c.totpSecret !== undefined) v.totp_secret = c.totpSecret;
  if (c.totpEnabled !== undefined) v.totp_enabled = toFlag(c.totpEnabled);
  if (c.totpLastStep !== undefined) v.totp_last_step = c.totpLastStep;
  if (c.recoveryCodes !== undefined) v.recovery_codes = toJson(c.recoveryCodes);
  if (c.disabled !== undefined) v.disabled = toFlag(c.disabled);
  if (c.oidcSubject !== undefined) v.oidc_subject = c.oidcSubject;
  if (c.passwordChangedAt !== undefined) v.password_changed_at = c.passwordChangedAt;
  return v;
}

function toSession(row: Selectable<SessionsTable>): SessionRecord {
  return {
    idHash: row.id_hash,
    userId: row.user_id,
    csrfToken: row.csrf_token,
    stage: row.stage as SessionRecord["stage"],
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    clientAddress: row.client_address,
    userAgent: row.user_agent,
  };
}

export function sessionRepo(db: Kysely<Database>): SessionRepo {
  return {
    async create(s) {
      await orConflict(
        () =>
          db
            .insertInto("sessions")
            .values({
              id_hash: s.idHash,
              user_id: s.userId,
              csrf_token: s.csrfToken,
              stage: s.stage,
              created_at: s.createdAt,
              last_seen_at: s.lastSeenAt,
              expires_at: s.expiresAt,
              client_address: s.clientAddress,
              user_agent: s.userAgent,
            })
            .execute(),
        "A session with this id already exists",
        "session id",
      );
    },
    async get(idHash) {
      const row = await db
        .selectFrom("sessions")
        .selectAll()
        .where("id_hash", "=", idHash)
        .executeTakeFirst();
      return row ? toSession(row) : undefined;
    },
    async touch(idHash, lastSeenAt) {
      await db
        .updateTable("sessions")
        .set({ last_seen_at: lastSeenAt })
        .where("id_hash", "=", idHash)
        .execute();
    },
    async upgrade(idHash, stage) {
      await db.updateTable("sessions").set({ stage }).where("id_hash", "=", idHash).execute();
    },
    async delete(idHash) {
      await db.deleteFrom("sessions").where("id_hash", "=", idHash).execute();
    },
    async deleteForUser(userId) {
      const r = await db.deleteFrom("sessions").where("user_id", "=", userId).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    listForUser: async (userId) =>
      (
        await db
          .selectFrom("sessions")
          .selectAll()
          .where("user_id", "=", userId)
          .orderBy("created_at")
          .orderBy("id_hash")
          .execute()
      ).map(toSession),
    async deleteExpired(now, idleBefore) {
      const r = await db
        .deleteFrom("sessions")
        .where((eb) => eb.or([eb("expires_at", "<=", now), eb("last_seen_at", "<", idleBefore)]))
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}

function toToken(row: Selectable<TokensTable>): TokenRecord {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    tokenHash: row.token_hash,
    scopes: fromJson<string[]>(row.scopes),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revoked: fromFlag(row.revoked),
  };
}

export function tokenRepo(db: Kysely<Database>): TokenRepo {
  const one = async (row: Selectable<TokensTable> | undefined) => (row ? toToken(row) : undefined);
  return {
    async create(t) {
      const row = await orConflict(
        () =>
          db
            .insertInto("tokens")
            .values({
              user_id: t.userId,
              name: t.name,
              token_hash: t.tokenHash,
              scopes: toJson(t.scopes),
              created_at: t.createdAt,
              expires_at: t.expiresAt,
              last_used_at: null,
              revoked: 0,
            })
            .returningAll()
            .executeTakeFirstOrThrow(),
        "A token with this secret already exists",
        "token hash",
      );
      return toToken(row);
    },
    byHash: async (hash) =>
      one(await db.selectFrom("tokens").selectAll().where("token_hash", "=", hash).executeTakeFirst()),
    byId: async (id) =>
      one(await db.selectFrom("tokens").selectAll().where("id", "=", id).executeTakeFirst()),
    listForUser: async (userId) =>
      (await db.selectFrom("tokens").selectAll().where("user_id", "=", userId).orderBy("id").execute()).map(
        toToken,
      ),
    list: async () => (await db.selectFrom("tokens").selectAll().orderBy("id").execute()).map(toToken),
    async markUsed(id, at) {
      await db.updateTable("tokens").set({ last_used_at: at }).where("id", "=", id).execute();
    },
    async revoke(id) {
      await db.updateTable("tokens").set({ revoked: 1 }).where("id", "=", id).execute();
    },
  };
}

export function throttleRepo(db: Kysely<Database>): ThrottleRepo {
  return {
    async get(key) {
      const row = await db.selectFrom("login_throttle").selectAll().where("key", "=", key).executeTakeFirst();
      return row
        ? {
            key: row.key,
            failures: row.failures,
            windowStart: row.window_start,
            lockedUntil: row.locked_until,
          }
        : undefined;
    },
    async put(r) {
      const values = { failures: r.failures, window_start: r.windowStart, locked_until: r.lockedUntil };
      await db
        .insertInto("login_throttle")
        .values({ key: r.key, ...values })
        .onConflict((oc) => oc.column("key").doUpdateSet(values))
        .execute();
    },
    async clear(key) {
      await db.deleteFrom("login_throttle").where("key", "=", key).execute();
    },
  };
}
