// Access requests: "this needs to reach that, on these services, because…, until…", checked for risk against
// the policy in force, decided by someone other than the requester, and on approval turned into a new policy
// version in the same transaction (the approval is the second pair of eyes).

import { assessRisk, type RiskAssessment } from "../../core/analysis/risk/assess.js";
import type { AuditLog, Clock } from "../audit.js";
import { diffPolicySources } from "../diff.js";
import { type OpenedPolicy, openPolicy } from "../open-policy.js";
import type { AccessRequestRecord, PolicyFile, RequestState, Store, VersionRecord } from "../store.js";
import { addFlow } from "./policy-edit.js";
import { type ClientInfo, isProblem, type Problem, problem, type Result } from "./problem.js";
import { parseRequestSpec, type RequestSpec } from "./requests-spec.js";
import { sameUser } from "./versions-input.js";
import type { PolicyVersions, VersionView } from "./versions.js";

/** The risk check as stored with a request: the assessment and the version it was made against. */
export type StoredRisk = RiskAssessment & { readonly versionId: number };

interface Candidate {
  readonly files: PolicyFile[];
  readonly opened: OpenedPolicy;
  readonly flowName: string;
  readonly risk: StoredRisk;
}

const ATTEMPTS = 3;
const diagnosticKey = (d: { file: string; line: number; message: string }) =>
  `${d.file}:${d.line}:${d.message}`;

