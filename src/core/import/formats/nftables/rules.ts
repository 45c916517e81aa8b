// One nftables rule as what it does: the packets it matches and its verdict (several for a verdict map).

import type { PacketSet } from "../../../space/packet-set.js";
import { protocolMatch } from "../../match.js";
import type { ImportedRule } from "../../model.js";
import { IPV6_EXTENSIONS, type MatchContext, matchSet, resolveValue, statementSet } from "./conditions.js";
import type { Rule, Statement, Verdict } from "./ruleset.js";

/** Packets the rule matches and what happens to them; a verdict map gives one branch per element. */
export interface Branch {
  readonly match: PacketSet;
  readonly verdict: Verdict;
}

export interface ConvertedRule {
  readonly branches: readonly Branch[];
  readonly imported: ImportedRule;
}

const PROTOCOL_SELECTORS = /^(meta l4proto|ip protocol|ip6 nexthdr|(tcp|udp|sctp) [ds]port)$/;

/** Every packet of the table's family: an `ip` table never sees IPv6, an `ip6` table never IPv4. */
export function tableFamilySet(m: MatchContext): PacketSet {
  const space = m.context.space;
  const f = m.table.family;
  return f === "ip" ? space.family(4) : f === "ip6" ? space.family(6) : space.all();
}

function verdictOf(statements: readonly Statement[]): Verdict {
  for (const s of statements) {
    if (s.kind === "verdict") return s.verdict;
    if (s.kind === "nat") return { kind: "accept" };
  }
  return { kind: "continue" };
}

/**
 * What an unmodelled match still implies by its header: `tcp flags ...` matches only TCP, `ip dscp ...`
 * only IPv4. Undefined when its first word says nothing.
 */
function implied(m: MatchContext, text: string): PacketSet | undefined {
  const space = m.context.space;
  const head = text.split(" ")[0]!;
  const protos: Readonly<Record<string, readonly number[]>> = {
    tcp: [6],
    udp: [17],
    sctp: [132],
    dccp: [33],
    udplite: [136],
    th: [6, 17, 33, 132, 136],
  };
  const p = protos[head];
  if (p)
    return protocolMatch(
      space,
      p.map((v) => ({ lo: v, hi: v })),
    );
  if (head === "ip" || head === "icmp")
    return space.family(4).intersect(head === "icmp" ? space.protocol(1) : space.all());
  if (head === "ip6" || head === "icmpv6")
    return space.family(6).intersect(head === "icmpv6" ? space.protocol(58) : space.all());
  return undefined;
}

/**
 * How deep a selector's own field lies in the set's variable order (protocol and ports first, then family,
 * destination, source, source port): deeper ones are intersected first.
 */
function selectorDepth(selector: string): number {
  if (/^(th|tcp|udp|sctp) sport$/.test(selector)) return 3;
  if (/saddr$/.test(selector)) return 2;
  if (/daddr$/.test(selector)) return 1;
  return 0;
}

/**
 * The intersection of the parts, the deepest first: a set is copied down to the fields below it, so building
 * from the bottom of the order up copies each part once instead of copying the whole rule at every step.
 */
function intersectDeepestFirst(
  base: PacketSet,
  parts: readonly { set: PacketSet; depth: number }[],
): PacketSet {
  let out = base.space.all();
  for (let depth = 3; depth >= 0; depth--)
    for (const p of parts) if (p.depth === depth) out = p.set.intersect(out);
  return base.intersect(out);
}

/** Notes constructs that make the result approximate, and tells whether a condition was left out. */
function reportEffects(m: MatchContext, s: Statement): boolean {
  switch (s.kind) {
    case "unknown-condition":
      m.report("config-unsupported", `"${s.text}" is not modelled; the rule is read without it`, s.token);
      return true;
    case "unknown-action":
      m.report("config-unsupported", `"${s.text}" has effects Rampart does not model`, s.token);
      return false;
    case "nat":
      if (s.which === "dnat" || s.which === "redirect")
        m.report(
          "config-unsupported",
          `"${s.which}" rewrites destinations; filtering after it is not modelled`,
          s.token,
        );
      else m.report("config-ignored", `"${s.which}" rewrites sources after filtering`, s.token);
      return false;
    case "verdict":
      if (s.verdict.kind === "queue")
        m.report(
          "config-unsupported",
          "Queued packets are decided by a program; Rampart assumes it accepts them",
          s.token,
        );
      return false;
    case "match":
    case "vmap":
    case "counter":
    case "log":
    case "comment":
      return false;
    default: {
      const never: never = s;
      throw new TypeError(`Unknown statement ${JSON.stringify(never)}`);
    }
  }
}

