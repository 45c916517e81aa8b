// What an enforcement point is responsible for, as exact packet sets: the traffic it controls and what it
// must let through there (docs/policy-format.md, "Enforcement points"; docs/compile.md, "Proof").

import type { Prefix } from "../net/prefix.js";
import type { Intent } from "../policy/intent.js";
import type { ResolvedPoint } from "../policy/resolve.js";
import type { Asset } from "../policy/types.js";
import type { PacketSet } from "../space/packet-set.js";
import { replySet } from "./replies.js";
import type { TargetCapabilities } from "./target.js";

export interface PointScope {
  readonly point: ResolvedPoint;
  /** Host role: the assets protected (those the target can protect); empty for network role. */
  readonly hosts: readonly Asset[];
  /** Host role: packets from (src) or to (dst) a protected host. */
  readonly hostSrc: PacketSet;
  readonly hostDst: PacketSet;
  /**
   * The traffic the compiled configuration is written for: both ends in the point's zones (traffic inside
   * one zone included, so host rules let it through where the policy allows it); for host role, one end on
   * a protected host.
   */
  readonly renderDomain: PacketSet;
  /** Both ends in the point's zones, before the host role's restriction: `renderDomain` is this where
   *  one end is a protected host, so the part for one host is this and that host (a smaller product). */
  readonly zoneDomain: PacketSet;
  /** The traffic the point controls by definition: between two different zones of the point (host role:
   *  with one end on a protected host). `rampart verify` compares configurations here. */
  readonly proofDomain: PacketSet;
  /** What the policy allows in the render domain. */
  readonly allowed: PacketSet;
  /** What the configuration must let through in the render domain: the allowed connections, plus their
   *  explicit replies on a stateless target. */
  readonly expected: PacketSet;
}

function hostAddresses(hosts: readonly Asset[]): Prefix[] {
  return hosts.flatMap((a) => a.addresses.map((n) => n.prefix));
}

export function pointScope(intent: Intent, point: ResolvedPoint, caps: TargetCapabilities): PointScope {
  const space = intent.space;
  const zones = point.zones;
  const src = space.unionAll(zones.map((z) => intent.zoneSpace(z, "src")));
  const dst = space.unionAll(zones.map((z) => intent.zoneSpace(z, "dst")));
  const zoneDomain = src.intersect(dst);
  let renderDomain = zoneDomain;
  let proofDomain = intent.crossZoneTraffic(zones);
  const isHost = point.point.role === "host";
  const hosts = isHost
    ? point.hosts.filter((a) => caps.hostMetadata === undefined || a[caps.hostMetadata] !== undefined)
    : [];
  const addresses = hostAddresses(hosts).map((prefix) => ({ prefix, except: [] }));
  const hostSrc = intent.addresses(addresses, "src");
  const hostDst = intent.addresses(addresses, "dst");
  if (isHost) {
    const touchesHost = hostSrc.union(hostDst);
    renderDomain = renderDomain.intersect(touchesHost);
    proofDomain = proofDomain.intersect(touchesHost);
  }
  const allowed = intent.allowed.intersect(renderDomain);
  // Replies are per packet, so those of the allowed set are the union of each flow's: far fewer boxes to
  // decompose than the whole set's.
  const expected = caps.stateful
    ? allowed
    : allowed.union(
        space.unionAll(
          intent.flows
            .filter((f) => !f.resolved.expired)
            .map((f) => f.set.intersect(allowed))
            .filter((s) => !s.isEmpty())
            .map(replySet),
        ),
      );
  return { point, hosts, hostSrc, hostDst, renderDomain, zoneDomain, proofDomain, allowed, expected };
}
