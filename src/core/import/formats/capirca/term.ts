// One term as the packet set it matches in its filter, the way aclgen renders it for iptables and nftables:
// addresses minus excludes, the term's protocols, ports collected over those protocols (Capirca's
// TranslatePorts), ICMP types looked up in the family of each ICMP protocol.

import type { Family } from "../../../net/address.js";
import { icmpMatch, prefixMatch, type Range } from "../../match.js";
import type { ImportedRule } from "../../model.js";
import type { Direction, PacketSet, PacketSpace } from "../../../space/packet-set.js";
import type { Definitions } from "./definitions.js";
import type { Filter } from "./header.js";
import { MODELLED, NO_FILTERING_EFFECT, UNSUPPORTED } from "./keywords.js";
import type { Block } from "./parse-policy.js";
import type { Loc, Report } from "./report.js";
import { CAPIRCA_PROTOCOLS, ICMP_TYPES, PROTOCOLS_WITH_PORTS } from "./tables.js";

export interface TermEnv {
  readonly space: PacketSpace;
  readonly defs: Definitions;
  readonly report: Report;
  /** The line as written, for the rule's source. */
  readonly lineText: (loc: Loc) => string;
  /** Packet sets of network names already built, by direction, families and name. */
  readonly cache: Map<string, PacketSet>;
}

/** The values of every field with the key (Capirca lets a keyword repeat: the values add up). */
function values(block: Block, key: string): { text: string; loc: Loc }[] {
  return block.fields
    .filter((f) => f.key === key)
    .flatMap((f) => f.values.map((v) => ({ text: v.text, loc: v.loc })));
}

function has(block: Block, key: string): boolean {
  return block.fields.some((f) => f.key === key);
}

const ACTIONS: Record<string, ImportedRule["action"]> = {
  accept: "accept",
  deny: "drop",
  reject: "drop",
  "reject-with-tcp-rst": "drop",
  next: "other",
};

function readAction(block: Block, report: Report): ImportedRule["action"] {
  const all = values(block, "action");
  // A verbatim or filter-term term decides nothing by itself (each reported as unsupported).
  if (all.length === 0 && (has(block, "verbatim") || has(block, "filter-term"))) return "other";
  if (all.length === 0) {
    report("config-syntax", "error", `Term "${block.name}" has no action: it decides nothing`, block.loc);
    return "other";
  }
  if (all.length > 1)
    report(
      "config-unsupported",
      "warning",
      `Term "${block.name}" has several actions; the first is used`,
      all[1]!.loc,
    );
  const action = ACTIONS[all[0]!.text];
  if (action === undefined) {
    report("config-syntax", "error", `Unknown action "${all[0]!.text}" in term "${block.name}"`, all[0]!.loc);
    return "other";
  }
  return action;
}

/** The packets whose address in `dir` is in the named networks of the families (memoized per name). */
function addresses(
  env: TermEnv,
  block: Block,
  key: string,
  dir: Direction,
  families: readonly Family[],
): PacketSet {
  const { space } = env;
  const nodes: number[] = [];
  for (const v of values(block, key)) {
    const memo = `${dir}|${families.join(",")}|${v.text}`;
    let set = env.cache.get(memo);
    if (set === undefined) {
      const prefixes = env.defs.network(v.text);
      if (prefixes === undefined) {
        env.report("config-syntax", "error", `Undefined network "${v.text}" in term "${block.name}"`, v.loc);
        continue;
      }
      set = prefixMatch(
        space,
        dir,
        prefixes.filter((p) => families.includes(p.family)),
      );
      env.cache.set(memo, set);
    }
    nodes.push(space.own(set));
  }
  return space.wrap(space.orAll(nodes));
}

/** Addresses in one direction: the named networks (every address when none is named) minus the excludes. */
function addressSet(
  env: TermEnv,
  block: Block,
  dir: Direction,
  key: string,
  exclude: string,
  fam: readonly Family[],
) {
  const { space } = env;
  const include = has(block, key) ? addresses(env, block, key, dir, fam) : space.all();
  if (!has(block, exclude)) return include;
  return include.minus(addresses(env, block, exclude, dir, fam));
}

function readProtocols(env: TermEnv, block: Block): { names: string[]; numbers: number[] } | undefined {
  const names: string[] = [];
  const numbers: number[] = [];
  const list = values(block, "protocol");
  const except = values(block, "protocol-except");
  if (list.length === 0 && except.length === 0) return undefined;
  const parse = (v: { text: string; loc: Loc }): number | undefined => {
    const t = v.text.toLowerCase();
    const n = /^[0-9]{1,3}$/.test(t) && Number(t) <= 255 ? Number(t) : CAPIRCA_PROTOCOLS.get(t);
    if (n === undefined)
      env.report("config-syntax", "error", `Unknown protocol "${v.text}" in term "${block.name}"`, v.loc);
    return n;
  };
  for (const v of list) {
    const n = parse(v);
    if (n === undefined) continue;
    names.push(v.text.toLowerCase());
    numbers.push(n);
  }
  if (except.length > 0) {
    const excluded = new Set(except.map(parse));
    const base = list.length > 0 ? numbers.splice(0) : Array.from({ length: 256 }, (_, i) => i);
    for (const n of base) if (!excluded.has(n)) numbers.push(n);
    names.splice(0);
    for (const [name, n] of CAPIRCA_PROTOCOLS) if (numbers.includes(n)) names.push(name);
  }
  return { names, numbers };
}

