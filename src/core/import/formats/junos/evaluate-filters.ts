// Firewall filters as first-match rule lists: each term's `from` conditions (AND across conditions, OR within
// one, longest-prefix match for address lists with `except`) and its terminating action; a filter ends in
// an implicit discard. What a filter does not decide by itself is reported with its state.

import { tryParseAddress } from "../../../net/address.js";
import { checkPrefix, type Prefix } from "../../../net/prefix.js";
import { PROTO } from "../../../net/protocol.js";
import type { Direction, PacketSet, PacketSpace } from "../../../space/packet-set.js";
import {
  allOf,
  firstMatch,
  icmpMatch,
  portMatch,
  prefixMatch,
  protocolMatch,
  type Range,
} from "../../match.js";
import type { ImportedRule, RuleList } from "../../model.js";
import type { ConditionValue, FilterDef, FilterTerm, JunosConfig, Reporter } from "./config.js";
import {
  ICMP6_TYPES,
  ICMP_CODES,
  ICMP_TYPES,
  JUNOS_PROTOCOLS,
  numberOrKeyword,
  parsePortRange,
} from "./keywords.js";
import { wildcardMatch } from "./resolve-addresses.js";

/** Protocol and next-header names of filters, beyond those of applications. */
const FILTER_PROTOCOLS: Readonly<Record<string, number>> = {
  ...JUNOS_PROTOCOLS,
  "hop-by-hop": 0,
  ipv6: 41,
  routing: 43,
  fragment: 44,
  "no-next-header": 59,
  dstopts: 60,
  l2tp: 115,
  mobility: 135,
};

/** ICMP type names Junos also accepts for family inet. */
const ICMP4_TYPES: Readonly<Record<string, number>> = { ...ICMP_TYPES, "destination-unreachable": 3 };

/** Families whose filters see IP packets, with the address family they carry. */
const IP_FAMILIES: Readonly<Record<string, 4 | 6>> = { inet: 4, inet6: 6 };

/** Conditions that never hold for the first packet of a connection. */
const NEVER_NEW = new Set(["tcp-established", "is-fragment", "first-fragment"]);

/** Conditions on fields the packet space does not have: read as matching every value, reported. */
const UNMODELLED = new Set([
  "dscp",
  "dscp-except",
  "precedence",
  "precedence-except",
  "packet-length",
  "packet-length-except",
  "ttl",
  "ttl-except",
  "hop-limit",
  "hop-limit-except",
  "traffic-class",
  "traffic-class-except",
  "forwarding-class",
  "forwarding-class-except",
  "loss-priority",
  "loss-priority-except",
  "interface",
  "interface-set",
  "interface-group",
  "interface-group-except",
  "source-class",
  "destination-class",
  "fragment-offset",
  "fragment-offset-except",
  "fragment-flags",
  "ip-options",
  "ip-options-except",
  "tcp-flags",
  "tcp-initial",
  "ether-type",
  "vlan-ether-type",
  "learn-vlan-id",
  "user-vlan-id",
  "flexible-match-range",
  "flexible-match-mask",
  "extension-header",
  "source-mac-address",
  "destination-mac-address",
  "is-fragment-except",
]);

/** Action modifiers: they go with the term's action (an implicit accept when it has none). */
const MODIFIERS = new Set([
  "count",
  "log",
  "syslog",
  "sample",
  "port-mirror",
  "port-mirror-instance",
  "policer",
  "three-color-policer",
  "hierarchical-policer",
  "forwarding-class",
  "loss-priority",
  "dscp",
  "traffic-class",
  "packet-mode",
  "service-accounting",
  "service-filter-hit",
  "analyzer",
  "load-balance",
  "prefix-action",
]);

/** Actions that end the evaluation. */
const TERMINATING: Readonly<Record<string, ImportedRule["action"]>> = {
  accept: "accept",
  discard: "drop",
  reject: "drop",
  "routing-instance": "accept",
  "next-hop-group": "accept",
  "next-ip": "accept",
  "next-ip6": "accept",
  "next-interface": "accept",
  decapsulate: "accept",
};

export interface FilterResult {
  readonly rules: ImportedRule[];
  readonly lists: RuleList[];
  /** "family|name" → what the filter passes (its family only). */
  readonly accepted: Map<string, PacketSet>;
  /** "family|name" → the filter's rules, in order. */
  readonly rulesByFilter: Map<string, ImportedRule[]>;
}

export function filterListName(f: FilterDef): string {
  return `${f.family} ${f.name}`;
}

