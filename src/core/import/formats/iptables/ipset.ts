// ipset files (`ipset save` output or a script for `ipset restore`): the sets as they stand after every
// command has run, with each entry's prefixes and nomatch flag, and the packets a set lookup matches.

import { type Family, tryParseAddress } from "../../../net/address.js";
import { hostMask, lastAddressValue, type Prefix, prefixOf, rangeToPrefixes } from "../../../net/prefix.js";
import { diagnostic, type Diagnostic } from "../../../policy/diagnostics.js";
import type { Direction, PacketSet, PacketSpace } from "../../../space/packet-set.js";
import { firstMatch, prefixMatch } from "../../match.js";
import type { ConfigFile } from "../../model.js";
import { type Token, tokenize } from "./tokenize.js";

/** One element: ipset stores a range as the prefixes that cover it, each its own element. */
export interface SetEntry {
  readonly prefix: Prefix;
  /** hash:net: a more specific nomatch entry excepts its addresses from a wider entry. */
  readonly nomatch: boolean;
}

export interface IpSetState {
  readonly name: string;
  readonly type: string;
  readonly family: Family;
  entries: SetEntry[];
  /** Why lookups in the set cannot be modelled exactly, when they cannot. */
  readonly unsupported?: string;
}

/** Set types whose entries are plain addresses, the only ones a one-direction lookup can be read from. */
const ADDRESS_TYPES = new Set(["hash:net", "hash:ip", "bitmap:ip"]);

type Sets = Map<string, IpSetState>;

/** Runs the ipset files in order; problems become diagnostics. */
export function readIpsets(files: readonly ConfigFile[]): { sets: Sets; diagnostics: Diagnostic[] } {
  const sets: Sets = new Map();
  const diagnostics: Diagnostic[] = [];
  for (const file of files) {
    file.text.split(/\r?\n/).forEach((raw, i) => {
      const at = (column: number) => ({ file: file.name, line: i + 1, column });
      const problem = (code: "config-syntax" | "config-unsupported", column: number, message: string) =>
        diagnostics.push(
          diagnostic(code, code === "config-syntax" ? "error" : "warning", message, at(column)),
        );
      const trimmed = raw.trim();
      if (trimmed === "" || trimmed.startsWith("#") || trimmed === "COMMIT") return;
      const t = tokenize(raw);
      if (!t.ok) return problem("config-syntax", t.column, t.message);
      runCommand(sets, t.tokens, problem);
    });
  }
  return { sets, diagnostics };
}

type Problem = (code: "config-syntax" | "config-unsupported", column: number, message: string) => void;

const COMMANDS: Readonly<Record<string, string>> = {
  create: "create",
  n: "create",
  "-N": "create",
  add: "add",
  a: "add",
  "-A": "add",
  del: "del",
  d: "del",
  "-D": "del",
  flush: "flush",
  f: "flush",
  "-F": "flush",
  destroy: "destroy",
  x: "destroy",
  "-X": "destroy",
  swap: "swap",
  w: "swap",
  "-W": "swap",
  rename: "rename",
  e: "rename",
  "-E": "rename",
};

function runCommand(sets: Sets, all: readonly Token[], problem: Problem): void {
  // -exist (-!) anywhere only silences "already exists" errors, which are not reported here anyway.
  const tokens = all.filter((t) => t.quoted || (t.text !== "-exist" && t.text !== "-!"));
  const [cmd, nameTok, ...rest] = tokens;
  const command = COMMANDS[cmd!.text];
  if (!command) return problem("config-syntax", cmd!.column, `Unknown ipset command "${cmd!.text}"`);
  const name = nameTok?.text;
  const needSet = (): IpSetState | undefined => {
    if (name === undefined) problem("config-syntax", cmd!.column, `"${cmd!.text}" needs a set name`);
    else if (!sets.has(name)) problem("config-syntax", nameTok!.column, `Set "${name}" does not exist`);
    else return sets.get(name);
    return undefined;
  };
  switch (command) {
    case "create":
      return create(sets, nameTok, rest, problem, cmd!.column);
    case "add":
    case "del": {
      const set = needSet();
      if (set) changeEntry(set, command, rest, problem, nameTok!.column);
      return;
    }
    case "flush":
      if (name === undefined) for (const s of sets.values()) s.entries = [];
      else {
        const set = needSet();
        if (set) set.entries = [];
      }
      return;
    case "destroy":
      if (name === undefined) sets.clear();
      else if (needSet()) sets.delete(name!);
      return;
    case "swap":
    case "rename":
      return swapOrRename(sets, command, nameTok, rest[0], problem, cmd!.column);
  }
}

