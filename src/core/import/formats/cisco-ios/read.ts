// An IOS (or NX-OS) configuration read into its filtering parts: ACLs (named and numbered) with their entries
// and remarks, object-groups, and the interfaces they are bound to. Every other command is reported as ignored
// or unsupported. The two dialects differ only in what the `CiscoSyntax` declares.

import type { Family } from "../../../net/address.js";
import type { PacketSpace } from "../../../space/packet-set.js";
import type { ConfigFile } from "../../model.js";
import {
  type ConfigLine,
  looksLikeCommand,
  readStanzas,
  restOf,
  type Stanza,
} from "../cisco-common/config-lines.js";
import type { Problems } from "../cisco-common/tokens.js";
import {
  type CommandPrefixes,
  reportInterfaceRest,
  reportUnread,
  startsWithAny,
} from "../cisco-common/unread.js";
import { IosObjects } from "./objects.js";

export interface IosEntry {
  readonly line: ConfigLine;
  /** Index of the word after "permit" or "deny". */
  readonly start: number;
  readonly action: "permit" | "deny";
  /** The sequence number, written or implied (10 after the highest so far); entries are kept in its order. */
  readonly seq: number;
  /** The remark in force: the text of the last remark above the entry. */
  readonly label?: string;
}

export interface IosAcl {
  readonly name: string;
  readonly family: Family;
  readonly standard: boolean;
  readonly head: ConfigLine;
  readonly entries: IosEntry[];
  /** The remark to give the next entry. */
  label?: string;
}

export interface IosBinding {
  readonly iface: string;
  readonly family: Family;
  readonly dir: "in" | "out";
  readonly acl: string;
  readonly line: ConfigLine;
}

export interface IosConfig {
  /** By `family|name`: IPv4 and IPv6 ACLs have separate names. */
  readonly acls: Map<string, IosAcl>;
  readonly bindings: IosBinding[];
  readonly objects: IosObjects;
}

/** What sets one Cisco dialect's ACL configuration apart. */
export interface CiscoSyntax {
  /**
   * The name and kind of the ACL an "ip access-list ..." / "ipv6 access-list ..." head defines, from the words
   * after "access-list" (lowercased, and as written); "ignored" for a head that defines no ACL (logging
   * settings), "no-name" when the name is missing.
   */
  namedAcl(
    lower: readonly string[],
    family: Family,
  ): { nameAt: number; standard: boolean } | "ignored" | "no-name";
  /** Whether numbered ACLs ("access-list 101 permit ...") exist. */
  readonly numbered: boolean;
  /** Top-level commands that filter or rewrite traffic in ways not modelled. */
  readonly unsupported: CommandPrefixes;
  /** Interface lines that bind an IPv4 ACL ("ip access-group") and an IPv6 one. */
  readonly bind4: CommandPrefixes;
  readonly bind6: CommandPrefixes;
  /** Interface lines that filter or rewrite traffic in ways not modelled. */
  readonly interfaceUnsupported: CommandPrefixes;
  /** Whether an ACL with no entries lets everything through (IOS) rather than denying it (its implicit deny). */
  readonly emptyAclPermits: boolean;
  /** The ICMPv6 messages (name, type) every IPv6 ACL permits before its implicit deny. */
  readonly implicitIcmp6: readonly (readonly [string, number])[];
}

const IOS_ACL_SETTINGS = new Set([
  "logging",
  "log-update",
  "resequence",
  "match-local-traffic",
  "persistent",
  "helper",
]);

export const IOS_SYNTAX: CiscoSyntax = {
  namedAcl(lower, family) {
    // IPv6 ACLs are all extended ("ipv6 access-list NAME"); a few IOS XE versions write "extended" anyway.
    const kind = lower[0];
    if (family === 6 && kind !== "extended" && kind !== "standard")
      return kind === undefined ? "no-name" : { nameAt: 0, standard: false };
    if (kind === "extended" || kind === "standard")
      return lower[1] === undefined ? "no-name" : { nameAt: 1, standard: kind === "standard" };
    if (kind === undefined) return "no-name";
    return IOS_ACL_SETTINGS.has(kind) ? "ignored" : { nameAt: 0, standard: false };
  },
  numbered: true,
  unsupported: [
    ["zone-pair"],
    ["zone", "security"],
    ["class-map", "type", "inspect"],
    ["policy-map", "type", "inspect"],
    ["parameter-map", "type", "inspect"],
    ["ip", "inspect"],
    ["ipv6", "inspect"],
    ["ip", "nat"],
    ["mac", "access-list"],
    ["ip", "access-list", "role-based"],
    ["control-plane"],
  ],
  bind4: [["ip", "access-group"]],
  bind6: [["ipv6", "traffic-filter"]],
  interfaceUnsupported: [
    ["ip", "inspect"],
    ["ipv6", "inspect"],
    ["zone-member"],
    ["service-policy"],
    ["ip", "nat"],
    ["mac", "access-group"],
    ["ip", "verify"],
  ],
  emptyAclPermits: true,
  implicitIcmp6: [
    ["nd-na", 136],
    ["nd-ns", 135],
  ],
};

