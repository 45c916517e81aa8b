// Uploaded device configurations analyzed or verified as `rampart analyze` and `rampart verify` do, with
// every result kept (AnalysisRepo) and audited.

import { analyzeFiles, type AnalyzeReport } from "../analyze.js";
import type { AuditLog, Clock } from "../audit.js";
import type { AnalysisRecord, Store } from "../store.js";
import { verifyConfig, type VerifyReport } from "../verify.js";
import { checkUpload } from "./deploy-upload.js";
import { type Problem, problem } from "./problem.js";
import type { PolicyVersions } from "./versions.js";

export type UploadedFile = { readonly name: unknown; readonly text: unknown };

export interface AnalyzeUpload {
  readonly files: readonly UploadedFile[];
  /** The files' format; detected from each file when absent. */
  readonly format?: string;
  /** Read against a policy version (adds policy violations, untrusted-to-sensitive checks): `--policy`. */
  readonly policy?: boolean;
  /** With `policy`: the version (default: current). */
  readonly versionId?: number;
  /** With `policy`: the enforcement point the files are for (`--point`). */
  readonly point?: string;
}

export interface VerifyUpload {
  readonly point: string;
  readonly versionId?: number;
  readonly files: readonly UploadedFile[];
  readonly format?: string;
}

export type ServiceResult<T> = ({ ok: true } & T) | Problem;

export class AnalysisService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly versions: PolicyVersions,
  ) {}

  /** Rule anomalies and risky rules of uploaded configurations; the report is stored as kind "analyze". */
  async analyzeUpload(
    actor: string,
    input: AnalyzeUpload,
  ): Promise<ServiceResult<{ id: number; report: AnalyzeReport }>> {
    const upload = checkUpload(input.files);
    if (!upload.ok) return problem("invalid-input", upload.message);
    if (!input.policy && (input.point !== undefined || input.versionId !== undefined))
      return problem("invalid-input", "Cannot choose a point or version without reading against the policy");
    let policyVersion: number | null = null;
    let loaded;
    if (input.policy) {
      const v = await this.openVersion(input.versionId);
      if (!v.ok) return v;
      policyVersion = v.id;
      loaded = v.loaded;
    }
    const result = analyzeFiles({
      files: upload.files,
      today: this.clock.now().toISOString().slice(0, 10),
      ...(input.format !== undefined && { format: input.format }),
      ...(loaded && { policy: loaded }),
      ...(input.point !== undefined && { point: input.point }),
    });
    if (!result.ok) return problem("invalid-input", result.message);
    const subject = upload.files.map((f) => f.name).join(", ");
    const stored = await this.keep(actor, "analyze", subject, {
      versionId: policyVersion,
      point: input.point ?? null,
      report: result.report,
    });
    return { ok: true, id: stored.id, report: result.report };
  }

  /** Whether an uploaded configuration lets through exactly what a point must; stored as kind "verify". */
  async verifyUpload(
    actor: string,
    input: VerifyUpload,
  ): Promise<ServiceResult<{ id: number; versionId: number; report: VerifyReport }>> {
    const upload = checkUpload(input.files);
    if (!upload.ok) return problem("invalid-input", upload.message);
    const v = await this.openVersion(input.versionId);
    if (!v.ok) return v;
    const result = verifyConfig(v.loaded, input.point, upload.files, {
      ...(input.format !== undefined && { format: input.format }),
    });
    if (!result.ok) return problem("invalid-input", result.message);
    const stored = await this.keep(actor, "verify", input.point, { versionId: v.id, report: result.report });
    return { ok: true, id: stored.id, versionId: v.id, report: result.report };
  }

  get(id: number): Promise<AnalysisRecord | undefined> {
    return this.store.analyses.get(id);
  }

  list(options: { kind?: "analyze" | "verify"; limit?: number } = {}) {
    return this.store.analyses.list(options);
  }

  private keep(actor: string, kind: string, subject: string, result: unknown): Promise<AnalysisRecord> {
    return this.store.transaction(async (tx) => {
      const stored = await tx.analyses.create({
        kind,
        subject,
        createdAt: this.clock.now().toISOString(),
        createdBy: actor,
        result,
      });
      await this.audit.within(tx).record({
        actor,
        action: `config.${kind}`,
        target: `analysis:${stored.id}`,
        detail: { subject },
      });
      return stored;
    });
  }

  private async openVersion(versionId?: number) {
    const v = versionId === undefined ? await this.versions.current() : await this.versions.open(versionId);
    if (!v)
      return problem(
        "not-found",
        versionId === undefined
          ? "There is no approved policy version yet"
          : `Version ${versionId} does not exist`,
      );
    if (v.opened.blocking.length > 0)
      return problem("invalid-policy", `Cannot read against version ${v.record.id}: the policy has errors`);
    return { ok: true as const, id: v.record.id, loaded: v.opened.loaded };
  }
}
