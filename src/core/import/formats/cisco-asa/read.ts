// An ASA configuration read into its filtering parts: extended access-lists with remarks, objects and
// object-groups, access-group bindings, interfaces (nameif, security level), same-security-traffic, names.

import type { Address } from "../../../net/address.js";
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
import { type CommandPrefixes, reportInterfaceRest, reportUnread } from "../cisco-common/unread.js";
import { asaHost } from "./address.js";
import { AsaObjects } from "./objects.js";

export interface AsaEntry {
  readonly line: ConfigLine;
  /** Index of the word after "permit" or "deny". */
  readonly start: number;
  readonly action: "permit" | "deny";
  readonly label?: string;
}

export interface AsaAcl {
  readonly name: string;
  readonly head: ConfigLine;
  readonly entries: AsaEntry[];
  label?: string;
}

export interface AsaBinding {
  readonly acl: string;
  /** "global", or the direction on an interface (by nameif). */
  readonly where: "in" | "out" | "global";
  readonly iface?: string;
  readonly line: ConfigLine;
}

export interface AsaInterface {
  /** The physical or logical name ("GigabitEthernet0/1", "Port-channel1.20"). */
  readonly hardware: string;
  readonly line: ConfigLine;
  readonly nameif?: string;
  readonly level?: number;
}

export interface AsaConfig {
  readonly acls: Map<string, AsaAcl>;
  readonly bindings: AsaBinding[];
  readonly interfaces: AsaInterface[];
  readonly sameSecurity: { inter: boolean; intra: boolean };
  readonly names: Map<string, Address>;
  readonly objects: AsaObjects;
  /** The first command, where problems of the whole configuration are reported. */
  first?: ConfigLine;
}

/** Reads the files as one configuration; problems inside access-lists and objects are reported. */
export function readAsaConfig(
  files: readonly ConfigFile[],
  space: PacketSpace,
  problems: Problems,
): AsaConfig {
  const names = new Map<string, Address>();
  const config: AsaConfig = {
    acls: new Map(),
    bindings: [],
    interfaces: [],
    sameSecurity: { inter: false, intra: false },
    names,
    objects: new AsaObjects(space, problems, names),
  };
  for (const stanza of files.flatMap((f) => readStanzas(f.name, f.text))) {
    config.first ??= stanza.head;
    readStanza(config, stanza, problems);
  }
  return config;
}

/** Commands that filter or rewrite transit traffic in ways not modelled. */
const UNSUPPORTED: CommandPrefixes = [
  ["nat"],
  ["static"],
  ["global"],
  ["policy-map"],
  ["class-map"],
  ["service-policy"],
  ["shun"],
  ["ipv6", "access-list"],
  ["dynamic-access-policy-record"],
  ["threat-detection", "scanning-threat"],
];

function readStanza(config: AsaConfig, stanza: Stanza, problems: Problems): void {
  const head = stanza.head;
  const w = head.words.map((x) => x.toLowerCase());
  if (w[0] === "access-list" && w.length > 2) readAccessList(config, head, problems);
  else if (w[0] === "object" || w[0] === "object-group") {
    if (!config.objects.add(stanza))
      problems.add("config-unsupported", head, 1, `"${w[0]} ${w[1] ?? ""}" is not modelled`);
  } else if (w[0] === "access-group") readAccessGroup(config, head, problems);
  else if (w[0] === "interface" && head.words[1] !== undefined) readInterface(config, stanza, problems);
  else if (w[0] === "same-security-traffic" && w[1] === "permit") {
    if (w[2] === "inter-interface") config.sameSecurity.inter = true;
    if (w[2] === "intra-interface") config.sameSecurity.intra = true;
  } else if (w[0] === "name" && w.length >= 3) {
    const a = asaHost(head.words[1], new Map());
    if (a) config.names.set(head.words[2]!, a);
  } else if (!looksLikeCommand(head))
    problems.add("config-syntax", head, 0, `Cannot read "${head.text}" as a command`);
  else reportUnread(stanza, problems, UNSUPPORTED);
}

/** "access-list NAME [line N] [extended] permit|deny ...", "access-list NAME [line N] remark TEXT". */
function readAccessList(config: AsaConfig, line: ConfigLine, problems: Problems): void {
  const name = line.words[1]!;
  let i = 2;
  const word = () => line.words[i]?.toLowerCase();
  if (word() === "line") i += 2;
  const kind = word();
  if (kind === "rename") {
    problems.add("config-unsupported", line, i, `"access-list rename" is not modelled: the old name is kept`);
    return;
  }
  if (kind === "standard" || kind === "ethertype") {
    // Standard ACLs select routes and split tunnels; ethertype ones filter non-IP frames only.
    problems.add("config-ignored", line, i, `"${kind}" access-list ignored: it does not filter IP traffic`);
    return;
  }
  if (kind === "webtype") {
    problems.add("config-unsupported", line, i, `"webtype" access-lists (clientless VPN) are not modelled`);
    return;
  }
  let acl = config.acls.get(name);
  if (!acl) {
    acl = { name, head: line, entries: [] };
    config.acls.set(name, acl);
  }
  if (kind === "remark") {
    acl.label = restOf(line, i + 1);
    return;
  }
  if (kind === "extended") i++;
  const action = word();
  if (action === "permit" || action === "deny")
    acl.entries.push({ line, start: i + 1, action, ...(acl.label !== undefined && { label: acl.label }) });
  else problems.add("config-syntax", line, i, `Cannot read access-list line "${line.text}"`);
}

/** "access-group NAME in|out interface IF [control-plane]", "access-group NAME global". */
function readAccessGroup(config: AsaConfig, line: ConfigLine, problems: Problems): void {
  const w = line.words.map((x) => x.toLowerCase());
  const acl = line.words[1];
  if (acl === undefined) {
    problems.add("config-syntax", line, 0, `The access-group names no access-list`);
    return;
  }
  if (w[2] === "global") config.bindings.push({ acl, where: "global", line });
  else if ((w[2] === "in" || w[2] === "out") && w[3] === "interface" && line.words[4] !== undefined) {
    // Control-plane ACLs filter traffic to the ASA itself, never traffic through it.
    if (w.includes("control-plane")) {
      problems.add(
        "config-ignored",
        line,
        5,
        `Control-plane access-group ignored: it filters traffic to the ASA itself`,
      );
      return;
    }
    config.bindings.push({ acl, where: w[2], iface: line.words[4], line });
  } else problems.add("config-syntax", line, 2, `Cannot read "${line.text}"`);
}

function readInterface(config: AsaConfig, stanza: Stanza, problems: Problems): void {
  let nameif: string | undefined;
  let level: number | undefined;
  const rest: ConfigLine[] = [];
  for (const l of stanza.children) {
    const w = l.words.map((x) => x.toLowerCase());
    if (w[0] === "nameif" && l.words[1] !== undefined) nameif = l.words[1];
    else if (w[0] === "security-level" && /^[0-9]+$/.test(w[1] ?? "")) level = Number(w[1]);
    else rest.push(l);
  }
  reportInterfaceRest(stanza.head, rest, problems, [["nat"]]);
  // Without a security-level command an interface named "inside" gets 100, every other one 0.
  if (nameif !== undefined && level === undefined) level = nameif.toLowerCase() === "inside" ? 100 : 0;
  config.interfaces.push({
    hardware: stanza.head.words.slice(1).join(" "),
    line: stanza.head,
    ...(nameif !== undefined && { nameif }),
    ...(level !== undefined && { level }),
  });
}
