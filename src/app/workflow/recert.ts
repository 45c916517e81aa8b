// Recertification: which flows expire soon, and the owners' decisions to extend them or let them lapse.

import type { Rule } from "../../core/policy/types.js";
import type { AuditLog, Clock } from "../audit.js";
import { type Role, roleAllows } from "../roles.js";
import type { RecertificationRecord, Store, VersionRecord } from "../store.js";
import { setFlowExpiry } from "./policy-edit.js";
import { type Problem, problem } from "./problem.js";
import { addDays, checkUntil, daysBetween } from "./recert-dates.js";
import type { PolicyVersions } from "./versions.js";

/** Who decides: the name flows' owners are matched against, and the role that says what else they may do. */
export interface RecertActor {
  readonly username: string;
  readonly role: Role;
}

export interface DueFlow {
  readonly name: string;
  readonly owner: string | null;
  /** YYYY-MM-DD; null for a flow without expiry. */
  readonly expires: string | null;
  /** Days from today to the expiry date (negative once expired); null without expiry. */
  readonly daysLeft: number | null;
  readonly justification: string | null;
  readonly ticket: string | null;
  readonly file: string;
  readonly line: number;
  readonly lastDecision: RecertificationRecord | null;
}

export interface DueReport {
  readonly today: string;
  readonly versionId: number;
  readonly withinDays: number;
  /** Flows expiring within the window or already expired, soonest first. */
  readonly due: DueFlow[];
  /** Flows that never expire: nobody is asked to look at them again, which is itself worth a look. */
  readonly noExpiry: DueFlow[];
}

export type RecertResult<T> = ({ ok: true } & T) | Problem;

const MAX_NOTE = 2000;
const MAX_WINDOW = 3650;

/**
 * Who may decide on a flow: only holders of "recert:decide"; approvers only for flows they own (their
 * username is the flow's owner, compared without case), policy admins and admins for every flow, since they
 * may change the policy itself anyway. Owners without the permission ask one of those.
 */
export function mayDecide(actor: RecertActor, flow: Rule): boolean {
  if (!roleAllows(actor.role, "recert:decide")) return false;
  if (actor.role === "policy-admin" || actor.role === "admin") return true;
  return flow.owner !== undefined && flow.owner.toLowerCase() === actor.username.toLowerCase();
}