/** Capirca's TranslatePorts: the ports of every named service for every protocol of the term. */
function translatePorts(
  env: TermEnv,
  block: Block,
  key: string,
  protocols: readonly string[],
): Range[] | undefined {
  const named = values(block, key);
  if (named.length === 0) return undefined;
  const out: Range[] = [];
  for (const v of named) {
    const svc = env.defs.service(v.text);
    if (svc === undefined) {
      env.report("config-syntax", "error", `Undefined service "${v.text}" in term "${block.name}"`, v.loc);
      continue;
    }
    for (const proto of protocols) for (const s of svc) if (s.protocol === proto) out.push(s.ports);
  }
  if (out.length === 0)
    env.report(
      "config-syntax",
      "error",
      `Term "${block.name}" has no ${key.replace("-port", "")} ports of its protocols (${protocols.join(", ") || "none"}): aclgen refuses it; read as matching nothing`,
      named[0]!.loc,
    );
  return out;
}

function icmpTypes(block: Block, family: Family): Range[] | undefined {
  const named = values(block, "icmp-type");
  if (named.length === 0) return undefined;
  const out: Range[] = [];
  for (const v of named) {
    const t = ICMP_TYPES[family].get(v.text);
    if (t !== undefined) out.push({ lo: t, hi: t });
  }
  return out;
}

function icmpCodes(env: TermEnv, block: Block): Range[] | undefined {
  const named = values(block, "icmp-code");
  if (named.length === 0) return undefined;
  const out: Range[] = [];
  for (const v of named) {
    if (/^[0-9]{1,3}$/.test(v.text) && Number(v.text) <= 255)
      out.push({ lo: Number(v.text), hi: Number(v.text) });
    else env.report("config-syntax", "error", `Invalid icmp-code "${v.text}"`, v.loc);
  }
  return out;
}

/** The service part: protocols (each ICMP in its own family) with their ports or ICMP types. */
function serviceSet(env: TermEnv, block: Block, families: readonly Family[]): PacketSet {
  const { space } = env;
  const protocols = readProtocols(env, block);
  const hasPorts = has(block, "source-port") || has(block, "destination-port");
  if (protocols === undefined) {
    if (hasPorts || has(block, "icmp-type"))
      env.report(
        "config-syntax",
        "error",
        `Term "${block.name}" has ports or ICMP types but no protocol: read as matching nothing`,
        block.loc,
      );
    return hasPorts ? space.none() : space.all();
  }
  const dports = translatePorts(env, block, "destination-port", protocols.names);
  const sports = translatePorts(env, block, "source-port", protocols.names);
  if (hasPorts && protocols.names.some((p) => !PROTOCOLS_WITH_PORTS.has(p)))
    env.report(
      "config-syntax",
      "error",
      `Term "${block.name}" gives ports with protocols that have none: those protocols match nothing`,
      block.loc,
    );
  checkIcmpTypes(env, block, protocols.numbers);
  const codes = icmpCodes(env, block);
  const parts: PacketSet[] = [];
  for (const proto of protocols.numbers) {
    if (proto === 1 || proto === 58) {
      const family: Family = proto === 1 ? 4 : 6;
      if (families.includes(family))
        parts.push(icmpMatch(space, proto, icmpTypes(block, family), codes).intersect(space.family(family)));
      continue;
    }
    let set = space.protocol(proto);
    if (dports) set = set.intersect(portSet(space, proto, "dst", dports));
    if (sports) set = set.intersect(portSet(space, proto, "src", sports));
    parts.push(set);
  }
  return space.unionAll(parts);
}

function portSet(space: PacketSpace, proto: number, dir: Direction, ranges: readonly Range[]): PacketSet {
  if (proto !== 6 && proto !== 17 && proto !== 132) return space.none();
  return space.wrap(space.orAll(ranges.map((r) => space.portsNode(proto, dir, r.lo, r.hi))));
}

function checkIcmpTypes(env: TermEnv, block: Block, protocols: readonly number[]): void {
  const named = values(block, "icmp-type");
  if (named.length === 0) return;
  const icmp = protocols.filter((p) => p === 1 || p === 58);
  if (icmp.length === 0)
    env.report(
      "config-syntax",
      "error",
      `Term "${block.name}" has icmp-type without protocol icmp or icmpv6: ignored`,
      named[0]!.loc,
    );
  for (const v of named)
    if (!icmp.some((p) => ICMP_TYPES[p === 1 ? 4 : 6].has(v.text)))
      env.report(
        "config-syntax",
        "error",
        `Unknown ICMP type "${v.text}" for ${icmp.map((p) => (p === 1 ? "icmp" : "icmpv6")).join(" and ") || "this term"}`,
        v.loc,
      );
}

