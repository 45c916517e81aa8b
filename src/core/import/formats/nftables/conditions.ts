// One nftables match (`ip saddr { ... }`, `tcp dport 22`, `ct state new` ...) as the exact set of new
// connections it matches.

import { type Family, tryParseAddress } from "../../../net/address.js";
import { hostMask } from "../../../net/prefix.js";
import { PORT_PROTOCOLS, PROTO } from "../../../net/protocol.js";
import type { PacketSet, PacketSpace } from "../../../space/packet-set.js";
import {
  conntrackStates,
  icmpMatch,
  portMatch,
  prefixMatch,
  protocolMatch,
  type Range,
} from "../../match.js";
import type { ImportContext } from "../../model.js";
import type { Report } from "./report.js";
import type { Element, MatchValue, Operator, Statement, Table } from "./ruleset.js";
import { kindMax, type NumberKind, parseCtState, parseNumberRange } from "./symbols.js";

export interface MatchContext {
  readonly context: ImportContext;
  readonly table: Table;
  readonly report: Report;
  /** Named-set matches already built ("selector op @set"): a large set used by many rules is built once. */
  readonly setMatches: Map<string, PacketSet | undefined>;
  /**
   * Matches built without a problem, by selector, operator and element texts: rules repeating a list (or
   * naming sets of equal elements) share one build.
   */
  readonly valueMatches: Map<string, PacketSet>;
}

/** The match being converted. */
export interface MatchInput {
  readonly selector: string;
  readonly op: Operator;
  readonly elements: readonly Element[];
}

/** What a condition matches within `base` (the packets the selector applies to), before the operator. */
interface Partial {
  readonly base: PacketSet;
  readonly set: PacketSet;
}

/** The set a match stands for (built once per named set and selector); undefined when not modelled. */
export function statementSet(
  m: MatchContext,
  s: Extract<Statement, { kind: "match" }>,
): PacketSet | undefined {
  const key = s.value.kind === "set" ? `${s.selector} ${s.op} @${s.value.name}` : undefined;
  if (key !== undefined && m.setMatches.has(key)) return m.setMatches.get(key);
  const elements = resolveValue(m, s.value);
  const set = elements && sharedMatchSet(m, { selector: s.selector, op: s.op, elements }, s.token);
  if (key !== undefined) m.setMatches.set(key, set);
  return set;
}

/**
 * matchSet, shared between matches of equal text. Only a match built without a report is shared, so that
 * every rule still gets its own diagnostics.
 */
function sharedMatchSet(m: MatchContext, input: MatchInput, token: Element["token"]): PacketSet | undefined {
  const plain = input.elements.every((e) => !e.complex && !e.verdict && !e.parts && !e.data);
  if (!plain) return matchSet(m, input, token);
  const key = `${input.selector} ${input.op} ${input.elements.map((e) => e.text).join(",")}`;
  const known = m.valueMatches.get(key);
  if (known) return known;
  let reported = false;
  const watched: MatchContext = {
    ...m,
    report: (code, message, at) => {
      reported = true;
      m.report(code, message, at);
    },
  };
  const set = matchSet(watched, input, token);
  if (set && !reported) m.valueMatches.set(key, set);
  return set;
}

/** The elements a value stands for, or undefined (reported) when a named set is missing. */
export function resolveValue(m: MatchContext, value: MatchValue): readonly Element[] | undefined {
  if (value.kind === "list") return value.elements;
  const set = m.table.sets.get(value.name);
  if (!set) {
    m.report("config-syntax", `Unknown set "@${value.name}" in table "${m.table.name}"`, value.token);
    return undefined;
  }
  return set.elements;
}

/**
 * The exact set of new connections the match accepts, or undefined when Rampart does not model it (the
 * reason is reported at the match).
 */
export function matchSet(m: MatchContext, input: MatchInput, token: Element["token"]): PacketSet | undefined {
  if (input.selector.includes(" . ")) return concatenationSet(m, input, token);
  const complex = input.elements.find((e) => e.complex || e.verdict);
  if (complex) {
    m.report(
      "config-unsupported",
      `"${complex.text}" in "${input.selector}" is not a plain value`,
      complex.token,
    );
    return undefined;
  }
  if (input.op !== "==" && input.op !== "!=" && numberKind(input.selector) === undefined) {
    m.report("config-unsupported", `Operator "${input.op}" with "${input.selector}" is not modelled`, token);
    return undefined;
  }
  // The catch-all element `*` stands for every value of the selector.
  const catchAll = input.elements.some((e) => e.text === "*");
  const values = catchAll ? { ...input, elements: input.elements.filter((e) => e.text !== "*") } : input;
  const part = partialSet(m, values, token);
  if (!part) return undefined;
  const set = catchAll ? part.base : part.set;
  return input.op === "!=" ? part.base.minus(set) : set.intersect(part.base);
}

