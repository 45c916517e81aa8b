// The reference evaluator: a deliberately naive loop over the policy's meaning, the oracle every fast path is tested against.
//
// Keep it obviously correct rather than fast: no indexing, no caching, no use of the resolver's address terms
// or zone space (those are what it checks). Each function below restates one sentence of the semantics.

import type { Address } from "../net/address.js";
import { prefixContains, tryParsePrefix } from "../net/prefix.js";
import { PROTO } from "../net/protocol.js";
import type { Packet } from "../space/packet.js";
import { ServiceResolver } from "./services.js";
import type { Policy, Reference, Rule, ServiceAtom } from "./types.js";

export interface Evaluation {
  readonly verdict: "allow" | "deny";
  /** Active flows matching the packet (also when a deny wins: the flows it overrides). */
  readonly allowedBy: Rule[];
  /** Active denies matching the packet. */
  readonly deniedBy: Rule[];
  /** Expired flows and denies that would have matched. */
  readonly expiredMatches: Rule[];
}

export interface EvaluateOptions {
  /** "YYYY-MM-DD": rules whose `expires` is earlier no longer apply. */
  readonly today: string;
  /** Defaults to a resolver over the policy's own service definitions. */
  readonly services?: ServiceResolver;
}

export function evaluatePacket(policy: Policy, packet: Packet, options: EvaluateOptions): Evaluation {
  const services = options.services ?? new ServiceResolver(policy.services);
  const matching = (rules: readonly Rule[]) => rules.filter((r) => ruleMatches(policy, services, r, packet));
  const isExpired = (r: Rule) => r.expires !== undefined && options.today > r.expires.value;
  const flows = matching(policy.flows);
  const denies = matching(policy.denies);
  const allowedBy = flows.filter((r) => !isExpired(r));
  const deniedBy = denies.filter((r) => !isExpired(r));
  const expiredMatches = [...flows, ...denies].filter(isExpired);
  const verdict = deniedBy.length === 0 && allowedBy.length > 0 ? "allow" : "deny";
  return { verdict, allowedBy, deniedBy, expiredMatches };
}

/** Whether a rule matches a packet, ignoring expiry. */
export function ruleMatches(policy: Policy, services: ServiceResolver, rule: Rule, packet: Packet): boolean {
  const src: Address = { family: packet.family, value: packet.src };
  const dst: Address = { family: packet.family, value: packet.dst };
  return (
    rule.from.some((ref) => inReference(policy, ref.value, src, new Set())) &&
    rule.to.some((ref) => inReference(policy, ref.value, dst, new Set())) &&
    services.resolve(rule.services).atoms.some((atom) => atomMatches(atom, packet))
  );
}

/** The zone with a network containing the address at the longest prefix; the first zone wins a tie. */
export function zoneOf(policy: Policy, address: Address): string | undefined {
  let best: { name: string; length: number } | undefined;
  for (const zone of policy.zones)
    for (const net of zone.networks)
      if (prefixContains(net.prefix, address) && (best === undefined || net.prefix.length > best.length))
        best = { name: zone.name, length: net.prefix.length };
  return best?.name;
}

/**
 * Whether an address is in a reference. `visiting` holds the group and app references being expanded,
 * so that a cycle contributes nothing. Unknown references match nothing.
 */
function inReference(policy: Policy, ref: string, address: Address, visiting: Set<string>): boolean {
  if (ref === "any") return true;
  const colon = ref.indexOf(":");
  const kind = colon < 0 ? "" : ref.slice(0, colon);
  const name = ref.slice(colon + 1);
  const inAny = (members: readonly Reference[]) => {
    if (visiting.has(ref)) return false;
    visiting.add(ref);
    const found = members.some((m) => inReference(policy, m.value, address, visiting));
    visiting.delete(ref);
    return found;
  };
  switch (kind) {
    case "zone":
      return zoneOf(policy, address) === name;
    case "asset": {
      const asset = policy.assets.find((a) => a.name === name);
      return asset !== undefined && asset.addresses.some((a) => prefixContains(a.prefix, address));
    }
    case "group":
      return inAny(policy.groups.find((g) => g.name === name)?.members ?? []);
    case "app": {
      const slash = name.indexOf("/");
      const appName = slash < 0 ? name : name.slice(0, slash);
      const app = policy.applications.find((a) => a.name === appName);
      const tiers = slash < 0 ? app?.tiers : app?.tiers.filter((t) => t.name === name.slice(slash + 1));
      return inAny((tiers ?? []).flatMap((t) => t.members));
    }
    default: {
      // Not "kind:name": a literal IP or CIDR (an IPv6 literal contains colons, so parse the whole text).
      const prefix = tryParsePrefix(ref);
      return prefix !== undefined && prefixContains(prefix, address);
    }
  }
}

/** Whether a packet matches a service atom; the source port never matters. */
export function atomMatches(atom: ServiceAtom, packet: Packet): boolean {
  // ICMP belongs to IPv4 and ICMPv6 to IPv6: neither matches a packet of the other family.
  if (atom.kind !== "any" && atom.proto === PROTO.icmp && packet.family !== 4) return false;
  if (atom.kind !== "any" && atom.proto === PROTO.icmpv6 && packet.family !== 6) return false;
  switch (atom.kind) {
    case "any":
      return true;
    case "protocol":
      return packet.proto === atom.proto;
    case "ports":
      return (
        packet.proto === atom.proto && atom.ranges.some((r) => r.lo <= packet.dport && packet.dport <= r.hi)
      );
    case "icmp":
      return (
        packet.proto === atom.proto &&
        packet.icmpType === atom.type &&
        (atom.code === undefined || packet.icmpCode === atom.code)
      );
    default: {
      const unreachable: never = atom;
      throw new TypeError(`Cannot match service atom: unknown kind ${JSON.stringify(unreachable)}`);
    }
  }
}
