// One pod's IR rules (one direction) as NetworkPolicy rules: per flow, peers grouped by the ports they share.
//
// A NetworkPolicy rule is "any of these peers AND any of these ports", for both address families at once,
// and it always applies to every address of the selected pods. So each flow's boxes are cut into regions
// of peer addresses (ranges no box boundary splits); each region gets the union of the services of the boxes
// covering it, and regions with the same services share one rule. That is exact, whatever way the
// decomposition split the flow, and lets a pod's IPv4 and IPv6 addresses meet in one podSelector.

import type { NumRange, IrOrigin, IrRule } from "../../ir.js";
import {
  type AddressRange,
  type AddressSet,
  equals,
  fromPrefixes,
  fullFamily,
  onlyFamily,
  union,
} from "./address-set.js";
import { type KnownPod, type Peer, peersFor } from "./peers.js";

export type PortProtocol = "TCP" | "UDP" | "SCTP";

const PORT_PROTOCOLS: readonly { readonly number: number; readonly name: PortProtocol }[] = [
  { number: 6, name: "TCP" },
  { number: 17, name: "UDP" },
  { number: 132, name: "SCTP" },
];

export interface PolicyPort {
  readonly protocol: PortProtocol;
  readonly port?: number;
  readonly endPort?: number;
}

/** One rule of a NetworkPolicy's `ingress` or `egress` list. */
export interface PolicyRule {
  readonly origin: IrOrigin;
  readonly log: boolean;
  readonly peers: Peer[];
  /** Absent: every protocol and port. */
  readonly ports?: PolicyPort[];
}

/** Something of a flow the rules cannot say exactly; the renderer reports it. */
export type RuleProblem =
  | { readonly kind: "part-of-pod"; readonly origin: IrOrigin }
  | { readonly kind: "port-zero"; readonly origin: IrOrigin }
  | { readonly kind: "partial-peer"; readonly origin: IrOrigin; readonly pod: KnownPod };

/** What one IR box says, seen from the protected pod: the peer's addresses and the services. */
interface Clause {
  readonly protocols?: readonly number[];
  readonly ports?: readonly NumRange[];
  readonly peer: AddressSet;
}

export interface DirectionRules {
  readonly rules: PolicyRule[];
  readonly problems: RuleProblem[];
}

/**
 * The rules for one direction of one pod (`podAddresses`: all of its addresses). The pod's side of a box (dst
 * for ingress, src for egress) cannot be narrowed below the whole pod, so a box covering part of the pod is
 * left out and reported, never widened.
 */
export function directionRules(
  irRules: readonly IrRule[],
  direction: "ingress" | "egress",
  podAddresses: AddressSet,
  pods: readonly KnownPod[],
): DirectionRules {
  const rules: PolicyRule[] = [];
  const problems: RuleProblem[] = [];
  const families = [...new Set(podAddresses.map((r) => r.family))];
  for (const group of byFlow(irRules)) {
    const origin = group[0]!.origin;
    const log = group.some((r) => r.log);
    const { clauses, partial } = clausesOf(group, direction, podAddresses);
    if (partial) problems.push({ kind: "part-of-pod", origin });
    for (const { peer, services } of serviceGroups(clauses)) {
      const p = portsOf(services);
      if (p.portZero) problems.push({ kind: "port-zero", origin });
      if (p.ports?.length === 0) continue;
      const { peers, partialPods } = peersFor(peer, pods, families);
      for (const pod of partialPods) problems.push({ kind: "partial-peer", origin, pod });
      rules.push({ origin, log, peers, ...(p.ports && { ports: p.ports }) });
    }
  }
  return { rules, problems };
}

