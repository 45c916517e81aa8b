// Capirca 2.0.6's own tables, copied so that the translation writes only what aclgen accepts.

import type { Family } from "../src/core/net/address.js";

// Capirca's protocol names (aclgenerator.PROTO_MAP) and ICMP names and codes (policy.Term.ICMP_TYPE/CODE).
// prettier-ignore
export const CAPIRCA_PROTOCOLS: Readonly<Record<number, string>> = {
  0: "hopopt", 1: "icmp", 2: "igmp", 3: "ggp", 4: "ipip", 6: "tcp", 8: "egp", 9: "igp", 17: "udp", 27: "rdp",
  41: "ipv6", 43: "ipv6-route", 44: "fragment", 46: "rsvp", 47: "gre", 50: "esp", 51: "ah", 58: "icmpv6",
  59: "ipv6-nonxt", 60: "ipv6-opts", 89: "ospf", 103: "pim", 112: "vrrp", 115: "l2tp", 132: "sctp",
  136: "udplite",
};
// prettier-ignore
export const ICMP_NAMES: Readonly<Record<Family, Readonly<Record<number, string>>>> = {
  4: {
    0: "echo-reply", 3: "unreachable", 4: "source-quench", 5: "redirect", 6: "alternate-address",
    8: "echo-request", 9: "router-advertisement", 10: "router-solicitation", 11: "time-exceeded",
    12: "parameter-problem", 13: "timestamp-request", 14: "timestamp-reply", 15: "information-request",
    16: "information-reply", 17: "mask-request", 18: "mask-reply", 31: "conversion-error", 32: "mobile-redirect",
  },
  6: {
    1: "destination-unreachable", 2: "packet-too-big", 3: "time-exceeded", 4: "parameter-problem",
    128: "echo-request", 129: "echo-reply", 130: "multicast-listener-query", 131: "multicast-listener-report",
    132: "multicast-listener-done", 133: "router-solicit", 134: "router-advertisement", 135: "neighbor-solicit",
    136: "neighbor-advertisement", 137: "redirect-message", 138: "router-renumbering",
    139: "icmp-node-information-query", 140: "icmp-node-information-response",
    141: "inverse-neighbor-discovery-solicitation", 142: "inverse-neighbor-discovery-advertisement",
    143: "version-2-multicast-listener-report", 144: "home-agent-address-discovery-request",
    145: "home-agent-address-discovery-reply", 146: "mobile-prefix-solicitation",
    147: "mobile-prefix-advertisement", 148: "certification-path-solicitation",
    149: "certification-path-advertisement", 151: "multicast-router-advertisement",
    152: "multicast-router-solicitation", 153: "multicast-router-termination",
  },
};
const range = (lo: number, hi: number) => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
export const ICMP_CODES: Readonly<Record<string, readonly number[]>> = {
  unreachable: range(0, 15),
  redirect: range(0, 3),
  "router-advertisement": [0, 16],
  "time-exceeded": [0, 1],
  "destination-unreachable": range(0, 7),
  // Capirca's table lists parameter-problem twice; the second (0-3) wins in Python.
  "parameter-problem": range(0, 3),
  "router-renumbering": [0, 1, 255],
  "icmp-node-information-query": [0, 1, 2],
  "icmp-node-information-response": [0, 1, 2],
};
