// The reach question from user input: resolve the references and services typed, then ask the intent.

import { type ReachAnswer, queryReach } from "../core/analysis/reach.js";
import { type Diagnostic, hasErrors } from "../core/policy/diagnostics.js";
import type { Intent } from "../core/policy/intent.js";
import type { ResolvedPolicy } from "../core/policy/resolve.js";
import type { Reference, ServiceEntry } from "../core/policy/types.js";
import { type PacketJson, packetToJson } from "./packet-input.js";
import { type RuleInfo, ruleInfo } from "./rule-info.js";

export interface ReachQuestion {
  readonly from: readonly Reference[];
  readonly to: readonly Reference[];
  /** Empty means every service. */
  readonly services: readonly ServiceEntry[];
}

/** The answer as reported: summaries instead of sets, rules as RuleInfo. */
export interface ReachReport {
  readonly verdict: ReachAnswer["verdict"];
  /** The question holds no packet (e.g. IPv4 sources and IPv6 destinations): "deny" then says nothing. */
  readonly emptyQuery: boolean;
  /** One line per box of allowed packets; empty when the verdict is deny. */
  readonly allowed: string[];
  /** One line per box of denied packets; empty when the verdict is allow. */
  readonly denied: string[];
  readonly flows: RuleInfo[];
  readonly denies: RuleInfo[];
  /** A denied packet when some are denied, else an allowed one; null for an empty question. */
  readonly example: PacketJson | null;
}

export type ReachResult =
  | { ok: true; answer: ReachAnswer; report: ReachReport; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

export function askReach(
  policy: { resolved: ResolvedPolicy; intent: Intent },
  q: ReachQuestion,
): ReachResult {
  const from = policy.resolved.resolveReferences(q.from);
  const to = policy.resolved.resolveReferences(q.to);
  const services = policy.resolved.resolveServices(q.services);
  const diagnostics = [...from.diagnostics, ...to.diagnostics, ...services.diagnostics];
  if (hasErrors(diagnostics)) return { ok: false, diagnostics };
  const answer = queryReach(policy.intent, from.terms, to.terms, services.atoms);
  const example = answer.verdict === "allow" ? answer.allowedExample : answer.deniedExample;
  const report: ReachReport = {
    verdict: answer.verdict,
    emptyQuery: answer.emptyQuery,
    allowed: answer.allowedSummary,
    denied: answer.deniedSummary,
    flows: answer.flows.map(ruleInfo),
    denies: answer.denies.map(ruleInfo),
    example: example ? packetToJson(example) : null,
  };
  return { ok: true, answer, report, diagnostics };
}
