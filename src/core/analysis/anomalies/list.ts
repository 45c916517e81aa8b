// Rule anomalies of one ordered rule list (Al-Shaer & Hamed), exact against the union of the earlier rules.

import type { ImportedRule, RuleList } from "../../import/model.js";
import { describeLines, type Finding, makeFinding } from "./finding.js";
import type { ListGeometry, Region } from "./geometry.js";
import { actionFor, interfacesContain, interfacesMeet } from "./interfaces.js";
import { coveredEarly, shortcut } from "./search.js";

type Deciding = "accept" | "drop";

/** Which earlier rules decide the packets of rule i, in order, and what is left for rule i itself. */
interface Coverage {
  readonly deciders: number[];
  readonly effective: Region;
}

/**
 * Walks the earlier rules that overlap rule i in order, each taking (first match) the part of rule i still
 * undecided. A rule that takes a part is a decider. Exact; "other" rules decide nothing and are skipped.
 */
function coverageOf(g: ListGeometry, i: number, near: readonly number[]): Coverage {
  const rules = g.rules;
  let region = g.region(i);
  const deciders: number[] = [];
  const passed: number[] = [];
  for (const j of near) {
    if (j >= i) break;
    if (actionFor(rules, i, j) === "other") continue;
    if (!g.overlaps(region, j)) continue;
    deciders.push(j);
    passed.push(j);
    region = g.minus(region, j) ?? g.bddRegion(i, passed);
    if (g.regionEmpty(region)) break;
  }
  return { deciders, effective: region };
}

/**
 * Whether the packets in `region` (rule i's own part) would get `action` anyway without rule i: from the
 * later rules in order, then the list's fall-through. Conservative: a later "other" rule (a jump may decide),
 * a later rule on other interfaces (it may take some of the packets) or a fall-through "next" (decided
 * elsewhere) touching the region means no.
 */
function sameVerdictLater(
  g: ListGeometry,
  i: number,
  near: readonly number[],
  region: Region,
  action: Deciding,
  fallThrough: RuleList["fallThrough"],
): { takers: number[]; byDefault: boolean } | undefined {
  const takers: number[] = [];
  const passed: number[] = [];
  for (const j of near) {
    if (j <= i || !g.overlaps(region, j)) continue;
    if (actionFor(g.rules, i, j) !== action) return undefined;
    takers.push(j);
    passed.push(j);
    // On overflow: the rule's own part as a BDD, then minus the later takers.
    region = g.minus(region, j) ?? redoOnBdd(g, i, near, passed);
    if (g.regionEmpty(region)) return { takers, byDefault: false };
  }
  return fallThrough === action ? { takers, byDefault: true } : undefined;
}

/** Rule i's own part as a BDD (its match minus every earlier deciding rule near it), minus the later takers. */
function redoOnBdd(g: ListGeometry, i: number, near: readonly number[], later: readonly number[]): Region {
  const earlier = near.filter((j) => j < i && actionFor(g.rules, i, j) !== "other");
  let region = g.bddRegion(i, earlier);
  for (const j of later) region = g.minus(region, j)!;
  return region;
}

