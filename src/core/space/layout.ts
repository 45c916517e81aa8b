// Where each header field lives among the BDD variables, and the invariants that keep sets canonical.
//
// Order: protocol, destination port, ICMP type, ICMP code, family, destination address, source address,
// source port. Fields a packet does not carry are never tested on its paths: ports only under TCP, UDP and
// SCTP; ICMP type and code only under ICMP and ICMPv6; the low 96 bits of each address only under IPv6 (an
// IPv4 address uses the first 32 address variables). Every constructor keeps to this, and the boolean
// operations preserve it, so equal packet sets are the same node and counting can skip those variables.

import type { Family } from "../net/address.js";

export interface FieldLayout {
  readonly first: number;
  readonly width: number;
}

export const PROTO_FIELD: FieldLayout = { first: 0, width: 8 };
export const DPORT_FIELD: FieldLayout = { first: 8, width: 16 };
export const ICMP_TYPE_FIELD: FieldLayout = { first: 24, width: 8 };
export const ICMP_CODE_FIELD: FieldLayout = { first: 32, width: 8 };
/** One variable: 0 for IPv4, 1 for IPv6. */
export const FAMILY_VAR = 40;
export const DST_FIELD: FieldLayout = { first: 41, width: 128 };
export const SRC_FIELD: FieldLayout = { first: 169, width: 128 };
export const SPORT_FIELD: FieldLayout = { first: 297, width: 16 };
export const VAR_COUNT = 313;

export function addressWidth(family: Family): number {
  return family === 4 ? 32 : 128;
}

export function familyBit(family: Family): 0 | 1 {
  return family === 4 ? 0 : 1;
}
