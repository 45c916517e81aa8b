// The Store contract: one suite every backend passes, run on SQLite (a temporary folder) and PostgreSQL (a schema
// of its own in RAMPART_TEST_PG, default postgres://postgres@127.0.0.1:5432/test, dropped afterwards).

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditHash } from "../../app/audit.js";
import { verifyAuditChain } from "../../app/audit-verify.js";
import type { NewAuditEntry, Store } from "../../app/store.js";
import { StoreConflict } from "./errors.js";
import { KyselyStore } from "./kysely-store.js";
import { migrateToLatest } from "./migrations.js";
import { type OpenStoreOptions, openStore } from "./open-store.js";
import { freshSchema, postgresUnavailable } from "./testing/postgres.js";

interface Backend {
  /** Where the store lives: opening it again reaches the same data. */
  readonly options: OpenStoreOptions;
  cleanup(): Promise<void>;
}

const T0 = "2025-06-15T10:00:00.000Z";
const T1 = "2025-06-15T11:00:00.000Z";
const T2 = "2025-06-15T12:00:00.000Z";

function auditEntry(actor: string, action = "version.propose"): NewAuditEntry {
  return {
    at: T0,
    actor,
    action,
    target: "",
    outcome: "success",
    clientAddress: "192.0.2.1",
    detail: { actor },
  };
}