export function aclKey(family: Family, name: string): string {
  return `${family}|${name}`;
}

/**
 * Reads every stanza of the files as one configuration; problems inside ACLs and object-groups are reported,
 * other commands ignored.
 */
export function readIosConfig(
  files: readonly ConfigFile[],
  space: PacketSpace,
  problems: Problems,
  syntax: CiscoSyntax = IOS_SYNTAX,
): IosConfig {
  const config: IosConfig = { acls: new Map(), bindings: [], objects: new IosObjects(space, problems) };
  for (const stanza of files.flatMap((f) => readStanzas(f.name, f.text))) {
    const w = stanza.head.words.map((x) => x.toLowerCase());
    if (w[0] === "ip" && w[1] === "access-list" && !startsWithAny(stanza.head, syntax.unsupported))
      readNamedAcl(config, stanza, 4, problems, syntax);
    else if (w[0] === "ipv6" && w[1] === "access-list") readNamedAcl(config, stanza, 6, problems, syntax);
    else if (w[0] === "access-list" && syntax.numbered) readNumbered(config, stanza.head, problems);
    else if (w[0] === "no" && (w[1] === "ip" || w[1] === "ipv6" || w[1] === "access-list"))
      removeAcl(config, stanza.head, problems, syntax);
    else if (w[0] === "object-group") {
      if (!config.objects.add(stanza))
        problems.add(
          "config-unsupported",
          stanza.head,
          1,
          `Object-group type "${w[1] ?? ""}" is not modelled`,
        );
    } else if (w[0] === "interface" && stanza.head.words[1] !== undefined)
      readInterface(config, stanza, problems, syntax);
    else if (!looksLikeCommand(stanza.head))
      problems.add("config-syntax", stanza.head, 0, `Cannot read "${stanza.head.text}" as a command`);
    else reportUnread(stanza, problems, syntax.unsupported);
  }
  return config;
}

function aclOf(config: IosConfig, name: string, family: Family, standard: boolean, head: ConfigLine): IosAcl {
  const key = aclKey(family, name);
  let acl = config.acls.get(key);
  if (!acl) {
    acl = { name, family, standard, head, entries: [] };
    config.acls.set(key, acl);
  }
  return acl;
}

function readNamedAcl(
  config: IosConfig,
  stanza: Stanza,
  family: Family,
  problems: Problems,
  syntax: CiscoSyntax,
): void {
  const w = stanza.head.words.map((x) => x.toLowerCase());
  const kind = syntax.namedAcl(w.slice(2), family);
  if (kind === "ignored") {
    reportUnread(stanza, problems, []);
    return;
  }
  if (kind === "no-name") {
    problems.add("config-syntax", stanza.head, stanza.head.words.length - 1, "The access-list has no name");
    return;
  }
  const name = stanza.head.words[2 + kind.nameAt]!;
  const acl = aclOf(config, name, family, kind.standard, stanza.head);
  for (const line of stanza.children) readEntry(acl, line, 0, problems);
}