/**
 * `a . b { x . y, ... }`: each element matches where every part matches its selector; the set is the union
 * over the elements (intervals and prefixes allowed in each part).
 */
function concatenationSet(
  m: MatchContext,
  input: MatchInput,
  token: Element["token"],
): PacketSet | undefined {
  const selectors = input.selector.split(" . ");
  if (input.op !== "==" && input.op !== "!=") {
    m.report("config-unsupported", `Operator "${input.op}" with a concatenation is not modelled`, token);
    return undefined;
  }
  const space = m.context.space;
  let base = space.all();
  const sets: PacketSet[] = [];
  for (const e of input.elements) {
    if (!e.parts || e.parts.length !== selectors.length || e.data) {
      m.report("config-syntax", `"${e.text}" does not match "${input.selector}"`, e.token);
      return undefined;
    }
    let set = space.all();
    for (let k = 0; k < selectors.length; k++) {
      const part = e.parts[k]!;
      const p = partialSet(m, { selector: selectors[k]!, op: "==", elements: [part] }, part.token);
      if (!p) return undefined;
      base = base.intersect(p.base);
      set = set.intersect(p.set).intersect(p.base);
    }
    sets.push(set);
  }
  const union = space.unionAll(sets);
  return input.op === "!=" ? base.minus(union) : union;
}

function partialSet(m: MatchContext, input: MatchInput, token: Element["token"]): Partial | undefined {
  switch (input.selector) {
    case "ip saddr":
    case "ip daddr":
    case "ip6 saddr":
    case "ip6 daddr":
      return addressSet(m, input);
    case "ip protocol":
    case "ip6 nexthdr":
    case "meta l4proto":
      return protocolSet(m, input, token);
    case "meta nfproto":
    case "meta protocol":
      return familySet(m, input);
    case "th dport":
    case "th sport":
      return portSet(m, input, PORT_PROTOCOLS);
    case "tcp dport":
    case "tcp sport":
      return portSet(m, input, [PROTO.tcp]);
    case "udp dport":
    case "udp sport":
      return portSet(m, input, [PROTO.udp]);
    case "sctp dport":
    case "sctp sport":
      return portSet(m, input, [PROTO.sctp]);
    case "icmp type":
    case "icmp code":
    case "icmpv6 type":
    case "icmpv6 code":
      return icmpSet(m, input);
    case "ct state":
      return ctStateSet(m, input);
    case "ct direction":
      return wordSet(m, input, { original: true, reply: false });
    case "meta iifname":
    case "meta iif":
    case "meta oifname":
    case "meta oif":
      return interfaceSet(m, input);
    default:
      m.report("config-unsupported", `Match "${input.selector}" is not modelled`, token);
      return undefined;
  }
}

/** IPv6 extension headers, which the kernel skips to find the upper-layer protocol (`meta l4proto`). */
export const IPV6_EXTENSIONS: ReadonlySet<number> = new Set([0, 43, 44, 51, 59, 60]);

function allIn(r: Range, set: ReadonlySet<number>): boolean {
  for (let v = r.lo; v <= r.hi; v++) if (!set.has(v)) return false;
  return true;
}

function numberKind(selector: string): NumberKind | undefined {
  if (/^(ip protocol|ip6 nexthdr|meta l4proto)$/.test(selector)) return "protocol";
  if (/^(th|tcp|udp|sctp) [ds]port$/.test(selector)) return "port";
  const icmp = /^(icmp|icmpv6) (type|code)$/.exec(selector);
  if (icmp) return `${icmp[1]}-${icmp[2]}` as NumberKind;
  return undefined;
}

