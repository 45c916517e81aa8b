// One nftables rule: its tokens read into statements (matches, verdict maps, verdicts, counters, comments).

import { braced, isTok, type Token } from "./lexer.js";
import type { Report } from "./report.js";
import type { Element, MatchValue, Operator, Statement, Verdict } from "./ruleset.js";

const SIMPLE_VERDICTS = new Set(["accept", "drop", "continue", "return"]);
const NAT = new Set(["snat", "dnat", "masquerade", "redirect"]);
/** Words that start a statement other than a match: skipping an unknown expression stops at them. */
const STOP_WORDS = new Set([
  ...SIMPLE_VERDICTS,
  ...NAT,
  "jump",
  "goto",
  "reject",
  "queue",
  "counter",
  "log",
  "comment",
  "limit",
  "quota",
  "notrack",
  "tproxy",
  "dup",
  "fwd",
  "synproxy",
]);
/** Selector heads followed by one field word. */
const HEADS = new Set([
  "ip",
  "ip6",
  "tcp",
  "udp",
  "sctp",
  "dccp",
  "udplite",
  "th",
  "icmp",
  "icmpv6",
  "meta",
  "ether",
  "vlan",
  "arp",
  "ah",
  "esp",
  "comp",
  "igmp",
  "ipsec",
]);
/** Meta keys that may be written without `meta`. */
const BARE_META = new Set([
  "iifname",
  "oifname",
  "iif",
  "oif",
  "iiftype",
  "oiftype",
  "iifgroup",
  "oifgroup",
  "mark",
  "skuid",
  "skgid",
  "pkttype",
  "nfproto",
  "l4proto",
  "cgroup",
  "cpu",
  "ibrname",
  "obrname",
]);
const OPERATORS: Readonly<Record<string, Operator>> = {
  "==": "==",
  eq: "==",
  "!=": "!=",
  ne: "!=",
  "<": "<",
  lt: "<",
  ">": ">",
  gt: ">",
  "<=": "<=",
  le: "<=",
  ">=": ">=",
  ge: ">=",
};

class Cursor {
  i = 0;
  constructor(readonly toks: readonly Token[]) {}
  peek(k = 0): Token | undefined {
    return this.toks[this.i + k];
  }
  next(): Token | undefined {
    return this.toks[this.i++];
  }
  done(): boolean {
    return this.i >= this.toks.length;
  }
  /** The text of the tokens from `from` to the cursor, for messages. */
  text(from: number): string {
    return this.toks
      .slice(from, this.i)
      .map((t) => (t.kind === "string" ? `"${t.text}"` : t.text))
      .join(" ")
      .replace(/\s*\n\s*/g, " ");
  }
}

function isStop(t: Token | undefined): boolean {
  return t !== undefined && t.kind === "word" && STOP_WORDS.has(t.text);
}

/** Skips tokens (braced groups whole) up to the next statement word; at least one token. */
function skipToStop(c: Cursor): void {
  let first = true;
  while (!c.done() && (first || !isStop(c.peek()))) {
    first = false;
    if (isTok(c.peek(), "{")) {
      const b = braced(c.toks, c.i);
      c.i = b ? b.next : c.toks.length;
    } else c.next();
  }
}

/** A verdict word at the cursor (already known to be one), with its argument. */
function parseVerdict(c: Cursor, report: Report): Verdict | undefined {
  const t = c.next()!;
  if (SIMPLE_VERDICTS.has(t.text)) return { kind: t.text as "accept" | "drop" | "continue" | "return" };
  if (t.text === "jump" || t.text === "goto") {
    const target = c.next();
    if (!target || target.kind === "punct" || target.kind === "nl") {
      report("config-syntax", `"${t.text}" needs a chain name`, t);
      return undefined;
    }
    return { kind: t.text, chain: target.text, token: target };
  }
  // reject [with ...] and queue [options]: the options do not change which packets pass.
  while (!c.done() && !isStop(c.peek())) c.next();
  return t.text === "reject" ? { kind: "drop" } : { kind: "queue" };
}

/** Elements of a `{ ... }` list (nested lists flattened), with verdicts for verdict maps. */
export function parseElements(inner: readonly Token[], report: Report): Element[] {
  const out: Element[] = [];
  const groups: Token[][] = [[]];
  let depth = 0;
  for (const t of inner) {
    if (t.kind === "nl") continue;
    if (isTok(t, "{")) depth++;
    if (isTok(t, "}")) depth--;
    if (depth === 0 && isTok(t, ",")) groups.push([]);
    else groups[groups.length - 1]!.push(t);
  }
  for (const g of groups) {
    if (g.length === 0) continue;
    if (isTok(g[0], "{")) {
      const b = braced(g, 0);
      if (b) out.push(...parseElements(b.inner, report));
      continue;
    }
    out.push(parseElement(g, report));
  }
  return out;
}

