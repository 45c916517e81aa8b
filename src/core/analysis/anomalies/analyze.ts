// Every analysis of one imported configuration, list by list: anomalies, permissiveness, hygiene.

import type { ImportedRule, ImportResult, RuleList } from "../../import/model.js";
import type { PacketSpace } from "../../space/packet-set.js";
import { hygieneFindings } from "../hygiene/hygiene.js";
import { type PolicyFacts, policyFindings } from "../permissive/policy-checks.js";
import { thresholdFinding } from "../permissive/thresholds.js";
import { compareFindings, type Finding } from "./finding.js";
import { ListGeometry } from "./geometry.js";
import { actionFor } from "./interfaces.js";
import { listAnomalies } from "./list.js";

export interface AnalyzeOptions {
  /** YYYY-MM-DD: rules that expire before it are reported. */
  readonly today: string;
  /** With a policy: policy violations, and untrusted zones reaching sensitive assets or admin services. */
  readonly policy?: PolicyFacts;
}

/** Rules grouped by list, each group in configuration order, lists in order of first appearance. */
export function groupByList(rules: readonly ImportedRule[]): Map<string, ImportedRule[]> {
  const lists = new Map<string, ImportedRule[]>();
  for (const r of rules) {
    let l = lists.get(r.list);
    if (!l) lists.set(r.list, (l = []));
    l.push(r);
  }
  return lists;
}

/** The findings of one configuration, sorted by file and line. */
export function analyzeConfiguration(
  space: PacketSpace,
  result: Pick<ImportResult, "rules" | "lists">,
  options: AnalyzeOptions,
): Finding[] {
  const fallThrough = new Map<string, RuleList["fallThrough"]>(
    (result.lists ?? []).map((l) => [l.name, l.fallThrough]),
  );
  const out: Finding[] = [];
  for (const [name, rules] of groupByList(result.rules)) {
    const g = new ListGeometry(space, rules);
    out.push(...listAnomalies(g, fallThrough.get(name) ?? "next"));
    rules.forEach((r, i) => {
      const f = thresholdFinding(r, g.boxesOf(i));
      if (f) out.push(f);
      if (options.policy) out.push(...policyChecks(space, g, i, options.policy));
    });
  }
  out.push(...hygieneFindings(result.rules, options.today));
  return out.sort(compareFindings);
}

/** The policy's checks on rule i's effective part (its match minus every earlier deciding rule's). */
function policyChecks(space: PacketSpace, g: ListGeometry, i: number, facts: PolicyFacts): Finding[] {
  const rule = g.rules[i]!;
  if (rule.action !== "accept" || !rule.match.overlaps(facts.concern)) return [];
  const earlier = g.overlapping(g.region(i), 0, i).filter((j) => actionFor(g.rules, i, j) !== "other");
  const region = g.bddRegion(i, earlier);
  if (region.kind !== "bdd") throw new TypeError("Invariant: bddRegion returned boxes");
  return policyFindings(facts, rule, space.wrap(region.node));
}
