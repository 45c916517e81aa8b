// What an nftables ruleset lets through: chains evaluated with jumps, base chains combined along the path a
// packet takes (network role: forwarded; host role: into and out of the protected hosts).

import type { PacketSet } from "../../../space/packet-set.js";
import { type Decision, sequenceDecisions, verdictDecision } from "../../../space/decisions.js";
import { hostAccepts } from "../../match.js";
import type { ImportContext, ImportedRule, RuleList } from "../../model.js";
import type { MatchContext } from "./conditions.js";
import type { Report } from "./report.js";
import { type Branch, convertRule, tableFamilySet } from "./rules.js";
import type { Chain, Ruleset, Table } from "./ruleset.js";

/** Where the packets that reach a chain go: each packet in exactly one of the three (or none, if unseen). */
interface Outcome {
  readonly accept: PacketSet;
  readonly drop: PacketSet;
  /** Back to the caller (return, or the end of the chain); for a base chain, its policy. */
  readonly back: PacketSet;
}

/** The hooks a packet passes, by the role's notion of filtering. */
const PATHS = {
  forward: ["prerouting", "forward", "postrouting"],
  ingress: ["prerouting", "input"],
  egress: ["output", "postrouting"],
} as const;

interface TableState {
  readonly m: MatchContext;
  readonly converted: Map<string, readonly (readonly Branch[])[]>;
  readonly outcomes: Map<string, Outcome>;
  readonly active: Set<string>;
}

export interface Evaluation {
  readonly accepted: PacketSet;
  readonly rules: ImportedRule[];
  /** Every chain of the tables that filter: a base chain ends in its policy, a regular chain returns. */
  readonly lists: RuleList[];
}

function usable(table: Table, report: Report): boolean {
  if (table.dormant) {
    report(
      "config-ignored",
      `Table "${table.family} ${table.name}" is dormant and filters nothing`,
      table.token,
    );
    return false;
  }
  if (table.family === "ip" || table.family === "ip6" || table.family === "inet") return true;
  const hooked = [...table.chains.values()].some((c) => c.hook !== undefined);
  if (table.family === "netdev" && hooked)
    report(
      "config-unsupported",
      `Table "netdev ${table.name}" filters at ingress, which is not modelled`,
      table.token,
    );
  else
    report("config-ignored", `Table "${table.family} ${table.name}" does not filter IP routing`, table.token);
  return false;
}

/** The packets of a chain still being decided, and where the decided ones went. */
interface Progress {
  rest: PacketSet;
  accept: PacketSet;
  drop: PacketSet;
  back: PacketSet;
}

/** Applies one branch to the packets that reach it. */
function step(state: TableState, p: Progress, b: Branch): void {
  const hit = b.match.intersect(p.rest);
  if (hit.isEmpty()) return;
  const v = b.verdict;
  switch (v.kind) {
    case "accept":
    case "queue":
      p.accept = p.accept.union(hit);
      break;
    case "drop":
      p.drop = p.drop.union(hit);
      break;
    case "continue":
      return;
    case "return":
      p.back = p.back.union(hit);
      break;
    case "jump":
    case "goto": {
      const target = state.m.table.chains.get(v.chain);
      if (!target || state.active.has(v.chain)) {
        const why = target ? "loops back to a chain being evaluated" : "names no chain of the table";
        state.m.report("config-syntax", `"${v.kind} ${v.chain}" ${why}`, v.token);
        return;
      }
      const sub = evaluateChain(state, target);
      p.accept = p.accept.union(hit.intersect(sub.accept));
      p.drop = p.drop.union(hit.intersect(sub.drop));
      // A jump resumes after the rule for what the chain returns; a goto returns it to our caller.
      if (v.kind === "jump") {
        p.rest = p.rest.minus(hit.minus(sub.back));
        return;
      }
      p.back = p.back.union(hit.intersect(sub.back));
      break;
    }
    default: {
      const never: never = v;
      throw new TypeError(`Unknown verdict ${JSON.stringify(never)}`);
    }
  }
  p.rest = p.rest.minus(hit);
}

function evaluateChain(state: TableState, chain: Chain): Outcome {
  const cached = state.outcomes.get(chain.name);
  if (cached) return cached;
  const rules = state.converted.get(chain.name) ?? [];
  const calls = rules.some((branches) =>
    branches.some((b) => b.verdict.kind === "jump" || b.verdict.kind === "goto"),
  );
  const out = calls ? walkChain(state, chain, rules) : foldChain(state, rules);
  state.outcomes.set(chain.name, out);
  return out;
}

