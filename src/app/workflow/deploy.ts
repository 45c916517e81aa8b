// Deployments: compiling a policy version's enforcement points into stored configurations, planning them
// against what is deployed, recording deployments and verifying what the devices hold afterwards.

import type { CompiledPoint, ProofStatus } from "../../core/compile/compile.js";
import type { ConfigFile } from "../../core/import/model.js";
import type { Diagnostic } from "../../core/policy/diagnostics.js";
import type { LoadedPolicy } from "../../core/policy/load.js";
import type { ResolvedPoint } from "../../core/policy/resolve.js";
import type { AuditLog, Clock } from "../audit.js";
import { type DifferenceReport, explainProof, selectPoints } from "../compile.js";
import { planPoint, type PointPlan } from "../plan.js";
import type { ConfigRecord, DeploymentRecord, Store, VersionRecord } from "../store.js";
import { verifyConfig, type VerifyReport } from "../verify.js";
import { CompiledCache, sameFiles } from "./deploy-compiled.js";
import { affectedPoints, implementedRequests, type RequestMarker } from "./deploy-requests.js";
import { checkUpload } from "./deploy-upload.js";
import { type Problem, problem } from "./problem.js";
import type { PolicyVersions } from "./versions.js";

export interface CompiledFileSummary {
  readonly name: string;
  readonly lines: number;
  readonly bytes: number;
}

export interface PointCompileOutcome {
  readonly point: string;
  readonly target: string;
  readonly status: ProofStatus;
  /** The stored configuration; null when the point is not proven exact (it is reported, never stored). */
  readonly configId: number | null;
  readonly files: CompiledFileSummary[];
  readonly rules: number;
  readonly objects: number;
  readonly problems: Diagnostic[];
  /** For a "mismatch" (a bug in Rampart): what differs, a few boxes a side. */
  readonly difference?: { allowedNotIntended: DifferenceReport[]; intendedNotAllowed: DifferenceReport[] };
}

export interface PointPlanOutcome {
  readonly versionId: number;
  /** The deployment compared with: the point's newest one recorded or verified; null when none. */
  readonly deployment: { id: number; versionId: number; configId: number; state: string } | null;
  readonly plan: PointPlan;
}

export type DeployResult<T> = ({ ok: true } & T) | Problem;

/** A version as opened by PolicyVersions, with its files. */
interface Opened {
  readonly record: VersionRecord;
  readonly loaded: LoadedPolicy;
}

const MAX_NOTE = 2000;

export class Deployments {
  private readonly cache = new CompiledCache();

