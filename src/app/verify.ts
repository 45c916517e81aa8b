// Verifying a configuration (the one on the device, say) against what its enforcement point must allow.

import { importContext, prove, describeDifference } from "../core/compile/prove.js";
import { pointScope } from "../core/compile/scope.js";
import { findTarget } from "../core/compile/targets/index.js";
import { findImporter, IMPORTERS } from "../core/import/formats/index.js";
import type { ConfigFile } from "../core/import/model.js";
import type { Diagnostic } from "../core/policy/diagnostics.js";
import type { LoadedPolicy } from "../core/policy/load.js";
import { type DifferenceReport, reportEntries } from "./compile.js";

export interface VerifyReport {
  readonly point: string;
  readonly target: string;
  readonly format: string;
  readonly equivalent: boolean;
  readonly allowedNotIntended: DifferenceReport[];
  readonly intendedNotAllowed: DifferenceReport[];
  /** True when a side had more boxes than were listed. */
  readonly truncated: boolean;
  /** What the importer could not read or model, with lines: a verdict over such a file may be wrong. */
  readonly diagnostics: Diagnostic[];
}

export type VerifyResult = { ok: true; report: VerifyReport } | { ok: false; message: string };

export function verifyConfig(
  loaded: LoadedPolicy,
  pointName: string,
  files: readonly ConfigFile[],
  options: { format?: string; maxEntries?: number } = {},
): VerifyResult {
  const point = loaded.resolved.points.find((p) => p.point.name === pointName);
  if (!point) {
    const names = loaded.resolved.points.map((p) => `"${p.point.name}"`).join(", ");
    return {
      ok: false,
      message: `Unknown enforcement point "${pointName}"; the policy has ${names || "none"}`,
    };
  }
  const target = findTarget(point.point.target.value);
  if (!target)
    return {
      ok: false,
      message: `Enforcement point "${pointName}" has unknown target "${point.point.target.value}"`,
    };
  const format = options.format ?? target.format;
  const importer = findImporter(format);
  if (!importer) {
    const known = IMPORTERS.map((i) => i.id).join(", ");
    return { ok: false, message: `Unknown format "${format}"; known formats: ${known}` };
  }
  const scope = pointScope(loaded.intent, point, target.capabilities);
  const proof = prove(
    importer,
    files,
    importContext(loaded.intent, scope),
    scope.expected,
    scope.proofDomain,
  );
  const max = options.maxEntries ?? 50;
  const a = describeDifference(proof.allowedNotIntended, loaded.intent, proof.imported, max);
  const b = describeDifference(proof.intendedNotAllowed, loaded.intent, proof.imported, max);
  return {
    ok: true,
    report: {
      point: pointName,
      target: target.id,
      format,
      equivalent: proof.equivalent,
      allowedNotIntended: reportEntries(a.entries),
      intendedNotAllowed: reportEntries(b.entries),
      truncated: a.truncated || b.truncated,
      diagnostics: proof.imported.diagnostics,
    },
  };
}
