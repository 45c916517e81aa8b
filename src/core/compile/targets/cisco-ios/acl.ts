// The entries of one IOS ACL: IPv4 with object-groups (IOS XE syntax), IPv6 written inline.

import type { Family } from "../../../net/address.js";
import { formatPrefix, type Prefix } from "../../../net/prefix.js";
import { PROTO } from "../../../net/protocol.js";
import type { IrRule } from "../../ir.js";
import { ipv4Mask, ipv4Wildcard, isHost, prefixAddress } from "../cisco-common/addresses.js";
import { type ObjectGroups, serviceContentName } from "../cisco-common/groups.js";
import type { ZoneIndex } from "../cisco-common/zones.js";
import { mergeTcpUdp, type ServiceLine, serviceLines } from "../cisco-common/services.js";
import { groupBase, portOp, remarkText } from "../cisco-common/text.js";

/** What entries need besides the rule: the groups to add to, zone names, the logging of the final deny. */
export interface AclContext {
  readonly groups: ObjectGroups;
  readonly zones: ZoneIndex;
  readonly logDefaultDeny: boolean;
  /** Leaves out a rule that would need more than `MAX_RULE_ENTRIES` entries, with the number it would. */
  readonly refuse: (rule: IrRule, entries: number) => void;
}

/**
 * Most entries one IR rule may become. IPv6 entries are one per source, destination and service, and
 * ICMP entries one per type and code: the replies of an "every protocol" flow from a fragmented zone would
 * otherwise fill the router's ACL memory.
 */
export const MAX_RULE_ENTRIES = 4096;

const V4_KEYWORDS: Readonly<Record<number, string>> = {
  1: "icmp",
  2: "igmp",
  4: "ipinip",
  6: "tcp",
  17: "udp",
  47: "gre",
  50: "esp",
  51: "ahp",
  88: "eigrp",
  89: "ospf",
  94: "nos",
  103: "pim",
  108: "pcp",
};
const V6_KEYWORDS: Readonly<Record<number, string>> = {
  6: "tcp",
  17: "udp",
  50: "esp",
  51: "ahp",
  58: "icmp",
  108: "pcp",
  132: "sctp",
};

/**
 * The protocol as an IOS ACL of the family writes it: a keyword it knows, else the number. SCTP with ports
 * needs the `sctp` keyword (IOS XE); without ports IPv4 writes the number, which every release takes.
 */
export function protocolToken(family: Family, s: ServiceLine): string {
  if (s.proto === undefined) return family === 4 ? "ip" : "ipv6";
  if (s.proto === PROTO.sctp && (s.srcPorts || s.dstPorts)) return "sctp";
  return (family === 4 ? V4_KEYWORDS : V6_KEYWORDS)[s.proto] ?? String(s.proto);
}

/** The ACL's lines (indented one space): the TCP reply entry, each rule's entries, the final deny. */
export function aclLines(
  family: Family,
  rules: readonly IrRule[],
  ctx: AclContext,
): { lines: string[]; entries: number } {
  const any = family === 4 ? "ip" : "ipv6";
  const lines = [" remark Rampart: replies of TCP connections", " permit tcp any any established"];
  let entries = 1;
  let label: string | undefined;
  for (const rule of rules) {
    const count = entryCount(family, rule);
    if (count > MAX_RULE_ENTRIES) {
      ctx.refuse(rule, count);
      continue;
    }
    const aces = family === 4 ? v4Entries(rule, ctx) : v6Entries(rule);
    if (aces.length === 0) continue;
    const text = remarkText(rule.origin);
    if (text !== label) lines.push(` remark ${text}`);
    label = text;
    for (const ace of aces) lines.push(` ${ace}${rule.log ? " log" : ""}`);
    entries += aces.length;
  }
  lines.push(" remark Rampart: default deny", ` deny ${any} any any${ctx.logDefaultDeny ? " log" : ""}`);
  return { lines, entries: entries + 1 };
}