export class AccessRequests {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly versions: PolicyVersions,
  ) {}

  /** Files a request: checks it against the policy in force, runs the risk check, stores it pending. */
  async create(
    actor: string,
    input: unknown,
    client?: ClientInfo,
  ): Promise<Result<{ request: AccessRequestRecord; risk: StoredRisk }>> {
    const parsed = parseRequestSpec(input, this.versions.today());
    if (!parsed.ok) return parsed;
    const c = await this.assess(parsed.spec, actor, "file");
    if (isProblem(c)) return c;
    return this.store.transaction(async (tx) => {
      const request = await tx.requests.create({
        requester: actor,
        createdAt: this.clock.now().toISOString(),
        state: "pending",
        spec: parsed.spec,
        risk: c.risk,
        score: c.risk.score,
      });
      await this.audit.within(tx).record({
        actor,
        action: "request.create",
        target: `request:${request.id}`,
        clientAddress: client?.address ?? "",
        detail: { score: c.risk.score, level: c.risk.level, versionId: c.risk.versionId },
      });
      return { ok: true, request, risk: c.risk };
    });
  }

  /**
   * The policy in force with the request's flow added, opened and risk-checked. Problems the flow brings are
   * "invalid-input" with their diagnostics; problems the policy already had are not the requester's.
   */
  /**
   * The request's flow added to the policy in force, opened and risk-checked: what filing stores and what the
   * console's live check shows, by one path so that the two never judge a request differently.
   */
  async assess(spec: RequestSpec, requester: string, verb: "file" | "check"): Promise<Candidate | Problem> {
    const current = await this.versions.current();
    if (!current)
      return problem("conflict", `Cannot ${verb} a request: there is no approved policy version yet`);
    return this.candidate(current, spec, requester, (await this.store.requests.lastId()) + 1);
  }

  private candidate(
    current: VersionView,
    spec: RequestSpec,
    requester: string,
    n: number,
  ): Candidate | Problem {
    const today = this.versions.today();
    const taken = new Set(
      [...current.opened.loaded.policy.flows, ...current.opened.loaded.policy.denies].map((r) => r.name),
    );
    let flowName = `request-${n}`;
    for (let i = 2; taken.has(flowName); i++) flowName = `request-${n}-${i}`;
    const files = addFlow(current.record.files, {
      name: flowName,
      description: `Access request #${n} by ${requester}`,
      from: spec.from,
      to: spec.to,
      services: spec.services,
      owner: spec.owner ?? requester,
      justification: spec.justification,
      ...(spec.ticket !== undefined && { ticket: spec.ticket }),
      ...(spec.until !== undefined && { expires: spec.until }),
    });
    if (isProblem(files)) return files;
    const opened = openPolicy(files, { today });
    const had = new Set(current.opened.blocking.map(diagnosticKey));
    const added = opened.blocking.filter((d) => !had.has(diagnosticKey(d)));
    if (added.length > 0)
      return problem("invalid-input", `The request does not fit the policy: ${added[0]!.message}`, added);
    const flow = opened.loaded.intent.flows.find((f) => f.rule.name === flowName);
    if (!flow || flow.set.isEmpty())
      return problem(
        "invalid-input",
        "The request matches no packet (its sources and destinations share no address family, or one side is empty)",
      );
    const risk = assessRisk(current.opened.loaded, opened.loaded, { flowName, today });
    return { files, opened, flowName, risk: { ...risk, versionId: current.record.id } };
  }

  /**
   * Approves someone else's pending request: the flow is added to the policy in force (the risk is checked
   * again against it) and the new version is approved in the same transaction as the request.
   */
  async approve(
    actor: string,
    id: number,
    note?: string,
    client?: ClientInfo,
  ): Promise<Result<{ request: AccessRequestRecord; version: VersionRecord; risk: StoredRisk }>> {
    if (note !== undefined && (typeof note !== "string" || note.length > 2000))
      return problem("invalid-input", "Invalid note: expected text of at most 2000 characters");
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const req = await this.store.requests.get(id);
      const refused = await this.refuseDecision(actor, id, req, "approve", client);
      if (refused) return refused;
      const r = await this.approveOn(actor, req!, note, client);
      if (!r.ok && r.code === "stale") continue;
      return r;
    }
    return problem("conflict", "The policy keeps changing; try again");
  }

  private async approveOn(
    actor: string,
    req: AccessRequestRecord,
    note: string | undefined,
    client?: ClientInfo,
  ) {
    const current = await this.versions.current();
    if (!current) return problem("conflict", "Cannot approve: there is no approved policy version");
    const parsed = parseRequestSpec(req.spec, undefined);
    if (!parsed.ok) return problem("conflict", `Request ${req.id} cannot be read: ${parsed.message}`);
    const today = this.versions.today();
    if (parsed.spec.until !== undefined && parsed.spec.until < today)
      return problem(
        "conflict",
        `Cannot approve request ${req.id}: it was needed until ${parsed.spec.until}`,
      );
    const c = this.candidate(current, parsed.spec, req.requester, req.id);
    if (isProblem(c))
      return problem(
        "conflict",
        `Request ${req.id} no longer fits the current policy: ${c.message}`,
        c.diagnostics,
      );
    const d = diffPolicySources(current.record.files, c.files, { today });
    const prepared = {
      files: c.files,
      opened: c.opened,
      parent: current.record,
      diff: d.ok ? d.report : null,
    };
    return this.store.transaction(async (tx) => {
      const fresh = await tx.requests.get(req.id);
      if (fresh?.state !== "pending")
        return problem(
          "conflict",
          `Cannot approve request ${req.id}: it is ${fresh?.state ?? "gone"}, not pending`,
        );
      const v = await this.versions.record(tx, req.requester, prepared, {
        message: `Access request #${req.id}: ${parsed.spec.justification}`,
        requestId: req.id,
        approvedBy: actor,
        client,
      });
      if (!v.ok) return v;
      const at = this.clock.now().toISOString();
      const request = (await tx.requests.update(req.id, {
        state: "approved",
        decidedBy: actor,
        decidedAt: at,
        decisionNote: note ?? null,
        versionId: v.version.id,
        // The risk the approver decided on: against the version in force at approval, not at filing.
        risk: c.risk,
        score: c.risk.score,
      }))!;
      await this.audit.within(tx).record({
        actor,
        action: "request.approve",
        target: `request:${req.id}`,
        clientAddress: client?.address ?? "",
        detail: {
          versionId: v.version.id,
          score: c.risk.score,
          level: c.risk.level,
          scoreAtCreation: req.score,
          note: note ?? null,
        },
      });
      return { ok: true as const, request, version: v.version, risk: c.risk };
    });
  }

  /** Four eyes and state for approve and reject; a refusal on four eyes is audited. */
  private async refuseDecision(
    actor: string,
    id: number,
    req: AccessRequestRecord | undefined,
    verb: "approve" | "reject",
    client?: ClientInfo,
  ): Promise<Problem | undefined> {
    if (!req) return problem("not-found", `Access request ${id} does not exist`);
    if (req.state !== "pending")
      return problem("conflict", `Cannot ${verb} request ${id}: it is ${req.state}, not pending`);
    if (!sameUser(actor, req.requester)) return undefined;
    await this.audit.record({
      actor,
      action: `request.${verb}`,
      target: `request:${id}`,
      outcome: "denied",
      clientAddress: client?.address ?? "",
      detail: { code: "own-change" },
    });
    const hint = verb === "reject" ? "; withdraw it instead" : "; someone else must approve it";
    return problem("own-change", `Cannot ${verb} request ${id}: "${req.requester}" filed it${hint}`);
  }

  async reject(
    actor: string,
    id: number,
    note: string,
    client?: ClientInfo,
  ): Promise<Result<{ request: AccessRequestRecord }>> {
    if (typeof note !== "string" || note.trim().length === 0 || note.length > 2000)
      return problem("invalid-input", "Invalid note: say why in 1 to 2000 characters");
    const refused = await this.refuseDecision(actor, id, await this.store.requests.get(id), "reject", client);
    if (refused) return refused;
    return this.decide(actor, id, "rejected", note, client);
  }

  /** Only the requester withdraws, and only while the request is pending. */
  async withdraw(
    actor: string,
    id: number,
    client?: ClientInfo,
  ): Promise<Result<{ request: AccessRequestRecord }>> {
    const req = await this.store.requests.get(id);
    if (!req) return problem("not-found", `Access request ${id} does not exist`);
    if (!sameUser(actor, req.requester))
      return problem(
        "forbidden",
        `Cannot withdraw request ${id}: only "${req.requester}", who filed it, can`,
      );
    return this.decide(actor, id, "withdrawn", null, client);
  }

  /** Called once every affected point runs the version the approval created. Idempotent. */
  async markImplemented(id: number, actor = "system"): Promise<Result<{ request: AccessRequestRecord }>> {
    return this.store.transaction(async (tx) => {
      const req = await tx.requests.get(id);
      if (!req) return problem("not-found", `Access request ${id} does not exist`);
      if (req.state === "implemented") return { ok: true, request: req };
      if (req.state !== "approved")
        return problem("conflict", `Cannot mark request ${id} implemented: it is ${req.state}, not approved`);
      const request = (await tx.requests.update(id, { state: "implemented" }))!;
      await this.audit.within(tx).record({
        actor,
        action: "request.implemented",
        target: `request:${id}`,
        detail: { versionId: req.versionId },
      });
      return { ok: true, request };
    });
  }

  get(id: number): Promise<AccessRequestRecord | undefined> {
    return this.store.requests.get(id);
  }

  list(filter: { state?: RequestState; requester?: string } = {}): Promise<AccessRequestRecord[]> {
    return this.store.requests.list(filter);
  }

  private decide(
    actor: string,
    id: number,
    state: "rejected" | "withdrawn",
    note: string | null,
    client?: ClientInfo,
  ): Promise<Result<{ request: AccessRequestRecord }>> {
    return this.store.transaction(async (tx) => {
      const req = await tx.requests.get(id);
      if (req?.state !== "pending")
        return problem(
          "conflict",
          `Cannot ${state === "rejected" ? "reject" : "withdraw"} request ${id}: it is ${req?.state}, not pending`,
        );
      const at = this.clock.now().toISOString();
      const request = (await tx.requests.update(id, {
        state,
        decidedBy: actor,
        decidedAt: at,
        decisionNote: note,
      }))!;
      await this.audit.within(tx).record({
        actor,
        action: state === "rejected" ? "request.reject" : "request.withdraw",
        target: `request:${id}`,
        clientAddress: client?.address ?? "",
        detail: note === null ? null : { note },
      });
      return { ok: true, request };
    });
  }
}
