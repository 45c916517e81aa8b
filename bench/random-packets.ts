// Random packets aimed at a policy's edges (its addresses, zone boundaries, ports ±1) with uniform ones mixed in.
//
// Uniform packets almost never land on the corners where an engine goes wrong: an address one past a zone, the
// port just above a range. Property tests comparing the intent with the reference evaluator draw from here.

import { ADDRESS_BITS, type Family, maxAddressValue } from "../src/core/net/address.js";
import { lastAddressValue, type Prefix, tryParsePrefix } from "../src/core/net/prefix.js";
import { hasIcmp, hasPorts, PROTO } from "../src/core/net/protocol.js";
import { parsePolicy } from "../src/core/policy/parse.js";
import { resolvePolicy } from "../src/core/policy/resolve.js";
import { ServiceResolver } from "../src/core/policy/services.js";
import type {
  AddressTerm,
  Policy,
  PolicySource,
  ServiceAtom,
  ServiceEntry,
} from "../src/core/policy/types.js";
import { makePacket, type Packet } from "../src/core/space/packet.js";
import { Random } from "./prng.js";

/** The values a policy singles out, where packets are most worth drawing. */
interface PolicyFeatures {
  readonly prefixes: Record<Family, Prefix[]>;
  readonly ports: number[];
  readonly icmp: { type: number; code?: number }[];
  /** Protocols named on their own ("gre", "proto/50"). */
  readonly protocols: number[];
  /** Flows and denies, resolved: a packet aimed at one is likely to be in it, or just beside it. */
  readonly rules: readonly ResolvedShape[];
}

interface ResolvedShape {
  readonly from: readonly AddressTerm[];
  readonly to: readonly AddressTerm[];
  readonly services: readonly ServiceAtom[];
}

function collectFeatures(policy: Policy): PolicyFeatures {
  const prefixes: Record<Family, Prefix[]> = { 4: [], 6: [] };
  const addPrefix = (p: Prefix) => prefixes[p.family].push(p);
  for (const z of policy.zones) z.networks.forEach((n) => addPrefix(n.prefix));
  for (const a of policy.assets) a.addresses.forEach((n) => addPrefix(n.prefix));
  const refs = [
    ...policy.groups.flatMap((g) => g.members),
    ...policy.applications.flatMap((a) => a.tiers.flatMap((t) => t.members)),
    ...[...policy.flows, ...policy.denies, ...policy.assertions].flatMap((r) => [...r.from, ...r.to]),
  ];
  for (const ref of refs) {
    const p = tryParsePrefix(ref.value);
    if (p) addPrefix(p);
  }

  const ports = new Set<number>();
  const icmp = new Map<string, { type: number; code?: number }>();
  const protocols = new Set<number>();
  const resolver = new ServiceResolver(policy.services);
  const lists: (readonly ServiceEntry[])[] = [
    ...policy.services.map((s) => s.entries),
    ...[...policy.flows, ...policy.denies, ...policy.assertions].map((r) => r.services),
  ];
  for (const list of lists)
    for (const atom of resolver.resolve(list).atoms) {
      if (atom.kind === "ports") {
        for (const r of atom.ranges)
          for (const p of [r.lo - 1, r.lo, r.hi, r.hi + 1]) if (p >= 0 && p <= 65535) ports.add(p);
      } else if (atom.kind === "icmp")
        icmp.set(`${atom.type}/${atom.code}`, { type: atom.type, code: atom.code });
      else if (atom.kind === "protocol") protocols.add(atom.proto);
    }
  // Expiry does not change which packets a rule matches, so any date will do.
  const { resolved } = resolvePolicy(policy, { today: "2000-01-01" });
  const rules = [...resolved.flows, ...resolved.denies];
  return { prefixes, ports: [...ports], icmp: [...icmp.values()], protocols: [...protocols], rules };
}

/** Uniform in [0, n) for n ≥ 1 (bias below 2^-8, which does not matter here). */
function below(rng: Random, n: bigint): bigint {
  return rng.bits(n.toString(2).length + 8) % n;
}

/** An address of one family: inside a policy prefix, on its first or last address, just outside it, or anywhere. */
function drawAddress(rng: Random, family: Family, prefixes: readonly Prefix[]): bigint {
  if (prefixes.length === 0 || rng.chance(0.15)) return rng.bits(ADDRESS_BITS[family]);
  const p = rng.pick(prefixes);
  const first = p.value;
  const last = lastAddressValue(p);
  const v = rng.weighted<() => bigint>([
    [() => first + below(rng, last - first + 1n), 50],
    [() => first, 15],
    [() => last, 15],
    [() => first - 1n, 10],
    [() => last + 1n, 10],
  ])();
  const max = maxAddressValue(family);
  return v < 0n ? 0n : v > max ? max : v;
}

function drawPort(rng: Random, pool: readonly number[]): number {
  if (pool.length > 0 && rng.chance(0.7)) return rng.pick(pool);
  return rng.chance(0.05) ? rng.pick([0, 1, 1023, 1024, 65535]) : rng.int(0, 65535);
}

/** A port inside the range, on its ends, or just outside them. */
function portNear(rng: Random, lo: number, hi: number): number {
  const p = rng.weighted<() => number>([
    [() => rng.int(lo, hi), 50],
    [() => lo, 15],
    [() => hi, 15],
    [() => lo - 1, 10],
    [() => hi + 1, 10],
  ])();
  return Math.min(65535, Math.max(0, p));
}