  /** @param requests marks access requests implemented once their points are verified (optional in tests). */
  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly versions: PolicyVersions,
    private readonly requests?: RequestMarker,
  ) {}

  /**
   * Compiles one point or all of a version (default: the current one) and stores each configuration proven
   * exact. A point refused by its target or not proven is reported with its problems and not stored.
   * Compiling the same version again stores nothing new while the output is unchanged.
   */
  async compile(
    actor: string,
    options: { versionId?: number; point?: string } = {},
  ): Promise<DeployResult<{ versionId: number; points: PointCompileOutcome[] }>> {
    const opened = await this.openVersion(options.versionId);
    if (!opened.ok) return opened;
    const { record, loaded } = opened;
    const failed = loaded.diagnostics.filter((d) => d.code === "assertion-failed");
    if (failed.length > 0)
      return problem(
        "invalid-policy",
        `Cannot compile version ${record.id}: ${failed.length} of its assertions fail`,
        failed,
      );
    const chosen = this.choosePoints(loaded, options.point);
    if (!chosen.ok) return chosen;
    const today = this.today();
    const compiled = chosen.points.map((p) => this.cache.get(record.id, today, loaded, p));
    const points = await this.store.transaction(async (tx) => {
      const out: PointCompileOutcome[] = [];
      for (const c of compiled) {
        const configId =
          c.status === "proven" ? await storeConfig(tx, actor, record.id, c, this.now()) : null;
        out.push(outcome(loaded, c, configId));
      }
      await this.audit.within(tx).record({
        actor,
        action: "config.compile",
        target: `version:${record.id}`,
        detail: { points: out.map((o) => ({ point: o.point, status: o.status, configId: o.configId })) },
      });
      return out;
    });
    return { ok: true, versionId: record.id, points };
  }

  /** What deploying the point's configuration of a version (default: current) would change on the device. */
  async plan(
    _actor: string,
    options: { versionId?: number; point: string },
  ): Promise<DeployResult<PointPlanOutcome>> {
    const opened = await this.openVersion(options.versionId);
    if (!opened.ok) return opened;
    const chosen = this.choosePoints(opened.loaded, options.point);
    if (!chosen.ok) return chosen;
    const compiled = this.cache.get(opened.record.id, this.today(), opened.loaded, chosen.points[0]!);
    const deployed = await this.deployedNow(options.point);
    const files: ConfigFile[] = (deployed?.config.files ?? []).map((f) => ({ name: f.path, text: f.text }));
    const d = deployed?.deployment;
    return {
      ok: true,
      versionId: opened.record.id,
      deployment: d ? { id: d.id, versionId: d.versionId, configId: d.configId, state: d.state } : null,
      plan: planPoint(opened.loaded, compiled, files),
    };
  }

  /**
   * Records that a stored configuration was put on its device. Rampart does not push it there yet (that is a
   * later issue): an operator deploys it, records it here, then verifies what the device holds.
   */
  async record(
    actor: string,
    input: { configId: number; note?: string },
  ): Promise<DeployResult<{ deployment: DeploymentRecord }>> {
    const note = input.note ?? "";
    if (note.length > MAX_NOTE)
      return problem(
        "invalid-input",
        `Cannot record the deployment: the note is longer than ${MAX_NOTE} characters`,
      );
    const config = await this.store.configs.get(input.configId);
    if (!config) return problem("not-found", `Configuration ${input.configId} does not exist`);
    const version = await this.store.versions.get(config.versionId);
    // Only an approved change reaches a device: a proposed or rejected version's configuration is for review.
    if (version?.state !== "approved")
      return problem(
        "conflict",
        `Cannot record configuration ${config.id}: its version ${config.versionId} is ${version?.state ?? "missing"}, not approved`,
      );
    const deployment = await this.store.transaction(async (tx) => {
      const d = await tx.deployments.create({
        configId: config.id,
        point: config.point,
        versionId: config.versionId,
        state: "recorded",
        recordedBy: actor,
        recordedAt: this.now(),
        note,
      });
      await this.audit.within(tx).record({
        actor,
        action: "deployment.record",
        target: `deployment:${d.id}`,
        detail: { configId: config.id, point: config.point, versionId: config.versionId },
      });
      return d;
    });
    return { ok: true, deployment };
  }

  /**
   * Verifies the configuration read back from the device against what the point must let through in the
   * deployment's version: the deployment becomes "verified" or "failed", with the report kept. Access
   * requests whose every affected point is now verified are marked implemented.
   */
  async verify(
    actor: string,
    deploymentId: number,
    input: { files: readonly { name: unknown; text: unknown }[]; format?: string },
  ): Promise<DeployResult<{ deployment: DeploymentRecord; report: VerifyReport; implemented: number[] }>> {
    const upload = checkUpload(input.files);
    if (!upload.ok) return problem("invalid-input", upload.message);
    const d = await this.store.deployments.get(deploymentId);
    if (!d) return problem("not-found", `Deployment ${deploymentId} does not exist`);
    const opened = await this.openVersion(d.versionId);
    if (!opened.ok) return opened;
    const result = verifyConfig(opened.loaded, d.point, upload.files, {
      ...(input.format !== undefined && { format: input.format }),
    });
    if (!result.ok) return problem("invalid-input", result.message);
    const report = result.report;
    const state = report.equivalent ? "verified" : "failed";
    const deployment = await this.store.transaction(async (tx) => {
      const updated = await tx.deployments.update(d.id, {
        state,
        verifiedAt: this.now(),
        verification: report,
      });
      await this.audit.within(tx).record({
        actor,
        action: "deployment.verify",
        target: `deployment:${d.id}`,
        // The action succeeded either way; whether the device matched is the verdict in the detail.
        detail: { point: d.point, versionId: d.versionId, state, equivalent: report.equivalent },
      });
      return updated!;
    });
    const implemented = state === "verified" ? await this.markImplemented() : [];
    return { ok: true, deployment, report, implemented };
  }

  /** Deployments, newest first, of one point or all. */
  async list(point?: string): Promise<DeploymentRecord[]> {
    const all = await this.store.deployments.list(point === undefined ? {} : { point });
    return [...all].sort((a, b) => b.id - a.id);
  }

  get(id: number): Promise<DeploymentRecord | undefined> {
    return this.store.deployments.get(id);
  }

  /** A stored configuration with its files (what an operator downloads to deploy). */
  config(id: number): Promise<ConfigRecord | undefined> {
    return this.store.configs.get(id);
  }

  /** The points of a version whose compiled output differs from its parent's (all of them for the first). */
  async affectedPoints(versionId: number): Promise<string[] | undefined> {
    const opened = await this.openVersion(versionId);
    if (!opened.ok) return undefined;
    const parentId = opened.record.parentId;
    const parent = parentId === null ? undefined : await this.openVersion(parentId);
    return affectedPoints(
      (o, p) => this.cache.get(o.record.id, this.today(), o.loaded, p),
      opened,
      parent?.ok ? parent : undefined,
    );
  }

  /** The newest deployment of a point that is recorded or verified, with its configuration. */
  async deployedNow(
    point: string,
  ): Promise<{ deployment: DeploymentRecord; config: ConfigRecord } | undefined> {
    const list = await this.list(point);
    const d = list.find((x) => x.state === "recorded" || x.state === "verified");
    if (!d) return undefined;
    const config = await this.store.configs.get(d.configId);
    return config ? { deployment: d, config } : undefined;
  }

  private async markImplemented(): Promise<number[]> {
    if (!this.requests) return [];
    const done = await implementedRequests(this.store, (id) => this.affectedPoints(id));
    for (const id of done) await this.requests.markImplemented(id);
    return done;
  }

  private async openVersion(versionId?: number): Promise<({ ok: true } & Opened) | Problem> {
    const v = versionId === undefined ? await this.versions.current() : await this.versions.open(versionId);
    if (!v)
      return problem(
        "not-found",
        versionId === undefined
          ? "There is no approved policy version yet"
          : `Version ${versionId} does not exist`,
      );
    if (v.opened.blocking.length > 0)
      return problem(
        "invalid-policy",
        `Cannot use version ${v.record.id}: the policy has errors`,
        v.opened.blocking,
      );
    return { ok: true, record: v.record, loaded: v.opened.loaded };
  }

  private choosePoints(
    loaded: LoadedPolicy,
    point: string | undefined,
  ): { ok: true; points: ResolvedPoint[] } | Problem {
    const { points, unknown } = selectPoints(loaded, { points: point === undefined ? [] : [point] });
    if (unknown.length > 0) {
      const names = loaded.resolved.points.map((p) => `"${p.point.name}"`).join(", ");
      return problem(
        "not-found",
        `Unknown enforcement point "${unknown[0]}"; the policy has ${names || "none"}`,
      );
    }
    if (points.length === 0)
      return problem("invalid-input", "The policy has no enforcement points to compile");
    return { ok: true, points };
  }

  private today(): string {
    return this.clock.now().toISOString().slice(0, 10);
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}