export class Recertification {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly versions: PolicyVersions,
  ) {}

  /** The current version's flows expiring within `withinDays` or expired, and those with no expiry. */
  async due(options: { withinDays?: number } = {}): Promise<RecertResult<{ report: DueReport }>> {
    const withinDays = options.withinDays ?? 30;
    if (!Number.isInteger(withinDays) || withinDays < 0 || withinDays > MAX_WINDOW)
      return problem(
        "invalid-input",
        `Invalid window "${withinDays}": expected whole days from 0 to ${MAX_WINDOW}`,
      );
    const current = await this.versions.current();
    if (!current) return problem("not-found", "There is no approved policy version yet");
    const today = this.today();
    const last = lastDecisions(await this.store.recertifications.list());
    const horizon = addDays(today, withinDays);
    const row = (f: Rule): DueFlow => ({
      name: f.name,
      owner: f.owner ?? null,
      expires: f.expires?.value ?? null,
      daysLeft: f.expires ? daysBetween(today, f.expires.value) : null,
      justification: f.justification ?? null,
      ticket: f.ticket ?? null,
      file: f.loc.file,
      line: f.loc.line,
      lastDecision: last.get(f.name) ?? null,
    });
    const flows = current.opened.loaded.policy.flows;
    const due = flows
      .filter((f) => f.expires !== undefined && f.expires.value <= horizon)
      .map(row)
      .sort((a, b) =>
        a.expires! < b.expires! ? -1 : a.expires! > b.expires! ? 1 : a.name < b.name ? -1 : 1,
      );
    const noExpiry = flows.filter((f) => f.expires === undefined).map(row);
    return { ok: true, report: { today, versionId: current.record.id, withinDays, due, noExpiry } };
  }

  /**
   * Extends a flow to `until` with a new policy version approved at once. No second person is needed: the
   * flow lets through today exactly what it did, so the version opens nothing (checked below); what it
   * changes is when the flow lapses, which is the owner's call. An expired flow is refused, since renewing
   * it would open packets again: that is a new access request and goes through four eyes.
   */
  async recertify(
    actor: RecertActor,
    flowName: string,
    input: { until: string; note?: string },
  ): Promise<RecertResult<{ version: VersionRecord; decision: RecertificationRecord }>> {
    const today = this.today();
    const dateProblem = checkUntil(input.until, today);
    if (dateProblem) return problem("invalid-input", dateProblem);
    const found = await this.findFlow(actor, flowName, input.note);
    if (!found.ok) return found;
    const { current, flow } = found;
    if (flow.expires && flow.expires.value < today)
      return problem(
        "conflict",
        `Cannot recertify flow "${flowName}": it expired on ${flow.expires.value}; renewing it opens packets again, so file an access request`,
      );
    const files = setFlowExpiry(current.files, flowName, input.until);
    if (!Array.isArray(files)) return files;
    const p = await this.versions.prepare(files);
    if (!p.ok) return p;
    // The flow was read from `current`: a version approved since then would be undone by these files.
    if (p.prepared.parent?.id !== current.id) return stale();
    if ((p.prepared.diff?.becomeAllowed.length ?? 0) > 0)
      throw new Error(`Invariant: recertifying "${flowName}" would open packets today`);
    const message = `Recertify flow "${flowName}" until ${input.until}${input.note ? `: ${input.note}` : ""}`;
    return this.store.transaction(async (tx) => {
      const r = await this.versions.record(tx, actor.username, p.prepared, {
        message,
        approvedBy: actor.username,
      });
      if (!r.ok) return r.code === "stale" ? stale() : r;
      const at = this.clock.now().toISOString();
      const decision = await tx.recertifications.create({
        flow: flowName,
        versionId: r.version.id,
        decision: "recertified",
        decidedBy: actor.username,
        decidedAt: at,
        until: input.until,
        note: input.note ?? "",
      });
      await this.audit.within(tx).record({
        actor: actor.username,
        action: "flow.recertify",
        target: `flow:${flowName}`,
        detail: { versionId: r.version.id, until: input.until, previous: flow.expires?.value ?? null },
      });
      return { ok: true as const, version: r.version, decision };
    });
  }

  /** Records that the flow is left to lapse on its expiry date; the policy is not changed. */
  async letExpire(
    actor: RecertActor,
    flowName: string,
    note?: string,
  ): Promise<RecertResult<{ decision: RecertificationRecord }>> {
    const found = await this.findFlow(actor, flowName, note);
    if (!found.ok) return found;
    const { current, flow } = found;
    if (!flow.expires)
      return problem(
        "invalid-input",
        `Cannot let flow "${flowName}" expire: it has no expiry date; remove it with a policy change instead`,
      );
    const expires = flow.expires.value;
    return this.store.transaction(async (tx) => {
      const decision = await tx.recertifications.create({
        flow: flowName,
        versionId: current.id,
        decision: "expire",
        decidedBy: actor.username,
        decidedAt: this.clock.now().toISOString(),
        until: null,
        note: note ?? "",
      });
      await this.audit.within(tx).record({
        actor: actor.username,
        action: "flow.let-expire",
        target: `flow:${flowName}`,
        detail: { versionId: current.id, expires },
      });
      return { ok: true as const, decision };
    });
  }

  /** Decisions, newest first, on one flow or all. */
  async decisions(flow?: string): Promise<RecertificationRecord[]> {
    const all = await this.store.recertifications.list(flow === undefined ? {} : { flow });
    return [...all].sort((a, b) => b.id - a.id);
  }

  private async findFlow(
    actor: RecertActor,
    flowName: string,
    note: string | undefined,
  ): Promise<{ ok: true; current: VersionRecord; flow: Rule } | Problem> {
    if (note !== undefined && note.length > MAX_NOTE)
      return problem("invalid-input", `Invalid note: longer than ${MAX_NOTE} characters`);
    const current = await this.versions.current();
    if (!current) return problem("not-found", "There is no approved policy version yet");
    const flow = current.opened.loaded.policy.flows.find((f) => f.name === flowName);
    if (!flow) return problem("not-found", `Flow "${flowName}" is not in the current policy`);
    if (!mayDecide(actor, flow))
      return problem(
        "forbidden",
        `Cannot decide on flow "${flowName}": it belongs to "${flow.owner ?? "nobody"}"; ask its owner or a policy admin`,
      );
    return { ok: true, current: current.record, flow };
  }

  private today(): string {
    return this.clock.now().toISOString().slice(0, 10);
  }
}

function lastDecisions(records: readonly RecertificationRecord[]): Map<string, RecertificationRecord> {
  const out = new Map<string, RecertificationRecord>();
  for (const r of records) {
    const seen = out.get(r.flow);
    if (!seen || r.id > seen.id) out.set(r.flow, r);
  }
  return out;
}

function stale(): Problem {
  return problem("stale", "The policy changed meanwhile; look at the flow again and recertify it once more");
}
