// One pod's IR rules (one direction) as NetworkPolicy rules: per flow, peers grouped by the ports they share.
//
// A NetworkPolicy rule is "any of these peers AND any of these ports", for both address families at once,
// and it always applies to every address of the selected pods. So each flow's boxes are cut into service
// atoms (one protocol and a port range no box boundary splits); each atom gets the union of the peers of
// the boxes covering it, and atoms with the same peers share one rule. That is exact, whatever way the
// decomposition split the flow, and lets a pod's IPv4 and IPv6 addresses meet in one podSelector.

import type { NumRange, IrOrigin, IrRule } from "../../ir.js";
import {
  type AddressSet,
  equals,
  fromPrefixes,
  fullFamily,
  isEmpty,
  minus,
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
 * The rules for one direction of one pod. `own` is the pod's side of each box (dst for ingress, src for
 * egress); NetworkPolicy cannot narrow it below the whole pod, so a box covering part of the pod is left out
 * and reported, never widened.
 */
export function directionRules(
  irRules: readonly IrRule[],
  direction: "ingress" | "egress",
  podAddresses: AddressSet,
  pods: readonly KnownPod[],
): DirectionRules {
  const rules: PolicyRule[] = [];
  const problems: RuleProblem[] = [];
  for (const group of byFlow(irRules)) {
    const origin = group[0]!.origin;
    const log = group.some((r) => r.log);
    const { clauses, partial } = clausesOf(group, direction, podAddresses);
    if (partial) problems.push({ kind: "part-of-pod", origin });
    for (const { peer, ports } of atomGroups(clauses)) {
      const p = portsOf(ports);
      if (p.portZero) problems.push({ kind: "port-zero", origin });
      if (p.ports?.length === 0) continue;
      const { peers, partialPods } = peersFor(peer, pods);
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
    const ownPrefixes = direction === "ingress" ? r.dst : r.src;
    const peerPrefixes = direction === "ingress" ? r.src : r.dst;
    const own = ownPrefixes ? fromPrefixes(ownPrefixes) : fullFamily(r.family);
    const peer = peerPrefixes ? fromPrefixes(peerPrefixes) : fullFamily(r.family);
    const clause = (p: AddressSet): Clause => ({
      ...(r.protocols && { protocols: protocolValues(r.protocols) }),
      ...(r.dstPorts && { ports: r.dstPorts }),
      peer: p,
    });
    if (equals(own, onlyFamily(podAddresses, r.family))) {
      clauses.push(clause(peer));
      continue;
    }
    const key = `${r.family}\u0000${serviceKey(r)}\u0000${JSON.stringify(peer.map((x) => [x.lo, x.hi].map(String)))}`;
    const prev = pieces.get(key);
    pieces.set(key, { rule: r, peer, own: prev ? union(prev.own, own) : own });
  }
  let partial = false;
  for (const { rule, peer, own } of pieces.values()) {
    if (!equals(own, onlyFamily(podAddresses, rule.family))) {
      partial = true;
      continue;
    }
    clauses.push({
      ...(rule.protocols && { protocols: protocolValues(rule.protocols) }),
      ...(rule.dstPorts && { ports: rule.dstPorts }),
      peer,
    });
  }
  return { clauses, partial };
}

/** One protocol's port range that no clause boundary splits. */
interface Atom {
  readonly protocol: number;
  readonly lo: number;
  readonly hi: number;
}

function covers(c: Clause, a: Atom): boolean {
  if (!c.protocols) return true;
  if (!c.protocols.includes(a.protocol)) return false;
  return !c.ports || c.ports.some((r) => r.lo <= a.lo && a.hi <= r.hi);
}

function atomsOf(clauses: readonly Clause[]): Atom[] {
  const atoms: Atom[] = [];
  for (const { number } of PORT_PROTOCOLS) {
    const bounds = new Set([0, 65536]);
    for (const c of clauses)
      if (c.protocols?.includes(number)) for (const r of c.ports ?? []) bounds.add(r.lo).add(r.hi + 1);
    const sorted = [...bounds].sort((a, b) => a - b);
    for (let i = 0; i + 1 < sorted.length; i++)
      atoms.push({ protocol: number, lo: sorted[i]!, hi: sorted[i + 1]! - 1 });
  }
  return atoms;
}

/**
 * Peers with the atoms they share. Peers of "every protocol" boxes come first, without ports; atoms then get
 * only the peers beyond those.
 */
function atomGroups(clauses: readonly Clause[]): { peer: AddressSet; ports?: Atom[] }[] {
  const any = union(...clauses.filter((c) => !c.protocols).map((c) => c.peer));
  const out: { peer: AddressSet; ports?: Atom[] }[] = isEmpty(any) ? [] : [{ peer: any }];
  const byPeer = new Map<string, { peer: AddressSet; ports: Atom[] }>();
  for (const atom of atomsOf(clauses)) {
    const peer = minus(
      union(...clauses.filter((c) => c.protocols && covers(c, atom)).map((c) => c.peer)),
      any,
    );
    if (isEmpty(peer)) continue;
    const key = JSON.stringify(peer.map((r) => [r.family, String(r.lo), String(r.hi)]));
    const g = byPeer.get(key);
    if (g) g.ports.push(atom);
    else byPeer.set(key, { peer, ports: [atom] });
  }
  return [...out, ...byPeer.values()];
}

/**
 * The NetworkPolicy ports of a group of atoms (undefined: every protocol). Port 0 cannot be written (ports
 * are 1-65535), so a range from 0 starts at 1 and `portZero` says so; a protocol's whole range is written
 * without a port.
 */
function portsOf(atoms: readonly Atom[] | undefined): { ports?: PolicyPort[]; portZero: boolean } {
  if (!atoms) return { portZero: false };
  const ports: PolicyPort[] = [];
  let portZero = false;
  for (const { number, name } of PORT_PROTOCOLS) {
    const ranges: { lo: number; hi: number }[] = [];
    for (const a of atoms.filter((x) => x.protocol === number)) {
      const last = ranges[ranges.length - 1];
      if (last && last.hi + 1 === a.lo) last.hi = a.hi;
      else ranges.push({ lo: a.lo, hi: a.hi });
    }
    for (const r of ranges) {
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
