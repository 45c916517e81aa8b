// The vendor-independent form every target renders: ordered first-match rules over boxes of packets.

import type { Family } from "../net/address.js";
import { type Prefix, rangeToPrefixes } from "../net/prefix.js";
import type { PacketBox, ValueRange } from "../space/summarize.js";
import type { AddressTerm, Asset, EnforcementPoint, K8sSelector } from "../policy/types.js";

/** An inclusive range of small numbers: protocols, ports, ICMP types and codes. */
export interface NumRange {
  readonly lo: number;
  readonly hi: number;
}

/** Where an IR rule comes from: the policy rule it carries out, for comments, logging and attribution. */
export interface IrOrigin {
  /** "reply": the explicit return traffic of a flow, for stateless targets. */
  readonly kind: "flow" | "deny" | "reply";
  readonly name: string;
  readonly ticket?: string;
  readonly owner?: string;
}

/**
 * One rule: a box of new connections (every combination of its fields) and what to do with it.
 * A field that is absent matches every value. Fields never mix families: a rule is IPv4 or IPv6.
 */
export interface IrRule {
  readonly action: "accept" | "drop";
  readonly family: Family;
  /** Absent: every protocol. */
  readonly protocols?: readonly NumRange[];
  /** Only when every protocol of the rule carries ports (TCP, UDP, SCTP). */
  readonly dstPorts?: readonly NumRange[];
  readonly srcPorts?: readonly NumRange[];
  /** Only when the rule's protocol is ICMP (IPv4) or ICMPv6 (IPv6). */
  readonly icmpTypes?: readonly NumRange[];
  readonly icmpCodes?: readonly NumRange[];
  /** Absent: every address of the family. */
  readonly src?: readonly Prefix[];
  readonly dst?: readonly Prefix[];
  readonly origin: IrOrigin;
  /** Log each new connection the rule matches. */
  readonly log: boolean;
}

/** The rules a host-role point runs on one host, or on every host when the target shares one rule set. */
export interface IrHostRules {
  /** The asset's name, or the point's name when the rule set is shared by every host. */
  readonly name: string;
  readonly assets: readonly Asset[];
  /** Every address of those assets. */
  readonly addresses: readonly Prefix[];
  /** The asset's Kubernetes selector, when it has one. */
  readonly k8s?: K8sSelector;
  /** Connections arriving at the hosts (first match, default drop). */
  readonly ingress: readonly IrRule[];
  /** Connections the hosts open (first match, default drop). */
  readonly egress: readonly IrRule[];
}

/** What a target renders for one enforcement point. */
export interface IrPoint {
  readonly point: EnforcementPoint;
  /** The zones between which the point filters. */
  readonly zones: readonly string[];
  /** Each of those zones' exact address space (longest-prefix resolved): prefixes minus exceptions. */
  readonly zoneNetworks: ReadonlyMap<string, readonly AddressTerm[]>;
  /** Network role: the rules for forwarded traffic (first match, default drop). Empty for host role. */
  readonly forward: readonly IrRule[];
  /** Host role: the rule sets. Empty for network role. */
  readonly hosts: readonly IrHostRules[];
  /** True when the target is stateless and the rules include explicit replies (origin kind "reply"). */
  readonly replies: boolean;
}

const FULL8 = { lo: 0, hi: 255 };

function toNum(ranges: readonly ValueRange[]): NumRange[] {
  return ranges.map((r) => ({ lo: Number(r.lo), hi: Number(r.hi) }));
}

function addressPrefixes(family: Family, ranges: readonly ValueRange[]): Prefix[] | undefined {
  const max = (1n << (family === 4 ? 32n : 128n)) - 1n;
  if (ranges.length === 1 && ranges[0]!.lo === 0n && ranges[0]!.hi === max) return undefined;
  return ranges.flatMap((r) => rangeToPrefixes(family, r.lo, r.hi));
}

/** The IR rule for one box of a decomposition. */
export function boxToRule(box: PacketBox, action: IrRule["action"], origin: IrOrigin, log: boolean): IrRule {
  const protocols = toNum(box.protocols);
  const anyProtocol =
    protocols.length === 1 && protocols[0]!.lo === FULL8.lo && protocols[0]!.hi === FULL8.hi;
  const src = addressPrefixes(box.family, box.src);
  const dst = addressPrefixes(box.family, box.dst);
  return {
    action,
    family: box.family,
    ...(!anyProtocol && { protocols }),
    ...(box.dstPorts && { dstPorts: toNum(box.dstPorts) }),
    ...(box.srcPorts && { srcPorts: toNum(box.srcPorts) }),
    ...(box.icmpTypes && { icmpTypes: toNum(box.icmpTypes) }),
    ...(box.icmpCodes && { icmpCodes: toNum(box.icmpCodes) }),
    ...(src && { src }),
    ...(dst && { dst }),
    origin,
    log,
  };
}

/** Expands ranges to single values (for syntaxes without ranges); callers bound the size first. */
export function rangeValues(ranges: readonly NumRange[]): number[] {
  const out: number[] = [];
  for (const r of ranges) for (let v = r.lo; v <= r.hi; v++) out.push(v);
  return out;
}

/** Number of single values in the ranges. */
export function rangeCount(ranges: readonly NumRange[]): number {
  return ranges.reduce((n, r) => n + r.hi - r.lo + 1, 0);
}

/** Every IR rule of a point, in rendering order: forward rules, then each host's ingress and egress. */
export function allRules(ir: IrPoint): IrRule[] {
  return [...ir.forward, ...ir.hosts.flatMap((h) => [...h.ingress, ...h.egress])];
}
