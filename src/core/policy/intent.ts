// The intent: the exact set of new connections the policy allows, with each flow's and deny's own set.

import { Bdd } from "../space/bdd.js";
import { formatPacket, type Packet } from "../space/packet.js";
import { type Direction, PacketSpace, type PacketSet } from "../space/packet-set.js";
import { formatPrefix, type Prefix } from "../net/prefix.js";
import { PROTO } from "../net/protocol.js";
import { diagnostic, type Diagnostic } from "./diagnostics.js";
import type { ResolvedPolicy, ResolvedRule } from "./resolve.js";
import type { AddressTerm, Rule, ServiceAtom } from "./types.js";

export interface RuleSet {
  readonly resolved: ResolvedRule;
  readonly rule: Rule;
  /** Every packet the rule matches, whether or not it has expired. */
  readonly set: PacketSet;
}

export interface PacketExplanation {
  readonly verdict: "allow" | "deny";
  /** Active flows that match the packet (also when a deny wins). */
  readonly allowedBy: Rule[];
  /** Active denies that match the packet. */
  readonly deniedBy: Rule[];
  /** Expired flows and denies that would have matched. */
  readonly expired: Rule[];
}

export class Intent {
  readonly flows: RuleSet[];
  readonly denies: RuleSet[];
  /** Every new connection the policy allows: active flows minus active denies. */
  readonly allowed: PacketSet;
  /** Every packet an active deny matches. */
  readonly denied: PacketSet;
  private readonly termCache = new Map<string, number>();
  private readonly zoneCache = new Map<string, PacketSet>();
  private index: DestinationIndex | undefined;

  constructor(
    readonly resolved: ResolvedPolicy,
    // About 500 nodes a flow are created on the way to the intent; sizing the table up front saves rehashing.
    readonly space: PacketSpace = new PacketSpace(
      Math.min(1 << 23, Math.max(1 << 16, resolved.flows.length * 512)),
    ),
  ) {
    const bdd = space.bdd;
    const build = (r: ResolvedRule): RuleSet => ({
      resolved: r,
      rule: r.rule,
      set: space.wrap(
        bdd.and(
          this.servicesNode(r.services),
          bdd.and(this.addressNode(r.to, "dst"), this.addressNode(r.from, "src")),
        ),
      ),
    });
    this.flows = resolved.flows.map(build);
    this.denies = resolved.denies.map(build);
    this.denied = space.unionAll(this.denies.filter((d) => !d.resolved.expired).map((d) => d.set));
    const flows = space.unionAll(this.flows.filter((f) => !f.resolved.expired).map((f) => f.set));
    this.allowed = flows.minus(this.denied);
  }

  /** Packets whose source (or destination) is in the address terms. */
  addresses(terms: readonly AddressTerm[], dir: Direction): PacketSet {
    return this.space.wrap(this.addressNode(terms, dir));
  }

  /** Packets of the given services (any source port). */
  services(atoms: readonly ServiceAtom[]): PacketSet {
    return this.space.wrap(this.servicesNode(atoms));
  }

  /** Packets from the source zone's space to the destination zone's space. */
  zoneSpace(zone: string, dir: Direction): PacketSet {
    const key = `${dir}|${zone}`;
    let s = this.zoneCache.get(key);
    if (!s) {
      s = this.addresses(this.resolved.zones.get(zone) ?? [], dir);
      this.zoneCache.set(key, s);
    }
    return s;
  }

  /** Traffic between two different zones of the list: what an enforcement point over them controls. */
  crossZoneTraffic(zones: readonly string[]): PacketSet {
    const bdd = this.space.bdd;
    const src = this.space.orAll(zones.map((z) => this.zoneSpace(z, "src").node));
    const dst = this.space.orAll(zones.map((z) => this.zoneSpace(z, "dst").node));
    const within = this.space.orAll(
      zones.map((z) => bdd.and(this.zoneSpace(z, "src").node, this.zoneSpace(z, "dst").node)),
    );
    return this.space.wrap(bdd.diff(bdd.and(src, dst), within));
  }