function parseElement(g: readonly Token[], report: Report): Element {
  const first = g[0]!;
  let text = first.text;
  let rest = g.slice(1);
  const complex = isTok(rest[0], ".");
  let parts: { text: string; token: Token }[] | undefined;
  if (complex) {
    // `a . b . c [: verdict]`: the key's values, each one word (or string).
    const end = rest.findIndex((t) => isTok(t, ":"));
    const key = [first, ...(end < 0 ? rest : rest.slice(0, end))];
    parts = [{ text: first.text, token: first }];
    // Words after the key (`counter packets 0`, `timeout 1s`) are element options, not parts.
    for (let k = 1; isTok(key[k], ".") && key[k + 1]; k += 2)
      parts.push({ text: key[k + 1]!.text, token: key[k + 1]! });
    text = parts.map((p) => p.text).join(" . ");
    rest = end < 0 ? [] : rest.slice(end);
  }
  // "established:accept" without spaces: the lexer keeps the colon inside the word.
  const colon = text.lastIndexOf(":");
  if (colon > 0 && /^(accept|drop|continue|return)$/.test(text.slice(colon + 1))) {
    rest = [{ ...first, text: text.slice(colon + 1), kind: "word" }, ...rest];
    text = text.slice(0, colon);
    rest.unshift({ ...first, kind: "punct", text: ":" });
  }
  const at = rest.findIndex((t) => isTok(t, ":"));
  if (at < 0) return { text, token: first, ...(complex && { complex, parts }) };
  const vc = new Cursor(rest.slice(at + 1));
  const word = vc.peek();
  // A data map's element (`22 : "ssh_server"`): the statement that uses the map is reported where it is.
  if (!word || !isStop(word) || !/^(accept|drop|continue|return|jump|goto|reject|queue)$/.test(word.text))
    return { text, token: first, complex: true, data: true, ...(parts && { parts }) };
  const verdict = parseVerdict(vc, report);
  return { text, token: first, ...(verdict && { verdict }), ...(complex && { complex, parts }) };
}

/** The value after a selector and operator: a list, a named set, or comma-separated words. */
function parseValue(c: Cursor, report: Report): MatchValue | undefined {
  const t = c.peek();
  if (!t || t.kind === "nl" || isStop(t)) return undefined;
  if (isTok(t, "{")) {
    const b = braced(c.toks, c.i);
    if (!b) {
      report("config-syntax", 'Unclosed "{"', t);
      c.i = c.toks.length;
      return undefined;
    }
    c.i = b.next;
    return { kind: "list", elements: parseElements(b.inner, report) };
  }
  if (t.kind === "word" && t.text.startsWith("@")) {
    c.next();
    return { kind: "set", name: t.text.slice(1), token: t };
  }
  if (t.kind === "punct") return undefined;
  const elements: Element[] = [];
  for (;;) {
    const v = c.next()!;
    elements.push({ text: v.text, token: v });
    // `ct state established,related`, or the older `established | related` for flag values.
    const sep = isTok(c.peek(), ",") || isTok(c.peek(), "|");
    if (!sep || c.peek(1)?.kind !== "word") break;
    c.next();
  }
  return { kind: "list", elements };
}

/** The selector at the cursor, normalized ("meta l4proto"), or undefined when it is not one. */
function parseSelector(c: Cursor): string | undefined {
  const t = c.peek();
  if (!t || t.kind !== "word") return undefined;
  if (BARE_META.has(t.text)) {
    c.next();
    return `meta ${t.text}`;
  }
  if (t.text === "ct") {
    const f = c.peek(1);
    if (!f || f.kind !== "word") return undefined;
    c.i += 2;
    return f.text === "original" || f.text === "reply" ? undefined : `ct ${f.text}`;
  }
  if (!HEADS.has(t.text)) return undefined;
  const f = c.peek(1);
  if (!f || f.kind !== "word" || isStop(f)) return undefined;
  c.i += 2;
  return `${t.text} ${f.text}`;
}

