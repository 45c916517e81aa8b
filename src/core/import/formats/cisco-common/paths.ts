// Where interface-bound filters apply: a packet enters by the interface of its source's zone and leaves by
// that of its destination's zone (the point's interface map), and the filters on that path decide.

import type { PacketSet, PacketSpace } from "../../../space/packet-set.js";
import type { ImportContext } from "../../model.js";

/**
 * Whether two interface names mean the same interface: case-insensitive, and an IOS abbreviation names the
 * interface it abbreviates ("Gi0/1/0" and "GigabitEthernet0/1/0", "Tu100" and "Tunnel100").
 */
export function sameInterface(a: string, b: string): boolean {
  const split = (s: string) => {
    const m = /^([a-z-]*)(.*)$/i.exec(s.trim())!;
    return { kind: m[1]!.toLowerCase(), rest: m[2]!.toLowerCase() };
  };
  const x = split(a);
  const y = split(b);
  if (x.rest !== y.rest) return false;
  if (x.kind === y.kind) return true;
  return (
    x.rest !== "" &&
    x.kind !== "" &&
    y.kind !== "" &&
    (x.kind.startsWith(y.kind) || y.kind.startsWith(x.kind))
  );
}

/** One interface of the point's map with the packets that enter (src) and leave (dst) by it. */
export interface MappedInterface {
  readonly name: string;
  readonly src: PacketSet;
  readonly dst: PacketSet;
}

/** The distinct interfaces of the context's map, in map order, with their zones' packets. */
export function mappedInterfaces(context: ImportContext): MappedInterface[] {
  const out: { name: string; src: PacketSet; dst: PacketSet }[] = [];
  for (const [zone, name] of Object.entries(context.interfaces)) {
    const src = context.zoneSpace(zone, "src");
    const dst = context.zoneSpace(zone, "dst");
    const known = out.find((m) => sameInterface(m.name, name));
    if (known) {
      known.src = known.src.union(src);
      known.dst = known.dst.union(dst);
    } else out.push({ name, src, dst });
  }
  return out;
}

/**
 * What passes: for each pair of interfaces (in, out), the packets from the zones behind `in` to the zones
 * behind `out` that `decide(in, out)` lets through; every other packet (a zone without an interface, an
 * address in no zone) as `fallback` decides.
 */
export function pathAccepted(
  space: PacketSpace,
  interfaces: readonly MappedInterface[],
  decide: (inbound: string, outbound: string) => PacketSet,
  fallback: PacketSet,
): PacketSet {
  const parts: PacketSet[] = [];
  for (const x of interfaces)
    for (const y of interfaces) {
      const path = x.src.intersect(y.dst);
      if (!path.isEmpty()) parts.push(path.intersect(decide(x.name, y.name)));
    }
  const mapped = space
    .unionAll(interfaces.map((i) => i.src))
    .intersect(space.unionAll(interfaces.map((i) => i.dst)));
  return space.unionAll([...parts, fallback.minus(mapped)]);
}
