// Policy versions: propose, approve with four eyes, reject, restore, compare, and the first version at start.
// Every write runs in one store transaction with its audit entry, and an approval lands only on top of the
// version it was proposed against, so two approvals can never both land on the same parent.

import type { Diagnostic } from "../../core/policy/diagnostics.js";
import type { AuditLog, Clock } from "../audit.js";
import { diffPolicySources, type PolicyDiffReport } from "../diff.js";
import { type OpenedPolicy, openPolicy } from "../open-policy.js";
import type { PolicyCache } from "../policy-cache.js";
import type { PolicyFile, Store, VersionRecord, VersionState } from "../store.js";
import { type ClientInfo, type Problem, problem, type Result } from "./problem.js";
import { checkFiles, checkMessage, sameUser } from "./versions-input.js";

export interface VersionView {
  readonly record: VersionRecord;
  readonly opened: OpenedPolicy;
}

export interface ProposeInput {
  readonly files: readonly PolicyFile[];
  readonly message: string;
  readonly requestId?: number;
}

/** A checked candidate version and its diff against the version it goes on top of, not yet stored. */
export interface PreparedVersion {
  readonly files: readonly PolicyFile[];
  readonly opened: OpenedPolicy;
  /** The current version when prepared (undefined for the first). */
  readonly parent: VersionRecord | undefined;
  readonly diff: PolicyDiffReport | null;
}

export interface RecordOptions {
  readonly message: string;
  readonly requestId?: number;
  /** Approve it in the same transaction (an access request's approval is the second pair of eyes). */
  readonly approvedBy?: string;
  readonly client?: ClientInfo | undefined;
}

const ATTEMPTS = 3;

/** How long the id of the version in force is taken as known (see currentId). */
const CURRENT_ID_SECONDS = 1;

