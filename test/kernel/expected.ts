// What a point's firewall must do with one packet, by the reference evaluator (not by the packet sets the
// compiler and its proof work with): forward it when both ends lie in zones of the point and the policy
// allows it, drop it otherwise.

import type { ResolvedPoint } from "../../src/core/policy/resolve.js";
import { evaluatePacket, zoneOf } from "../../src/core/policy/evaluate.js";
import { ServiceResolver } from "../../src/core/policy/services.js";
import type { Policy } from "../../src/core/policy/types.js";
import type { Packet } from "../../src/core/space/packet.js";

export type Verdict = "forward" | "drop";

export function expectedVerdicts(
  policy: Policy,
  point: ResolvedPoint,
  today: string,
  packets: readonly Packet[],
): Verdict[] {
  const services = new ServiceResolver(policy.services);
  const zones = new Set(point.zones);
  const inZones = (p: Packet, value: bigint) => {
    const zone = zoneOf(policy, { family: p.family, value });
    return zone !== undefined && zones.has(zone);
  };
  return packets.map((p) => {
    // Traffic inside one zone is included: the compiled configuration implements it too (scope.ts).
    if (!inZones(p, p.src) || !inZones(p, p.dst)) return "drop";
    return evaluatePacket(policy, p, { today, services }).verdict === "allow" ? "forward" : "drop";
  });
}
