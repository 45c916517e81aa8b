// Address names of a policy as packet sets: `any`, `any-ipv4`, `any-ipv6`, book entries and nested sets.

import { ADDRESS_BITS, type Family } from "../../../net/address.js";
import type { SourceLocation } from "../../../policy/diagnostics.js";
import type { Direction, PacketSet, PacketSpace } from "../../../space/packet-set.js";
import { DST_FIELD, SRC_FIELD } from "../../../space/layout.js";
import { prefixMatch } from "../../match.js";
import type { AddressBook, AddressItem, JunosConfig, Named, Reporter } from "./config.js";
import { zoneBookName } from "./read-addresses.js";

/** The books a zone's policies can name addresses from: its own, those attached to it, the global one. */
export function booksFor(cfg: JunosConfig, zone: string | undefined): AddressBook[] {
  const out: AddressBook[] = [];
  if (zone !== undefined) {
    const own = cfg.books.get(zoneBookName(zone));
    if (own) out.push(own);
    for (const b of cfg.books.values())
      if (b.name !== "global" && b !== own && b.zones.includes(zone)) out.push(b);
  }
  const global = cfg.books.get("global");
  if (global) out.push(global);
  return out;
}

export class AddressResolver {
  private readonly cache = new Map<string, PacketSet>();

  constructor(
    private readonly space: PacketSpace,
    private readonly rep: Reporter,
  ) {}

  /** The packets whose address (in direction `dir`) is one of the named ones. */
  resolve(names: readonly Named[], books: readonly AddressBook[], dir: Direction, zone: string): PacketSet {
    const space = this.space;
    return space.unionAll(names.map((n) => this.one(n, books, dir, zone)));
  }

  private one(n: Named, books: readonly AddressBook[], dir: Direction, zone: string): PacketSet {
    if (n.name === "any") return this.space.all();
    if (n.name === "any-ipv4") return this.space.family(4);
    if (n.name === "any-ipv6") return this.space.family(6);
    const key = `${books.map((b) => b.name).join("\u0000")}\u0001${n.name}\u0001${dir}`;
    let set = this.cache.get(key);
    if (!set) {
      set = this.lookup(n.name, n.loc, books, dir, zone, new Set());
      this.cache.set(key, set);
    }
    return set;
  }

  private lookup(
    name: string,
    loc: SourceLocation,
    books: readonly AddressBook[],
    dir: Direction,
    zone: string,
    seen: Set<string>,
  ): PacketSet {
    for (const book of books) {
      const address = book.addresses.get(name);
      if (address) return itemSet(this.space, address.item, dir);
      const set = book.sets.get(name);
      if (!set) continue;
      const key = `${book.name}\u0000${name}`;
      if (seen.has(key)) {
        this.rep.syntax(`Address set "${name}" contains itself`, set.loc);
        return this.space.none();
      }
      seen.add(key);
      // Members are looked up in the set's own book first, as Junos does.
      const scope = [book, ...books.filter((b) => b !== book)];
      const members = [...set.members, ...set.sets].map((m) =>
        this.lookup(m.name, m.loc, scope, dir, zone, seen),
      );
      seen.delete(key);
      return this.space.unionAll(members);
    }
    const where = zone === "" ? "the global address book" : `the address books of zone "${zone}"`;
    this.rep.syntax(`Address "${name}" is not defined in ${where}; it matches nothing`, loc);
    return this.space.none();
  }
}

function itemSet(space: PacketSpace, item: AddressItem, dir: Direction): PacketSet {
  switch (item.kind) {
    case "prefix":
      return prefixMatch(space, dir, [item.prefix]);
    case "range":
      return space.addressRange(dir, item.family, item.lo, item.hi);
    case "wildcard":
      return wildcardMatch(space, dir, item.family, item.value, item.mask);
    case "none":
      return space.none();
  }
}

/** Addresses equal to `value` on every bit set in `mask` (Junos wildcard addresses). */
export function wildcardMatch(
  space: PacketSpace,
  dir: Direction,
  family: Family,
  value: bigint,
  mask: bigint,
): PacketSet {
  const bdd = space.bdd;
  const field = dir === "src" ? SRC_FIELD : DST_FIELD;
  const bits = ADDRESS_BITS[family];
  let node = space.own(space.family(family));
  for (let i = 0; i < bits; i++) {
    const shift = BigInt(bits - 1 - i);
    if (((mask >> shift) & 1n) === 0n) continue;
    node = bdd.and(node, bdd.cube(field.first + i, 1, (value >> shift) & 1n));
  }
  return space.wrap(node);
}
