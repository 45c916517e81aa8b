// Evaluating the filter table's chains over packet sets: for every chain, what it accepts and what comes
// back out of it (RETURN or its end), following jumps and gotos exactly; built-in chains end in their policy.

import type { Family } from "../../../net/address.js";
import { diagnostic, type Diagnostic } from "../../../policy/diagnostics.js";
import { callDecision, type Decision, sequenceDecisions, verdictDecision } from "../../../space/decisions.js";
import type { PacketSet } from "../../../space/packet-set.js";
import type { ImportedRule, RuleList } from "../../model.js";
import type { RuleTarget } from "./conditions.js";
import { type MatchContext, ruleMatch } from "./match-sets.js";
import type { Chain, FilterTable, TableRule } from "./restore.js";

/** Of the packets entering a chain: those it accepts, and those that leave it to its caller. */
export interface ChainOutcome {
  readonly accept: PacketSet;
  readonly ret: PacketSet;
}

interface Evaluated {
  readonly entry: TableRule;
  /** The rule's own match; none when iptables would not load it. */
  readonly match: PacketSet;
  /** The rule's target, or what it is taken as (a chain ufw makes itself: unsupported). */
  readonly target: RuleTarget;
}

/** Chains ufw creates itself (ufw-skip-to-policy-input, ufw-user-input ...), which its rule files jump to. */
const UFW_CHAIN = /^ufw6?-/;

export class TableEvaluator {
  private readonly outcomes = new Map<string, ChainOutcome>();
  private readonly visiting = new Set<string>();
  private readonly evaluated = new Map<string, Evaluated[]>();
  readonly rules: ImportedRule[] = [];

  constructor(
    private readonly ctx: MatchContext,
    private readonly table: FilterTable,
    private readonly diagnostics: Diagnostic[],
    /** Appended to chain names in `ImportedRule.list` (when IPv4 and IPv6 tables are read together). */
    private readonly listSuffix = "",
  ) {
    for (const chain of table.chains.values()) this.evaluated.set(chain.name, this.matchRules(chain));
  }

  /** The chains as rule lists: a built-in chain ends in its policy, a user chain returns to its caller. */
  lists(): RuleList[] {
    return [...this.table.chains.values()].map((c) => ({
      name: c.name + this.listSuffix,
      fallThrough: c.builtIn ? c.policy : "next",
      ...(c.source && { source: c.source }),
    }));
  }

  get family(): Family {
    return this.ctx.family;
  }

  /** Walks every chain once, so problems in chains nothing jumps to are reported too. */
  walkAll(): void {
    for (const name of this.table.chains.keys()) this.outcome(name);
  }

  /** What the chain accepts of the packets entering it (for a built-in chain, with its policy). */
  accepted(name: string): PacketSet {
    const outcome = this.outcome(name);
    return outcome ? outcome.accept : this.ctx.space.none();
  }

  private report(entry: TableRule, code: Diagnostic["code"], column: number, message: string): void {
    const severity = code === "config-syntax" ? "error" : "warning";
    const at = { file: entry.source.file, line: entry.source.line, column };
    this.diagnostics.push(diagnostic(code, severity, message, at));
  }

