// A parsed rule's conditions as one exact packet set of new connections, in the file's address family.

import type { Family } from "../../../net/address.js";
import { parsePrefix, type Prefix } from "../../../net/prefix.js";
import { hasPorts, PROTO } from "../../../net/protocol.js";
import type { PacketSet, PacketSpace } from "../../../space/packet-set.js";
import {
  allOf,
  conntrackStates,
  icmpMatch,
  portMatch,
  prefixMatch,
  protocolMatch,
  rangeMatch,
} from "../../match.js";
import type { ImportContext } from "../../model.js";
import type { Condition } from "./conditions.js";
import { type IpSetState, setMatch } from "./ipset.js";
import type { ParsedRule } from "./parse-rule.js";

export interface MatchContext {
  readonly space: PacketSpace;
  readonly family: Family;
  readonly context: ImportContext;
  readonly sets: ReadonlyMap<string, IpSetState>;
  /** Set lookups already built, by set name and direction: a set many rules name is built once. */
  readonly setLookups?: Map<string, PacketSet>;
}

/** A condition Rampart cannot read exactly, or one iptables itself would refuse. */
export interface MatchProblem {
  readonly code: "config-syntax" | "config-unsupported";
  readonly column: number;
  readonly message: string;
}

export interface RuleMatch {
  /** Every packet the conditions Rampart understands match. */
  readonly match: PacketSet;
  readonly problems: MatchProblem[];
  /** The interface conditions left out of `match` because the context maps them to no zone (`in=eth0`). */
  readonly interfaces?: string;
  /** A condition other than an interface was left out of `match` (a rate limit, a MAC address ...). */
  readonly widened?: boolean;
}

type One = PacketSet | MatchProblem;

export function ruleMatch(ctx: MatchContext, rule: ParsedRule): RuleMatch {
  const parts: PacketSet[][] = [[ctx.space.family(ctx.family)], [], [], []];
  const problems: MatchProblem[] = [];
  const unmapped: string[] = [];
  let widened = false;
  for (const c of rule.conditions) {
    const r = conditionSet(ctx, c, rule);
    if ("code" in r) problems.push(r);
    else parts[depthOf(c)]!.push(r);
    if ("code" in r && c.kind === "interface") unmapped.push(`${c.dir}${c.negate ? "!=" : "="}${c.name}`);
    else if ("code" in r && r.code === "config-unsupported") widened = true;
  }
  // The deepest conditions first: each set is then copied once, not the whole rule again at every step.
  const match = allOf(ctx.space, parts.reverse().flat());
  return {
    match,
    problems,
    ...(unmapped.length > 0 && { interfaces: unmapped.sort().join(" ") }),
    ...(widened && { widened }),
  };
}

/**
 * How deep a condition's own field lies in the sets' variable order (protocol and ports first, then family,
 * destination, source, source port).
 */
function depthOf(c: Condition): number {
  const dir = "dir" in c ? c.dir : c.kind === "set" ? c.flags[0] : undefined;
  if (c.kind === "ports") return dir === "src" ? 3 : 0;
  if (c.kind === "address" || c.kind === "range" || c.kind === "set") return dir === "src" ? 2 : 1;
  return 0;
}

function unsupported(column: number, message: string): MatchProblem {
  return { code: "config-unsupported", column, message };
}

function conditionSet(ctx: MatchContext, c: Condition, rule: ParsedRule): One {
  const { space } = ctx;
  const all = space.family(ctx.family);
  const maybeNot = (negate: boolean, set: PacketSet, within: PacketSet = all) =>
    negate ? within.minus(set) : set;
  switch (c.kind) {
    case "family":
      return c.family === ctx.family ? all : space.none();
    case "address":
      return maybeNot(c.negate, prefixMatch(space, c.dir, c.prefixes));
    case "range":
      return maybeNot(c.negate, rangeMatch(space, c.dir, ctx.family, c.lo, c.hi));
    case "protocol":
      return c.proto === 0 ? all : maybeNot(c.negate, protocolMatch(space, [{ lo: c.proto, hi: c.proto }]));
    case "interface":
      return interfaceSet(ctx, c.dir, c.name, c.negate, c.column);
    case "ports":
      return portSet(ctx, c, rule);
    case "icmp": {
      const proto = c.family === 4 ? PROTO.icmp : PROTO.icmpv6;
      const icmp = space.protocol(proto);
      // The IPv4 icmp match reads type 255 as "any type".
      if (c.family === 4 && c.spec.type === 255) return c.negate ? space.none() : icmp;
      const m = icmpMatch(
        space,
        proto,
        [{ lo: c.spec.type, hi: c.spec.type }],
        [{ lo: c.spec.codeLo, hi: c.spec.codeHi }],
      );
      return maybeNot(c.negate, m, icmp);
    }
    case "state":
      // A first packet is NEW, INVALID (ICMP conntrack cannot start a connection with) or UNTRACKED
      // (neighbour discovery); ESTABLISHED and RELATED never match it.
      return maybeNot(
        c.negate,
        conntrackStates(space, {
          new: c.states.includes("NEW"),
          invalid: c.states.includes("INVALID"),
          untracked: c.states.includes("UNTRACKED"),
        }),
      );
    case "set":
      return setCondition(ctx, c.name, c.flags, c.negate, c.column);
    case "protocol-test":
      return c.matches ? space.protocol(c.proto) : space.none();
    case "constant":
      return c.matches ? all : space.none();
    case "unsupported":
      return unsupported(c.column, `The ${c.what} is not modelled`);
    default:
      return exhaustive(c);
  }
}