function create(
  sets: Sets,
  nameTok: Token | undefined,
  rest: readonly Token[],
  problem: Problem,
  col: number,
) {
  const typeTok = rest[0];
  if (!nameTok || !typeTok) return problem("config-syntax", col, `"create" needs a set name and a type`);
  let family: Family = 4;
  const options = rest.slice(1);
  let unsupported: string | undefined;
  for (let i = 0; i < options.length; i++) {
    const o = options[i]!.text;
    if (o === "family") {
      const f = options[++i]?.text;
      if (f === "inet" || f === "inet6") family = f === "inet" ? 4 : 6;
      else problem("config-syntax", options[i - 1]!.column, `Unknown set family "${f ?? ""}"`);
    } else if (o === "netmask") unsupported = `option "netmask" of set "${nameTok.text}" is not modelled`;
  }
  const type = typeTok.text;
  if (!ADDRESS_TYPES.has(type))
    unsupported = `set type "${type}" is not modelled (only hash:net, hash:ip, bitmap:ip)`;
  const existing = sets.get(nameTok.text);
  // ipset -exist restore: creating a set that is there with the same type leaves it as it is.
  if (existing && existing.type === type && existing.family === family) return;
  if (existing)
    problem("config-syntax", nameTok.column, `Set "${nameTok.text}" already exists with another type`);
  sets.set(nameTok.text, {
    name: nameTok.text,
    type,
    family,
    entries: [],
    ...(unsupported && { unsupported }),
  });
}

function changeEntry(
  set: IpSetState,
  command: "add" | "del",
  rest: readonly Token[],
  problem: Problem,
  col: number,
) {
  const entryTok = rest[0];
  if (!entryTok) return problem("config-syntax", col, `"${command}" needs an entry`);
  if (set.unsupported) return;
  const prefixes = entryPrefixes(entryTok.text, set);
  if (typeof prefixes === "string") return problem("config-syntax", entryTok.column, prefixes);
  const nomatch = rest.some((t) => t.text === "nomatch");
  const same = (a: Prefix, b: Prefix) => a.value === b.value && a.length === b.length;
  set.entries = set.entries.filter((e) => !prefixes.some((p) => same(p, e.prefix)));
  if (command === "add") set.entries.push(...prefixes.map((prefix) => ({ prefix, nomatch })));
}

/** An entry's prefixes: an address, a network or a range "a-b"; a message when it is none. */
function entryPrefixes(text: string, set: IpSetState): Prefix[] | string {
  const dash = text.indexOf("-");
  if (dash > 0) {
    const lo = tryParseAddress(text.slice(0, dash));
    const hi = tryParseAddress(text.slice(dash + 1));
    if (!lo || !hi || lo.family !== set.family || hi.family !== set.family || lo.value > hi.value)
      return `"${text}" is not an address range of set "${set.name}"'s family`;
    return rangeToPrefixes(set.family, lo.value, hi.value);
  }
  const [addr, len] = text.split("/");
  const a = tryParseAddress(addr ?? "");
  const max = set.family === 4 ? 32 : 128;
  const length = len === undefined ? max : /^[0-9]{1,3}$/.test(len) ? Number(len) : NaN;
  // hash:net takes lengths from 1; a /0 is refused by ipset itself.
  if (!a || a.family !== set.family || !(length >= 1 && length <= max))
    return `"${text}" is not an address or network of set "${set.name}"'s family`;
  return [prefixOf(a, length)];
}

function swapOrRename(
  sets: Sets,
  command: "swap" | "rename",
  from: Token | undefined,
  to: Token | undefined,
  problem: Problem,
  col: number,
) {
  if (!from || !to) return problem("config-syntax", col, `"${command}" needs two set names`);
  const a = sets.get(from.text);
  if (!a) return problem("config-syntax", from.column, `Set "${from.text}" does not exist`);
  const b = sets.get(to.text);
  if (command === "rename") {
    if (b) return problem("config-syntax", to.column, `Set "${to.text}" already exists`);
    sets.delete(from.text);
    sets.set(to.text, { ...a, name: to.text });
    return;
  }
  if (!b) return problem("config-syntax", to.column, `Set "${to.text}" does not exist`);
  sets.set(from.text, { ...b, name: from.text });
  sets.set(to.text, { ...a, name: to.text });
}

/**
 * The packets whose source (or destination) the set holds. hash:net looks for the most specific entry and
 * a nomatch entry there means "not in the set", so entries are tried longest prefix first.
 */
export function setMatch(space: PacketSpace, set: IpSetState, dir: Direction): PacketSet {
  // Without `nomatch` entries the set is the union of its prefixes: built in one pass from their ranges.
  if (set.entries.every((e) => !e.nomatch)) {
    const ranges = set.entries
      .map((e) => ({
        lo: e.prefix.value & ~hostMask(e.prefix.family, e.prefix.length),
        hi: lastAddressValue(e.prefix),
      }))
      .sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
    const merged: { lo: bigint; hi: bigint }[] = [];
    for (const r of ranges) {
      const last = merged[merged.length - 1];
      if (last && r.lo <= last.hi + 1n) last.hi = r.hi > last.hi ? r.hi : last.hi;
      else merged.push({ ...r });
    }
    return space.wrap(space.addressRangesNode(dir, set.family, merged));
  }
  const entries = [...set.entries].sort((a, b) => b.prefix.length - a.prefix.length);
  return firstMatch(
    space,
    entries.map((e) => ({
      action: e.nomatch ? "drop" : "accept",
      match: prefixMatch(space, dir, [e.prefix]),
    })),
    "drop",
  );
}
