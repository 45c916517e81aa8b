// PostgreSQL for tests: the server CI provides (RAMPART_TEST_PG, default 127.0.0.1:5432/test), each run in a
// schema of its own that is dropped afterwards, and a clear reason to skip when it is not there — unless
// RAMPART_REQUIRE_ORACLES=1, where a missing PostgreSQL fails the run.

import pg from "pg";
import { describeStoreUrl, type OpenStoreOptions } from "../open-store.js";

export const PG_URL = process.env.RAMPART_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test";

/** Undefined when PostgreSQL answers; otherwise why not. Throws when the run requires it. */
export async function postgresUnavailable(url = PG_URL): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  let reason: string | undefined;
  try {
    await client.connect();
    await client.query("select 1");
  } catch (e) {
    reason = `PostgreSQL at ${describeStoreUrl(url)} is unreachable (${e instanceof Error ? e.message || e.name : String(e)}); set RAMPART_TEST_PG`;
  } finally {
    await client.end().catch(() => undefined);
  }
  if (reason !== undefined && process.env.RAMPART_REQUIRE_ORACLES === "1")
    throw new Error(`PostgreSQL is required (RAMPART_REQUIRE_ORACLES=1) but unreachable: ${reason}`);
  return reason;
}

/** Store options for a new schema, and the cleanup that drops it. */
export function freshSchema(url = PG_URL): { options: OpenStoreOptions; cleanup: () => Promise<void> } {
  const schema = `rampart_t_${Math.random().toString(36).slice(2, 10)}`;
  return {
    options: { db: url, schema },
    cleanup: async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}