/** Stores a proven configuration, or finds the same one stored before for the version and point. */
async function storeConfig(
  tx: Store,
  actor: string,
  versionId: number,
  c: CompiledPoint,
  now: string,
): Promise<number> {
  const point = c.point.point.name;
  const earlier = await tx.configs.list({ versionId, point });
  const newest = [...earlier].sort((a, b) => b.id - a.id)[0];
  if (newest?.proven) {
    const stored = await tx.configs.get(newest.id);
    if (stored && sameFiles(stored.files, c.files)) return stored.id;
  }
  const created = await tx.configs.create({
    versionId,
    point,
    target: c.target!.id,
    files: c.files.map((f) => ({ path: f.name, text: f.text })),
    proven: true,
    createdAt: now,
    createdBy: actor,
  });
  return created.id;
}

function outcome(loaded: LoadedPolicy, c: CompiledPoint, configId: number | null): PointCompileOutcome {
  const encoder = new TextEncoder();
  return {
    point: c.point.point.name,
    target: c.target?.id ?? c.point.point.target.value,
    status: c.status,
    configId,
    files: c.files.map((f) => ({
      name: f.name,
      lines: f.text.split("\n").filter((l) => l.trim() !== "").length,
      bytes: encoder.encode(f.text).length,
    })),
    rules: c.stats.rules,
    objects: c.stats.objects,
    problems: c.diagnostics,
    ...(c.status === "mismatch" && { difference: explainProof(loaded, c, 5) }),
  };
}
