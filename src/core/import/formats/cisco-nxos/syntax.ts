// What sets NX-OS ACL configuration apart from IOS: every `ip access-list NAME` is one list (no standard or
// extended kinds, no numbered lists), port ACLs on layer-2 interfaces, and no implicit ICMPv6 permits.

import type { CiscoSyntax } from "../cisco-ios/read.js";

/** `ip access-list` heads that set options for every ACL instead of defining one. */
const SETTINGS = new Set(["match-local-traffic"]);

export const NXOS_SYNTAX: CiscoSyntax = {
  namedAcl(lower) {
    // "ip access-list standard" defines an ACL named "standard" on NX-OS.
    const first = lower[0];
    if (first === undefined) return "no-name";
    return SETTINGS.has(first) ? "ignored" : { nameAt: 0, standard: false };
  },
  numbered: false,
  unsupported: [
    ["mac", "access-list"],
    ["arp", "access-list"],
    ["vlan", "access-map"],
    ["vlan", "filter"],
    ["ip", "nat"],
    ["control-plane"],
    ["policy-map", "type", "control-plane"],
    ["class-map", "type", "control-plane"],
    ["hardware", "access-list"],
  ],
  bind4: [
    ["ip", "access-group"],
    ["ip", "port", "access-group"],
  ],
  bind6: [
    ["ipv6", "traffic-filter"],
    ["ipv6", "port", "traffic-filter"],
  ],
  interfaceUnsupported: [
    ["mac", "port", "access-group"],
    ["service-policy"],
    ["ip", "nat"],
    ["ip", "verify"],
  ],
  // Every NX-OS IP ACL includes the implicit deny, an empty one too.
  emptyAclPermits: false,
  // NX-OS 9.x: IPv6 ACLs end in a plain deny; neighbor and router discovery must be permitted explicitly
  // (Nexus 9000 security configuration guide, "Implicit Rules for IP and MAC ACLs").
  implicitIcmp6: [],
};