  /** What an enforcement point must let through: the allowed part of the traffic it controls. */
  pointIntent(point: string): PacketSet {
    const p = this.resolved.points.find((x) => x.point.name === point);
    if (!p) throw new RangeError(`Unknown enforcement point "${point}"`);
    return this.allowed.intersect(this.crossZoneTraffic(p.zones));
  }

  explain(packet: Packet): PacketExplanation {
    const active: { flows: Rule[]; denies: Rule[]; expired: Rule[] } = { flows: [], denies: [], expired: [] };
    this.index ??= new DestinationIndex([...this.flows, ...this.denies]);
    const candidates = this.index.candidates(packet);
    for (const [kind, target] of [
      ["flow", active.flows],
      ["deny", active.denies],
    ] as const) {
      for (const r of candidates) {
        if (r.rule.kind !== kind || !r.set.contains(packet)) continue;
        if (r.resolved.expired) active.expired.push(r.rule);
        else target.push(r.rule);
      }
    }
    const verdict = this.allowed.contains(packet) ? "allow" : "deny";
    return { verdict, allowedBy: active.flows, deniedBy: active.denies, expired: active.expired };
  }

  private addressNode(terms: readonly AddressTerm[], dir: Direction): number {
    const bdd = this.space.bdd;
    return this.space.orAll(
      terms.map((t) => {
        let n = this.prefixNode(t.prefix, dir);
        for (const e of t.except) n = bdd.diff(n, this.prefixNode(e, dir));
        return n;
      }),
    );
  }

  private prefixNode(p: Prefix, dir: Direction): number {
    const key = `${dir}${p.family}:${p.value}/${p.length}`;
    let n = this.termCache.get(key);
    if (n === undefined) {
      n = this.space.prefixNode(dir, p);
      this.termCache.set(key, n);
    }
    return n;
  }

  private servicesNode(atoms: readonly ServiceAtom[]): number {
    const s = this.space;
    return s.orAll(atoms.map((a) => this.familyBound(a, this.atomNode(a))));
  }

  /** ICMP belongs to IPv4 and ICMPv6 to IPv6 (docs/policy-format.md, Packets). */
  private familyBound(a: ServiceAtom, node: number): number {
    if (a.kind === "any") return node;
    if (a.proto === PROTO.icmp) return this.space.bdd.and(node, this.space.family(4).node);
    if (a.proto === PROTO.icmpv6) return this.space.bdd.and(node, this.space.family(6).node);
    return node;
  }

  private atomNode(a: ServiceAtom): number {
    const s = this.space;
    switch (a.kind) {
      case "any":
        return Bdd.TRUE;
      case "protocol":
        return s.protocolNode(a.proto);
      case "ports":
        return s.orAll(a.ranges.map((r) => s.portsNode(a.proto, "dst", r.lo, r.hi)));
      case "icmp":
        return s.icmp(a.proto, a.type, a.code).node;
      default: {
        const never: never = a;
        throw new TypeError(`Unknown service atom ${JSON.stringify(never)}`);
      }
    }
  }
}

/**
 * Narrows the rules that can match a packet by its destination: rules are bucketed by the leading bits of their
 * destination prefixes (16 for IPv4, 32 for IPv6); shorter prefixes go to a list checked for every packet. The
 * exact check is still the rule's own set, so the index only has to hold a superset.
 */
class DestinationIndex {
  private readonly buckets = new Map<string, RuleSet[]>();
  private readonly broad: RuleSet[] = [];

  constructor(rules: readonly RuleSet[]) {
    for (const r of rules) {
      const keys = new Set<string>();
      let broad = false;
      for (const t of r.resolved.to) {
        const key = DestinationIndex.key(t.prefix.family, t.prefix.value, t.prefix.length);
        if (key === undefined) broad = true;
        else keys.add(key);
      }
      if (broad) this.broad.push(r);
      else for (const k of keys) this.bucket(k).push(r);
    }
  }

