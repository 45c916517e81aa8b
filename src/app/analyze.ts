// Analyzing deployed configurations: read each file with its importer, then report rule anomalies, rules
// that open too much, and (with a policy) what breaks it.

import { compareFindings, type Finding } from "../core/analysis/anomalies/finding.js";
import { analyzeConfiguration } from "../core/analysis/anomalies/analyze.js";
import { type PolicyFacts, policyFacts } from "../core/analysis/permissive/policy-checks.js";
import { importContext } from "../core/compile/prove.js";
import { pointScope } from "../core/compile/scope.js";
import { findTarget } from "../core/compile/targets/index.js";
import { chooseFormat } from "./import.js";
import type { ConfigFile, ImportContext } from "../core/import/model.js";
import { standaloneContext } from "../core/import/standalone.js";
import type { Diagnostic } from "../core/policy/diagnostics.js";
import type { LoadedPolicy } from "../core/policy/load.js";
import { PacketSpace } from "../core/space/packet-set.js";

export interface AnalyzeRequest {
  readonly files: readonly ConfigFile[];
  /** The format of every file; detected from each file's content when absent. */
  readonly format?: string;
  readonly policy?: LoadedPolicy;
  /** The enforcement point whose zones and hosts the files are read for (needed when the policy has several). */
  readonly point?: string;
  /** YYYY-MM-DD. */
  readonly today: string;
}

export interface AnalyzeReport {
  readonly findings: Finding[];
  readonly diagnostics: Diagnostic[];
  /** Each file's format, as given or detected. */
  readonly formats: readonly { readonly file: string; readonly format: string }[];
  readonly rules: number;
}

export type AnalyzeResult = { ok: true; report: AnalyzeReport } | { ok: false; message: string };

interface Setting {
  readonly space: PacketSpace;
  readonly context: ImportContext;
  readonly facts?: PolicyFacts;
}

function settingFor(request: AnalyzeRequest): Setting | string {
  const loaded = request.policy;
  if (!loaded) {
    const space = new PacketSpace();
    return { space, context: standaloneContext(space) };
  }
  const intent = loaded.intent;
  const points = loaded.resolved.points;
  const names = points.map((p) => `"${p.point.name}"`).join(", ");
  const name = request.point ?? (points.length === 1 ? points[0]!.point.name : undefined);
  if (name === undefined)
    return `The policy has ${points.length} enforcement points (${names || "none"}): choose one with --point`;
  const point = points.find((p) => p.point.name === name);
  if (!point) return `Unknown enforcement point "${name}"; the policy has ${names || "none"}`;
  const target = findTarget(point.point.target.value);
  if (!target) return `Enforcement point "${name}" has unknown target "${point.point.target.value}"`;
  const context = importContext(intent, pointScope(intent, point, target.capabilities));
  return { space: intent.space, context, facts: policyFacts(intent) };
}

export function analyzeFiles(request: AnalyzeRequest): AnalyzeResult {
  const setting = settingFor(request);
  if (typeof setting === "string") return { ok: false, message: setting };
  const findings: Finding[] = [];
  const diagnostics: Diagnostic[] = [];
  const formats: { file: string; format: string }[] = [];
  let rules = 0;
  for (const file of request.files) {
    const choice = chooseFormat([file], request.format);
    if (!choice.ok)
      return { ok: false, message: request.format ? choice.message : `${file.name}: ${choice.message}` };
    const importer = choice.importer;
    formats.push({ file: file.name, format: importer.id });
    const result = importer.import([file], setting.context);
    rules += result.rules.length;
    diagnostics.push(...result.diagnostics);
    findings.push(
      ...analyzeConfiguration(setting.space, result, {
        today: request.today,
        ...(setting.facts && { policy: setting.facts }),
      }),
    );
  }
  return { ok: true, report: { findings: findings.sort(compareFindings), diagnostics, formats, rules } };
}
