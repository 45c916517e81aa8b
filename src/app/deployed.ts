// The reach question answered from the deployed configurations: each enforcement point's configuration read
// in its context, and a packet let through only when every point on its path accepts it.

import {
  type DeployedPoint,
  type DeployedReachAnswer,
  reachThroughPoints,
} from "../core/analysis/path/deployed-reach.js";
import { queryReach, type ReachVerdict } from "../core/analysis/reach.js";
import { importContext } from "../core/compile/prove.js";
import { pointScope } from "../core/compile/scope.js";
import { findTarget } from "../core/compile/targets/index.js";
import { findImporter } from "../core/import/formats/index.js";
import type { ConfigFile, ConfigSource } from "../core/import/model.js";
import { type Diagnostic, hasErrors, sortDiagnostics } from "../core/policy/diagnostics.js";
import type { Intent } from "../core/policy/intent.js";
import type { ResolvedPolicy } from "../core/policy/resolve.js";
import { formatPacket } from "../core/space/packet.js";
import type { PacketSet } from "../core/space/packet-set.js";
import { summarize } from "../core/space/summarize.js";
import { type PacketJson, packetToJson } from "./packet-input.js";
import type { ReachQuestion } from "./reach.js";

export interface BlockReport {
  readonly packets: string;
  readonly witness: string;
  readonly example: PacketJson;
  /** Rules of the point's configuration matching the witness; empty: its default dropped it. */
  readonly lines: ConfigSource[];
}

export interface PathPointReport {
  readonly point: string;
  readonly target: string;
  /** "missing": DIR holds no configuration for the point; it is counted as letting nothing through. */
  readonly status: "deployed" | "missing";
  readonly files: string[];
  /** The packets of the question that cross the point. */
  readonly crossed: string[];
  /** Those it drops, box by box. */
  readonly blocks: BlockReport[];
  readonly truncated: boolean;
}

export interface DeployedReachReport {
  readonly verdict: ReachVerdict;
  readonly emptyQuery: boolean;
  readonly allowed: string[];
  readonly denied: string[];
  /** Packets of the question that cross no enforcement point: nothing filters them (counted as allowed). */
  readonly unfiltered: string[];
  /** The points the question's packets cross, in policy order. */
  readonly path: PathPointReport[];
  /** Points on the path with no configuration in DIR. */
  readonly missing: string[];
  /** What the policy says about the same question, and whether the deployed answer is exactly the same. */
  readonly intent: { readonly verdict: ReachVerdict; readonly same: boolean };
  /** Files of DIR named after no enforcement point (not read). */
  readonly unmatchedFiles: string[];
  /** A denied packet when some are denied, else an allowed one; null for an empty question. */
  readonly example: PacketJson | null;
}

export type DeployedReachResult =
  | {
      ok: true;
      answer: DeployedReachAnswer;
      report: DeployedReachReport;
      deniedExample?: string;
      diagnostics: Diagnostic[];
    }
  | { ok: false; diagnostics: Diagnostic[]; message?: string };

/**
 * Assigns each file to the enforcement point it is named after, as `rampart compile --out` names them: the
 * point's name, then a dot and an extension ("edge-fw.nft", "core-fw.rules.v4"). The longest name wins.
 */
export function filesByPoint(
  points: readonly string[],
  files: readonly ConfigFile[],
): { byPoint: Map<string, ConfigFile[]>; unmatched: ConfigFile[] } {
  const byPoint = new Map<string, ConfigFile[]>(points.map((p) => [p, []]));
  const longestFirst = [...points].sort((a, b) => b.length - a.length);
  const unmatched: ConfigFile[] = [];
  for (const f of files) {
    const base = f.name.split("/").pop() ?? f.name;
    const p = longestFirst.find((n) => base === n || base.startsWith(`${n}.`));
    if (p === undefined) unmatched.push(f);
    else byPoint.get(p)!.push(f);
  }
  return { byPoint, unmatched };
}

export function askDeployedReach(
  policy: { resolved: ResolvedPolicy; intent: Intent },
  q: ReachQuestion,
  deployed: readonly ConfigFile[],
): DeployedReachResult {
  const from = policy.resolved.resolveReferences(q.from);
  const to = policy.resolved.resolveReferences(q.to);
  const services = policy.resolved.resolveServices(q.services);
  const questionDiagnostics = [...from.diagnostics, ...to.diagnostics, ...services.diagnostics];
  if (hasErrors(questionDiagnostics)) return { ok: false, diagnostics: questionDiagnostics };
  const intent = policy.intent;
  const query = intent
    .services(services.atoms)
    .intersect(intent.addresses(to.terms, "dst"))
    .intersect(intent.addresses(from.terms, "src"));
  const names = policy.resolved.points.map((p) => p.point.name);
  const { byPoint, unmatched } = filesByPoint(names, deployed);
  const diagnostics: Diagnostic[] = [...questionDiagnostics];
  const points: (DeployedPoint & { target: string; files: string[] })[] = [];
  for (const p of policy.resolved.points) {
    const target = findTarget(p.point.target.value);
    const importer = target && findImporter(target.format);
    if (!target || !importer) {
      return {
        ok: false,
        diagnostics,
        message: `Cannot read the configuration of "${p.point.name}": unknown target "${p.point.target.value}"`,
      };
    }
    const scope = pointScope(intent, p, target.capabilities);
    const files = byPoint.get(p.point.name) ?? [];
    const base = {
      name: p.point.name,
      target: target.id,
      files: files.map((f) => f.name),
      domain: scope.proofDomain,
    };
    if (files.length === 0) {
      points.push({ ...base, rules: [] });
      continue;
    }
    const imported = importer.import(files, importContext(intent, scope));
    diagnostics.push(...imported.diagnostics);
    points.push({ ...base, accepted: imported.accepted, rules: imported.rules });
  }
  const answer = reachThroughPoints(query, points);
  const byName = new Map(points.map((p) => [p.name, p]));
  const sum = (s: PacketSet) => (s.isEmpty() ? [] : summarize(s));
  const path = answer.points.map((p): PathPointReport => {
    const info = byName.get(p.name)!;
    return {
      point: p.name,
      target: info.target,
      status: p.status,
      files: info.files,
      crossed: sum(p.crossed),
      blocks: p.blockedBoxes.map((b) => ({
        packets: b.summary,
        witness: formatPacket(b.witness),
        example: packetToJson(b.witness),
        lines: b.lines.map((l) => ({ file: l.file, line: l.line, text: l.text })),
      })),
      truncated: p.truncated,
    };
  });
  const fromIntent = queryReach(intent, from.terms, to.terms, services.atoms);
  const denied = answer.denied.witness();
  const example = answer.verdict === "allow" ? answer.allowed.witness() : denied;
  const report: DeployedReachReport = {
    verdict: answer.verdict,
    emptyQuery: answer.emptyQuery,
    allowed: answer.verdict === "deny" ? [] : sum(answer.allowed),
    denied: answer.verdict === "allow" ? [] : sum(answer.denied),
    unfiltered: sum(answer.unfiltered),
    path,
    missing: path.filter((p) => p.status === "missing").map((p) => p.point),
    intent: { verdict: fromIntent.verdict, same: fromIntent.allowed.equals(answer.allowed) },
    unmatchedFiles: unmatched.map((f) => f.name),
    example: example ? packetToJson(example) : null,
  };
  return {
    ok: true,
    answer,
    report,
    ...(denied ? { deniedExample: formatPacket(denied) } : {}),
    diagnostics: sortDiagnostics(diagnostics),
  };
}