/**
 * Rule by rule, following jumps where packets reach them (as nft does: a jump nothing reaches is never
 * taken, so its problems are not reported).
 */
function walkChain(state: TableState, chain: Chain, rules: readonly (readonly Branch[])[]): Outcome {
  const none = state.m.context.space.none();
  const p: Progress = { rest: tableFamilySet(state.m), accept: none, drop: none, back: none };
  state.active.add(chain.name);
  for (const branches of rules) for (const b of branches) step(state, p, b);
  state.active.delete(chain.name);
  return { accept: p.accept, drop: p.drop, back: p.back.union(p.rest) };
}

/** A chain without jumps, folded run by run (sequenceDecisions): the walk's outcome, with fewer operations. */
function foldChain(state: TableState, rules: readonly (readonly Branch[])[]): Outcome {
  const space = state.m.context.space;
  const family = tableFamilySet(state.m);
  const decisions: Decision[] = [];
  for (const branches of rules)
    for (const b of branches) {
      const match = b.match.intersect(family);
      const kind = b.verdict.kind;
      if (kind === "accept" || kind === "queue") decisions.push(verdictDecision(space, match, "accept"));
      else if (kind === "drop") decisions.push(verdictDecision(space, match, "drop"));
      else if (kind === "return") decisions.push(verdictDecision(space, match, "back"));
      else if (kind !== "continue")
        throw new TypeError(`Unexpected verdict "${kind}" in a chain without calls`);
    }
  const d = sequenceDecisions(space, decisions);
  // Built when asked: a base chain that drops by default needs only what it accepts.
  let back: PacketSet | undefined;
  let drop: PacketSet | undefined;
  return {
    accept: d.accept,
    get back() {
      return (back ??= d.back.union(family.minus(d.decided)));
    },
    get drop() {
      return (drop ??= d.decided.minus(d.accept).minus(d.back));
    },
  };
}

/** What one base chain lets through, counting the packets its table never sees. */
function baseAccepts(state: TableState, chain: Chain): PacketSet {
  const o = evaluateChain(state, chain);
  const passed = chain.policy === "drop" ? o.accept : o.accept.union(o.back);
  return passed.union(tableFamilySet(state.m).complement());
}

/** Converts every rule and evaluates the base chains along the paths the role needs. */
export function evaluateRuleset(ruleset: Ruleset, context: ImportContext, report: Report): Evaluation {
  const space = context.space;
  const rules: ImportedRule[] = [];
  const lists: RuleList[] = [];
  const onPath = { forward: space.all(), ingress: space.all(), egress: space.all() };
  const wanted = context.role === "network" ? (["forward"] as const) : (["ingress", "egress"] as const);
  for (const table of ruleset.values()) {
    if (!usable(table, report)) continue;
    const m: MatchContext = { context, table, report, setMatches: new Map(), valueMatches: new Map() };
    const state: TableState = { m, converted: new Map(), outcomes: new Map(), active: new Set() };
    for (const chain of table.chains.values()) {
      const list = `${table.family} ${table.name} ${chain.name}`;
      lists.push({
        name: list,
        fallThrough: chain.hook === undefined ? "next" : (chain.policy ?? "accept"),
        source: { file: chain.token.file, line: chain.token.line, text: `chain ${chain.name}` },
      });
      const converted = chain.rules.map((r) => convertRule(m, r, list));
      rules.push(...converted.map((c) => c.imported));
      state.converted.set(
        chain.name,
        converted.map((c) => c.branches),
      );
    }
    for (const chain of table.chains.values()) {
      if (chain.hook === undefined) continue;
      const paths = wanted.filter((p) => (PATHS[p] as readonly string[]).includes(chain.hook!));
      if (paths.length === 0) {
        const code = chain.hook === "ingress" ? "config-unsupported" : "config-ignored";
        const why =
          chain.hook === "ingress"
            ? "ingress filtering is not modelled"
            : `a ${context.role}-role point does not filter there`;
        report(code, `Chain "${chain.name}" on hook "${chain.hook}": ${why}`, chain.token);
        continue;
      }
      const accepts = baseAccepts(state, chain);
      for (const p of paths) onPath[p] = onPath[p].intersect(accepts);
    }
  }
  if (context.role === "network") return { accepted: onPath.forward, rules, lists };
  const hosts = context.hosts.map((h) => ({
    addresses: h.addresses,
    ingress: onPath.ingress,
    egress: onPath.egress,
  }));
  return { accepted: hostAccepts(space, hosts), rules, lists };
}
