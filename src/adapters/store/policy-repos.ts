// Policy versions, access requests, compiled configs, deployments, analyses and recertifications on Kysely.
// Lists are newest first; list pages leave out the large JSON columns the port says they omit.

import type { Kysely, Selectable } from "kysely";
import type {
  AccessRequestRecord,
  AnalysisRepo,
  ConfigRecord,
  ConfigRepo,
  DeploymentRecord,
  DeploymentRepo,
  PolicyFile,
  RecertificationRecord,
  RecertificationRepo,
  RequestRepo,
  RequestState,
  VersionRecord,
  VersionRepo,
} from "../../app/store.js";
import { fromFlag, fromJson, toCount, toFlag, toJson } from "./codec.js";
import type {
  AccessRequestsTable,
  ConfigsTable,
  Database,
  DeploymentsTable,
  PolicyVersionsTable,
} from "./schema.js";

const VERSION_HEAD = [
  "id",
  "parent_id",
  "state",
  "author",
  "created_at",
  "message",
  "decided_by",
  "decided_at",
  "request_id",
] as const;

type VersionHead = Pick<Selectable<PolicyVersionsTable>, (typeof VERSION_HEAD)[number]>;

function toVersionHead(row: VersionHead): Omit<VersionRecord, "files" | "diff"> {
  return {
    id: row.id,
    parentId: row.parent_id,
    state: row.state as VersionRecord["state"],
    author: row.author,
    createdAt: row.created_at,
    message: row.message,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    requestId: row.request_id,
  };
}

function toVersion(row: Selectable<PolicyVersionsTable>): VersionRecord {
  return { ...toVersionHead(row), files: fromJson<PolicyFile[]>(row.files), diff: fromJson(row.diff) };
}

