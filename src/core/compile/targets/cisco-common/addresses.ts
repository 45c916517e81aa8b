// Address text for Cisco configurations: netmasks, wildcard masks, host addresses.

import { ADDRESS_BITS } from "../../../net/address.js";
import { formatPrefix, type Prefix } from "../../../net/prefix.js";

function dotted(v: bigint): string {
  const n = Number(v);
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** Dotted-quad netmask of an IPv4 prefix length (255.255.255.0 for 24). */
export function ipv4Mask(length: number): string {
  return dotted(((1n << 32n) - 1n) ^ ((1n << BigInt(32 - length)) - 1n));
}

/** Dotted-quad wildcard (inverse) mask of an IPv4 prefix length (0.0.0.255 for 24). */
export function ipv4Wildcard(length: number): string {
  return dotted((1n << BigInt(32 - length)) - 1n);
}

/** The prefix's address without its length. */
export function prefixAddress(p: Prefix): string {
  return formatPrefix({ ...p, length: ADDRESS_BITS[p.family] });
}

export function isHost(p: Prefix): boolean {
  return p.length === ADDRESS_BITS[p.family];
}
