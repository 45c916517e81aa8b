// CIDR prefixes: parsing (rejecting host bits), containment, formatting, and range-to-prefix cover.

import { ADDRESS_BITS, type Address, type Family, formatAddress, tryParseAddress } from "./address.js";

export interface Prefix {
  readonly family: Family;
  /** Network address; host bits are always zero. */
  readonly value: bigint;
  readonly length: number;
}

export type PrefixParseResult =
  | { ok: true; prefix: Prefix }
  | { ok: false; reason: "syntax" | "length"; message: string }
  | { ok: false; reason: "host-bits"; message: string; network: Prefix };

export function hostMask(family: Family, length: number): bigint {
  return (1n << BigInt(ADDRESS_BITS[family] - length)) - 1n;
}

export function prefixOf(address: Address, length: number): Prefix {
  return { family: address.family, value: address.value & ~hostMask(address.family, length), length };
}

/** Parses "ADDR" (a host prefix) or "ADDR/LEN", explaining what is wrong when it is not a valid network. */
export function checkPrefix(text: string): PrefixParseResult {
  const t = text.trim();
  const slash = t.indexOf("/");
  const addrText = slash < 0 ? t : t.slice(0, slash);
  const address = tryParseAddress(addrText);
  if (!address) return { ok: false, reason: "syntax", message: `"${text}" is not an IP address or CIDR` };
  const max = ADDRESS_BITS[address.family];
  let length = max;
  if (slash >= 0) {
    const lenText = t.slice(slash + 1);
    if (!/^(0|[1-9][0-9]{0,2})$/.test(lenText) || Number(lenText) > max)
      return { ok: false, reason: "length", message: `"${text}" has a prefix length outside 0-${max}` };
    length = Number(lenText);
  }
  const network = prefixOf(address, length);
  if (network.value !== address.value)
    return {
      ok: false,
      reason: "host-bits",
      message: `"${text}" has host bits set; the network is ${formatPrefix(network)}`,
      network,
    };
  return { ok: true, prefix: network };
}

export function tryParsePrefix(text: string): Prefix | undefined {
  const r = checkPrefix(text);
  return r.ok ? r.prefix : undefined;
}

export function parsePrefix(text: string): Prefix {
  const r = checkPrefix(text);
  if (!r.ok) throw new RangeError(`Cannot parse prefix: ${r.message}`);
  return r.prefix;
}

export function formatPrefix(p: Prefix): string {
  const a = formatAddress({ family: p.family, value: p.value });
  return p.length === ADDRESS_BITS[p.family] ? a : `${a}/${p.length}`;
}

export function prefixContains(p: Prefix, a: Address): boolean {
  return p.family === a.family && (a.value & ~hostMask(p.family, p.length)) === p.value;
}

/** True when every address of `inner` is in `outer`. */
export function prefixCovers(outer: Prefix, inner: Prefix): boolean {
  return (
    outer.family === inner.family &&
    outer.length <= inner.length &&
    (inner.value & ~hostMask(outer.family, outer.length)) === outer.value
  );
}

export function prefixEquals(a: Prefix, b: Prefix): boolean {
  return a.family === b.family && a.length === b.length && a.value === b.value;
}

export function lastAddressValue(p: Prefix): bigint {
  return p.value | hostMask(p.family, p.length);
}

/** The smallest list of prefixes whose union is exactly the inclusive range [lo, hi]. */
export function rangeToPrefixes(family: Family, lo: bigint, hi: bigint): Prefix[] {
  const bits = ADDRESS_BITS[family];
  const out: Prefix[] = [];
  let cur = lo;
  while (cur <= hi) {
    let size = 0;
    while (size < bits) {
      const next = size + 1;
      const mask = (1n << BigInt(next)) - 1n;
      if ((cur & mask) !== 0n || cur + mask > hi) break;
      size = next;
    }
    out.push({ family, value: cur, length: bits - size });
    cur += 1n << BigInt(size);
  }
  return out;
}