  /**
   * Each rule's match. A condition Rampart cannot read is left out (taken as true) where that lets more
   * through, and makes a dropping rule match nothing, so the result never hides an opening.
   */
  private matchRules(chain: Chain): Evaluated[] {
    return chain.rules.map((entry) => {
      const { match, problems, interfaces, widened } = ruleMatch(this.ctx, entry.rule);
      let target = entry.rule.target;
      if (target.kind === "jump" && !this.table.chains.has(target.chain) && UFW_CHAIN.test(target.chain)) {
        this.report(
          entry,
          "config-unsupported",
          target.column,
          `Chain "${target.chain}" is made by ufw itself, not in the files read; what it takes counts as accepted`,
        );
        target = { kind: "unsupported", name: target.chain, column: target.column };
      } else if (target.kind === "jump") {
        const to = this.table.chains.get(target.chain);
        const why = !to
          ? `Chain or target "${target.chain}" does not exist`
          : to.builtIn
            ? `Cannot jump to built-in chain "${target.chain}"`
            : undefined;
        if (why) problems.push({ code: "config-syntax", column: target.column, message: why });
      }
      const decides = target.kind !== "none" && target.kind !== "continue";
      for (const p of problems)
        if (decides || p.code === "config-syntax") this.report(entry, p.code, p.column, p.message);
      if (target.kind === "unsupported" && target === entry.rule.target)
        this.report(
          entry,
          "config-unsupported",
          target.column,
          `Target "${target.name}" is not modelled; what it takes counts as accepted`,
        );
      const broken = problems.some((p) => p.code === "config-syntax");
      const dropsOnGuess = problems.length > 0 && target.kind === "verdict" && target.verdict === "drop";
      const effective = broken || dropsOnGuess ? this.ctx.space.none() : match;
      const label = entry.rule.comment;
      this.rules.push({
        action: actionOf(target),
        match: broken ? this.ctx.space.none() : match,
        source: entry.source,
        list: chain.name + this.listSuffix,
        ...(label !== undefined && { label }),
        ...(entry.hits !== undefined && { hits: entry.hits }),
        ...(interfaces !== undefined && { interfaces }),
        ...(widened === true && !broken && { widened }),
      });
      return { entry, match: effective, target };
    });
  }

  private outcome(name: string): ChainOutcome | undefined {
    const done = this.outcomes.get(name);
    if (done) return done;
    const chain = this.table.chains.get(name);
    if (!chain || this.visiting.has(name)) return undefined;
    this.visiting.add(name);
    const result = this.walk(chain);
    this.visiting.delete(name);
    this.outcomes.set(name, result);
    return result;
  }

  /**
   * Every jump is followed first, in rule order, even where no packet reaches it (so that every loop is
   * found, and reported in the order iptables would meet it); then the rules are folded run by run
   * (sequenceDecisions), which gives what a rule-by-rule walk gives with far fewer set operations.
   */
  private walk(chain: Chain): ChainOutcome {
    const space = this.ctx.space;
    const family = space.family(this.ctx.family);
    const decisions: Decision[] = [];
    for (const { entry, match, target: t } of this.evaluated.get(chain.name) ?? []) {
      switch (t.kind) {
        case "none":
        case "continue":
          break;
        case "verdict": {
          const verdict = t.verdict === "return" ? "back" : t.verdict;
          decisions.push(verdictDecision(space, match.intersect(family), verdict));
          break;
        }
        case "unsupported":
          decisions.push(verdictDecision(space, match.intersect(family), "accept"));
          break;
        case "jump": {
          const sub = this.jumpTarget(entry, t);
          if (sub)
            decisions.push(
              callDecision(
                space,
                match.intersect(family),
                {
                  accept: sub.accept,
                  get back() {
                    return sub.ret;
                  },
                },
                t.goto,
              ),
            );
          break;
        }
        default:
          return exhaustive(t);
      }
    }
    const d = sequenceDecisions(space, decisions);
    // What comes back is built only when asked: a chain jumped to last in its caller never needs it.
    let ret: PacketSet | undefined;
    const back = () => (ret ??= d.back.union(family.minus(d.decided)));
    if (chain.builtIn && chain.policy === "accept") return { accept: d.accept.union(back()), ret: back() };
    return {
      accept: d.accept,
      get ret() {
        return back();
      },
    };
  }

  /** The outcome of the chain a rule jumps to; a loop is reported and the jump left out. */
  private jumpTarget(entry: TableRule, t: Extract<RuleTarget, { kind: "jump" }>): ChainOutcome | undefined {
    if (this.visiting.has(t.chain)) {
      this.report(entry, "config-syntax", t.column, `Jumping to "${t.chain}" makes a loop`);
      return undefined;
    }
    return this.outcome(t.chain);
  }
}

function actionOf(t: RuleTarget): ImportedRule["action"] {
  if (t.kind !== "verdict" || t.verdict === "return") return "other";
  return t.verdict;
}

function exhaustive(t: never): never {
  throw new TypeError(`Unknown target ${JSON.stringify(t)}`);
}