/** The IR rules grouped by the flow they carry out, in order of first appearance. */
function byFlow(rules: readonly IrRule[]): IrRule[][] {
  const groups = new Map<string, IrRule[]>();
  for (const r of rules) {
    const key = `${r.origin.kind}\u0000${r.origin.name}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()];
}

function serviceKey(r: IrRule): string {
  return JSON.stringify([r.protocols ?? null, r.dstPorts ?? null]);
}

function protocolValues(ranges: readonly NumRange[]): number[] {
  const out: number[] = [];
  for (const r of ranges) for (let p = r.lo; p <= r.hi; p++) out.push(p);
  return out;
}

function clauseOf(r: IrRule, peer: AddressSet): Clause {
  return {
    ...(r.protocols && { protocols: protocolValues(r.protocols) }),
    ...(r.dstPorts && { ports: r.dstPorts }),
    peer,
  };
}

function setKey(a: AddressSet): string {
  return JSON.stringify(a.map((r) => [r.family, String(r.lo), String(r.hi)]));
}

/**
 * The flow's boxes as clauses. A box whose pod side is only part of the pod's addresses of its family is kept
 * when boxes with the same services and peers together cover the whole pod; otherwise it is dropped.
 */
function clausesOf(
  group: readonly IrRule[],
  direction: "ingress" | "egress",
  podAddresses: AddressSet,
): { clauses: Clause[]; partial: boolean } {
  const clauses: Clause[] = [];
  const pieces = new Map<string, { rule: IrRule; peer: AddressSet; own: AddressSet }>();
  for (const r of group) {
    const [ownPrefixes, peerPrefixes] = direction === "ingress" ? [r.dst, r.src] : [r.src, r.dst];
    const own = ownPrefixes ? fromPrefixes(ownPrefixes) : fullFamily(r.family);
    const peer = peerPrefixes ? fromPrefixes(peerPrefixes) : fullFamily(r.family);
    if (equals(own, onlyFamily(podAddresses, r.family))) {
      clauses.push(clauseOf(r, peer));
      continue;
    }
    const key = `${r.family}\u0000${serviceKey(r)}\u0000${setKey(peer)}`;
    const prev = pieces.get(key);
    pieces.set(key, { rule: r, peer, own: prev ? union(prev.own, own) : own });
  }
  let partial = false;
  for (const { rule, peer, own } of pieces.values()) {
    if (equals(own, onlyFamily(podAddresses, rule.family))) clauses.push(clauseOf(rule, peer));
    else partial = true;
  }
  return { clauses, partial };
}

/** Per port protocol (6, 17, 132), the port ranges; undefined: every protocol. */
type Services = ReadonlyMap<number, readonly NumRange[]> | undefined;

/** The services of the clauses covering one region of peer addresses, merged. */
function servicesOf(clauses: readonly Clause[]): Services {
  if (clauses.some((c) => !c.protocols)) return undefined;
  const out = new Map<number, NumRange[]>();
  for (const { number } of PORT_PROTOCOLS) {
    const rs = clauses
      .filter((c) => c.protocols!.includes(number))
      .flatMap((c) => c.ports ?? [{ lo: 0, hi: 65535 }])
      .sort((a, b) => a.lo - b.lo);
    const merged: NumRange[] = [];
    for (const r of rs) {
      const last = merged[merged.length - 1];
      if (last && r.lo <= last.hi + 1)
        merged[merged.length - 1] = { lo: last.lo, hi: Math.max(last.hi, r.hi) };
      else merged.push(r);
    }
    if (merged.length > 0) out.set(number, merged);
  }
  return out;
}

/** Ranges of peer addresses no clause boundary splits, each with the clauses covering it. */
function regionsOf(clauses: readonly Clause[]): { region: AddressRange; covering: Clause[] }[] {
  const out: { region: AddressRange; covering: Clause[] }[] = [];
  for (const family of [4, 6] as const) {
    const bounds = new Set<bigint>();
    for (const c of clauses) for (const r of onlyFamily(c.peer, family)) bounds.add(r.lo).add(r.hi + 1n);
    const sorted = [...bounds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (let i = 0; i + 1 < sorted.length; i++) {
      const region = { family, lo: sorted[i]!, hi: sorted[i + 1]! - 1n };
      const covering = clauses.filter((c) =>
        c.peer.some((r) => r.family === family && r.lo <= region.lo && region.lo <= r.hi),
      );
      if (covering.length > 0) out.push({ region, covering });
    }
  }
  return out;
}

/**
 * The flow's clauses as (peers, services) pairs: each region of peer addresses gets the union of the services
 * of the clauses covering it, and regions with the same services share one pair. Merging per region is what
 * makes the result independent of how the decomposition cut the flow into boxes.
 */
function serviceGroups(clauses: readonly Clause[]): { peer: AddressSet; services: Services }[] {
  const groups = new Map<string, { peer: AddressSet; services: Services }>();
  for (const { region, covering } of regionsOf(clauses)) {
    const services = servicesOf(covering);
    const key = JSON.stringify(services ? [...services] : null);
    const g = groups.get(key);
    groups.set(key, { peer: union(g?.peer ?? [], [region]), services });
  }
  return [...groups.values()];
}

/**
 * The NetworkPolicy ports of some services (undefined: every protocol). Port 0 cannot be written (ports are
 * 1-65535), so a range from 0 starts at 1 and `portZero` says so; a protocol's whole range has no port.
 */
function portsOf(services: Services): { ports?: PolicyPort[]; portZero: boolean } {
  if (!services) return { portZero: false };
  const ports: PolicyPort[] = [];
  let portZero = false;
  for (const { number, name } of PORT_PROTOCOLS) {
    for (const r of services.get(number) ?? []) {
      if (r.lo === 0 && r.hi === 65535) {
        ports.push({ protocol: name });
        continue;
      }
      if (r.lo === 0) portZero = true;
      const lo = Math.max(1, r.lo);
      if (lo > r.hi) continue;
      ports.push(lo === r.hi ? { protocol: name, port: lo } : { protocol: name, port: lo, endPort: r.hi });
    }
  }
  return { ports, portZero };
}
