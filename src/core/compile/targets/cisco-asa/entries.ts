// The entries of the ASA access-list: one per IR rule, with object-groups for address and service lists.

import type { Family } from "../../../net/address.js";
import { formatPrefix, type Prefix } from "../../../net/prefix.js";
import type { IrRule } from "../../ir.js";
import { ipv4Mask, isHost, prefixAddress } from "../cisco-common/addresses.js";
import { type ObjectGroups, serviceContentName } from "../cisco-common/groups.js";
import type { ZoneIndex } from "../cisco-common/zones.js";
import { mergeTcpUdp, type ServiceLine, serviceLines } from "../cisco-common/services.js";
import { groupBase, portOp, remarkText } from "../cisco-common/text.js";

export interface EntryContext {
  readonly acl: string;
  readonly groups: ObjectGroups;
  readonly zones: ZoneIndex;
}

const KEYWORDS: Readonly<Record<number, string>> = {
  1: "icmp",
  2: "igmp",
  4: "ipinip",
  6: "tcp",
  9: "igrp",
  17: "udp",
  47: "gre",
  50: "esp",
  51: "ah",
  58: "icmp6",
  88: "eigrp",
  89: "ospf",
  94: "nos",
  103: "pim",
  108: "pcp",
  109: "snp",
  132: "sctp",
};

/** The protocol as ASA writes it: "ip" for every protocol, a keyword it knows, else the number. */
export function asaProtocol(proto: number | undefined): string {
  return proto === undefined ? "ip" : (KEYWORDS[proto] ?? String(proto));
}

/** The access-list lines for the rules, remarks included, and the number of entries. */
export function accessListLines(
  rules: readonly IrRule[],
  ctx: EntryContext,
): { lines: string[]; entries: number } {
  const lines: string[] = [];
  let entries = 0;
  let label: string | undefined;
  for (const rule of rules) {
    const entry = ruleEntry(rule, ctx);
    if (entry === undefined) continue;
    const text = remarkText(rule.origin);
    if (text !== label) lines.push(`access-list ${ctx.acl} remark ${text}`);
    label = text;
    lines.push(`access-list ${ctx.acl} extended ${entry}${rule.log ? " log" : ""}`);
    entries++;
  }
  return { lines, entries };
}

function ruleEntry(rule: IrRule, ctx: EntryContext): string | undefined {
  const services = serviceLines(rule);
  if (services.length === 0) return undefined;
  const reply = rule.origin.kind === "reply";
  const src = address(rule.family, rule.src, rule.origin.name, reply ? "dst" : "src", ctx);
  const dst = address(rule.family, rule.dst, rule.origin.name, reply ? "src" : "dst", ctx);
  const act = rule.action === "accept" ? "permit" : "deny";
  if (services.length === 1) {
    const s = services[0]!;
    const parts = [act, asaProtocol(s.proto), src, portOp(s.srcPorts), dst, portOp(s.dstPorts)];
    if (s.icmpType !== undefined) parts.push(String(s.icmpType));
    if (s.icmpCode !== undefined) parts.push(String(s.icmpCode));
    return parts.filter((p) => p !== "").join(" ");
  }
  const members = mergeTcpUdp(services).map(serviceObject);
  const name = ctx.groups.name({
    kind: "service",
    lines: members,
    owner: groupBase(rule),
    suffix: "-svc",
    shared: serviceContentName(members),
  });
  return `${act} object-group ${name} ${src} ${dst}`;
}

/** A `service-object` line: "tcp destination eq 443", "udp source eq 53", "icmp 3 4", "gre". */
function serviceObject(s: ServiceLine & { tcpUdp?: boolean }): string {
  const parts = ["service-object", s.tcpUdp ? "tcp-udp" : asaProtocol(s.proto)];
  const src = portOp(s.srcPorts);
  const dst = portOp(s.dstPorts);
  if (src) parts.push("source", src);
  if (dst) parts.push("destination", dst);
  if (s.icmpType !== undefined) parts.push(String(s.icmpType));
  if (s.icmpCode !== undefined) parts.push(String(s.icmpCode));
  return parts.join(" ");
}

function member(p: Prefix): string {
  if (isHost(p)) return `network-object host ${prefixAddress(p)}`;
  return p.family === 4
    ? `network-object ${prefixAddress(p)} ${ipv4Mask(p.length)}`
    : `network-object ${formatPrefix(p)}`;
}

function address(
  family: Family,
  prefixes: readonly Prefix[] | undefined,
  flow: string,
  side: "src" | "dst",
  ctx: EntryContext,
): string {
  const any = family === 4 ? "any4" : "any6";
  if (prefixes === undefined) return any;
  if (prefixes.length === 1) {
    const p = prefixes[0]!;
    if (p.length === 0) return any;
    if (isHost(p)) return `host ${prefixAddress(p)}`;
    return family === 4 ? `${prefixAddress(p)} ${ipv4Mask(p.length)}` : formatPrefix(p);
  }
  const name = ctx.groups.name({
    kind: "network",
    lines: prefixes.map(member),
    owner: flow,
    suffix: `-${side}-v${family}`,
    preferred: ctx.zones.groupName(family, prefixes),
  });
  return `object-group ${name}`;
}