/** One line of an ACL: "[SEQ] permit|deny ...", "[SEQ] remark TEXT", "sequence N permit ...". */
function readEntry(acl: IosAcl, line: ConfigLine, from: number, problems: Problems): void {
  let i = from;
  const word = (k: number) => line.words[k]?.toLowerCase();
  let seq: number | undefined;
  if (word(i) === "sequence") {
    seq = Number(word(i + 1));
    i += 2;
  } else if (/^[0-9]+$/.test(word(i) ?? "")) seq = Number(word(i++));
  const w = word(i);
  if (w === "remark") acl.label = restOf(line, i + 1);
  else if (w === "permit" || w === "deny") {
    // An entry without a number goes after the highest one so far, 10 further on, as the devices number it.
    const last = acl.entries.reduce((m, e) => Math.max(m, e.seq), 0);
    const at = seq !== undefined && Number.isFinite(seq) ? seq : last + 10;
    const entry: IosEntry = {
      line,
      start: i + 1,
      action: w,
      seq: at,
      ...(acl.label !== undefined && { label: acl.label }),
    };
    // The device keeps entries ordered by number, whatever order they were typed in.
    const before = acl.entries.findIndex((e) => e.seq > at);
    if (before < 0) acl.entries.push(entry);
    else acl.entries.splice(before, 0, entry);
  } else if (w === "evaluate" || w === "dynamic")
    problems.add("config-unsupported", line, i, `"${w}" entries are not modelled: read as matching nothing`);
  else if (w === "statistics" || w === "ignore")
    problems.add("config-ignored", line, i, `"${w}" ignored: it does not filter traffic`);
  else if (w === "fragments")
    // "fragments permit-all|deny-all" decides non-initial fragments only: never a new connection.
    problems.add("config-ignored", line, i, `"fragments" ignored: it decides non-initial fragments only`);
  else if (w === "no")
    problems.add(
      "config-unsupported",
      line,
      i,
      `"no" inside an access-list is not modelled: the line is left out`,
    );
  else problems.add("config-syntax", line, i, `Cannot read access-list line "${line.text}"`);
}

/**
 * "no ip access-list [extended|standard] NAME", "no ipv6 access-list NAME", "no access-list N": the ACL read so
 * far is removed, as the device does. Generators write it before each ACL, where there is nothing to remove yet.
 */
function removeAcl(config: IosConfig, line: ConfigLine, problems: Problems, syntax: CiscoSyntax): void {
  const w = line.words.map((x) => x.toLowerCase());
  let key: string | undefined;
  if (w[1] === "access-list" && /^[0-9]+$/.test(w[2] ?? "")) key = aclKey(4, line.words[2]!);
  else if ((w[1] === "ip" || w[1] === "ipv6") && w[2] === "access-list") {
    const family = w[1] === "ip" ? 4 : 6;
    const kind = syntax.namedAcl(w.slice(3), family);
    if (typeof kind === "object") key = aclKey(family, line.words[3 + kind.nameAt]!);
  }
  if (key === undefined) {
    problems.add("config-ignored", line, 0, `"${line.text}" ignored: it does not filter traffic`);
    return;
  }
  if (config.acls.delete(key))
    problems.add(
      "config-ignored",
      line,
      0,
      `The access-list defined above is removed here, as the device does`,
    );
  else
    problems.add(
      "config-ignored",
      line,
      0,
      `"${line.text}" removes an access-list not defined above: nothing to do`,
    );
}

/** "access-list N ..." with N in the IP ranges: 1-99 and 1300-1999 standard, 100-199 and 2000-2699 extended. */
function readNumbered(config: IosConfig, line: ConfigLine, problems: Problems): void {
  const name = line.words[1] ?? "";
  if (!/^[0-9]+$/.test(name)) {
    // "access-list NAME extended ..." is ASA syntax, "access-list compiled" a global setting.
    problems.add("config-syntax", line, 1, `"access-list ${name}" is not a numbered IOS access-list`);
    return;
  }
  const n = Number(name);
  const standard = (n >= 1 && n <= 99) || (n >= 1300 && n <= 1999);
  const extended = (n >= 100 && n <= 199) || (n >= 2000 && n <= 2699);
  if (!standard && !extended) {
    problems.add("config-unsupported", line, 1, `Access-list ${n} is not an IP access-list: not modelled`);
    return;
  }
  readEntry(aclOf(config, name, 4, standard, line), line, 2, problems);
}

function readInterface(config: IosConfig, stanza: Stanza, problems: Problems, syntax: CiscoSyntax): void {
  const iface = stanza.head.words.slice(1).join(" ");
  const rest: ConfigLine[] = [];
  for (const line of stanza.children) {
    const v4 = startsWithAny(line, syntax.bind4);
    const v6 = !v4 && startsWithAny(line, syntax.bind6);
    if (!v4 && !v6) {
      rest.push(line);
      continue;
    }
    const at = (v4 ? syntax.bind4 : syntax.bind6).find((p) => startsWithAny(line, [p]))!.length;
    const acl = line.words[at];
    const dir = line.words[at + 1]?.toLowerCase();
    if (acl === undefined || (dir !== "in" && dir !== "out")) {
      problems.add("config-syntax", line, at, `Cannot read the ACL binding "${line.text}"`);
      continue;
    }
    config.bindings.push({ iface, family: v4 ? 4 : 6, dir, acl, line });
  }
  reportInterfaceRest(stanza.head, rest, problems, syntax.interfaceUnsupported);
}