/** How many entries the rule needs, before writing them. */
function entryCount(family: Family, rule: IrRule): number {
  const services = serviceLines(rule);
  if (family === 6) return services.length * (rule.src?.length ?? 1) * (rule.dst?.length ?? 1);
  return services.filter((s) => s.icmpType !== undefined).length;
}

function action(rule: IrRule): string {
  return rule.action === "accept" ? "permit" : "deny";
}

/** The IPv4 entries of a rule: one with a service group when it has several services, else one each. */
function v4Entries(rule: IrRule, ctx: AclContext): string[] {
  const services = serviceLines(rule);
  if (services.length === 0) return [];
  // A reply's source is its flow's destination: its groups are named (and shared) from the flow's side.
  const reply = rule.origin.kind === "reply";
  const src = v4Address(rule.src, rule.origin.name, reply ? "dst" : "src", ctx);
  const dst = v4Address(rule.dst, rule.origin.name, reply ? "src" : "dst", ctx);
  // ICMP types and SCTP ports stay in entries: IOS service groups are not documented to take them.
  const groupable =
    services.length > 1 &&
    services.every(
      (s) => s.icmpType === undefined && !(s.proto === PROTO.sctp && (s.srcPorts || s.dstPorts)),
    );
  if (groupable) {
    const members = mergeTcpUdp(services).map((s) => groupMember(s));
    const name = ctx.groups.name({
      kind: "service",
      lines: members,
      owner: groupBase(rule),
      suffix: "-svc",
      shared: serviceContentName(members),
    });
    return [`${action(rule)} object-group ${name} ${src} ${dst}`];
  }
  return services.map((s) => inlineEntry(4, action(rule), s, src, dst));
}

/** IPv6 entries inline: one per source prefix, destination prefix and service. */
function v6Entries(rule: IrRule): string[] {
  const services = serviceLines(rule);
  const srcs = (rule.src ?? [undefined]).map(v6Address);
  const dsts = (rule.dst ?? [undefined]).map(v6Address);
  const out: string[] = [];
  for (const src of srcs)
    for (const dst of dsts) for (const s of services) out.push(inlineEntry(6, action(rule), s, src, dst));
  return out;
}

function inlineEntry(family: Family, act: string, s: ServiceLine, src: string, dst: string): string {
  const parts = [act, protocolToken(family, s), src, portOp(s.srcPorts), dst, portOp(s.dstPorts)];
  if (s.icmpType !== undefined) parts.push(String(s.icmpType));
  if (s.icmpCode !== undefined) parts.push(String(s.icmpCode));
  return parts.filter((p) => p !== "").join(" ");
}

/** A member line of an IOS `object-group service`: "tcp eq 22", "udp source eq 53", "tcp-udp eq 53", "gre". */
function groupMember(s: ServiceLine & { tcpUdp?: boolean }): string {
  const proto = s.tcpUdp ? "tcp-udp" : protocolToken(4, s);
  const src = portOp(s.srcPorts);
  return [proto, src && `source ${src}`, portOp(s.dstPorts)].filter((p) => p !== "").join(" ");
}

function v4Address(
  prefixes: readonly Prefix[] | undefined,
  flow: string,
  side: "src" | "dst",
  ctx: AclContext,
): string {
  if (prefixes === undefined) return "any";
  if (prefixes.length === 1) {
    const p = prefixes[0]!;
    if (p.length === 0) return "any";
    return isHost(p) ? `host ${prefixAddress(p)}` : `${prefixAddress(p)} ${ipv4Wildcard(p.length)}`;
  }
  const members = prefixes.map((p) =>
    isHost(p) ? `host ${prefixAddress(p)}` : `${prefixAddress(p)} ${ipv4Mask(p.length)}`,
  );
  const name = ctx.groups.name({
    kind: "network",
    lines: members,
    owner: flow,
    suffix: `-${side}-v4`,
    preferred: ctx.zones.groupName(4, prefixes),
  });
  return `object-group ${name}`;
}

function v6Address(p: Prefix | undefined): string {
  if (p === undefined || p.length === 0) return "any";
  return isHost(p) ? `host ${prefixAddress(p)}` : formatPrefix(p);
}
