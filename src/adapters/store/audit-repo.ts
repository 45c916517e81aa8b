// The audit log on Kysely: appends that extend the hash chain one at a time, whoever else is appending.

import { type Kysely, type Selectable, sql } from "kysely";
import { GENESIS_HASH } from "../../app/audit.js";
import type { AuditEntry, AuditRepo } from "../../app/store.js";
import { fromJson, toCount, toJson } from "./codec.js";
import type { AuditLogTable, Database, StoreKind } from "./schema.js";

/** The PostgreSQL advisory lock key that serializes appends across every process sharing the database. */
export const AUDIT_LOCK_KEY = 7_261_001;

/** Runs `fn` in a transaction (joining the current one if any). */
export type InTransaction = <T>(fn: (db: Kysely<Database>) => Promise<T>) => Promise<T>;

function toEntry(row: Selectable<AuditLogTable>): AuditEntry {
  return {
    seq: Number(row.seq),
    at: row.at,
    actor: row.actor,
    action: row.action,
    target: row.target,
    outcome: row.outcome as AuditEntry["outcome"],
    clientAddress: row.client_address,
    detail: fromJson(row.detail),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export function auditRepo(db: Kysely<Database>, kind: StoreKind, inTransaction: InTransaction): AuditRepo {
  return {
    append: (entry, hashOf) =>
      inTransaction(async (trx) => {
        // SQLite transactions begin immediate (see open-store), which already makes this the only writer.
        if (kind === "postgres") await sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`.execute(trx);
        const last = await trx
          .selectFrom("audit_log")
          .select(["seq", "hash"])
          .orderBy("seq", "desc")
          .limit(1)
          .executeTakeFirst();
        const unhashed: Omit<AuditEntry, "hash"> = {
          seq: last === undefined ? 1 : Number(last.seq) + 1,
          at: entry.at,
          actor: entry.actor,
          action: entry.action,
          target: entry.target,
          outcome: entry.outcome,
          clientAddress: entry.clientAddress,
          // Hash what will be read back: a value JSON does not keep (a Date, undefined) would break the chain.
          detail: fromJson(toJson(entry.detail)),
          prevHash: last?.hash ?? GENESIS_HASH,
        };
        const full: AuditEntry = { ...unhashed, hash: hashOf(unhashed) };
        await trx
          .insertInto("audit_log")
          .values({
            seq: full.seq,
            at: full.at,
            actor: full.actor,
            action: full.action,
            target: full.target,
            outcome: full.outcome,
            client_address: full.clientAddress,
            detail: toJson(full.detail),
            prev_hash: full.prevHash,
            hash: full.hash,
          })
          .execute();
        return full;
      }),
    async list(options = {}) {
      let q = db.selectFrom("audit_log").selectAll().orderBy("seq");
      if (options.afterSeq !== undefined) q = q.where("seq", ">", options.afterSeq);
      if (options.actor !== undefined) q = q.where("actor", "=", options.actor);
      if (options.action !== undefined) q = q.where("action", "=", options.action);
      if (options.limit !== undefined) q = q.limit(options.limit);
      return (await q.execute()).map(toEntry);
    },
    count: async () =>
      toCount(
        (
          await db
            .selectFrom("audit_log")
            .select((eb) => eb.fn.countAll().as("n"))
            .executeTakeFirst()
        )?.n,
      ),
  };
}