/** Numbers, names and ranges of one kind; a comparison operator turns its one value into a range. */
function numbers(m: MatchContext, input: MatchInput, kind: NumberKind): Range[] | undefined {
  const out: Range[] = [];
  for (const e of input.elements) {
    const r = parseNumberRange(kind, e.text);
    if (!r) {
      const code = /^[a-z]/i.test(e.text) && kind === "port" ? "config-unsupported" : "config-syntax";
      m.report(code, `"${e.text}" is not a ${kind.replace("-", " ")} Rampart knows`, e.token);
      return undefined;
    }
    out.push(r);
  }
  const op = input.op;
  if (op === "==" || op === "!=") return out;
  if (out.length !== 1 || out[0]!.lo !== out[0]!.hi) {
    m.report("config-syntax", `Operator "${op}" needs one value`, input.elements[0]!.token);
    return undefined;
  }
  const v = out[0]!.lo;
  const max = kindMax(kind);
  const r = op === "<" ? [0, v - 1] : op === "<=" ? [0, v] : op === ">" ? [v + 1, max] : [v, max];
  return r[0]! <= r[1]! ? [{ lo: r[0]!, hi: r[1]! }] : [];
}

function protocolSet(m: MatchContext, input: MatchInput, token: Element["token"]): Partial | undefined {
  const ranges = numbers(m, input, "protocol");
  if (!ranges) return undefined;
  const space = m.context.space;
  const sel = input.selector;
  const base = sel === "meta l4proto" ? space.all() : space.family(sel === "ip protocol" ? 4 : 6);
  if (sel === "ip6 nexthdr" && !ranges.every((r) => allIn(r, IPV6_EXTENSIONS)))
    m.report(
      "config-unsupported",
      '"ip6 nexthdr" reads only the first header: packets with extension headers do not match as Rampart assumes',
      token,
    );
  return { base, set: protocolMatch(space, ranges) };
}

function addressSet(m: MatchContext, input: MatchInput): Partial | undefined {
  const space = m.context.space;
  const family: Family = input.selector.startsWith("ip6") ? 6 : 4;
  const dir = input.selector.endsWith("saddr") ? "src" : "dst";
  const spans: { lo: bigint; hi: bigint }[] = [];
  for (const e of input.elements) {
    const r = addressRange(family, e.text);
    if (!r) {
      m.report("config-syntax", `"${e.text}" is not an IPv${family} address, prefix or range`, e.token);
      return undefined;
    }
    spans.push(r);
  }
  // Large sets (block lists) are mostly adjacent prefixes: merging them first saves most of the work.
  spans.sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  const merged: { lo: bigint; hi: bigint }[] = [];
  for (const r of spans) {
    const last = merged[merged.length - 1];
    if (last && r.lo <= last.hi + 1n) last.hi = r.hi > last.hi ? r.hi : last.hi;
    else merged.push({ ...r });
  }
  return { base: space.family(family), set: space.wrap(space.addressRangesNode(dir, family, merged)) };
}

/** "a", "a/len" (host bits ignored, as nft masks them) or "a-b", as an inclusive range. */
export function addressRange(family: Family, text: string): { lo: bigint; hi: bigint } | undefined {
  const dash = text.indexOf("-");
  if (dash > 0) {
    const lo = tryParseAddress(text.slice(0, dash));
    const hi = tryParseAddress(text.slice(dash + 1));
    if (!lo || !hi || lo.family !== family || hi.family !== family || lo.value > hi.value) return undefined;
    return { lo: lo.value, hi: hi.value };
  }
  const slash = text.indexOf("/");
  const a = tryParseAddress(slash < 0 ? text : text.slice(0, slash));
  if (!a || a.family !== family) return undefined;
  const bits = family === 4 ? 32 : 128;
  const lenText = slash < 0 ? String(bits) : text.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(lenText) || Number(lenText) > bits) return undefined;
  const mask = hostMask(family, Number(lenText));
  return { lo: a.value & ~mask, hi: (a.value & ~mask) | mask };
}

function familySet(m: MatchContext, input: MatchInput): Partial | undefined {
  const space = m.context.space;
  const names: Readonly<Record<string, Family | null>> =
    input.selector === "meta nfproto"
      ? { ipv4: 4, ipv6: 6, "2": 4, "10": 6 }
      : { ip: 4, ip6: 6, "0x0800": 4, "0x86dd": 6, arp: null, vlan: null, "8021q": null, "8021ad": null };
  const parts: PacketSet[] = [];
  for (const e of input.elements) {
    const f = names[e.text.toLowerCase()];
    if (f === undefined) {
      m.report("config-syntax", `"${e.text}" is not a value of "${input.selector}"`, e.token);
      return undefined;
    }
    if (f !== null) parts.push(space.family(f));
  }
  return { base: space.all(), set: space.unionAll(parts) };
}