function exhaustive(c: never): never {
  throw new TypeError(`Unknown condition ${JSON.stringify(c)}`);
}

function portSet(ctx: MatchContext, c: Extract<Condition, { kind: "ports" }>, rule: ParsedRule): One {
  let proto = c.proto;
  if (proto === "rule") {
    // multiport reads the ports of the rule's one protocol.
    const p = rule.conditions.find((x) => x.kind === "protocol");
    if (!p || p.kind !== "protocol" || p.negate || p.proto === 0)
      return { code: "config-syntax", column: c.column, message: "multiport needs -p tcp, udp or sctp" };
    proto = p.proto;
  }
  if (!hasPorts(proto)) return unsupported(c.column, `Ports of protocol ${proto} are not modelled`);
  const { space } = ctx;
  const m =
    c.dir === "either"
      ? portMatch(space, [proto], "src", c.ranges).union(portMatch(space, [proto], "dst", c.ranges))
      : portMatch(space, [proto], c.dir, c.ranges);
  return c.negate ? space.protocol(proto).minus(m) : m;
}

function setCondition(
  ctx: MatchContext,
  name: string,
  flags: readonly string[],
  negate: boolean,
  col: number,
): One {
  const set = ctx.sets.get(name);
  if (!set) return unsupported(col, `Set "${name}" is not defined in the given ipset files`);
  if (set.unsupported) return unsupported(col, `Set "${name}": ${set.unsupported}`);
  if (set.family !== ctx.family)
    return { code: "config-syntax", column: col, message: `Set "${name}" holds IPv${set.family} addresses` };
  // A one-dimension set reads only the first flag.
  const dir = flags[0];
  if (dir !== "src" && dir !== "dst")
    return {
      code: "config-syntax",
      column: col,
      message: `Set flags must be src or dst, not "${flags.join(",")}"`,
    };
  const all = ctx.space.family(ctx.family);
  const key = `${name} ${dir}`;
  let m = ctx.setLookups?.get(key);
  if (!m) {
    m = setMatch(ctx.space, set, dir);
    ctx.setLookups?.set(key, m);
  }
  return negate ? all.minus(m) : m;
}

const LOOPBACK = [parsePrefix("127.0.0.0/8"), parsePrefix("::1/128")];

/**
 * `-i X` / `-o X`: a packet from (to) a zone the point maps to interface X arrives on (leaves by) X.
 * Loopback carries only the host's own traffic: host role, from and to its own addresses.
 */
function interfaceSet(
  ctx: MatchContext,
  dir: "in" | "out",
  name: string,
  negate: boolean,
  column: number,
): One {
  const { space, context } = ctx;
  const all = space.family(ctx.family);
  const wildcard = name.endsWith("+");
  const stem = wildcard ? name.slice(0, -1) : name;
  const fits = (i: string) => (wildcard ? i.startsWith(stem) : i === name);
  const zones = Object.keys(context.interfaces)
    .sort()
    .filter((z) => fits(context.interfaces[z]!));
  let set: PacketSet;
  if (wildcard && stem === "") set = all;
  else if (zones.length > 0)
    set = space.unionAll(zones.map((z) => context.zoneSpace(z, dir === "in" ? "src" : "dst")));
  else if (fits("lo")) set = loopback(ctx);
  else
    return unsupported(
      column,
      `Interface "${name}" is not mapped to any zone of the enforcement point (interfaces:), so its traffic is unknown`,
    );
  return negate ? all.minus(set) : set.intersect(all);
}

function loopback(ctx: MatchContext): PacketSet {
  const { space, context } = ctx;
  if (context.role !== "host") return space.none();
  // Each host talks to itself on lo: its own addresses and the loopback ones, at both ends.
  const pairs = [{ addresses: [] as readonly Prefix[] }, ...context.hosts].map((h) => {
    const local = [...LOOPBACK, ...h.addresses];
    return prefixMatch(space, "src", local).intersect(prefixMatch(space, "dst", local));
  });
  return space.unionAll(pairs);
}