/** A packet aimed at one rule: its sources, destinations and services, or their edges. */
function drawForRule(rng: Random, f: PolicyFeatures, rule: ResolvedShape): Packet | undefined {
  const families = ([4, 6] as const).filter(
    (fam) => rule.from.some((t) => t.prefix.family === fam) && rule.to.some((t) => t.prefix.family === fam),
  );
  if (families.length === 0 || rule.services.length === 0) return undefined;
  const atom = rng.pick(rule.services);
  const bound =
    atom.kind === "any"
      ? undefined
      : atom.proto === PROTO.icmp
        ? 4
        : atom.proto === PROTO.icmpv6
          ? 6
          : undefined;
  // An ICMP rule matches only its own family: mostly draw that one, sometimes the other to test the edge.
  const family =
    bound !== undefined && families.includes(bound) && rng.chance(0.85) ? bound : rng.pick(families);
  const address = (terms: readonly AddressTerm[]) => {
    const t = rng.pick(terms.filter((x) => x.prefix.family === family));
    // The exceptions cut holes in the term: their edges are edges of the set too.
    return drawAddress(rng, family, [t.prefix, t.prefix, ...t.except]);
  };
  const src = address(rule.from);
  const dst = address(rule.to);
  let proto: number;
  let dport: number | undefined;
  let icmpType: number | undefined;
  let icmpCode: number | undefined;
  switch (atom.kind) {
    case "any":
      return drawPacket(rng, f, { family, src, dst });
    case "protocol":
      proto = atom.proto;
      break;
    case "ports": {
      proto = atom.proto;
      const r = rng.pick(atom.ranges);
      dport = portNear(rng, r.lo, r.hi);
      break;
    }
    case "icmp":
      proto = atom.proto;
      icmpType = Math.min(255, Math.max(0, atom.type + (rng.chance(0.2) ? rng.pick([-1, 1]) : 0)));
      icmpCode = atom.code ?? rng.int(0, 5);
      break;
    default: {
      const never: never = atom;
      throw new TypeError(`Unknown service atom ${JSON.stringify(never)}`);
    }
  }
  return makePacket({
    src: { family, value: src },
    dst: { family, value: dst },
    proto,
    dport: dport ?? drawPort(rng, f.ports),
    sport: rng.int(32768, 60999),
    icmpType: icmpType ?? 0,
    icmpCode: icmpCode ?? 0,
  });
}

function drawPacket(
  rng: Random,
  f: PolicyFeatures,
  at?: { family: Family; src: bigint; dst: bigint },
): Packet {
  const family: Family = at?.family ?? (rng.chance(0.35) ? 6 : 4);
  const src = at?.src ?? drawAddress(rng, family, f.prefixes[family]);
  const dst = at?.dst ?? drawAddress(rng, family, f.prefixes[family]);
  let proto = rng.weighted<() => number>([
    [() => PROTO.tcp, 45],
    [() => PROTO.udp, 22],
    [() => PROTO.icmp, 8],
    [() => PROTO.icmpv6, 7],
    [() => PROTO.sctp, 3],
    [() => (f.protocols.length > 0 ? rng.pick(f.protocols) : PROTO.gre), 5],
    [() => rng.int(0, 255), 10],
  ])();
  // ICMP belongs to IPv4 and ICMPv6 to IPv6; a few packets of the other family keep that rule tested.
  if (hasIcmp(proto) && rng.chance(0.85)) proto = family === 4 ? PROTO.icmp : PROTO.icmpv6;
  let icmpType = 0;
  let icmpCode = 0;
  if (hasIcmp(proto)) {
    const known = f.icmp.length > 0 && rng.chance(0.6) ? rng.pick(f.icmp) : undefined;
    const nudge = rng.chance(0.2) ? rng.pick([-1, 1]) : 0;
    icmpType = Math.min(255, Math.max(0, (known?.type ?? rng.int(0, rng.chance(0.8) ? 20 : 255)) + nudge));
    icmpCode = known?.code ?? rng.int(0, rng.chance(0.8) ? 5 : 255);
  }
  const ports = hasPorts(proto);
  return makePacket({
    src: { family, value: src },
    dst: { family, value: dst },
    proto,
    ...(ports && { dport: drawPort(rng, f.ports) }),
    ...(ports && { sport: rng.chance(0.7) ? rng.int(32768, 60999) : drawPort(rng, f.ports) }),
    icmpType,
    icmpCode,
  });
}

/**
 * `count` packets drawn for a policy (parsed or as sources), the same ones for the same seed: IPv4 and IPv6;
 * TCP, UDP, ICMP, ICMPv6, SCTP and other protocols. Half are aimed at one flow or deny (inside it or just
 * outside an edge), the rest at the policy's addresses and ports in general, some uniformly at random.
 */
export function randomPackets(
  policy: Policy | readonly PolicySource[],
  count: number,
  seed: number,
): Packet[] {
  const parsed = Array.isArray(policy)
    ? parsePolicy(policy as readonly PolicySource[]).policy
    : (policy as Policy);
  const features = collectFeatures(parsed);
  const rng = new Random(seed);
  return Array.from({ length: count }, () => {
    const aimed = features.rules.length > 0 && rng.chance(0.5);
    return (aimed && drawForRule(rng, features, rng.pick(features.rules))) || drawPacket(rng, features);
  });
}
