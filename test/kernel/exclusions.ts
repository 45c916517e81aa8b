// Packets the kernel differential test does not send, each with the reason: the kernel (or any router) never
// forwards them whatever the firewall says, or the firewall's protocol match means something else for them.

import type { Address } from "../../src/core/net/address.js";
import { parsePrefix, prefixContains } from "../../src/core/net/prefix.js";
import type { Packet } from "../../src/core/space/packet.js";

export interface Exclusion {
  readonly what: string;
  readonly why: string;
  readonly matches: (p: Packet) => boolean;
}

function addresses(cidrs: readonly string[], why: string): Exclusion {
  const prefixes = cidrs.map(parsePrefix);
  const inAny = (a: Address) => prefixes.some((p) => prefixContains(p, a));
  return {
    what: `source or destination in ${cidrs.join(", ")}`,
    why,
    matches: (p) => inAny({ family: p.family, value: p.src }) || inAny({ family: p.family, value: p.dst }),
  };
}

function ipv6Protocols(protocols: readonly number[], why: string): Exclusion {
  return {
    what: `IPv6 next header ${protocols.join(", ")}`,
    why,
    matches: (p) => p.family === 6 && protocols.includes(p.proto),
  };
}

/** The ICMP types conntrack accepts as the first packet of a connection, by protocol and family. */
const ICMP_REQUESTS: Record<number, Record<4 | 6, readonly number[]>> = {
  1: { 4: [8, 13, 15, 17], 6: [] },
  58: { 4: [], 6: [128, 139] },
};

export const EXCLUSIONS: readonly Exclusion[] = [
  addresses(
    ["0.0.0.0/8", "127.0.0.0/8", "224.0.0.0/4", "240.0.0.0/4", "::/128", "::1/128", "ff00::/8"],
    "unspecified, loopback, multicast, broadcast and reserved addresses: the kernel drops them as martians " +
      "before routing (never forwarded, whatever the firewall says)",
  ),
  addresses(
    ["::ffff:0:0/96"],
    "IPv4-mapped IPv6 addresses: the IPv6 input path drops them (RFC 4291 2.5.5.2, never on the wire)",
  ),
  addresses(
    ["169.254.0.0/16", "fe80::/10"],
    "link-local: never forwarded by a router (IPv6) and used by the test's own veth links (IPv4 and IPv6)",
  ),
  // Found by experiment (kernel 6.x): hop-by-hop (0) is never forwarded with a test payload for options;
  // conntrack finds no protocol behind a fragment header (44) or "no next header" (59) and calls the packet
  // invalid; behind routing (43), authentication (51) and destination options (60) nftables' `meta l4proto`
  // and ip6tables' `-p` see whatever protocol the header names, not the header. The other numbers IANA lists
  // as extension headers (135 mobility, 139 HIP, 140 shim6, 253 and 254 experiments) are upper-layer protocols
  // to the kernel: conntrack tracks them as new and `meta l4proto` matches them, so they are sent.
  ipv6Protocols(
    [0, 43, 44, 51, 59, 60],
    "extension headers the kernel parses (hop-by-hop, routing, fragment, authentication, no next header, " +
      "destination options): the protocol the firewall matches is not the header's own number",
  ),
  {
    what: "ICMP other than requests (IPv4 types 8, 13, 15, 17; ICMPv6 types 128, 139 are sent)",
    why:
      "a new connection of ICMP is a request (docs/compile.md); conntrack starts no connection with an error, " +
      "a reply or an unknown type (nor with ICMP in IPv6 or ICMPv6 in IPv4, which it tracks by protocol number " +
      "alone) and calls it invalid, or untracked for neighbour discovery and MLD, and stateful rulesets drop " +
      "invalid packets",
    matches: (p) => p.proto in ICMP_REQUESTS && !ICMP_REQUESTS[p.proto]![p.family].includes(p.icmpType),
  },
];

/** The first exclusion that applies to the packet, or undefined when the test may send it. */
export function exclusionOf(p: Packet): Exclusion | undefined {
  return EXCLUSIONS.find((e) => e.matches(p));
}
