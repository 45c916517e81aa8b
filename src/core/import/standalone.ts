// The context for reading a configuration on its own, with no policy to say where it runs.

import type { PointRole } from "../policy/types.js";
import type { PacketSpace } from "../space/packet-set.js";
import type { ImportContext } from "./model.js";

/**
 * A context that knows nothing of the device's place: no hosts, no interface map, and every zone standing for
 * every address. Rule lists read this way are exact list by list (what the analyses need); for a zone-bound
 * format (SRX policies) the configuration's `accepted` set is then the union over zone pairs, not what one
 * zone may send to another.
 */
export function standaloneContext(space: PacketSpace, role: PointRole = "network"): ImportContext {
  return {
    space,
    role,
    hosts: [],
    interfaces: {},
    zoneSpace: () => space.all(),
  };
}