function warnIpv6Extensions(m: MatchContext, rule: Rule, match: PacketSet): void {
  const l4 = rule.statements.find(
    (s) => s.kind === "match" && s.selector === "meta l4proto" && s.op === "==",
  );
  if (!l4) return;
  const space = m.context.space;
  const ext = protocolMatch(
    space,
    [...IPV6_EXTENSIONS].map((p) => ({ lo: p, hi: p })),
  ).intersect(space.family(6));
  if (match.overlaps(ext))
    m.report(
      "config-unsupported",
      '"meta l4proto" never sees IPv6 extension headers (hop-by-hop, routing, fragment, AH, destination options)',
      l4.token,
    );
}

/** Converts a rule; approximations are reported. A condition Rampart cannot model is left out of an
 *  accepting rule and makes a dropping rule match nothing, so the result errs towards letting through. */
export function convertRule(m: MatchContext, rule: Rule, list: string): ConvertedRule {
  const space = m.context.space;
  const parts: { set: PacketSet; depth: number }[] = [];
  let approximate = false;
  // Interface matches left out because the context maps them to no zone: kept aside as the rule's key.
  const unmapped: string[] = [];
  const verdict = verdictOf(rule.statements);
  let vmap: Extract<Statement, { kind: "vmap" }> | undefined;
  for (const s of rule.statements) {
    approximate = reportEffects(m, s) || approximate;
    if (s.kind === "vmap") vmap = s;
    if (s.kind === "unknown-condition") parts.push({ set: implied(m, s.text) ?? space.all(), depth: 0 });
    if (s.kind !== "match") continue;
    const set = statementSet(m, s);
    if (set) parts.push({ set, depth: selectorDepth(s.selector) });
    else if (INTERFACE_SELECTORS.test(s.selector)) unmapped.push(interfaceKey(s));
    else approximate = true;
  }
  let match = intersectDeepestFirst(tableFamilySet(m), parts);
  // The rule's own match keeps a dropping rule's packets: its interfaces go to the analyses as a key.
  const own = match;
  const interfacesOnly = !approximate && unmapped.length > 0;
  approximate ||= unmapped.length > 0;
  const th = rule.statements.find((s) => s.kind === "match" && s.selector.startsWith("th "));
  const hasProtocol = rule.statements.some((s) => s.kind === "match" && PROTOCOL_SELECTORS.test(s.selector));
  if (th && !hasProtocol)
    m.report(
      "config-unsupported",
      '"th" without a protocol match also reads other protocols\' headers',
      th.token,
    );
  warnIpv6Extensions(m, rule, match);
  if (approximate && verdict.kind === "drop" && !vmap) match = space.none();
  const branches = vmap ? vmapBranches(m, vmap, match) : [{ match, verdict }];
  const kinds = new Set(branches.map((b) => b.verdict.kind));
  const counter = rule.statements.find((s) => s.kind === "counter" && s.packets !== undefined);
  const hits = counter?.kind === "counter" ? counter.packets : undefined;
  const action =
    kinds.size === 1 && kinds.has("accept")
      ? "accept"
      : kinds.size === 1 && kinds.has("drop")
        ? "drop"
        : "other";
  return {
    branches,
    imported: {
      action,
      match: interfacesOnly && !vmap ? own : space.unionAll(branches.map((b) => b.match)),
      source: { file: rule.file, line: rule.line, text: rule.text },
      list,
      ...(rule.comment !== undefined && { label: rule.comment }),
      ...(hits !== undefined && { hits }),
      ...(unmapped.length > 0 && { interfaces: unmapped.sort().join(" ") }),
    },
  };
}

const INTERFACE_SELECTORS = /^meta (iif|oif)(name)?$/;

/** `in=eth0`, `out!=eth1`, `in={eth0,eth1}`, `in=@uplinks`: an interface match as written. */
function interfaceKey(s: Extract<Statement, { kind: "match" }>): string {
  const dir = s.selector.startsWith("meta i") ? "in" : "out";
  const op = s.op === "==" ? "=" : s.op;
  const values =
    s.value.kind === "set" ? `@${s.value.name}` : s.value.elements.map((e) => e.text.replace(/^"|"$/g, ""));
  const text =
    typeof values === "string" ? values : values.length === 1 ? values[0]! : `{${values.join(",")}}`;
  return `${dir}${op}${text}`;
}

function vmapBranches(m: MatchContext, s: Extract<Statement, { kind: "vmap" }>, match: PacketSet): Branch[] {
  // The catch-all element `*` takes what no other element does: it goes last.
  const elements = [...(resolveValue(m, s.map) ?? [])].sort(
    (a, b) => Number(a.text === "*") - Number(b.text === "*"),
  );
  const out: Branch[] = [];
  for (const e of elements) {
    if (!e.verdict) {
      m.report("config-syntax", `Verdict map element "${e.text}" has no verdict`, e.token);
      continue;
    }
    const element = { text: e.text, token: e.token, ...(e.parts && { parts: e.parts, complex: true }) };
    const set = matchSet(m, { selector: s.selector, op: "==", elements: [element] }, e.token);
    if (set) out.push({ match: match.intersect(set), verdict: e.verdict });
  }
  return out;
}
