// The risk check of a policy change that adds a flow: what it asks, what it newly opens, and what a reviewer
// should know about it (denies in the way, assertions it breaks, cleartext, exposure, data, lifetime), scored.

import { Intent } from "../../policy/intent.js";
import type { ResolvedPolicy } from "../../policy/resolve.js";
import type { PacketSet } from "../../space/packet-set.js";
import { summarize } from "../../space/summarize.js";
import {
  brokenAssertions,
  cleartextFindings,
  dataFindings,
  denyConflicts,
  expiryFindings,
  untrustedFindings,
  widthFindings,
} from "./findings.js";
import { type RiskFinding, type RiskLevel, riskLevel, riskScore, RISK_WEIGHTS } from "./scoring.js";

/** A loaded policy as the risk check needs it (a LoadedPolicy or an opened one will do). */
export interface RiskPolicy {
  readonly resolved: ResolvedPolicy;
  readonly intent: Intent;
}

export interface RiskChange {
  /** The flow the change adds (or widens), by name in the policy after the change. */
  readonly flowName: string;
  /** "YYYY-MM-DD", for judging the flow's expiry. */
  readonly today: string;
}

export interface RiskAssessment {
  readonly flow: string;
  /** 0..100: each finding code counts once at its heaviest, capped (docs/risk-check.md). */
  readonly score: number;
  readonly level: RiskLevel;
  /** Heaviest first. */
  readonly findings: RiskFinding[];
  /** Box summaries of exactly the packets the policy allows after the change and not before. */
  readonly opened: string[];
  /** Box summaries of the packets asked for that a deny keeps closed. */
  readonly blocked: string[];
}

export interface ChangeSets {
  /** Every packet the flow matches. */
  readonly asked: PacketSet;
  /** after.allowed minus before.allowed. */
  readonly opened: PacketSet;
  /** asked ∩ the active denies after the change. */
  readonly blocked: PacketSet;
  /** The policy before the change, built in the same packet space as the one after. */
  readonly before: Intent;
}

/**
 * The packet sets of a change. Sets compare only within one packet space, so the policy before is rebuilt in
 * the space of the one after when they differ (cheap: the after policy's space already holds most of it).
 */
export function changeSets(before: RiskPolicy, after: RiskPolicy, flowName: string): ChangeSets {
  const space = after.intent.space;
  const beforeIntent = before.intent.space === space ? before.intent : new Intent(before.resolved, space);
  const flow = after.intent.flows.find((f) => f.rule.name === flowName);
  if (!flow) throw new RangeError(`Cannot assess risk: no flow "${flowName}" in the changed policy`);
  return {
    asked: flow.set,
    opened: after.intent.allowed.minus(beforeIntent.allowed),
    blocked: flow.set.intersect(after.intent.denied),
    before: beforeIntent,
  };
}

/**
 * Assesses a change. Findings about what is exposed (cleartext, untrusted zones, width, data) are judged on
 * what the flow asks, not only what it newly opens: an approved flow is a standing decision, and still stands
 * when the other flow that covers it today is removed or the deny that blocks it is lifted.
 */
export function assessRisk(before: RiskPolicy, after: RiskPolicy, change: RiskChange): RiskAssessment {
  const sets = changeSets(before, after, change.flowName);
  const rule = after.intent.flows.find((f) => f.rule.name === change.flowName)!.rule;
  const findings: RiskFinding[] = [
    ...denyConflicts(after.intent, sets.asked),
    ...brokenAssertions(sets.before, after.intent),
    ...cleartextFindings(sets.asked),
    ...untrustedFindings(after.resolved, after.intent, sets.asked),
    ...widthFindings(sets.asked),
    ...dataFindings(after.resolved, after.intent, sets.asked),
    ...expiryFindings(rule, change.today),
  ];
  const order = Object.keys(RISK_WEIGHTS);
  findings.sort((a, b) => b.weight - a.weight || order.indexOf(a.code) - order.indexOf(b.code));
  const score = riskScore(findings);
  const lines = (s: PacketSet) => (s.isEmpty() ? [] : summarize(s, 50));
  return {
    flow: change.flowName,
    score,
    level: riskLevel(score),
    findings,
    opened: lines(sets.opened),
    blocked: lines(sets.blocked),
  };
}
