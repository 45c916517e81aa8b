// What the firewall filters let through, beside or before the security policies. Filters apply where they
// are bound (`interfaces ... family F filter input|output`): when the point maps zones to bound interfaces, a
// packet must pass the input filter of the interface it enters by and the output filter of the one it leaves
// by. Elsewhere (no map, or a packet of no mapped zone), the applicable filters decide together: the bound ones,
// or, in a configuration with no binding and no security policies (a filter file on its own), every filter;
// several of one family are read as their union, reported.

import type { PacketSet, PacketSpace } from "../../../space/packet-set.js";
import { firstMatch } from "../../match.js";
import type { ImportContext } from "../../model.js";
import { mappedInterfaces, pathAccepted } from "../cisco-common/paths.js";
import type { FilterBinding, JunosConfig, Reporter } from "./config.js";
import type { FilterResult } from "./evaluate-filters.js";

const FAMILIES = [
  ["inet", 4],
  ["inet6", 6],
] as const;

type Family = (typeof FAMILIES)[number][0];

/** An interface unit's name as the point's map may write it: "ge-0/0/0" is unit 0. */
function unitName(name: string): string {
  return name.includes(".") ? name : `${name}.0`;
}

/** What one filter, or one list of filters, lets through (its family only). */
interface Applied {
  readonly names: string;
  readonly set: PacketSet;
  readonly loc: FilterBinding["loc"];
}

export function filtersAccepted(
  cfg: JunosConfig,
  filters: FilterResult,
  rep: Reporter,
  context: ImportContext,
  hasPolicies: boolean,
): PacketSet {
  const space = context.space;
  const applied = new Map<FilterBinding, Applied | undefined>();
  const apply = (b: FilterBinding): Applied | undefined => {
    if (!applied.has(b)) applied.set(b, bindingSet(b, filters, rep, space));
    return applied.get(b);
  };
  const mapped = mappedInterfaces(context);
  const bound = (iface: string) => cfg.filterBindings.some((b) => unitName(b.iface) === unitName(iface));
  if (!mapped.some((m) => bound(m.name)))
    return unplaced(cfg, filters, rep, space, hasPolicies, apply, false);
  const pass = (iface: string, family: Family, direction: FilterBinding["direction"]): PacketSet => {
    // A later binding of the same unit, family and direction replaces an earlier one.
    const last = cfg.filterBindings
      .filter(
        (x) => unitName(x.iface) === unitName(iface) && x.family === family && x.direction === direction,
      )
      .pop();
    return (last && apply(last)?.set) ?? space.family(family === "inet" ? 4 : 6);
  };
  const decide = (inbound: string, outbound: string) =>
    space.unionAll(FAMILIES.map(([f]) => pass(inbound, f, "input").intersect(pass(outbound, f, "output"))));
  // With the map in use, the union for unmapped packets is the documented reading, not worth a warning.
  return pathAccepted(space, mapped, decide, unplaced(cfg, filters, rep, space, hasPolicies, apply, true));
}

/** A binding's filters evaluated as one: their terms in order, then the implicit discard. */
function bindingSet(
  b: FilterBinding,
  filters: FilterResult,
  rep: Reporter,
  space: PacketSpace,
): Applied | undefined {
  const rules = [];
  for (const name of b.filters) {
    const list = filters.rulesByFilter.get(`${b.family}|${name}`);
    if (!list) {
      rep.syntax(`Filter "${name}" (family ${b.family}) is not defined; the binding leaves it out`, b.loc);
      continue;
    }
    rules.push(...list);
  }
  if (rules.length === 0 && b.filters.every((n) => !filters.rulesByFilter.has(`${b.family}|${n}`)))
    return undefined;
  const family = space.family(b.family === "inet6" ? 6 : 4);
  const set = firstMatch(space, rules, "drop").intersect(family);
  return { names: b.filters.map((n) => `"${n}"`).join(" + "), set, loc: b.loc };
}

/** Packets the applicable filters let through; every packet of a family no filter applies to. */
function unplaced(
  cfg: JunosConfig,
  filters: FilterResult,
  rep: Reporter,
  space: PacketSpace,
  hasPolicies: boolean,
  apply: (b: FilterBinding) => Applied | undefined,
  quiet: boolean,
): PacketSet {
  const parts: PacketSet[] = [];
  for (const [family, n] of FAMILIES) {
    const candidates: Applied[] = [];
    if (cfg.filterBindings.length > 0 || hasPolicies) {
      for (const b of cfg.filterBindings.filter((x) => x.family === family)) {
        const a = apply(b);
        if (a && !candidates.some((c) => c.names === a.names)) candidates.push(a);
      }
    } else
      for (const f of cfg.filters.values())
        if (f.family === family)
          candidates.push({
            names: `"${f.name}"`,
            set: filters.accepted.get(`${family}|${f.name}`)!,
            loc: f.loc,
          });
    if (candidates.length === 0) {
      parts.push(space.family(n));
      continue;
    }
    if (candidates.length > 1 && !quiet)
      rep.unsupported(
        `Several ${family} filters (${candidates.map((c) => c.names).join(", ")}) and no interface map says where each applies: read as letting through what any of them lets through`,
        candidates[1]!.loc,
      );
    parts.push(space.unionAll(candidates.map((c) => c.set)));
  }
  return space.unionAll(parts);
}
