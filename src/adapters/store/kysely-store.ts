// The Store port on a Kysely database (SQLite or PostgreSQL): the repositories bound to one connection or
// transaction, and transactions that nested calls join.

import { type Kysely, sql } from "kysely";
import type { Store } from "../../app/store.js";
import { auditRepo } from "./audit-repo.js";
import { sessionRepo, throttleRepo, tokenRepo, userRepo } from "./identity-repos.js";
import {
  analysisRepo,
  configRepo,
  deploymentRepo,
  recertificationRepo,
  requestRepo,
  versionRepo,
} from "./policy-repos.js";
import type { Database, StoreKind } from "./schema.js";
import { webauthnRepo } from "./webauthn-repo.js";

/** The advisory lock every PostgreSQL write transaction takes (the audit chain's own lock is taken after it). */
const WRITE_LOCK_KEY = 7_261_000;

export class KyselyStore implements Store {
  readonly users;
  readonly sessions;
  readonly tokens;
  readonly throttle;
  readonly versions;
  readonly requests;
  readonly configs;
  readonly deployments;
  readonly analyses;
  readonly recertifications;
  readonly audit;
  readonly webauthn;

  /**
   * `inTransaction` is true for the store a transaction hands to its function: its repositories already run
   * in that transaction, and transaction() on it simply calls through.
   */
  constructor(
    readonly db: Kysely<Database>,
    readonly kind: StoreKind,
    private readonly inTransaction = false,
  ) {
    this.users = userRepo(db);
    this.sessions = sessionRepo(db);
    this.tokens = tokenRepo(db);
    this.throttle = throttleRepo(db);
    this.versions = versionRepo(db);
    this.requests = requestRepo(db);
    this.configs = configRepo(db);
    this.deployments = deploymentRepo(db);
    this.analyses = analysisRepo(db);
    this.recertifications = recertificationRepo(db);
    this.webauthn = webauthnRepo(db);
    this.audit = auditRepo(db, kind, (fn) => this.transaction((s) => fn(s.db)));
  }

  transaction<T>(fn: (store: KyselyStore) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this);
    return this.db.transaction().execute(async (trx) => {
      // PostgreSQL runs transactions READ COMMITTED: two approvals could each see the same version in force and
      // both land. One lock serialises the writing transactions (a handful a second at most); SQLite already
      // has a single writer.
      if (this.kind === "postgres") await sql`select pg_advisory_xact_lock(${WRITE_LOCK_KEY})`.execute(trx);
      return fn(new KyselyStore(trx, this.kind, true));
    });
  }

  async close(): Promise<void> {
    if (this.inTransaction) throw new Error("Cannot close the store from inside a transaction");
    await this.db.destroy();
  }
}