function portSet(m: MatchContext, input: MatchInput, protocols: readonly number[]): Partial | undefined {
  const ranges = numbers(m, input, "port");
  if (!ranges) return undefined;
  const space = m.context.space;
  const dir = input.selector.endsWith("dport") ? "dst" : "src";
  return {
    base: protocolMatch(
      space,
      protocols.map((p) => ({ lo: p, hi: p })),
    ),
    set: portMatch(space, protocols, dir, ranges),
  };
}

function icmpSet(m: MatchContext, input: MatchInput): Partial | undefined {
  const v6 = input.selector.startsWith("icmpv6");
  const kind = numberKind(input.selector)!;
  const ranges = numbers(m, input, kind);
  if (!ranges) return undefined;
  const space = m.context.space;
  const proto = v6 ? PROTO.icmpv6 : PROTO.icmp;
  const family = space.family(v6 ? 6 : 4);
  const isType = input.selector.endsWith("type");
  const set = icmpMatch(space, proto, isType ? ranges : undefined, isType ? undefined : ranges);
  return { base: family.intersect(space.protocol(proto)), set: set.intersect(family) };
}

function ctStateSet(m: MatchContext, input: MatchInput): Partial | undefined {
  const space = m.context.space;
  const states = { new: false, invalid: false, untracked: false };
  for (const e of input.elements) {
    const s = parseCtState(e.text);
    if (!s) {
      m.report("config-syntax", `"${e.text}" is not a conntrack state`, e.token);
      return undefined;
    }
    // A first packet is "new", "invalid" (ICMP conntrack cannot start a connection with) or "untracked"
    // (neighbour discovery); established and related never match it.
    if (s === "new" || s === "invalid" || s === "untracked") states[s] = true;
  }
  return { base: space.all(), set: conntrackStates(space, states) };
}

function wordSet(
  m: MatchContext,
  input: MatchInput,
  words: Readonly<Record<string, boolean>>,
): Partial | undefined {
  const space = m.context.space;
  let any = false;
  for (const e of input.elements) {
    const v = words[e.text];
    if (v === undefined) {
      m.report("config-syntax", `"${e.text}" is not a value of "${input.selector}"`, e.token);
      return undefined;
    }
    any ||= v;
  }
  return { base: space.all(), set: any ? space.all() : space.none() };
}

/**
 * Interfaces through the enforcement point's zone map: a packet from a zone mapped to X arrives on X, a
 * packet to a zone mapped to Y leaves on Y. Loopback carries only a host's traffic to itself.
 */
function interfaceSet(m: MatchContext, input: MatchInput): Partial | undefined {
  const ctx = m.context;
  const space = ctx.space;
  const dir = /^meta ii/.test(input.selector) ? "src" : "dst";
  const parts: PacketSet[] = [];
  for (const e of input.elements) {
    const pattern = e.text;
    const fits = (name: string) =>
      pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
    const zones = Object.entries(ctx.interfaces).filter(([, name]) => fits(name));
    if (zones.length > 0) {
      for (const [zone] of zones) parts.push(ctx.zoneSpace(zone, dir));
    } else if (fits("lo")) {
      parts.push(loopback(space, ctx));
    } else {
      m.report(
        "config-unsupported",
        `Interface "${pattern}" is not an interface of the enforcement point; its traffic is unknown`,
        e.token,
      );
      return undefined;
    }
  }
  return { base: space.all(), set: space.unionAll(parts) };
}

/** Packets a protected host sends to itself (and the loopback networks); none for a router's forwarding. */
function loopback(space: PacketSpace, ctx: ImportContext): PacketSet {
  if (ctx.role !== "host") return space.none();
  const parts = ctx.hosts.map((h) =>
    prefixMatch(space, "src", h.addresses).intersect(prefixMatch(space, "dst", h.addresses)),
  );
  parts.push(space.prefix("src", { family: 4, value: 0x7f000000n, length: 8 }));
  parts.push(space.prefix("src", { family: 6, value: 1n, length: 128 }));
  return space.unionAll(parts);
}