  private bucket(key: string): RuleSet[] {
    let b = this.buckets.get(key);
    if (!b) this.buckets.set(key, (b = []));
    return b;
  }

  private static key(family: 4 | 6, value: bigint, length: number): string | undefined {
    const bits = family === 4 ? 16 : 32;
    if (length < bits) return undefined;
    return `${family}:${value >> BigInt((family === 4 ? 32 : 128) - bits)}`;
  }

  /** Rules in policy order (flows and denies keep their relative order) that may match the packet. */
  candidates(p: Packet): RuleSet[] {
    const key = DestinationIndex.key(p.family, p.dst, p.family === 4 ? 32 : 128)!;
    const hit = this.buckets.get(key);
    return hit ? [...this.broad, ...hit] : this.broad;
  }
}

/** Checks that need the exact sets: flows that allow nothing, flows that denies cancel, failed assertions. */
export function checkIntent(intent: Intent): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const f of intent.flows) {
    if (f.resolved.expired) continue;
    if (f.set.isEmpty()) {
      out.push(
        diagnostic(
          "empty-flow",
          "warning",
          `Flow "${f.rule.name}" matches no packet (its sources and destinations share no address family, or one side is empty)`,
          f.rule.loc,
        ),
      );
    } else if (f.set.isSubsetOf(intent.denied)) {
      const by = intent.denies
        .filter((d) => !d.resolved.expired && d.set.overlaps(f.set))
        .map((d) => `"${d.rule.name}"`);
      out.push(
        diagnostic(
          "flow-cancelled",
          "warning",
          `Flow "${f.rule.name}" allows nothing: deny ${by.join(", ")} ${by.length > 1 ? "cancel" : "cancels"} all of it`,
          f.rule.loc,
        ),
      );
    }
  }
  for (const a of intent.resolved.assertions) {
    const query = intent
      .services(a.services)
      .intersect(intent.addresses(a.to, "dst"))
      .intersect(intent.addresses(a.from, "src"));
    const label = a.assertion.name ? `Assertion "${a.assertion.name}"` : "Assertion";
    const expect = a.assertion.expect.value;
    if (expect === "allow") {
      const missing = query.minus(intent.allowed);
      if (!missing.isEmpty() || query.isEmpty()) {
        const w = missing.witness();
        const why = w ? explainDenial(intent, w) : "the query matches no packet";
        out.push(
          diagnostic(
            "assertion-failed",
            "error",
            `${label} failed: expected allow, but ${w ? formatPacket(w) : "nothing"} is denied (${why})`,
            a.assertion.expect.loc,
          ),
        );
      }
    } else {
      const open = query.intersect(intent.allowed);
      const w = open.witness();
      if (w) {
        const by = intent.explain(w).allowedBy.map((r) => `"${r.name}"`);
        out.push(
          diagnostic(
            "assertion-failed",
            "error",
            `${label} failed: expected deny, but ${formatPacket(w)} is allowed by flow ${by.join(", ")}`,
            a.assertion.expect.loc,
          ),
        );
      }
    }
  }
  return out;
}

function explainDenial(intent: Intent, p: Packet): string {
  const e = intent.explain(p);
  if (e.deniedBy.length) return `deny ${e.deniedBy.map((r) => `"${r.name}"`).join(", ")}`;
  if (e.expired.length) return `flow ${e.expired.map((r) => `"${r.name}"`).join(", ")} expired`;
  return "no flow allows it";
}

export function describeTerms(terms: readonly AddressTerm[]): string {
  return terms
    .map(
      (t) =>
        formatPrefix(t.prefix) + (t.except.length ? ` except ${t.except.map(formatPrefix).join(", ")}` : ""),
    )
    .join(", ");
}
