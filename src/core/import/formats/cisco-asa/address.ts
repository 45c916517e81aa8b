// ASA address arguments: any, any4, any6, host A, A MASK, X/LEN, and names from `name` commands.

import { type Address, tryParseAddress } from "../../../net/address.js";
import type { Direction, PacketSet, PacketSpace } from "../../../space/packet-set.js";
import { prefixMatch } from "../../match.js";
import { type Cursor, ipv4Value, ipv6Prefix, maskLength } from "../cisco-common/tokens.js";

/** Host names from `name ADDRESS NAME` commands. */
export type AsaNames = ReadonlyMap<string, Address>;

/** An address written as an address or a name. */
export function asaHost(word: string | undefined, names: AsaNames): Address | undefined {
  if (word === undefined) return undefined;
  return names.get(word) ?? (word.includes("/") ? undefined : tryParseAddress(word));
}

/**
 * Reads one address argument; a string says why it is not one. "any" means every IPv4 and IPv6 address
 * (ASA 9), "any4" and "any6" one family.
 */
export function readAsaAddress(
  space: PacketSpace,
  c: Cursor,
  dir: Direction,
  names: AsaNames,
): PacketSet | string {
  const word = c.take();
  if (word === undefined) return "the address is missing";
  const w = word.toLowerCase();
  if (w === "any") return space.all();
  if (w === "any4") return space.family(4);
  if (w === "any6") return space.family(6);
  if (w === "host") {
    const a = asaHost(c.take(), names);
    if (!a) return `"host" needs an address`;
    return prefixMatch(space, dir, [{ family: a.family, value: a.value, length: a.family === 4 ? 32 : 128 }]);
  }
  const v6 = ipv6Prefix(word);
  if (v6) return prefixMatch(space, dir, [v6]);
  const a = asaHost(word, names);
  if (!a || a.family !== 4) return `"${word}" is not an address`;
  const mask = ipv4Value(c.peek());
  const len = mask === undefined ? undefined : maskLength(mask);
  if (len === undefined) return `the address "${word}" needs a netmask`;
  c.take();
  const bits = ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - len)) - 1n);
  return prefixMatch(space, dir, [{ family: 4, value: a.value & bits, length: len }]);
}