/** The findings of one list: empty, shadowed, redundant, correlated and generalization, in rule order. */
export function listAnomalies(g: ListGeometry, fallThrough: RuleList["fallThrough"]): Finding[] {
  const out: Finding[] = [];
  const rules = g.rules;
  // Recent attempts of the early walk and its successes, decaying (weights 0.98 per attempt).
  let tries = 0;
  let wins = 0;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    if (rule.action === "other") continue;
    if (g.isEmpty(i)) {
      out.push(
        makeFinding(
          "empty",
          rule,
          "Matches no new connection: its conditions contradict each other, or it applies only to established or related traffic (which Rampart does not model)",
        ),
      );
      continue;
    }
    // Most rules of lists with much overlap are covered by a few early rules: try that before the full query,
    // while it pays (it has lately succeeded for one rule in four or more), and on every 16th rule to notice when.
    const earlier: number[] = [];
    const tryEarly = g.usesBoxes && (wins * 4 >= tries || (i & 15) === 0);
    const early = tryEarly ? coveredEarly(g, i, earlier) : undefined;
    if (tryEarly) {
      tries = tries * 0.98 + 1;
      wins = wins * 0.98 + (early?.kind === "covered" ? 1 : 0);
    }
    if (early?.kind === "covered") {
      out.push(
        coveredFinding(
          rule,
          early.deciders.map((j) => rules[j]!),
        ),
      );
      continue;
    }
    // Every rule overlapping this one, earlier and later: one index query serves the three walks.
    const near = tryEarly
      ? earlier.concat(g.overlapping(g.region(i), i, rules.length))
      : g.overlapping(g.region(i), 0, rules.length);
    const quick = shortcut(g, i, near, fallThrough);
    if (quick?.kind === "effective") {
      out.push(...pairFindings(g, i, near));
      continue;
    }
    if (quick?.kind === "covered") {
      out.push(
        coveredFinding(
          rule,
          quick.deciders.map((j) => rules[j]!),
        ),
      );
      continue;
    }
    if (quick?.kind === "later") {
      out.push(
        laterFinding(
          rule,
          quick.takers.map((j) => rules[j]!),
          quick.byDefault,
        ),
      );
      continue;
    }
    const cov = coverageOf(g, i, near);
    if (g.regionEmpty(cov.effective)) {
      out.push(
        coveredFinding(
          rule,
          cov.deciders.map((j) => rules[j]!),
        ),
      );
      continue;
    }
    const later = sameVerdictLater(g, i, near, cov.effective, rule.action, fallThrough);
    if (later) {
      out.push(
        laterFinding(
          rule,
          later.takers.map((j) => rules[j]!),
          later.byDefault,
        ),
      );
      continue;
    }
    out.push(...pairFindings(g, i, near));
  }
  return out;
}

function coveredFinding(rule: ImportedRule, deciders: readonly ImportedRule[]): Finding {
  const other = deciders.filter((d) => d.action !== rule.action);
  if (other.length > 0) {
    const same = deciders.filter((d) => d.action === rule.action);
    return makeFinding(
      "shadowed",
      rule,
      `Never matches: earlier rules decide all its packets, and ${describeLines(other)} ` +
        `${verb(other[0]!.action, other.length)} some of them` +
        (same.length > 0 ? ` (${describeLines(same)} ${verb(rule.action, same.length)} the rest)` : ""),
      [...other, ...same],
    );
  }
  return makeFinding(
    "redundant",
    rule,
    `Never matches: ${describeLines(deciders)} already ${verb(rule.action, deciders.length)} every packet it matches`,
    deciders,
  );
}

function laterFinding(rule: ImportedRule, takers: readonly ImportedRule[], byDefault: boolean): Finding {
  const by = takers.length > 0 ? describeLines(takers) : "";
  const tail = !byDefault ? by : takers.length > 0 ? `${by} and the list's default` : "the list's default";
  return makeFinding(
    "redundant",
    rule,
    `Removing it changes no verdict: the packets it decides would get ${rule.action} anyway from ${tail}`,
    takers,
  );
}

/** "accepts" for one rule, "accept" for several. */
function verb(action: string, count: number): string {
  return count === 1 ? `${action}s` : action;
}

/** Correlation and generalization against earlier rules of the other action. */
function pairFindings(g: ListGeometry, i: number, near: readonly number[]): Finding[] {
  const rules = g.rules;
  const rule = rules[i]!;
  const correlated: ImportedRule[] = [];
  const exceptions: ImportedRule[] = [];
  for (const j of near) {
    if (j >= i) break;
    const other = rules[j]!;
    if (other.action === "other" || other.action === rule.action) continue;
    // Rules on different unmapped interfaces may never meet: no pair is claimed between them.
    if (!interfacesMeet(rules, i, j)) continue;
    const rel = g.relation(i, j);
    if (!rel.overlap) continue;
    const contains = rel.contains && interfacesContain(rules, i, j);
    const within = rel.within && interfacesContain(rules, j, i);
    if (contains && !within) exceptions.push(other);
    else if (!contains && !within) correlated.push(other);
  }
  const out: Finding[] = [];
  if (exceptions.length > 0)
    out.push(
      makeFinding(
        "generalization",
        rule,
        `Generalizes ${describeLines(exceptions)}: it ${rule.action}s a superset of what ${exceptions.length === 1 ? "that rule" : "those rules"} ${verb(exceptions[0]!.action, exceptions.length)} first`,
        exceptions,
      ),
    );
  if (correlated.length > 0)
    out.push(
      makeFinding(
        "correlated",
        rule,
        `Overlaps ${describeLines(correlated)} (${correlated.length} earlier ${correlated.length === 1 ? "rule" : "rules"} with the other action, neither containing the other): the order decides the overlap`,
        correlated,
      ),
    );
  return out;
}