/** A match (or verdict map, or `set` action) starting with a selector. */
function parseMatch(c: Cursor, report: Report): Statement {
  const start = c.i;
  const token = c.peek()!;
  const selector = parseSelector(c);
  const unknown = (kind: "unknown-condition" | "unknown-action"): Statement => {
    c.i = Math.max(c.i, start);
    skipToStop(c);
    return { kind, text: c.text(start), token };
  };
  if (selector === undefined) {
    c.i = start;
    return unknown("unknown-condition");
  }
  // A concatenation of selectors (`ip saddr . tcp dport`), matched against concatenated elements.
  let chained = selector;
  while (isTok(c.peek(), ".")) {
    c.next();
    const more = parseSelector(c);
    if (more === undefined) return unknown("unknown-condition");
    chained += ` . ${more}`;
  }
  if (chained !== selector) {
    const after = c.peek();
    if (isTok(after, "vmap")) {
      c.next();
      const map = parseValue(c, report);
      if (!map) return unknown("unknown-condition");
      return { kind: "vmap", selector: chained, map, token };
    }
    const negate = after !== undefined && after.kind !== "string" && OPERATORS[after.text] === "!=";
    if (negate || isTok(after, "==") || isTok(after, "eq")) c.next();
    const value = isTok(c.peek(), "{") || c.peek()?.text.startsWith("@") ? parseValue(c, report) : undefined;
    if (!value) return unknown("unknown-condition");
    return { kind: "match", selector: chained, op: negate ? "!=" : "==", value, token };
  }
  const next = c.peek();
  if (isTok(next, "set")) return unknown("unknown-action");
  if (isTok(next, "vmap")) {
    c.next();
    const map = parseValue(c, report);
    if (!map) {
      report("config-syntax", `"${selector} vmap" needs a map`, next!);
      return { kind: "unknown-condition", text: c.text(start), token };
    }
    return { kind: "vmap", selector, map, token };
  }
  let op: Operator = "==";
  const opTok = next && next.kind !== "string" ? OPERATORS[next.text] : undefined;
  if (opTok) {
    op = opTok;
    c.next();
  } else if (next && (next.kind === "punct" || isTok(next, ".") || isTok(next, "map"))) {
    if (!isTok(next, "{")) return unknown("unknown-condition");
  }
  const value = parseValue(c, report);
  if (!value) {
    // Expressions like `tcp option mss exists` or `fib daddr type local` are not modelled.
    return unknown("unknown-condition");
  }
  // A concatenation (`a . b`) or a bit mask (`tcp flags syn / syn,ack`) is not a plain comparison.
  if (isTok(c.peek(), ".") || isTok(c.peek(), "/")) return unknown("unknown-condition");
  return { kind: "match", selector, op, value, token };
}

const LOG_OPTIONS = new Set(["prefix", "level", "group", "snaplen", "queue-threshold", "flags"]);

/** `log` options are key-value pairs; `flags` takes words such as `tcp sequence,options` or `all`. */
function skipLogOptions(c: Cursor): void {
  while (c.peek()?.kind === "word" && LOG_OPTIONS.has(c.peek()!.text)) {
    const key = c.next()!.text;
    const v = c.next();
    if (key !== "flags" || !v) continue;
    if (v.text === "tcp" || v.text === "ip") c.next();
    while (isTok(c.peek(), ",")) c.i += 2;
  }
}

function parseOther(c: Cursor, t: Token, report: Report): Statement {
  const start = c.i;
  if (t.text === "counter") {
    c.next();
    let packets: number | undefined;
    while (/^(packets|bytes|name)$/.test(c.peek()?.text ?? "") && c.peek()?.kind === "word") {
      const key = c.next()!.text;
      const value = c.next()?.text ?? "";
      if (key === "packets" && /^[0-9]+$/.test(value)) packets = Number(value);
    }
    return { kind: "counter", token: t, ...(packets !== undefined && { packets }) };
  }
  if (t.text === "log") {
    c.next();
    skipLogOptions(c);
    return { kind: "log", token: t };
  }
  if (t.text === "comment") {
    c.next();
    const v = c.next();
    if (!v || v.kind === "punct") {
      report("config-syntax", '"comment" needs a text', t);
      return { kind: "comment", text: "", token: t };
    }
    return { kind: "comment", text: v.text, token: t };
  }
  if (NAT.has(t.text)) {
    skipToStop(c);
    return { kind: "nat", which: t.text, token: t };
  }
  if (t.text === "limit" || t.text === "quota") {
    skipToStop(c);
    return { kind: "unknown-condition", text: c.text(start), token: t };
  }
  skipToStop(c);
  return { kind: "unknown-action", text: c.text(start), token: t };
}

/** Reads the statements of one rule. Never throws; problems go to `report`. */
export function parseRule(tokens: readonly Token[], report: Report): Statement[] {
  const c = new Cursor(tokens.filter((t) => t.kind !== "nl"));
  const out: Statement[] = [];
  while (!c.done()) {
    const t = c.peek()!;
    if (t.kind === "word" && /^(accept|drop|continue|return|jump|goto|reject|queue)$/.test(t.text)) {
      const verdict = parseVerdict(c, report);
      if (verdict) out.push({ kind: "verdict", verdict, token: t });
    } else if (isStop(t)) {
      out.push(parseOther(c, t, report));
    } else if (t.kind === "word") {
      out.push(parseMatch(c, report));
    } else {
      report("config-syntax", `Unexpected "${t.text}" in a rule`, t);
      c.next();
    }
  }
  return out;
}
