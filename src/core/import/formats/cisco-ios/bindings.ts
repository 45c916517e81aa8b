// Which IOS ACL filters which packet: by the interfaces the point's zones map to, or, without that, the one
// ACL of each family (see docs/targets/cisco-ios.md, "Reading configurations").

import type { Family } from "../../../net/address.js";
import type { PacketSet, PacketSpace } from "../../../space/packet-set.js";
import type { ImportContext } from "../../model.js";
import { mappedInterfaces, pathAccepted, sameInterface } from "../cisco-common/paths.js";
import type { Problems } from "../cisco-common/tokens.js";
import type { EvaluatedAcl } from "./importer.js";
import { aclKey, type IosBinding, type IosConfig } from "./read.js";

const FAMILIES: readonly Family[] = [4, 6];

/** Every new connection the configuration lets through (see the module comment). */
export function iosAccepted(
  config: IosConfig,
  lists: ReadonlyMap<string, EvaluatedAcl>,
  context: ImportContext,
  problems: Problems,
): PacketSet {
  const space = context.space;
  const reported = new Set<IosBinding>();
  const bound = (b: IosBinding): PacketSet => {
    const list = lists.get(aclKey(b.family, b.acl));
    if (list) return list.accepted;
    if (!reported.has(b)) {
      reported.add(b);
      problems.add(
        "config-ignored",
        b.line,
        2,
        `ACL "${b.acl}" is not defined: the device lets every packet through`,
      );
    }
    return space.family(b.family);
  };
  const mapped = mappedInterfaces(context);
  const usePaths = config.bindings.some((b) => mapped.some((m) => sameInterface(m.name, b.iface)));
  const fallback = space.unionAll(
    FAMILIES.map((f) => fallbackFilter(config, lists, f, bound, usePaths, problems, space)),
  );
  if (!usePaths) return fallback;
  const filter = (iface: string, family: Family, dir: "in" | "out"): PacketSet => {
    const matching = config.bindings.filter(
      (b) => b.family === family && b.dir === dir && sameInterface(b.iface, iface),
    );
    // A later access-group on the same interface, family and direction replaces an earlier one.
    const last = matching[matching.length - 1];
    return last ? bound(last) : space.family(family);
  };
  const decide = (inbound: string, outbound: string) =>
    space.unionAll(FAMILIES.map((f) => filter(inbound, f, "in").intersect(filter(outbound, f, "out"))));
  return pathAccepted(space, mapped, decide, fallback);
}

interface Candidate {
  readonly name: string;
  readonly set: () => PacketSet;
  readonly line: IosBinding["line"];
}

/**
 * The filter of one family where no interface says which ACL applies: the single ACL bound (or, with no
 * binding at all in the configuration, the single ACL defined); several are read as their union, reported;
 * none lets the family through.
 */
function fallbackFilter(
  config: IosConfig,
  lists: ReadonlyMap<string, EvaluatedAcl>,
  family: Family,
  bound: (b: IosBinding) => PacketSet,
  quiet: boolean,
  problems: Problems,
  space: PacketSpace,
): PacketSet {
  const candidates: Candidate[] = [];
  if (config.bindings.length > 0) {
    for (const b of config.bindings)
      if (b.family === family && !candidates.some((c) => c.name === b.acl))
        candidates.push({ name: b.acl, set: () => bound(b), line: b.line });
  } else {
    for (const l of lists.values())
      if (l.acl.family === family)
        candidates.push({ name: l.acl.name, set: () => l.accepted, line: l.acl.head });
  }
  if (candidates.length === 0) return space.family(family);
  if (candidates.length > 1 && !quiet) {
    const names = candidates.map((c) => `"${c.name}"`).join(", ");
    problems.add(
      "config-unsupported",
      candidates[1]!.line,
      0,
      `Several IPv${family} ACLs (${names}) and no interface map says where each applies: read as letting through what any of them lets through`,
    );
  }
  return space.unionAll(candidates.map((c) => c.set()));
}