export class PolicyVersions {
  private currentHint: { id: number; at: number } | undefined;

  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly cache: PolicyCache,
  ) {}

  /** The clock's UTC date, YYYY-MM-DD: what flow expiry is judged against. */
  today(): string {
    return this.clock.now().toISOString().slice(0, 10);
  }

  /** The policy in force: the newest approved version, opened through the cache. */
  async current(): Promise<VersionView | undefined> {
    const record = await this.store.versions.current();
    return record && { record, opened: this.cache.open(record.id, record.files, this.today()) };
  }

  /**
   * The opened policy of the version in force (or of `id`), reading its files only when it is not loaded yet:
   * the path every question takes, so it costs one indexed read of an id.
   */
  async opened(id?: number): Promise<{ id: number; opened: OpenedPolicy } | undefined> {
    const versionId = id ?? (await this.currentId());
    if (versionId === undefined) return undefined;
    const hit = this.cache.peek(versionId, this.today());
    if (hit) return { id: versionId, opened: hit };
    const view = id === undefined ? await this.current() : await this.open(versionId);
    return view && { id: view.record.id, opened: view.opened };
  }

  /**
   * The id of the version in force, read at most once a second: questions arrive by the thousand, the policy
   * changes a few times a day. An approval made through this process is seen at once; one made by another
   * server process on the same database within a second.
   */
  private async currentId(): Promise<number | undefined> {
    const now = performance.now();
    if (this.currentHint && now - this.currentHint.at < CURRENT_ID_SECONDS * 1000) return this.currentHint.id;
    const id = await this.store.versions.currentId();
    this.currentHint = id === undefined ? undefined : { id, at: now };
    return id;
  }

  async open(id: number): Promise<VersionView | undefined> {
    const record = await this.store.versions.get(id);
    return record && { record, opened: this.cache.open(record.id, record.files, this.today()) };
  }

  /** Checks files, opens them, and diffs them against the current version. */
  async prepare(files: readonly PolicyFile[]): Promise<Result<{ prepared: PreparedVersion }>> {
    const bad = checkFiles(files);
    if (bad) return bad;
    const opened = openPolicy(files, { today: this.today() });
    if (opened.blocking.length > 0)
      return problem(
        "invalid-policy",
        `The policy has ${opened.blocking.length} error${opened.blocking.length > 1 ? "s" : ""}: ${opened.blocking[0]!.message}`,
        opened.blocking,
      );
    const parent = await this.store.versions.current();
    const d = parent ? diffPolicySources(parent.files, files, { today: this.today() }) : undefined;
    const copied = files.map((f) => ({ path: f.path, text: f.text }));
    return { ok: true, prepared: { files: copied, opened, parent, diff: d?.ok ? d.report : null } };
  }

  /**
   * Stores a prepared version inside transaction `tx`, refusing ("stale") when the current version is no
   * longer its parent; with `approvedBy`, approves it at once. For AccessRequests and this class.
   */
  async record(
    tx: Store,
    author: string,
    prepared: PreparedVersion,
    options: RecordOptions,
  ): Promise<Result<{ version: VersionRecord }>> {
    const parentId = prepared.parent?.id ?? null;
    const current = await tx.versions.current();
    if ((current?.id ?? null) !== parentId)
      return problem(
        "stale",
        `The policy changed (version ${current?.id}) while the change was being prepared`,
      );
    const at = this.clock.now().toISOString();
    let version = await tx.versions.create({
      parentId,
      state: "proposed",
      author,
      createdAt: at,
      message: options.message,
      files: prepared.files,
      diff: prepared.diff,
      requestId: options.requestId ?? null,
    });
    const detail = {
      parentId,
      message: options.message,
      requestId: options.requestId ?? null,
      files: prepared.files.length,
      becomeAllowed: prepared.diff?.becomeAllowed.length ?? null,
      becomeDenied: prepared.diff?.becomeDenied.length ?? null,
    };
    const log = this.audit.within(tx);
    const target = `version:${version.id}`;
    const client = options.client;
    if (options.approvedBy === undefined) {
      await log.record({
        actor: author,
        action: "version.propose",
        target,
        clientAddress: client?.address ?? "",
        detail,
      });
      return { ok: true, version };
    }
    version = (await tx.versions.decide(version.id, "approved", options.approvedBy, at))!;
    this.currentHint = undefined;
    await log.record({
      actor: options.approvedBy,
      action: "version.approve",
      target,
      clientAddress: client?.address ?? "",
      detail: { ...detail, author },
    });
    return { ok: true, version };
  }

  /** Proposes a new version on top of the current one; it takes effect once someone else approves it. */
  async propose(
    actor: string,
    input: ProposeInput,
    client?: ClientInfo,
  ): Promise<Result<{ version: VersionRecord; diagnostics: Diagnostic[] }>> {
    const bad = checkMessage(input?.message);
    if (bad) return bad;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const p = await this.prepare(input.files);
      if (!p.ok) return p;
      const r = await this.store.transaction((tx) =>
        this.record(tx, actor, p.prepared, {
          message: input.message,
          ...(client && { client }),
          ...(input.requestId !== undefined && { requestId: input.requestId }),
        }),
      );
      // Approved underneath us: diff again against the new current version.
      if (!r.ok && r.code === "stale") continue;
      return r.ok ? { ...r, diagnostics: p.prepared.opened.loaded.diagnostics } : r;
    }
    return problem("conflict", "The policy keeps changing; try again");
  }

  /** Four eyes: approved by someone other than its author, and only on top of the version it was proposed on. */
  async approve(actor: string, id: number, client?: ClientInfo): Promise<Result<{ version: VersionRecord }>> {
    return this.store.transaction(async (tx) => {
      const log = this.audit.within(tx);
      const deny = async (p: Problem) => {
        await log.record({
          actor,
          action: "version.approve",
          target: `version:${id}`,
          outcome: p.code === "own-change" ? "denied" : "failure",
          clientAddress: client?.address ?? "",
          detail: { code: p.code },
        });
        return p;
      };
      const v = await tx.versions.get(id);
      if (!v) return problem("not-found", `Version ${id} does not exist`);
      if (v.state !== "proposed")
        return deny(problem("not-proposed", `Cannot approve version ${id}: it is ${v.state}, not proposed`));
      if (sameUser(actor, v.author))
        return deny(
          problem(
            "own-change",
            `Cannot approve version ${id}: "${v.author}" proposed it; someone else must approve`,
          ),
        );
      const current = await tx.versions.current();
      if ((current?.id ?? null) !== v.parentId)
        return deny(
          problem(
            "stale",
            `Cannot approve version ${id}: it was proposed on top of version ${v.parentId}, but version ${current?.id} is current now; propose the change again on top of the current version`,
          ),
        );
      const version = (await tx.versions.decide(id, "approved", actor, this.clock.now().toISOString()))!;
      this.currentHint = undefined;
      await log.record({
        actor,
        action: "version.approve",
        target: `version:${id}`,
        clientAddress: client?.address ?? "",
        detail: { author: v.author, parentId: v.parentId },
      });
      return { ok: true, version };
    });
  }

  async reject(
    actor: string,
    id: number,
    note: string,
    client?: ClientInfo,
  ): Promise<Result<{ version: VersionRecord }>> {
    if (typeof note !== "string" || note.length > 2000)
      return problem("invalid-input", "Invalid note: expected text of at most 2000 characters");
    return this.store.transaction(async (tx) => {
      const v = await tx.versions.get(id);
      if (!v) return problem("not-found", `Version ${id} does not exist`);
      if (v.state !== "proposed")
        return problem("not-proposed", `Cannot reject version ${id}: it is ${v.state}, not proposed`);
      const version = (await tx.versions.decide(id, "rejected", actor, this.clock.now().toISOString()))!;
      await this.audit.within(tx).record({
        actor,
        action: "version.reject",
        target: `version:${id}`,
        clientAddress: client?.address ?? "",
        detail: { note },
      });
      return { ok: true, version };
    });
  }

  /** Proposes an old version's files again; like any proposal it needs a second person to approve it. */
  async restore(
    actor: string,
    id: number,
    message?: string,
    client?: ClientInfo,
  ): Promise<Result<{ version: VersionRecord; diagnostics: Diagnostic[] }>> {
    const old = await this.store.versions.get(id);
    if (!old) return problem("not-found", `Version ${id} does not exist`);
    if ((await this.store.versions.current())?.id === id)
      return problem("conflict", `Cannot restore version ${id}: it is the current version`);
    return this.propose(
      actor,
      { files: old.files, message: message?.trim() || `Restore version ${id}` },
      client,
    );
  }

  /** Newest first, without files and diff. */
  list(options: { state?: VersionState; limit?: number } = {}) {
    return this.store.versions.list(options);
  }

  /**
   * The semantic diff from version `a` to version `b` (any two, in either order); `a` null means b's parent,
   * and for the first version the empty policy (everything it allows is new).
   */
  async diff(
    a: number | null,
    b: number,
  ): Promise<Result<{ report: PolicyDiffReport; diagnostics: Diagnostic[] }>> {
    const vb = await this.store.versions.get(b);
    if (!vb) return problem("not-found", `Version ${b} does not exist`);
    const from = a ?? vb.parentId;
    const va = from === null ? undefined : await this.store.versions.get(from);
    if (from !== null && !va) return problem("not-found", `Version ${from} does not exist`);
    const d = diffPolicySources(va?.files ?? [], vb.files, { today: this.today() });
    if (!d.ok) return problem("invalid-policy", d.message, d.diagnostics);
    return { ok: true, report: d.report, diagnostics: d.diagnostics };
  }

  /** The very first version, approved at once (an example or an imported repository); refused once any exists. */
  async bootstrap(
    actor: string,
    files: readonly PolicyFile[],
    message: string,
  ): Promise<Result<{ version: VersionRecord }>> {
    const bad = checkMessage(message);
    if (bad) return bad;
    const p = await this.prepare(files);
    if (!p.ok) return p;
    return this.store.transaction(async (tx) => {
      if ((await tx.versions.list({ limit: 1 })).length > 0)
        return problem("conflict", "Cannot bootstrap: the store already holds policy versions");
      const created = await tx.versions.create({
        parentId: null,
        state: "proposed",
        author: actor,
        createdAt: this.clock.now().toISOString(),
        message,
        files: p.prepared.files,
        diff: null,
        requestId: null,
      });
      const version = (await tx.versions.decide(created.id, "approved", actor, created.createdAt))!;
      this.currentHint = undefined;
      await this.audit.within(tx).record({
        actor,
        action: "version.bootstrap",
        target: `version:${version.id}`,
        detail: { message, files: files.length },
      });
      return { ok: true, version };
    });
  }
}