function checkKeywords(env: TermEnv, block: Block): void {
  for (const f of block.fields) {
    if (MODELLED.has(f.key)) continue;
    if (NO_FILTERING_EFFECT.has(f.key))
      env.report(
        "config-ignored",
        "info",
        `"${f.key}" has no effect on what term "${block.name}" matches`,
        f.loc,
      );
    else if (UNSUPPORTED.has(f.key))
      env.report(
        "config-unsupported",
        "warning",
        `"${f.key}" is not modelled: term "${block.name}" is read without it`,
        f.loc,
      );
    else env.report("config-syntax", "error", `Unknown keyword "${f.key}" in term "${block.name}"`, f.loc);
  }
}

/** Options: established and tcp-established terms match no new connection (aclgen's stateful targets skip them). */
function optionsMatchNothing(env: TermEnv, block: Block): boolean {
  let nothing = false;
  for (const v of values(block, "option")) {
    if (v.text === "established" || v.text === "tcp-established") {
      env.report(
        "config-ignored",
        "info",
        `Option "${v.text}": term "${block.name}" matches no new connection`,
        v.loc,
      );
      nothing = true;
    } else if (!["tcp-initial", "initial", "counter", "sample", "rst", "first-fragment"].includes(v.text))
      env.report(
        "config-unsupported",
        "warning",
        `Option "${v.text}" is not modelled in term "${block.name}"`,
        v.loc,
      );
  }
  return nothing;
}

/** Targets whose generator leaves a term out of a family when it names the other family's ICMP. */
const SKIPS_OTHER_ICMP = new Set(["iptables", "speedway"]);

/**
 * The term's families: the filter's, narrowed by restrict-address-family; for iptables and speedway, without
 * IPv4 when the term names icmpv6 and without IPv6 when it names icmp (aclgen's iptables skips such a term).
 */
function termFamilies(env: TermEnv, block: Block, filter: Filter): Family[] {
  const restrict = values(block, "restrict-address-family")[0]?.text;
  let out = [...filter.families];
  if (restrict === "inet") out = out.filter((f) => f === 4);
  if (restrict === "inet6") out = out.filter((f) => f === 6);
  if (SKIPS_OTHER_ICMP.has(filter.target)) {
    const protocols = values(block, "protocol").map((v) => v.text.toLowerCase());
    const skip = (f: Family, other: string) => {
      if (!out.includes(f) || !protocols.includes(other)) return;
      out = out.filter((x) => x !== f);
      env.report(
        "config-ignored",
        "info",
        `Term "${block.name}" names ${other}: ${filter.target} leaves it out of IPv${f}`,
        block.loc,
      );
    };
    skip(4, "icmpv6");
    skip(6, "icmp");
  }
  return out;
}

/** Whether aclgen renders the term for the filter's target (platform, platform-exclude). */
export function termApplies(block: Block, filter: Filter): boolean {
  const only = values(block, "platform").map((v) => v.text.toLowerCase());
  const not = values(block, "platform-exclude").map((v) => v.text.toLowerCase());
  return (only.length === 0 || only.includes(filter.target)) && !not.includes(filter.target);
}

export function termRule(env: TermEnv, block: Block, filter: Filter): ImportedRule {
  const { space } = env;
  checkKeywords(env, block);
  const action = readAction(block, env.report);
  const families = termFamilies(env, block, filter);
  let match = space.unionAll(families.map((f) => space.family(f)));
  match = match.intersect(addressSet(env, block, "src", "source-address", "source-exclude", families));
  match = match.intersect(
    addressSet(env, block, "dst", "destination-address", "destination-exclude", families),
  );
  if (has(block, "address")) {
    const either = (["src", "dst"] as const).map((d) =>
      addressSet(env, block, d, "address", "address-exclude", families),
    );
    match = match.intersect(either[0]!.union(either[1]!));
  }
  match = match.intersect(serviceSet(env, block, families));
  // A verbatim term is device text Rampart does not read: it matches nothing here (reported as unsupported).
  const verbatim = has(block, "verbatim") && !has(block, "action");
  if (optionsMatchNothing(env, block) || verbatim) match = space.none();
  const comment = values(block, "comment")
    .map((v) => v.text.replace(/\s+/g, " ").trim())
    .join(" ");
  const expiration = values(block, "expiration")[0];
  if (expiration && !/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(expiration.text))
    env.report(
      "config-syntax",
      "error",
      `Invalid expiration "${expiration.text}": expected YYYY-MM-DD`,
      expiration.loc,
    );
  return {
    action,
    match,
    source: { file: block.loc.file, line: block.loc.line, text: env.lineText(block.loc) },
    list: filter.name,
    label: comment !== "" ? comment : block.name,
    ...(expiration && /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(expiration.text) && { expires: expiration.text }),
  };
}
