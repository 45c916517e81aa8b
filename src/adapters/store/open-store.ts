// Opens the store a URL names: PostgreSQL for postgres:// URLs, SQLite for a file (the embedded default in the
// data folder), migrated to the latest schema unless asked not to.

import { mkdirSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, sql, type Driver } from "kysely";
import pg from "pg";
import { StoreError } from "./errors.js";
import { KyselyStore } from "./kysely-store.js";
import { migrateToLatest } from "./migrations.js";
import type { Database, StoreKind } from "./schema.js";

export interface OpenStoreOptions {
  /**
   * `postgres://…` or `postgresql://…`; `sqlite:PATH` or a plain file path (`:memory:` for a throwaway one).
   * Absent: SQLite at `<data>/rampart.db`.
   */
  readonly db?: string;
  /** The data folder for the embedded database; default "rampart-data", created with mode 0700. */
  readonly data?: string;
  /** Relative paths are resolved against this folder; default the process's. */
  readonly cwd?: string;
  /** Apply pending migrations on open (default true). */
  readonly migrate?: boolean;
  /**
   * PostgreSQL only: the schema to keep the tables in, created if absent and put first on every connection's
   * search_path (tests give each run its own). Default: the server's search_path (normally "public").
   */
  readonly schema?: string;
}

export const DEFAULT_DATA_DIR = "rampart-data";
export const DEFAULT_DB_FILE = "rampart.db";

type Target = { kind: "postgres"; url: string } | { kind: "sqlite"; file: string };

function targetOf(options: OpenStoreOptions): Target {
  const cwd = options.cwd ?? process.cwd();
  const url = options.db;
  if (url === undefined || url === "") {
    const data = resolve(cwd, options.data ?? DEFAULT_DATA_DIR);
    try {
      mkdirSync(data, { recursive: true, mode: 0o700 });
    } catch (e) {
      throw new StoreError(`Cannot create the data folder "${data}": ${reason(e)}`, { cause: e });
    }
    return { kind: "sqlite", file: join(data, DEFAULT_DB_FILE) };
  }
  if (/^postgres(ql)?:\/\//i.test(url)) return { kind: "postgres", url };
  if (/^sqlite:/i.test(url)) {
    const path = url.slice("sqlite:".length).replace(/^\/\//, "");
    if (path === "") throw new StoreError(`Invalid database URL "${url}": no file after "sqlite:"`);
    return { kind: "sqlite", file: path === ":memory:" || isAbsolute(path) ? path : resolve(cwd, path) };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1];
  if (scheme !== undefined) {
    throw new StoreError(
      `Unsupported database URL "${describeStoreUrl(url)}": use postgres://, sqlite: or a file path`,
    );
  }
  return { kind: "sqlite", file: url === ":memory:" || isAbsolute(url) ? url : resolve(cwd, url) };
}

/** The URL with any password replaced by "***", for messages and logs. */
export function describeStoreUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== "") {
      u.password = "***";
      return u.toString();
    }
  } catch {
    // Not a URL a parser accepts: fall back to the pattern below.
  }
  return url.replace(/(\/\/[^/:@]*:)[^/@]*@/, "$1***@").replace(/(password=)[^&]*/i, "$1***");
}

export async function openStore(options: OpenStoreOptions = {}): Promise<KyselyStore> {
  const target = targetOf(options);
  const db = target.kind === "postgres" ? openPostgres(target.url, options.schema) : openSqlite(target.file);
  const shown = target.kind === "postgres" ? describeStoreUrl(target.url) : target.file;
  try {
    if (target.kind === "postgres") {
      await sql`select 1`.execute(db);
      if (options.schema !== undefined)
        await sql`create schema if not exists ${sql.id(options.schema)}`.execute(db);
    }
    if (options.migrate ?? true) await migrateToLatest(db as Kysely<unknown>, target.kind);
  } catch (e) {
    await db.destroy().catch(() => undefined);
    if (e instanceof StoreError) throw e;
    throw new StoreError(`Cannot open the database "${shown}": ${reason(e)}`, { cause: e });
  }
  return new KyselyStore(db, target.kind);
}

/** Migrates the database `options` name and returns the migrations applied (empty when up to date). */
export async function migrateStore(
  options: OpenStoreOptions,
): Promise<{ kind: StoreKind; applied: string[] }> {
  const store = await openStore({ ...options, migrate: false });
  try {
    const { applied } = await migrateToLatest(store.db as Kysely<unknown>, store.kind);
    return { kind: store.kind, applied };
  } catch (e) {
    throw new StoreError(reason(e), { cause: e });
  } finally {
    await store.close();
  }
}

function openPostgres(url: string, schema: string | undefined): Kysely<Database> {
  if (schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(schema)) {
    throw new StoreError(`Invalid schema name "${schema}": use letters, digits and underscores`);
  }
  const pool = new pg.Pool({
    connectionString: url,
    connectionTimeoutMillis: 5000,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // An idle connection the server drops must not bring the process down; the next query reconnects.
  pool.on("error", () => undefined);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

function openSqlite(file: string): Kysely<Database> {
  let database: SqliteDatabase.Database;
  try {
    database = new SqliteDatabase(file);
    database.pragma("journal_mode = WAL");
    database.pragma("foreign_keys = ON");
    database.pragma("busy_timeout = 5000");
    database.pragma("synchronous = NORMAL");
  } catch (e) {
    throw new StoreError(`Cannot open the database "${file}": ${reason(e)}`, { cause: e });
  }
  return new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: withStatementCache(database) }),
  });
}

/**
 * Kysely prepares every query's statement anew; the server runs the same few queries on every request (the
 * token, its user, the version in force), and preparing costs more than running them. Statements are kept by
 * their text (a bounded number: the queries are built from code, so their texts are few).
 */
function withStatementCache(database: SqliteDatabase.Database) {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => database.close(),
    prepare(text: string) {
      let statement = cache.get(text);
      if (!statement) {
        statement = database.prepare(text);
        if (cache.size >= 500) cache.clear();
        cache.set(text, statement);
      }
      return statement;
    },
  };
}

/**
 * SQLite transactions that take the write lock when they begin: a transaction that reads and then writes
 * (an audit append) cannot then fail because another process wrote in between; it waits (busy_timeout).
 */
class ImmediateSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    const driver = super.createDriver();
    driver.beginTransaction = async (connection) => {
      await connection.executeQuery(CompiledQuery.raw("begin immediate"));
    };
    return driver;
  }
}

function reason(e: unknown): string {
  if (e instanceof AggregateError && e.message === "") {
    return e.errors.map((x: unknown) => (x instanceof Error ? x.message : String(x))).join("; ");
  }
  if (e instanceof Error) return e.message || ((e as { code?: string }).code ?? e.name);
  return String(e);
}
