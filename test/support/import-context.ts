// Importer test helpers: a context whose zones are literal prefixes, and packets written as text.

import { parseAddress } from "../../src/core/net/address.js";
import { parsePrefix } from "../../src/core/net/prefix.js";
import { prefixMatch } from "../../src/core/import/match.js";
import type { ImportContext, ImportHost } from "../../src/core/import/model.js";
import { makePacket, type Packet } from "../../src/core/space/packet.js";
import type { PacketSpace } from "../../src/core/space/packet-set.js";

/** A context in `space` whose zones are the given prefixes, mapped to interfaces. */
export function zoneContext(
  space: PacketSpace,
  zones: Record<string, string[]> = {},
  interfaces: Record<string, string> = {},
  host?: { role: "host"; hosts: readonly ImportHost[] },
): ImportContext {
  return {
    space,
    role: host?.role ?? "network",
    hosts: host?.hosts ?? [],
    interfaces,
    zoneSpace: (zone, dir) => prefixMatch(space, dir, (zones[zone] ?? []).map(parsePrefix)),
  };
}

/** A packet from text addresses: ports for TCP/UDP/SCTP, type and code for ICMP. */
export function textPacket(
  src: string,
  dst: string,
  proto: number,
  dport = 0,
  sport = 40000,
  icmpType = 0,
  icmpCode = 0,
): Packet {
  return makePacket({
    src: parseAddress(src),
    dst: parseAddress(dst),
    proto,
    dport,
    sport,
    icmpType,
    icmpCode,
  });
}
