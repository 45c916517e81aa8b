// WebAuthn credentials and their challenges on Kysely: the keys a second factor is checked against.

import type { Kysely, Selectable } from "kysely";
import type { WebAuthnCredentialRecord, WebAuthnPurpose, WebAuthnRepo } from "../../app/store.js";
import { fromJson, toCount, toJson } from "./codec.js";
import { orConflict } from "./errors.js";
import type { Database, WebAuthnCredentialsTable } from "./schema.js";

function toCredential(row: Selectable<WebAuthnCredentialsTable>): WebAuthnCredentialRecord {
  return {
    id: Number(row.id),
    userId: Number(row.user_id),
    credentialId: row.credential_id,
    publicKey: row.public_key,
    // A bigint column (counters are unsigned 32-bit), which pg returns as a string.
    counter: Number(row.counter),
    transports: fromJson<string[]>(row.transports),
    name: row.name,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}

export function webauthnRepo(db: Kysely<Database>): WebAuthnRepo {
  const credentials = () => db.selectFrom("webauthn_credentials").selectAll();
  return {
    async create(c) {
      const row = await orConflict(
        () =>
          db
            .insertInto("webauthn_credentials")
            .values({
              user_id: c.userId,
              credential_id: c.credentialId,
              public_key: c.publicKey,
              counter: c.counter,
              transports: toJson(c.transports),
              name: c.name,
              created_at: c.createdAt,
              last_used_at: null,
            })
            .returningAll()
            .executeTakeFirstOrThrow(),
        "This security key is registered already",
        `credential "${c.credentialId.slice(0, 16)}…"`,
      );
      return toCredential(row);
    },
    async byCredentialId(credentialId) {
      const row = await credentials().where("credential_id", "=", credentialId).executeTakeFirst();
      return row ? toCredential(row) : undefined;
    },
    listForUser: async (userId) =>
      (await credentials().where("user_id", "=", userId).orderBy("id").execute()).map(toCredential),
    countForUser: async (userId) =>
      toCount(
        (
          await db
            .selectFrom("webauthn_credentials")
            .select((eb) => eb.fn.countAll().as("n"))
            .where("user_id", "=", userId)
            .executeTakeFirst()
        )?.n,
      ),
    async markUsed(id, expectedCounter, counter, at) {
      const r = await db
        .updateTable("webauthn_credentials")
        .set({ counter, last_used_at: at })
        .where("id", "=", id)
        .where("counter", "=", expectedCounter)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async delete(userId, id) {
      const r = await db
        .deleteFrom("webauthn_credentials")
        .where("id", "=", id)
        .where("user_id", "=", userId)
        .executeTakeFirst();
      return Number(r.numDeletedRows) === 1;
    },
    async deleteForUser(userId) {
      const r = await db.deleteFrom("webauthn_credentials").where("user_id", "=", userId).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    async putChallenge(c) {
      await db
        .insertInto("webauthn_challenges")
        .values({ user_id: c.userId, purpose: c.purpose, challenge: c.challenge, expires_at: c.expiresAt })
        .onConflict((oc) =>
          oc.columns(["user_id", "purpose"]).doUpdateSet({ challenge: c.challenge, expires_at: c.expiresAt }),
        )
        .execute();
    },
    async takeChallenge(userId, purpose) {
      // DELETE ... RETURNING: of two concurrent takes only one gets the row.
      const row = await db
        .deleteFrom("webauthn_challenges")
        .where("user_id", "=", userId)
        .where("purpose", "=", purpose)
        .returningAll()
        .executeTakeFirst();
      return row
        ? {
            userId: Number(row.user_id),
            purpose: row.purpose as WebAuthnPurpose,
            challenge: row.challenge,
            expiresAt: row.expires_at,
          }
        : undefined;
    },
  };
}
