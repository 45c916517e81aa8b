// An IOS configuration read into its filtering parts: ACLs (named and numbered) with their entries and
// remarks, object-groups, and the interfaces they are bound to. Everything else is left out silently.

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
import { IosObjects } from "./objects.js";

export interface IosEntry {
  readonly line: ConfigLine;
  /** Index of the word after "permit" or "deny". */
  readonly start: number;
  readonly action: "permit" | "deny";
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
): IosConfig {
  const config: IosConfig = { acls: new Map(), bindings: [], objects: new IosObjects(space, problems) };
  for (const stanza of files.flatMap((f) => readStanzas(f.name, f.text))) {
    const w = stanza.head.words.map((x) => x.toLowerCase());
    if (w[0] === "ip" && w[1] === "access-list") readNamedAcl(config, stanza, 4, problems);
    else if (w[0] === "ipv6" && w[1] === "access-list") readNamedAcl(config, stanza, 6, problems);
    else if (w[0] === "access-list") readNumbered(config, stanza.head, problems);
    else if (w[0] === "object-group" && !config.objects.add(stanza))
      problems.add("config-unsupported", stanza.head, 1, `Object-group type "${w[1] ?? ""}" is not modelled`);
    else if (w[0] === "interface" && stanza.head.words[1] !== undefined) readInterface(config, stanza);
    else if (!looksLikeCommand(stanza.head))
      problems.add("config-syntax", stanza.head, 0, `Cannot read "${stanza.head.text}" as a command`);
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

function readNamedAcl(config: IosConfig, stanza: Stanza, family: Family, problems: Problems): void {
  const w = stanza.head.words.map((x) => x.toLowerCase());
  let nameAt = 2;
  let standard = false;
  if (family === 4) {
    if (w[2] !== "extended" && w[2] !== "standard") return; // "ip access-list logging ...", "resequence" ...
    standard = w[2] === "standard";
    nameAt = 3;
  }
  const name = stanza.head.words[nameAt];
  if (name === undefined) {
    problems.add("config-syntax", stanza.head, nameAt, "The access-list has no name");
    return;
  }
  const acl = aclOf(config, name, family, standard, stanza.head);
  for (const line of stanza.children) readEntry(acl, line, 0, problems);
}

/** One line of an ACL: "[SEQ] permit|deny ...", "[SEQ] remark TEXT", "sequence N permit ...". */
function readEntry(acl: IosAcl, line: ConfigLine, from: number, problems: Problems): void {
  let i = from;
  const word = (k: number) => line.words[k]?.toLowerCase();
  if (word(i) === "sequence") i += 2;
  else if (/^[0-9]+$/.test(word(i) ?? "")) i++;
  const w = word(i);
  if (w === "remark") acl.label = restOf(line, i + 1);
  else if (w === "permit" || w === "deny") {
    acl.entries.push({ line, start: i + 1, action: w, ...(acl.label !== undefined && { label: acl.label }) });
  } else if (w === "evaluate" || w === "dynamic")
    problems.add("config-unsupported", line, i, `"${w}" entries are not modelled: read as matching nothing`);
  else if (w !== "statistics" && w !== "no")
    problems.add("config-syntax", line, i, `Cannot read access-list line "${line.text}"`);
}

/** "access-list N ..." with N in the IP ranges: 1-99 and 1300-1999 standard, 100-199 and 2000-2699 extended. */
function readNumbered(config: IosConfig, line: ConfigLine, problems: Problems): void {
  const name = line.words[1] ?? "";
  if (!/^[0-9]+$/.test(name)) return;
  const n = Number(name);
  const standard = (n >= 1 && n <= 99) || (n >= 1300 && n <= 1999);
  const extended = (n >= 100 && n <= 199) || (n >= 2000 && n <= 2699);
  if (!standard && !extended) return;
  readEntry(aclOf(config, name, 4, standard, line), line, 2, problems);
}

function readInterface(config: IosConfig, stanza: Stanza): void {
  const iface = stanza.head.words.slice(1).join(" ");
  for (const line of stanza.children) {
    const w = line.words.map((x) => x.toLowerCase());
    const v4 = w[0] === "ip" && w[1] === "access-group";
    const v6 = w[0] === "ipv6" && w[1] === "traffic-filter";
    if ((!v4 && !v6) || line.words[2] === undefined || (w[3] !== "in" && w[3] !== "out")) continue;
    config.bindings.push({ iface, family: v4 ? 4 : 6, dir: w[3], acl: line.words[2], line });
  }
}
