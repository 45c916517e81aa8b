// Address books: a zone's own (`security zones security-zone Z address-book`), named books attached to
// zones, and the global book (`security address-book global`): addresses, ranges, wildcards, address-sets.

import { tryParseAddress } from "../../../net/address.js";
import { checkPrefix, formatPrefix } from "../../../net/prefix.js";
import type { AddressBook, AddressItem, JunosConfig, Reporter } from "./config.js";
import { type Statement, wordLoc } from "./statements.js";

export function bookOf(cfg: JunosConfig, name: string): AddressBook {
  let book = cfg.books.get(name);
  if (!book) {
    book = { name, addresses: new Map(), sets: new Map(), zones: [] };
    cfg.books.set(name, book);
  }
  return book;
}

/** The book of addresses written under a security zone. */
export function zoneBookName(zone: string): string {
  return `zone ${zone}`;
}

/** Reads the part of a statement inside an address book, starting at word `i`. */
export function readBookEntry(book: AddressBook, rep: Reporter, s: Statement, i: number): void {
  const w = s.words;
  const kind = w[i]?.text;
  const name = w[i + 1]?.text;
  if (kind === "description" || kind === undefined) return;
  if (kind === "attach" && w[i + 1]?.text === "zone" && w[i + 2]) {
    if (!book.zones.includes(w[i + 2]!.text)) book.zones.push(w[i + 2]!.text);
    return;
  }
  if (name === undefined) {
    rep.syntax(`Cannot read "${s.text}": the ${kind} has no name`, wordLoc(s, i));
    return;
  }
  if (kind === "address") readAddress(book, rep, s, i + 2, name);
  else if (kind === "address-set") readAddressSet(book, rep, s, i + 2, name);
  else rep.unsupported(`Address book statement "${kind}" is not modelled`, wordLoc(s, i));
}

function readAddressSet(book: AddressBook, rep: Reporter, s: Statement, i: number, name: string): void {
  let set = book.sets.get(name);
  if (!set) {
    set = { members: [], sets: [], loc: wordLoc(s, i - 2) };
    book.sets.set(name, set);
  }
  const kind = s.words[i]?.text;
  const member = s.words[i + 1];
  if (kind === "description" || kind === undefined) return;
  if ((kind === "address" || kind === "address-set") && member) {
    const list = kind === "address" ? set.members : set.sets;
    for (const m of member.items ?? [member.text]) list.push({ name: m, loc: wordLoc(s, i + 1) });
  } else rep.syntax(`Cannot read "${s.text}": expected "address" or "address-set"`, wordLoc(s, i));
}

function readAddress(book: AddressBook, rep: Reporter, s: Statement, i: number, name: string): void {
  const w = s.words;
  const first = w[i]?.text;
  if (first === undefined || first === "description") return;
  const loc = wordLoc(s, i);
  const define = (item: AddressItem) => {
    if (book.addresses.has(name) && item.kind !== "none") {
      const old = book.addresses.get(name)!.item;
      if (old.kind !== "none")
        rep.unsupported(`Address "${name}" is defined twice; the last value is used`, loc);
    }
    book.addresses.set(name, { item, loc: wordLoc(s, i - 2) });
  };
  if (first === "range-address") {
    const lo = tryParseAddress(w[i + 1]?.text ?? "");
    const hi = tryParseAddress(w[i + 3]?.text ?? "");
    if (!lo || !hi || w[i + 2]?.text !== "to" || lo.family !== hi.family || lo.value > hi.value)
      rep.syntax(`Cannot read address range "${s.text}"`, loc);
    else define({ kind: "range", family: lo.family, lo: lo.value, hi: hi.value });
    return;
  }
  if (first === "wildcard-address") {
    const item = parseWildcard(w[i + 1]?.text ?? "");
    if (!item) rep.syntax(`Cannot read wildcard address "${w[i + 1]?.text ?? ""}"`, loc);
    else define(item);
    return;
  }
  if (first === "dns-name") {
    rep.unsupported(`Address "${name}" is a DNS name; Rampart cannot resolve it and treats it as empty`, loc);
    define({ kind: "none" });
    return;
  }
  const parsed = checkPrefix(first);
  if (parsed.ok) define({ kind: "prefix", prefix: parsed.prefix });
  else if (parsed.reason === "host-bits") {
    rep.unsupported(`Address "${first}" has host bits set; read as ${formatPrefix(parsed.network)}`, loc);
    define({ kind: "prefix", prefix: parsed.network });
  } else rep.syntax(`Cannot read address "${first}": ${parsed.message}`, loc);
}

/** "10.1.0.5/255.255.0.255": the addresses equal to the value on every bit the mask sets. */
export function parseWildcard(text: string): AddressItem | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const value = tryParseAddress(text.slice(0, slash));
  const mask = tryParseAddress(text.slice(slash + 1));
  if (!value || !mask || value.family !== mask.family) return undefined;
  return { kind: "wildcard", family: value.family, value: value.value & mask.value, mask: mask.value };
}
