import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { StoreError } from "./errors.js";
import { describeStoreUrl, migrateStore, openStore } from "./open-store.js";

const dir = mkdtempSync(join(tmpdir(), "rampart-open-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("describeStoreUrl", () => {
  it("hides the password and nothing else", () => {
    expect(describeStoreUrl("postgres://app:s3cret@db.example:5432/rampart")).toBe(
      "postgres://app:***@db.example:5432/rampart",
    );
    expect(describeStoreUrl("postgresql://app@db/r")).toBe("postgresql://app@db/r");
    expect(describeStoreUrl("sqlite:data/r.db")).toBe("sqlite:data/r.db");
  });
});

describe("openStore", () => {
  it("defaults to SQLite in the data folder, created private, in WAL mode with foreign keys on", async () => {
    const store = await openStore({ cwd: dir, data: "data" });
    try {
      expect(store.kind).toBe("sqlite");
      expect(statSync(join(dir, "data")).mode & 0o777).toBe(0o700);
      expect(statSync(join(dir, "data", "rampart.db")).isFile()).toBe(true);
      const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db);
      expect(mode.rows[0]?.journal_mode).toBe("wal");
      const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(store.db);
      expect(fk.rows[0]?.foreign_keys).toBe(1);
    } finally {
      await store.close();
    }
  });

  it("takes sqlite: URLs and plain paths relative to cwd", async () => {
    for (const db of ["sqlite:a.db", "b.db"]) {
      const store = await openStore({ db, cwd: dir });
      await store.close();
    }
    expect(statSync(join(dir, "a.db")).isFile() && statSync(join(dir, "b.db")).isFile()).toBe(true);
  });

  it("migrateStore applies the schema once, then nothing", async () => {
    expect(await migrateStore({ db: "m.db", cwd: dir })).toEqual({
      kind: "sqlite",
      applied: ["0001-initial", "0002-webauthn"],
    });
    expect(await migrateStore({ db: "m.db", cwd: dir })).toEqual({ kind: "sqlite", applied: [] });
  });

  it("with migrate false leaves a new database empty", async () => {
    const store = await openStore({ db: "empty.db", cwd: dir, migrate: false });
    try {
      await expect(store.users.count()).rejects.toThrow(/no such table/);
    } finally {
      await store.close();
    }
  });

  it("refuses an unknown URL scheme with a StoreError that hides the password", async () => {
    const e = await openStore({ db: "mysql://root:pw@db/x" }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StoreError);
    expect((e as Error).message).toBe(
      'Unsupported database URL "mysql://root:***@db/x": use postgres://, sqlite: or a file path',
    );
  });

  it("reports an unreachable PostgreSQL as a StoreError naming the URL without its password", async () => {
    const e = await openStore({ db: "postgres://app:hunter2@127.0.0.1:1/none" }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StoreError);
    const message = (e as Error).message;
    expect(message).toMatch(
      /^Cannot open the database "postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/none": .*ECONNREFUSED/,
    );
    expect(message).not.toContain("hunter2");
  });

  it("reports a file in a missing folder as a StoreError", async () => {
    const e = await openStore({ db: join(dir, "no", "such", "x.db") }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StoreError);
    expect((e as Error).message).toMatch(/^Cannot open the database ".*x\.db": /);
  });

  it("refuses a schema name that is not a plain identifier", async () => {
    await expect(openStore({ db: "postgres://x@127.0.0.1:1/y", schema: "a;drop" })).rejects.toThrow(
      new StoreError('Invalid schema name "a;drop": use letters, digits and underscores'),
    );
  });
});