function storeContract(name: string, skip: string | undefined, backend: () => Promise<Backend>): void {
  describe.skipIf(skip !== undefined)(`Store contract on ${name}${skip ? ` (skipped: ${skip})` : ""}`, () => {
    let b: Backend;
    let store: KyselyStore;
    beforeAll(async () => {
      b = await backend();
      store = await openStore(b.options);
    });
    afterAll(async () => {
      await store?.close();
      await b?.cleanup();
    });

    it("migrating twice is a no-op, and reopening keeps the data", async () => {
      expect(await migrateToLatest(store.db as Kysely<unknown>, store.kind)).toEqual({ applied: [] });
      await store.analyses.create({ kind: "reopen", subject: "s", createdAt: T0, createdBy: "a", result: 1 });
      const again = await openStore(b.options);
      try {
        expect(again.kind).toBe(name);
        expect((await again.analyses.list({ kind: "reopen" })).length).toBe(1);
      } finally {
        await again.close();
      }
    });

    it("users: create, case-insensitive lookup, update, list, count and duplicate names", async () => {
      const alice = await store.users.create({
        username: "Alice",
        role: "admin",
        passwordHash: "$argon2id$x",
        recoveryCodes: ["aa", "bb"],
        createdAt: T0,
      });
      expect(alice).toMatchObject({
        username: "Alice",
        role: "admin",
        totpSecret: null,
        totpEnabled: false,
        totpLastStep: null,
        recoveryCodes: ["aa", "bb"],
        disabled: false,
        oidcSubject: null,
        createdAt: T0,
        passwordChangedAt: T0,
      });
      expect((await store.users.byName("ALICE"))?.id).toBe(alice.id);
      expect(await store.users.byName("bob")).toBeUndefined();
      expect(await store.users.byId(alice.id)).toEqual(alice);
      await expect(
        store.users.create({ username: "aLiCe", role: "viewer", passwordHash: "", createdAt: T0 }),
      ).rejects.toThrow(new StoreConflict('A user named "aLiCe" already exists', 'username "aLiCe"'));
      await expect(
        store.users.create({ username: "alice", role: "viewer", passwordHash: "", createdAt: T0 }),
      ).rejects.toBeInstanceOf(StoreConflict);

      const bob = await store.users.create({
        username: "bob",
        role: "viewer",
        passwordHash: "",
        oidcSubject: "https://idp#b0b",
        totpSecret: "JBSWY3DPEHPK3PXP",
        totpEnabled: true,
        createdAt: T1,
      });
      expect(bob).toMatchObject({ totpSecret: "JBSWY3DPEHPK3PXP", totpEnabled: true });
      expect((await store.users.byOidcSubject("https://idp#b0b"))?.id).toBe(bob.id);
      expect(await store.users.byOidcSubject("https://idp#nobody")).toBeUndefined();

      const changed = await store.users.update(alice.id, {
        role: "operator",
        totpEnabled: true,
        totpLastStep: 58_000_000,
        recoveryCodes: ["bb"],
        disabled: true,
        passwordHash: "$argon2id$y",
        passwordChangedAt: T2,
        totpSecret: "SECRET",
      });
      expect(changed).toMatchObject({
        role: "operator",
        totpEnabled: true,
        totpLastStep: 58_000_000,
        recoveryCodes: ["bb"],
        disabled: true,
        passwordHash: "$argon2id$y",
        passwordChangedAt: T2,
        totpSecret: "SECRET",
      });
      expect(await store.users.update(alice.id, {})).toEqual(changed);
      await expect(store.users.update(alice.id, { oidcSubject: "https://idp#b0b" })).rejects.toBeInstanceOf(
        StoreConflict,
      );
      expect(await store.users.update(9999, { disabled: true })).toBeUndefined();
      expect((await store.users.list()).map((u) => u.username)).toEqual(["Alice", "bob"]);
      expect(await store.users.count()).toBe(2);
    });

    it("sessions: create, get, touch, upgrade, list, delete, delete for user and expiry", async () => {
      const u = await store.users.create({
        username: "sess",
        role: "viewer",
        passwordHash: "",
        createdAt: T0,
      });
      const base = {
        userId: u.id,
        csrfToken: "csrf",
        stage: "password" as const,
        createdAt: T0,
        lastSeenAt: T0,
        expiresAt: T2,
        clientAddress: "192.0.2.7",
        userAgent: "test",
      };
      await store.sessions.create({ ...base, idHash: "s1" });
      await store.sessions.create({ ...base, idHash: "s2", createdAt: T1 });
      await expect(store.sessions.create({ ...base, idHash: "s1" })).rejects.toBeInstanceOf(StoreConflict);
      expect(await store.sessions.get("s1")).toEqual({ ...base, idHash: "s1" });
      expect(await store.sessions.get("nope")).toBeUndefined();
      await store.sessions.touch("s1", T1);
      await store.sessions.upgrade("s1", "full");
      expect(await store.sessions.get("s1")).toMatchObject({ lastSeenAt: T1, stage: "full" });
      expect((await store.sessions.listForUser(u.id)).map((s) => s.idHash)).toEqual(["s1", "s2"]);
      await store.sessions.delete("s2");
      expect(await store.sessions.get("s2")).toBeUndefined();
      await store.sessions.create({ ...base, idHash: "s3" });
      expect(await store.sessions.deleteForUser(u.id)).toBe(2);
      expect(await store.sessions.listForUser(u.id)).toEqual([]);

      await store.sessions.create({ ...base, idHash: "old-absolute", expiresAt: T1, lastSeenAt: T2 });
      await store.sessions.create({ ...base, idHash: "idle", expiresAt: "2099-01-01T00:00:00.000Z" });
      await store.sessions.create({
        ...base,
        idHash: "live",
        expiresAt: "2099-01-01T00:00:00.000Z",
        lastSeenAt: T2,
      });
      expect(await store.sessions.deleteExpired(T1, T1)).toBe(2);
      expect((await store.sessions.listForUser(u.id)).map((s) => s.idHash)).toEqual(["live"]);
    });

    it("tokens: create, look up by hash and id, list, mark used, revoke; a reused hash conflicts", async () => {
      const u = await store.users.create({
        username: "ci",
        role: "operator",
        passwordHash: "",
        createdAt: T0,
      });
      const t = await store.tokens.create({
        userId: u.id,
        name: "pipeline",
        tokenHash: "h1",
        scopes: ["policy:read", "deploy:write"],
        createdAt: T0,
        expiresAt: T2,
      });
      expect(t).toMatchObject({
        name: "pipeline",
        scopes: ["policy:read", "deploy:write"],
        lastUsedAt: null,
        revoked: false,
      });
      const t2 = await store.tokens.create({
        userId: u.id,
        name: "b",
        tokenHash: "h2",
        scopes: [],
        createdAt: T0,
        expiresAt: T2,
      });
      await expect(
        store.tokens.create({
          userId: u.id,
          name: "c",
          tokenHash: "h1",
          scopes: [],
          createdAt: T0,
          expiresAt: T2,
        }),
      ).rejects.toBeInstanceOf(StoreConflict);
      expect(await store.tokens.byHash("h1")).toEqual(t);
      expect(await store.tokens.byHash("zz")).toBeUndefined();
      expect(await store.tokens.byId(t2.id)).toEqual(t2);
      await store.tokens.markUsed(t.id, T1);
      await store.tokens.revoke(t2.id);
      expect(await store.tokens.byId(t.id)).toMatchObject({ lastUsedAt: T1, revoked: false });
      expect(await store.tokens.byId(t2.id)).toMatchObject({ revoked: true });
      expect((await store.tokens.listForUser(u.id)).map((x) => x.name)).toEqual(["pipeline", "b"]);
      expect((await store.tokens.list()).map((x) => x.id)).toEqual(expect.arrayContaining([t.id, t2.id]));
    });

    it("throttle: put inserts then replaces, get, clear", async () => {
      expect(await store.throttle.get("user:x")).toBeUndefined();
      await store.throttle.put({ key: "user:x", failures: 1, windowStart: T0, lockedUntil: null });
      await store.throttle.put({ key: "user:x", failures: 5, windowStart: T0, lockedUntil: T1 });
      expect(await store.throttle.get("user:x")).toEqual({
        key: "user:x",
        failures: 5,
        windowStart: T0,
        lockedUntil: T1,
      });
      await store.throttle.clear("user:x");
      expect(await store.throttle.get("user:x")).toBeUndefined();
    });

    it("versions: create, get, list by state and limit, decide, and the one in force", async () => {
      const files = [{ path: "zones.yaml", text: "zones: {}\n" }];
      const v1 = await store.versions.create({
        parentId: null,
        state: "proposed",
        author: "alice",
        createdAt: T0,
        message: "first",
        files,
        diff: { opened: [1, 2] },
        requestId: null,
      });
      expect(v1).toMatchObject({ files, diff: { opened: [1, 2] }, decidedBy: null, decidedAt: null });
      expect(await store.versions.get(v1.id)).toEqual(v1);
      expect(await store.versions.get(9999)).toBeUndefined();
      expect(await store.versions.current()).toBeUndefined();
      const v2 = await store.versions.create({
        ...v1,
        parentId: v1.id,
        message: "second",
        diff: null,
        requestId: 7,
      });
      expect(v2).toMatchObject({ parentId: v1.id, diff: null, requestId: 7 });
      expect(await store.versions.decide(v2.id, "approved", "bob", T1)).toMatchObject({
        state: "approved",
        decidedBy: "bob",
        decidedAt: T1,
      });
      expect((await store.versions.current())?.id).toBe(v2.id);
      await store.versions.decide(v1.id, "approved", "bob", T2);
      expect((await store.versions.current())?.id).toBe(v1.id);
      const list = await store.versions.list();
      expect(list.map((v) => v.id)).toEqual([v2.id, v1.id]);
      expect(list[0]).not.toHaveProperty("files");
      expect(list[0]).not.toHaveProperty("diff");
      expect((await store.versions.list({ limit: 1 })).map((v) => v.id)).toEqual([v2.id]);
      await store.versions.decide(v2.id, "rejected", "carol", T2);
      expect((await store.versions.list({ state: "rejected" })).map((v) => v.id)).toEqual([v2.id]);
      expect(await store.versions.decide(9999, "approved", "x", T2)).toBeUndefined();
    });

    it("requests: create, get, list by state and requester, update", async () => {
      const base = {
        requester: "rita",
        createdAt: T0,
        state: "pending" as const,
        spec: { from: "zone:a" },
        risk: { r: [] },
        score: 42.5,
      };
      expect(await store.requests.lastId()).toBe(0);
      const r1 = await store.requests.create(base);
      const r2 = await store.requests.create({ ...base, requester: "sam" });
      expect(r1).toMatchObject({
        ...base,
        decidedBy: null,
        decidedAt: null,
        decisionNote: null,
        versionId: null,
      });
      expect(await store.requests.get(r1.id)).toEqual(r1);
      expect(await store.requests.get(9999)).toBeUndefined();
      const done = await store.requests.update(r1.id, {
        state: "approved",
        decidedBy: "bob",
        decidedAt: T1,
        decisionNote: "fine",
        versionId: 3,
      });
      expect(done).toMatchObject({
        state: "approved",
        decidedBy: "bob",
        decidedAt: T1,
        decisionNote: "fine",
        versionId: 3,
      });
      expect((await store.requests.list()).map((r) => r.id)).toEqual([r2.id, r1.id]);
      expect((await store.requests.list({ state: "pending" })).map((r) => r.id)).toEqual([r2.id]);
      expect((await store.requests.list({ requester: "rita" })).map((r) => r.id)).toEqual([r1.id]);
      expect(await store.requests.update(9999, { state: "withdrawn" })).toBeUndefined();
      expect(await store.requests.lastId()).toBe(Math.max(r1.id, r2.id));
    });

    it("configs and deployments: create, get, list by version and point, update a deployment", async () => {
      const v = await store.versions.create({
        parentId: null,
        state: "approved",
        author: "a",
        createdAt: T0,
        message: "m",
        files: [],
        diff: null,
        requestId: null,
      });
      const files = [{ path: "edge.nft", text: "table inet x {}\n" }];
      const base = {
        versionId: v.id,
        point: "edge",
        target: "nftables",
        files,
        proven: true,
        createdAt: T0,
        createdBy: "op",
      };
      const c1 = await store.configs.create(base);
      const c2 = await store.configs.create({ ...base, point: "core", proven: false });
      expect(c1).toEqual({ ...base, id: c1.id });
      expect(await store.configs.get(c2.id)).toMatchObject({ point: "core", proven: false });
      expect(await store.configs.get(9999)).toBeUndefined();
      const listed = await store.configs.list({ versionId: v.id });
      expect(listed.map((c) => c.id)).toEqual([c2.id, c1.id]);
      expect(listed[0]).not.toHaveProperty("files");
      expect((await store.configs.list({ point: "edge" })).map((c) => c.id)).toEqual([c1.id]);

      const d = await store.deployments.create({
        configId: c1.id,
        point: "edge",
        versionId: v.id,
        state: "recorded",
        recordedBy: "op",
        recordedAt: T1,
        note: "n",
      });
      expect(d).toMatchObject({ state: "recorded", verifiedAt: null, verification: null });
      expect(await store.deployments.get(d.id)).toEqual(d);
      const verified = await store.deployments.update(d.id, {
        state: "verified",
        verifiedAt: T2,
        verification: { equal: true },
      });
      expect(verified).toMatchObject({ state: "verified", verifiedAt: T2, verification: { equal: true } });
      expect((await store.deployments.list({ point: "edge" })).map((x) => x.id)).toEqual([d.id]);
      expect(await store.deployments.list({ point: "core" })).toEqual([]);
      expect((await store.deployments.list()).length).toBe(1);
      expect(await store.deployments.get(9999)).toBeUndefined();
    });

    it("analyses and recertifications: create, get, list with filters", async () => {
      const a = await store.analyses.create({
        kind: "anomalies",
        subject: "edge",
        createdAt: T0,
        createdBy: "op",
        result: { n: [1] },
      });
      expect(await store.analyses.get(a.id)).toEqual(a);
      expect(await store.analyses.get(9999)).toBeUndefined();
      const b2 = await store.analyses.create({ ...a, subject: "core" });
      const listed = await store.analyses.list({ kind: "anomalies" });
      expect(listed.map((x) => x.id)).toEqual([b2.id, a.id]);
      expect(listed[0]).not.toHaveProperty("result");
      expect((await store.analyses.list({ kind: "anomalies", limit: 1 })).map((x) => x.id)).toEqual([b2.id]);

      const r = await store.recertifications.create({
        flow: "web",
        versionId: 1,
        decision: "recertified",
        decidedBy: "own",
        decidedAt: T0,
        until: "2026-01-01",
        note: "",
      });
      await store.recertifications.create({ ...r, flow: "db", decision: "expire", until: null });
      expect(await store.recertifications.list({ flow: "web" })).toEqual([r]);
      expect((await store.recertifications.list()).map((x) => x.flow)).toEqual(["db", "web"]);
    });

    it("webauthn: create, look up, list, count, mark used only from the expected counter, delete", async () => {
      const u = await store.users.create({
        username: "keyholder",
        role: "viewer",
        passwordHash: "x",
        createdAt: T0,
      });
      const other = await store.users.create({
        username: "keyless",
        role: "viewer",
        passwordHash: "x",
        createdAt: T0,
      });
      const c = await store.webauthn.create({
        userId: u.id,
        credentialId: "cred-1",
        publicKey: "pk",
        counter: 4294967295,
        transports: ["usb", "nfc"],
        name: "Desk key",
        createdAt: T0,
      });
      expect(c).toMatchObject({
        userId: u.id,
        counter: 4294967295,
        transports: ["usb", "nfc"],
        lastUsedAt: null,
      });
      expect(await store.webauthn.byCredentialId("cred-1")).toEqual(c);
      expect(await store.webauthn.byCredentialId("cred-2")).toBeUndefined();
      const dup = { ...c, userId: other.id };
      await expect(store.webauthn.create(dup)).rejects.toBeInstanceOf(StoreConflict);
      await store.webauthn.create({ ...dup, credentialId: "cred-2", counter: 0 });
      expect(await store.webauthn.countForUser(u.id)).toBe(1);
      expect((await store.webauthn.listForUser(other.id)).map((x) => x.credentialId)).toEqual(["cred-2"]);

      expect(await store.webauthn.markUsed(c.id, 7, 8, T1)).toBe(false);
      expect(await store.webauthn.markUsed(c.id, 4294967295, 5, T1)).toBe(true);
      expect(await store.webauthn.byCredentialId("cred-1")).toMatchObject({ counter: 5, lastUsedAt: T1 });

      expect(await store.webauthn.delete(other.id, c.id)).toBe(false);
      expect(await store.webauthn.delete(u.id, c.id)).toBe(true);
      expect(await store.webauthn.deleteForUser(other.id)).toBe(1);
      expect(await store.webauthn.countForUser(other.id)).toBe(0);
    });

    it("webauthn challenges: put replaces per user and purpose, take removes", async () => {
      const u = await store.users.create({
        username: "challenged",
        role: "viewer",
        passwordHash: "x",
        createdAt: T0,
      });
      await store.webauthn.putChallenge({ userId: u.id, purpose: "login", challenge: "a", expiresAt: T1 });
      await store.webauthn.putChallenge({ userId: u.id, purpose: "login", challenge: "b", expiresAt: T2 });
      await store.webauthn.putChallenge({ userId: u.id, purpose: "register", challenge: "r", expiresAt: T1 });
      expect(await store.webauthn.takeChallenge(u.id, "login")).toEqual({
        userId: u.id,
        purpose: "login",
        challenge: "b",
        expiresAt: T2,
      });
      expect(await store.webauthn.takeChallenge(u.id, "login")).toBeUndefined();
      expect((await store.webauthn.takeChallenge(u.id, "register"))?.challenge).toBe("r");
    });

    it("a transaction that throws leaves nothing behind; nested calls join it", async () => {
      const before = await store.users.count();
      await expect(
        store.transaction(async (tx) => {
          await tx.users.create({ username: "ghost", role: "viewer", passwordHash: "", createdAt: T0 });
          await tx.transaction(async (inner: Store) => inner.audit.append(auditEntry("ghost"), auditHash));
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      expect(await store.users.count()).toBe(before);
      expect(await store.users.byName("ghost")).toBeUndefined();
      expect(await store.audit.list({ actor: "ghost" })).toEqual([]);
      const made = await store.transaction(async (tx) => {
        const u = await tx.users.create({
          username: "kept",
          role: "viewer",
          passwordHash: "",
          createdAt: T0,
        });
        await tx.audit.append(auditEntry("kept"), auditHash);
        return u;
      });
      expect(await store.users.byName("KEPT")).toEqual(made);
      expect((await store.audit.list({ actor: "kept" })).length).toBe(1);
    });

    it("50 parallel audit appends get seqs in order with an unbroken chain", async () => {
      const start = await store.audit.count();
      const appended = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          store.audit.append(auditEntry(`p${i}`, "audit.parallel"), auditHash),
        ),
      );
      expect(appended.map((e) => e.seq).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 50 }, (_, i) => start + i + 1),
      );
      const all = await store.audit.list();
      expect(all.length).toBe(start + 50);
      expect(verifyAuditChain(all)).toMatchObject({ ok: true, entries: start + 50 });
      expect(all.at(-1)).toEqual(appended.find((e) => e.seq === start + 50));
    });

    it("audit list filters by actor, action, afterSeq and limit; detail round-trips", async () => {
      const e = await store.audit.append(
        { ...auditEntry("filter", "audit.filter"), detail: { a: [1, "x", null], when: new Date(0) } },
        auditHash,
      );
      expect(e.detail).toEqual({ a: [1, "x", null], when: "1970-01-01T00:00:00.000Z" });
      expect(await store.audit.list({ actor: "filter" })).toEqual([e]);
      expect(await store.audit.list({ action: "audit.filter" })).toEqual([e]);
      expect(await store.audit.list({ afterSeq: e.seq })).toEqual([]);
      expect((await store.audit.list({ afterSeq: e.seq - 2, limit: 1 })).map((x) => x.seq)).toEqual([
        e.seq - 1,
      ]);
      expect(verifyAuditChain(await store.audit.list()).ok).toBe(true);
    });
  });
}

const sqliteDirs: string[] = [];
afterAll(() => sqliteDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

storeContract("sqlite", undefined, async () => {
  const dir = mkdtempSync(join(tmpdir(), "rampart-store-"));
  sqliteDirs.push(dir);
  return { options: { data: dir }, cleanup: async () => undefined };
});

const pgUnavailable = await postgresUnavailable();

storeContract("postgres", pgUnavailable, async () => freshSchema());
