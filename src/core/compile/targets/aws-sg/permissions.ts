// IR rules as security-group permissions: what AWS can say in one IpPermission (a protocol with one port
// range or one ICMP type/code pair) and the peers (CIDRs) it applies to, grouped the way AWS reports them.

import type { Family } from "../../../net/address.js";
import { formatPrefix, type Prefix } from "../../../net/prefix.js";
import { hasPorts, PROTO } from "../../../net/protocol.js";
import { type IrRule, type NumRange, rangeCount, rangeValues } from "../../ir.js";

/** What one IpPermission matches besides its peers. `from`/`to` are absent for "-1" and other protocols. */
export interface PermissionSpec {
  /** "-1", "tcp", "udp", "icmp", "icmpv6" or a protocol number. */
  readonly protocol: string;
  readonly from?: number;
  readonly to?: number;
}

/** One CIDR of a permission and the flows that need it. */
export interface PermissionPeer {
  readonly prefix: Prefix;
  readonly flows: string[];
}

export interface Permission {
  readonly spec: PermissionSpec;
  readonly v4: PermissionPeer[];
  readonly v6: PermissionPeer[];
}

/** Why a rule cannot be written as permissions, or the permissions' specs. */
export type SpecResult = { readonly ok: true; readonly specs: PermissionSpec[] } | { ok: false; why: string };

const ALL_PORTS: NumRange = { lo: 0, hi: 65535 };
const ALL_BYTE: NumRange = { lo: 0, hi: 255 };

function covers(ranges: readonly NumRange[] | undefined, full: NumRange): boolean {
  return ranges === undefined || rangeCount(ranges) === full.hi - full.lo + 1;
}

/**
 * The ICMP permissions for a type and code box. AWS takes one type (or -1: every type, and then every
 * code) and one code (or -1) per permission, so ranges are spelled out value by value.
 */
function icmpSpecs(
  protocol: string,
  types?: readonly NumRange[],
  codes?: readonly NumRange[],
): PermissionSpec[] {
  const allCodes = covers(codes, ALL_BYTE);
  if (covers(types, ALL_BYTE) && allCodes) return [{ protocol, from: -1, to: -1 }];
  const typeValues = rangeValues(types ?? [ALL_BYTE]);
  const codeValues = allCodes ? [-1] : rangeValues(codes!);
  return typeValues.flatMap((t) => codeValues.map((c) => ({ protocol, from: t, to: c })));
}

function portSpecs(proto: number, ports: readonly NumRange[] | undefined): SpecResult {
  if (proto === PROTO.tcp || proto === PROTO.udp) {
    const protocol = proto === PROTO.tcp ? "tcp" : "udp";
    return { ok: true, specs: (ports ?? [ALL_PORTS]).map((r) => ({ protocol, from: r.lo, to: r.hi })) };
  }
  // Security groups match ports for TCP and UDP only; any other protocol is allowed on every port.
  if (!covers(ports, ALL_PORTS))
    return { ok: false, why: `security groups cannot match ports of protocol ${proto}` };
  return { ok: true, specs: [{ protocol: String(proto) }] };
}

function protocolSpec(proto: number): PermissionSpec {
  switch (proto) {
    case PROTO.tcp:
      return { protocol: "tcp", from: 0, to: 65535 };
    case PROTO.udp:
      return { protocol: "udp", from: 0, to: 65535 };
    case PROTO.icmp:
      return { protocol: "icmp", from: -1, to: -1 };
    case PROTO.icmpv6:
      return { protocol: "icmpv6", from: -1, to: -1 };
    default:
      return { protocol: String(proto) };
  }
}

/**
 * The permission specs whose union is exactly the rule's protocols, ports and ICMP types (addresses
 * aside). Mirrors `irRuleSet`: ICMP fields restrict the rule to the family's ICMP protocol, and a port
 * condition leaves out protocols without ports.
 */
export function ruleSpecs(rule: IrRule): SpecResult {
  if (rule.srcPorts) return { ok: false, why: "security groups cannot match source ports" };
  const protos = rule.protocols;
  if (rule.icmpTypes || rule.icmpCodes) {
    const icmp = rule.family === 4 ? PROTO.icmp : PROTO.icmpv6;
    if (rule.dstPorts || (protos && !rangeValues(protos).includes(icmp))) return { ok: true, specs: [] };
    return {
      ok: true,
      specs: icmpSpecs(icmp === PROTO.icmp ? "icmp" : "icmpv6", rule.icmpTypes, rule.icmpCodes),
    };
  }
  if (!rule.dstPorts && covers(protos, ALL_BYTE)) return { ok: true, specs: [{ protocol: "-1" }] };
  const values = protos ? rangeValues(protos) : [PROTO.tcp, PROTO.udp, PROTO.sctp];
  const specs: PermissionSpec[] = [];
  for (const p of values) {
    if (!rule.dstPorts) {
      specs.push(protocolSpec(p));
      continue;
    }
    if (!hasPorts(p)) continue;
    const r = portSpecs(p, rule.dstPorts);
    if (!r.ok) return r;
    specs.push(...r.specs);
  }
  return { ok: true, specs };
}

export function specKey(s: PermissionSpec): string {
  return `${s.protocol}|${s.from ?? ""}|${s.to ?? ""}`;
}

/** Collects permissions in first-seen order, one per spec, each CIDR once with every flow that needs it. */
export class PermissionTable {
  private readonly byKey = new Map<string, { perm: Permission; peers: Map<string, PermissionPeer> }>();

  add(spec: PermissionSpec, prefixes: readonly Prefix[], flow: string): void {
    const key = specKey(spec);
    let entry = this.byKey.get(key);
    if (!entry) {
      entry = { perm: { spec, v4: [], v6: [] }, peers: new Map() };
      this.byKey.set(key, entry);
    }
    for (const prefix of prefixes) {
      const text = formatPrefix(prefix);
      const peer = entry.peers.get(text);
      if (peer) {
        if (!peer.flows.includes(flow)) peer.flows.push(flow);
        continue;
      }
      const created = { prefix, flows: [flow] };
      entry.peers.set(text, created);
      (prefix.family === 4 ? entry.perm.v4 : entry.perm.v6).push(created);
    }
  }

  list(): Permission[] {
    return [...this.byKey.values()].map((e) => e.perm);
  }
}

/** Every address of the family, as AWS writes "anywhere". */
export function anyPrefix(family: Family): Prefix {
  return { family, value: 0n, length: 0 };
}

/** A CIDR as AWS prints it: always with a length, even for one host. */
export function awsCidr(p: Prefix): string {
  const text = formatPrefix(p);
  return text.includes("/") ? text : `${text}/${p.family === 4 ? 32 : 128}`;
}