export function versionRepo(db: Kysely<Database>): VersionRepo {
  const get = async (id: number) => {
    const row = await db.selectFrom("policy_versions").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? toVersion(row) : undefined;
  };
  return {
    async create(v) {
      const row = await db
        .insertInto("policy_versions")
        .values({
          parent_id: v.parentId,
          state: v.state,
          author: v.author,
          created_at: v.createdAt,
          message: v.message,
          files: toJson(v.files),
          diff: toJson(v.diff),
          decided_by: null,
          decided_at: null,
          request_id: v.requestId,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toVersion(row);
    },
    get,
    async list(options = {}) {
      let q = db.selectFrom("policy_versions").select(VERSION_HEAD).orderBy("id", "desc");
      if (options.state !== undefined) q = q.where("state", "=", options.state);
      if (options.limit !== undefined) q = q.limit(options.limit);
      return (await q.execute()).map(toVersionHead);
    },
    async current() {
      // The version approved last is in force, even when it was proposed before another approved one.
      const row = await db
        .selectFrom("policy_versions")
        .selectAll()
        .where("state", "=", "approved")
        .orderBy("decided_at", "desc")
        .orderBy("id", "desc")
        .limit(1)
        .executeTakeFirst();
      return row ? toVersion(row) : undefined;
    },
    async currentId() {
      const row = await db
        .selectFrom("policy_versions")
        .select("id")
        .where("state", "=", "approved")
        .orderBy("decided_at", "desc")
        .orderBy("id", "desc")
        .limit(1)
        .executeTakeFirst();
      return row?.id;
    },
    async decide(id, state, by, at) {
      await db
        .updateTable("policy_versions")
        .set({ state, decided_by: by, decided_at: at })
        .where("id", "=", id)
        .execute();
      return get(id);
    },
  };
}

function toRequest(row: Selectable<AccessRequestsTable>): AccessRequestRecord {
  return {
    id: row.id,
    requester: row.requester,
    createdAt: row.created_at,
    state: row.state as RequestState,
    spec: fromJson(row.spec),
    risk: fromJson(row.risk),
    score: Number(row.score),
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    decisionNote: row.decision_note,
    versionId: row.version_id,
  };
}

export function requestRepo(db: Kysely<Database>): RequestRepo {
  const get = async (id: number) => {
    const row = await db.selectFrom("access_requests").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? toRequest(row) : undefined;
  };
  return {
    async create(r) {
      const row = await db
        .insertInto("access_requests")
        .values({
          requester: r.requester,
          created_at: r.createdAt,
          state: r.state,
          spec: toJson(r.spec),
          risk: toJson(r.risk),
          score: r.score,
          decided_by: null,
          decided_at: null,
          decision_note: null,
          version_id: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toRequest(row);
    },
    get,
    async lastId() {
      const row = await db
        .selectFrom("access_requests")
        .select((eb) => eb.fn.max("id").as("last"))
        .executeTakeFirst();
      return toCount(row?.last ?? 0);
    },
    async list(options = {}) {
      let q = db.selectFrom("access_requests").selectAll().orderBy("id", "desc");
      if (options.state !== undefined) q = q.where("state", "=", options.state);
      if (options.requester !== undefined) q = q.where("requester", "=", options.requester);
      return (await q.execute()).map(toRequest);
    },
    async update(id, c) {
      const v: Partial<Omit<AccessRequestsTable, "id">> = {};
      if (c.state !== undefined) v.state = c.state;
      if (c.decidedBy !== undefined) v.decided_by = c.decidedBy;
      if (c.decidedAt !== undefined) v.decided_at = c.decidedAt;
      if (c.decisionNote !== undefined) v.decision_note = c.decisionNote;
      if (c.versionId !== undefined) v.version_id = c.versionId;
      if (c.risk !== undefined) v.risk = toJson(c.risk);
      if (c.score !== undefined) v.score = c.score;
      if (Object.keys(v).length > 0)
        await db.updateTable("access_requests").set(v).where("id", "=", id).execute();
      return get(id);
    },
  };
}

const CONFIG_HEAD = ["id", "version_id", "point", "target", "proven", "created_at", "created_by"] as const;

function toConfigHead(
  row: Pick<Selectable<ConfigsTable>, (typeof CONFIG_HEAD)[number]>,
): Omit<ConfigRecord, "files"> {
  return {
    id: row.id,
    versionId: row.version_id,
    point: row.point,
    target: row.target,
    proven: fromFlag(row.proven),
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

export function configRepo(db: Kysely<Database>): ConfigRepo {
  const toConfig = (row: Selectable<ConfigsTable>): ConfigRecord => ({
    ...toConfigHead(row),
    files: fromJson<PolicyFile[]>(row.files),
  });
  return {
    async create(c) {
      const row = await db
        .insertInto("configs")
        .values({
          version_id: c.versionId,
          point: c.point,
          target: c.target,
          files: toJson(c.files),
          proven: toFlag(c.proven),
          created_at: c.createdAt,
          created_by: c.createdBy,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toConfig(row);
    },
    async get(id) {
      const row = await db.selectFrom("configs").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? toConfig(row) : undefined;
    },
    async list(options = {}) {
      let q = db.selectFrom("configs").select(CONFIG_HEAD).orderBy("id", "desc");
      if (options.versionId !== undefined) q = q.where("version_id", "=", options.versionId);
      if (options.point !== undefined) q = q.where("point", "=", options.point);
      return (await q.execute()).map(toConfigHead);
    },
  };
}

function toDeployment(row: Selectable<DeploymentsTable>): DeploymentRecord {
  return {
    id: row.id,
    configId: row.config_id,
    point: row.point,
    versionId: row.version_id,
    state: row.state as DeploymentRecord["state"],
    recordedBy: row.recorded_by,
    recordedAt: row.recorded_at,
    note: row.note,
    verifiedAt: row.verified_at,
    verification: fromJson(row.verification),
  };
}

export function deploymentRepo(db: Kysely<Database>): DeploymentRepo {
  const get = async (id: number) => {
    const row = await db.selectFrom("deployments").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? toDeployment(row) : undefined;
  };
  return {
    async create(d) {
      const row = await db
        .insertInto("deployments")
        .values({
          config_id: d.configId,
          point: d.point,
          version_id: d.versionId,
          state: d.state,
          recorded_by: d.recordedBy,
          recorded_at: d.recordedAt,
          note: d.note,
          verified_at: null,
          verification: toJson(null),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toDeployment(row);
    },
    get,
    async list(options = {}) {
      let q = db.selectFrom("deployments").selectAll().orderBy("id", "desc");
      if (options.point !== undefined) q = q.where("point", "=", options.point);
      return (await q.execute()).map(toDeployment);
    },
    async update(id, c) {
      const v: Partial<Omit<DeploymentsTable, "id">> = {};
      if (c.state !== undefined) v.state = c.state;
      if (c.verifiedAt !== undefined) v.verified_at = c.verifiedAt;
      if (c.verification !== undefined) v.verification = toJson(c.verification);
      if (Object.keys(v).length > 0)
        await db.updateTable("deployments").set(v).where("id", "=", id).execute();
      return get(id);
    },
  };
}

export function analysisRepo(db: Kysely<Database>): AnalysisRepo {
  const head = ["id", "kind", "subject", "created_at", "created_by"] as const;
  const toHead = (r: {
    id: number;
    kind: string;
    subject: string;
    created_at: string;
    created_by: string;
  }) => ({
    id: r.id,
    kind: r.kind,
    subject: r.subject,
    createdAt: r.created_at,
    createdBy: r.created_by,
  });
  return {
    async create(a) {
      const row = await db
        .insertInto("analyses")
        .values({
          kind: a.kind,
          subject: a.subject,
          created_at: a.createdAt,
          created_by: a.createdBy,
          result: toJson(a.result),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return { ...toHead(row), result: fromJson(row.result) };
    },
    async get(id) {
      const row = await db.selectFrom("analyses").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? { ...toHead(row), result: fromJson(row.result) } : undefined;
    },
    async list(options = {}) {
      let q = db.selectFrom("analyses").select(head).orderBy("id", "desc");
      if (options.kind !== undefined) q = q.where("kind", "=", options.kind);
      if (options.limit !== undefined) q = q.limit(options.limit);
      return (await q.execute()).map(toHead);
    },
  };
}

export function recertificationRepo(db: Kysely<Database>): RecertificationRepo {
  const toRecert = (r: Selectable<Database["recertifications"]>): RecertificationRecord => ({
    id: r.id,
    flow: r.flow,
    versionId: r.version_id,
    decision: r.decision as RecertificationRecord["decision"],
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
    until: r.until,
    note: r.note,
  });
  return {
    async create(r) {
      const row = await db
        .insertInto("recertifications")
        .values({
          flow: r.flow,
          version_id: r.versionId,
          decision: r.decision,
          decided_by: r.decidedBy,
          decided_at: r.decidedAt,
          until: r.until,
          note: r.note,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toRecert(row);
    },
    async list(options = {}) {
      let q = db.selectFrom("recertifications").selectAll().orderBy("id", "desc");
      if (options.flow !== undefined) q = q.where("flow", "=", options.flow);
      return (await q.execute()).map(toRecert);
    },
  };
}