export function evaluateFilters(cfg: JunosConfig, rep: Reporter, space: PacketSpace): FilterResult {
  const out: FilterResult = { rules: [], lists: [], accepted: new Map(), rulesByFilter: new Map() };
  for (const [key, f] of cfg.filters) {
    const family = IP_FAMILIES[f.family];
    if (family === undefined) {
      rep.unsupported(
        `Firewall filter "${f.name}" of family ${f.family} is not modelled: it filters non-IP frames`,
        f.loc,
      );
      continue;
    }
    const reader = new TermReader(space, cfg, rep, family);
    const rules: ImportedRule[] = f.terms.map((t) => {
      const action = reader.action(t);
      return {
        action,
        match: reader.match(t, action === "drop"),
        source: { file: t.loc.file, line: t.loc.line, text: t.text },
        list: filterListName(f),
        label: t.name,
        ...(reader.widened.has(t) && { widened: true }),
      };
    });
    out.rules.push(...rules);
    out.rulesByFilter.set(key, rules);
    out.lists.push({
      name: filterListName(f),
      fallThrough: "drop",
      source: { file: f.loc.file, line: f.loc.line, text: f.text },
    });
    out.accepted.set(key, firstMatch(space, rules, "drop").intersect(space.family(family)));
  }
  return out;
}

class TermReader {
  /** Accepting terms read wider than they are, a condition being left out of their match. */
  readonly widened = new Set<FilterTerm>();

  constructor(
    private readonly space: PacketSpace,
    private readonly cfg: JunosConfig,
    private readonly rep: Reporter,
    private readonly family: 4 | 6,
  ) {}

  action(t: FilterTerm): ImportedRule["action"] {
    if (t.nested) return "other";
    let action: ImportedRule["action"] | undefined;
    for (const { words, loc } of t.then) {
      const w = words[0]!;
      if (w === "next" && words[1] === "term") action ??= "other";
      else if (w in TERMINATING) {
        action ??= TERMINATING[w]!;
        if (w !== "accept" && w !== "discard" && w !== "reject")
          this.rep.unsupported(`Action "${w}" redirects the packet: read as accepting it`, loc);
      } else if (w === "next-filter") action ??= "other";
      else if (!MODIFIERS.has(w))
        this.rep.unsupported(`Action "${w}" is not modelled: read as going with the term's action`, loc);
    }
    // A term with no terminating action accepts what it matches.
    return action ?? "accept";
  }

  /**
   * The packets the term matches. A condition Rampart does not model is read as matching every value, except in
   * a term that discards, which then matches nothing: it never hides an opening.
   */
  match(t: FilterTerm, discards: boolean): PacketSet {
    const s = this.space;
    if (t.nested) {
      this.rep.unsupported(
        `Term "${t.name}" uses filter "${t.nested.name}", which is not expanded: it decides nothing`,
        t.nested.loc,
      );
      return s.none();
    }
    const parts: PacketSet[] = [s.family(this.family)];
    const protocols = this.protocols(t, parts);
    for (const [cond, vals] of t.from) {
      const at = vals[0]?.loc ?? t.loc;
      if (
        cond === "protocol" ||
        cond === "protocol-except" ||
        cond === "next-header" ||
        cond === "next-header-except" ||
        cond === "payload-protocol" ||
        cond === "payload-protocol-except"
      )
        continue;
      if (NEVER_NEW.has(cond)) parts.push(s.none());
      else if (cond === "source-address" || cond === "destination-address")
        parts.push(this.addresses(vals, cond === "source-address" ? "src" : "dst"));
      else if (cond === "address") parts.push(this.addresses(vals, "src").union(this.addresses(vals, "dst")));
      else if (cond === "source-prefix-list" || cond === "destination-prefix-list")
        parts.push(this.addresses(this.prefixLists(vals), cond === "source-prefix-list" ? "src" : "dst"));
      else if (cond === "prefix-list") {
        const items = this.prefixLists(vals);
        parts.push(this.addresses(items, "src").union(this.addresses(items, "dst")));
      } else if (/^(source-|destination-)?port(-except)?$/.test(cond))
        parts.push(this.ports(cond, vals, protocols));
      else if (/^icmp-(type|code)(-except)?$/.test(cond)) parts.push(this.icmp(cond, vals));
      else {
        const what = UNMODELLED.has(cond) ? `Condition "${cond}"` : `Unknown condition "${cond}"`;
        if (discards) parts.push(s.none());
        else this.widened.add(t);
        this.rep.unsupported(
          discards
            ? `${what} not modelled: this discarding term is read as matching nothing, so it hides no opening`
            : `${what} ignored: read as matching every value`,
          at,
          `cond ${cond} ${at.line}`,
        );
      }
    }
    return allOf(s, parts);
  }

  /** The protocol conditions (pushed into `parts`), and the port-carrying protocols a port condition means. */
  private protocols(t: FilterTerm, parts: PacketSet[]): number[] {
    const s = this.space;
    const names = ["protocol", "next-header", "payload-protocol"];
    let ports = [PROTO.tcp, PROTO.udp];
    for (const name of names) {
      for (const except of [false, true]) {
        const vals = t.from.get(except ? `${name}-except` : name);
        if (!vals) continue;
        const ranges = vals.flatMap((v) => this.numberRanges(v, FILTER_PROTOCOLS, 255, "protocol"));
        const set = protocolMatch(s, ranges);
        parts.push(except ? set.complement() : set);
        if (!except) ports = ports.filter((p) => ranges.some((r) => r.lo <= p && p <= r.hi));
      }
    }
    return ports;
  }

