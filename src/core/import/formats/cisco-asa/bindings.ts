// Which ASA access-list decides for which packet: the inbound list of the interface a packet enters (then
// the global list), the outbound list of the one it leaves, security levels where no list applies, and the
// same-security rules (see docs/targets/cisco-asa.md, "Reading configurations").

import type { PacketSet, PacketSpace } from "../../../space/packet-set.js";
import { firstMatch } from "../../match.js";
import type { ImportContext, ImportedRule } from "../../model.js";
import { mappedInterfaces, pathAccepted, sameInterface } from "../cisco-common/paths.js";
import type { Problems } from "../cisco-common/tokens.js";
import type { AsaBinding, AsaConfig } from "./read.js";

/** One access-list read into rules, and what it accepts on its own (first match, implicit deny). */
export interface EvaluatedList {
  readonly rules: readonly ImportedRule[];
  readonly accepted: PacketSet;
}

export function asaAccepted(
  config: AsaConfig,
  lists: ReadonlyMap<string, EvaluatedList>,
  context: ImportContext,
  problems: Problems,
): PacketSet {
  const space = context.space;
  const bindings = config.bindings.filter((b) => {
    if (lists.has(b.acl)) return true;
    problems.add(
      "config-ignored",
      b.line,
      1,
      `Access-list "${b.acl}" is not defined: the access-group does nothing`,
    );
    return false;
  });
  const last = (where: AsaBinding["where"], iface?: string) =>
    bindings
      .filter((b) => b.where === where && (iface === undefined || sameInterface(b.iface!, iface)))
      .pop();
  const global = last("global");
  const inbound = inboundFilter(lists, global, space);
  const mapped = mappedInterfaces(context).map((m) => ({ ...m, name: nameifOf(config, m.name) }));
  const onMapped = bindings.some(
    (b) => b.iface !== undefined && mapped.some((m) => sameInterface(m.name, b.iface!)),
  );
  const usePaths = mapped.length > 0 && (global !== undefined || onMapped);
  const fallback = fallbackFilter(config, bindings, lists, inbound, !usePaths, problems, space);
  if (!usePaths) return fallback;
  const levels = securityLevels(config);
  const unleveled = new Set<string>();
  const decide = (x: string, y: string): PacketSet => {
    const inB = last("in", x);
    let pass: PacketSet;
    if (inB || global) pass = inbound(inB?.acl);
    else pass = byLevels(x, y, levels, space, () => reportUnleveled(config, x, unleveled, problems));
    const outB = last("out", y);
    if (outB) pass = pass.intersect(lists.get(outB.acl)!.accepted);
    return sameSecurityAllows(config, x, y, levels) ? pass : space.none();
  };
  return pathAccepted(space, mapped, decide, fallback);
}

/** An interface's inbound list followed by the global one: what passes where either applies (memoized). */
function inboundFilter(
  lists: ReadonlyMap<string, EvaluatedList>,
  global: AsaBinding | undefined,
  space: PacketSpace,
): (acl: string | undefined) => PacketSet {
  const memo = new Map<string, PacketSet>();
  return (acl) => {
    const key = acl ?? "";
    let set = memo.get(key);
    if (!set) {
      const rules = [...(acl ? lists.get(acl)!.rules : []), ...(global ? lists.get(global.acl)!.rules : [])];
      set = firstMatch(space, rules, "drop");
      memo.set(key, set);
    }
    return set;
  };
}

type Levels = (iface: string) => number | undefined;

function securityLevels(config: AsaConfig): Levels {
  const levels = new Map(
    config.interfaces.filter((i) => i.nameif).map((i) => [i.nameif!.toLowerCase(), i.level]),
  );
  return (iface) => levels.get(iface.toLowerCase());
}

/** The nameif of an interface the point names by its hardware name; other names are nameifs already. */
function nameifOf(config: AsaConfig, name: string): string {
  const hw = config.interfaces.find((i) => i.nameif !== undefined && sameInterface(i.hardware, name));
  return hw?.nameif ?? name;
}

/** Without an access-list, traffic passes from a higher security level to a lower one. */
function byLevels(x: string, y: string, level: Levels, space: PacketSpace, unknown: () => void): PacketSet {
  const lx = level(x);
  const ly = level(y);
  if (lx === undefined || ly === undefined) {
    unknown();
    return space.none();
  }
  return lx > ly ? space.all() : space.none();
}

function reportUnleveled(config: AsaConfig, iface: string, reported: Set<string>, problems: Problems): void {
  if (reported.has(iface)) return;
  reported.add(iface);
  const at = config.interfaces.find((i) => i.nameif && sameInterface(i.nameif, iface))?.line ?? config.first;
  if (at)
    problems.add(
      "config-unsupported",
      at,
      0,
      `Interface "${iface}" has no access-group and Rampart cannot tell the security levels on its paths: traffic entering it is read as refused`,
    );
}

/**
 * By default an ASA refuses traffic that leaves by the interface it came in on, and traffic between two
 * interfaces of the same security level; `same-security-traffic permit intra-interface|inter-interface`
 * lifts each.
 */
function sameSecurityAllows(config: AsaConfig, x: string, y: string, level: Levels): boolean {
  if (sameInterface(x, y)) return config.sameSecurity.intra;
  const lx = level(x);
  return lx === undefined || lx !== level(y) || config.sameSecurity.inter;
}

/**
 * The filter where no interface of the point says which list applies: the single list bound inbound (then
 * the global one), or the global list alone; with no access-group at all, the single extended access-list.
 * Several candidates are read as their union, reported.
 */
function fallbackFilter(
  config: AsaConfig,
  bindings: readonly AsaBinding[],
  lists: ReadonlyMap<string, EvaluatedList>,
  inbound: (acl: string | undefined) => PacketSet,
  report: boolean,
  problems: Problems,
  space: PacketSpace,
): PacketSet {
  const bound = [...new Set(bindings.filter((b) => b.where !== "global").map((b) => b.acl))];
  const hasGlobal = bindings.some((b) => b.where === "global");
  let candidates: { name: string; set: () => PacketSet }[];
  if (bound.length > 0) candidates = bound.map((name) => ({ name, set: () => inbound(name) }));
  else if (hasGlobal) candidates = [{ name: "global", set: () => inbound(undefined) }];
  else candidates = [...lists.entries()].map(([name, l]) => ({ name, set: () => l.accepted }));
  if (candidates.length === 0) return space.all();
  if (candidates.length > 1 && report && config.first) {
    const names = candidates.map((c) => `"${c.name}"`).join(", ");
    problems.add(
      "config-unsupported",
      bindings[0]?.line ?? config.first,
      0,
      `Several access-lists (${names}) and no interface map says where each applies: read as letting through what any of them lets through`,
    );
  }
  return space.unionAll(candidates.map((c) => c.set()));
}