  private numberRanges(
    v: ConditionValue,
    table: Readonly<Record<string, number>>,
    max: number,
    what: string,
  ): Range[] {
    const one = numberOrKeyword(v.text, table, max);
    if (one !== undefined) return [{ lo: one, hi: one }];
    const m = /^([0-9]+)-([0-9]+)$/.exec(v.text);
    if (m && Number(m[1]) <= Number(m[2]) && Number(m[2]) <= max)
      return [{ lo: Number(m[1]), hi: Number(m[2]) }];
    this.rep.syntax(`Cannot read ${what} "${v.text}"; it matches nothing`, v.loc);
    return [];
  }

  private ports(cond: string, vals: readonly ConditionValue[], protocols: readonly number[]): PacketSet {
    const s = this.space;
    const ranges = vals.flatMap((v) => {
      const r = parsePortRange(v.text);
      if (!r) this.rep.syntax(`Cannot read port "${v.text}"; it matches nothing`, v.loc);
      return r ? [r] : [];
    });
    const side = (dir: Direction) => portMatch(s, protocols, dir, ranges);
    const set = cond.startsWith("source-")
      ? side("src")
      : cond.startsWith("destination-")
        ? side("dst")
        : side("src").union(side("dst"));
    // An -except condition matches the port-carrying packets whose port is not listed.
    if (!cond.endsWith("-except")) return set;
    const carrying = protocolMatch(
      s,
      protocols.map((p) => ({ lo: p, hi: p })),
    );
    return carrying.minus(set);
  }

  private icmp(cond: string, vals: readonly ConditionValue[]): PacketSet {
    const proto = this.family === 4 ? PROTO.icmp : PROTO.icmpv6;
    const types = cond.startsWith("icmp-type");
    const table = types ? (this.family === 4 ? ICMP4_TYPES : ICMP6_TYPES) : ICMP_CODES;
    const ranges = vals.flatMap((v) => this.numberRanges(v, table, 255, types ? "ICMP type" : "ICMP code"));
    const set = types
      ? icmpMatch(this.space, proto, ranges)
      : icmpMatch(this.space, proto, undefined, ranges);
    return cond.endsWith("-except") ? icmpMatch(this.space, proto).minus(set) : set;
  }

  /** The items of the named prefix lists, each taking the reference's `except`. */
  private prefixLists(vals: readonly ConditionValue[]): ConditionValue[] {
    return vals.flatMap((v) => {
      const list = this.cfg.prefixLists.get(v.text);
      if (!list) {
        this.rep.syntax(`Prefix list "${v.text}" is not defined; it matches nothing`, v.loc);
        return [];
      }
      return list.items.map((i) => ({ ...i, except: v.except }));
    });
  }

  /**
   * Longest-prefix match over the list: a packet matches when the longest listed prefix covering its address
   * is not an `except` one. Addresses of the other family never match.
   */
  private addresses(vals: readonly ConditionValue[], dir: Direction): PacketSet {
    const s = this.space;
    const items = vals.flatMap((v) => {
      const set = this.address(v, dir);
      return set ? [{ ...set, except: v.except }] : [];
    });
    items.sort((a, b) => a.length - b.length);
    let out = s.none();
    for (const i of items) out = i.except ? out.minus(i.set) : out.union(i.set);
    return out;
  }

  private address(v: ConditionValue, dir: Direction): { set: PacketSet; length: number } | undefined {
    const s = this.space;
    const slash = v.text.indexOf("/");
    // Wildcard form: "10.0.0.1/255.0.255.255".
    if (slash > 0 && v.text.slice(slash + 1).includes(".")) {
      const a = tryParseAddress(v.text.slice(0, slash));
      const m = tryParseAddress(v.text.slice(slash + 1));
      if (a && m && a.family === 4 && m.family === 4) {
        const ones = m.value.toString(2).replace(/0/g, "").length;
        return { set: wildcardMatch(s, dir, 4, a.value, m.value), length: ones };
      }
    }
    const r = checkPrefix(v.text);
    let prefix: Prefix | undefined = r.ok ? r.prefix : r.reason === "host-bits" ? r.network : undefined;
    if (!prefix) {
      const a = tryParseAddress(v.text);
      if (a) prefix = { family: a.family, value: a.value, length: a.family === 4 ? 32 : 128 };
    }
    if (!prefix) {
      this.rep.syntax(`Cannot read address "${v.text}"; it matches nothing`, v.loc);
      return undefined;
    }
    if (!r.ok && r.reason === "host-bits")
      this.rep.ignored(`Address "${v.text}" has host bits set; read as its network`, v.loc);
    return { set: prefixMatch(s, dir, [prefix]), length: prefix.length };
  }
}
