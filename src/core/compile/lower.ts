// Lowering: from the intent to one point's IR, rule by rule, refusing what the target cannot express.
//
// Each active flow becomes the boxes of its exact set within the point's scope, in policy order, named after
// the flow. A target that can drop gets the denies first (only those that cut into a flow there); one that
// cannot gets each flow with the denies subtracted. A stateless target also gets each flow's replies.

import { lastAddressValue, type Prefix, prefixOf } from "../net/prefix.js";
import { PROTO, protocolName } from "../net/protocol.js";
import { diagnostic, type Diagnostic } from "../policy/diagnostics.js";
import type { RuleSet } from "../policy/intent.js";
import type { Intent } from "../policy/intent.js";
import type { Asset } from "../policy/types.js";
import type { PacketSet } from "../space/packet-set.js";
import { boxToSet, decompose, type PacketBox, type ValueRange } from "../space/summarize.js";
import { boxToRule, type IrHostRules, type IrOrigin, type IrPoint, type IrRule } from "./ir.js";
import { replyBoxes } from "./replies.js";
import type { PointScope } from "./scope.js";
import type { Target, TargetCapabilities } from "./target.js";

export interface Lowered {
  readonly ir: IrPoint;
  readonly diagnostics: Diagnostic[];
  /** Packets the policy allows that the IR leaves out because the target cannot express them. */
  readonly refused: PacketSet;
}

/** Most boxes one rule's set may split into before the point is refused as too fragmented. */
const MAX_BOXES = 1_000_000;

/** The flows that may meet a domain (a superset), and those that may meet the domain replies come from. */
interface Near {
  readonly domain: readonly RuleSet[];
  readonly replyFrom: readonly RuleSet[];
  /**
   * A flow's set within the domain (with the denies taken out when `allowed`), when the caller can build it
   * from parts shared by many domains; absent: intersected here.
   */
  readonly within?: (f: RuleSet, allowed: boolean) => PacketSet;
}

const prefixKey = (p: Prefix) => `${p.family}/${p.length}/${p.value}`;

/**
 * The items (flows) with an address term that covers, or lies inside, one of some prefixes (a superset of
 * those meeting them), in their order. Indexed once, since a point may protect thousands of assets and the
 * policy hold thousands of flows: the terms covering a prefix are looked up by its ancestors, those inside
 * it are a run of the terms sorted by address.
 */
export function touchIndex<T>(
  items: readonly T[],
  termsOf: (item: T) => readonly { readonly prefix: Prefix }[],
): (prefixes: readonly Prefix[]) => T[] {
  const byPrefix = new Map<string, number[]>();
  const sorted: { readonly p: Prefix; readonly i: number }[] = [];
  items.forEach((item, i) => {
    for (const { prefix } of termsOf(item)) {
      const key = prefixKey(prefix);
      const list = byPrefix.get(key);
      if (list) list.push(i);
      else byPrefix.set(key, [i]);
      sorted.push({ p: prefix, i });
    }
  });
  const before = (a: Prefix, b: Prefix) =>
    a.family < b.family || (a.family === b.family && a.value < b.value);
  sorted.sort((x, y) => (before(x.p, y.p) ? -1 : before(y.p, x.p) ? 1 : 0));
  return (prefixes) => {
    const hit = new Set<number>();
    for (const p of prefixes) {
      for (let length = 0; length <= p.length; length++)
        for (const i of byPrefix.get(prefixKey(prefixOf(p, length))) ?? []) hit.add(i);
      let lo = 0;
      let hi = sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (before(sorted[mid]!.p, p)) lo = mid + 1;
        else hi = mid;
      }
      const last = lastAddressValue(p);
      for (let k = lo; k < sorted.length; k++) {
        const t = sorted[k]!;
        if (t.p.family !== p.family || t.p.value > last) break;
        if (t.p.length > p.length) hit.add(t.i);
      }
    }
    return [...hit].sort((a, b) => a - b).map((i) => items[i]!);
  };
}

interface Sink {
  readonly rules: IrRule[];
  /** What could not be written, and why; reported only for the lowering that is kept. */
  readonly problems: { readonly origin: RuleSet; readonly why: string }[];
  refused: PacketSet;
  /** True when a deny could not be written: the caller must lower again with denies subtracted. */
  denyRefused: boolean;
}

export function lowerPoint(intent: Intent, scope: PointScope, target: Target): Lowered {
  const caps = target.capabilities;
  const point = scope.point.point;
  const diagnostics: Diagnostic[] = [];
  const reported = new Set<string>();
  const zoneNetworks = new Map(scope.point.zones.map((z) => [z, intent.resolved.zones.get(z) ?? []]));
  const space = intent.space;
  const active = (rs: readonly RuleSet[]) => rs.filter((r) => !r.resolved.expired);
  const flows = active(intent.flows);
  const denies = active(intent.denies);

  if (!caps.roles.includes(point.role)) {
    diagnostics.push(
      diagnostic(
        "target-refused",
        "error",
        `Target "${target.id}" has no ${point.role} role; enforcement point "${point.name}" cannot be compiled`,
        point.loc,
      ),
    );
    return {
      ir: { point, zones: scope.point.zones, zoneNetworks, forward: [], hosts: [], replies: !caps.stateful },
      diagnostics,
      refused: scope.allowed,
    };
  }

  const report = (sink: Sink) => {
    for (const { origin, why } of sink.problems) refuse(origin, why);
    return sink;
  };

  const refuse = (origin: RuleSet, why: string) => {
    const key = `${origin.rule.name}\u0000${why}`;
    if (reported.has(key)) return;
    reported.add(key);
    const what = origin.rule.kind === "flow" ? "Flow" : "Deny";
    diagnostics.push(
      diagnostic(
        "target-refused",
        "error",
        `${what} "${origin.rule.name}" cannot be written for enforcement point "${point.name}" (${target.id}): ${why}`,
        origin.rule.loc,
      ),
    );
  };

  const emit = (
    sink: Sink,
    set: PacketSet,
    action: IrRule["action"],
    from: RuleSet,
    kind: IrOrigin["kind"],
  ) => {
    if (set.isEmpty()) return;
    // One family at a time: the ICMP type of an IPv6 packet with protocol 1 is then never split on
    // because an IPv4 rule tests it (equal subtrees merge once the family is fixed).
    const boxes: PacketBox[] = [];
    for (const family of [4, 6] as const) {
      const part = decompose(set.intersect(space.family(family)), MAX_BOXES, MAX_BOXES);
      boxes.push(...part.boxes);
      if (part.truncated) {
        sink.problems.push({ origin: from, why: "its packet set splits into too many rules" });
        sink.refused = sink.refused.union(set);
        if (action === "drop") sink.denyRefused = true;
        return;
      }
    }
    const origin = originOf(from, kind);
    for (const box of boxes.flatMap((b) => splitProtocols(b, caps))) {
      const why = unsupported(box, target);
      if (why !== undefined) {
        sink.problems.push({ origin: from, why });
        if (action === "drop") sink.denyRefused = true;
        else sink.refused = sink.refused.union(boxToSet(space, box));
        continue;
      }
      sink.rules.push(boxToRule(box, action, origin, from.rule.log));
    }
  };

  /**
   * The rules for the traffic within `domain`. Replies (stateless targets) are those of the allowed traffic
   * in `replyFrom`: the same domain for a network point; the opposite direction for a host's list.
   */
  const lowerDomain = (
    domain: PacketSet,
    replyFrom: PacketSet,
    subtract: boolean,
    near: Near = { domain: flows, replyFrom: flows },
  ): Sink => {
    const sink: Sink = { rules: [], problems: [], refused: space.none(), denyRefused: false };
    const within = (f: RuleSet, allowed: boolean) => {
      if (near.within) return near.within(f, allowed);
      const set = f.set.intersect(domain);
      return allowed ? set.minus(intent.denied) : set;
    };
    const inDomain = near.domain.map((f) => ({ f, set: within(f, false) })).filter((x) => !x.set.isEmpty());
    if (!caps.stateful) {
      // Replies first, so no deny written below can block the return traffic of an allowed connection.
      for (const f of near.replyFrom) {
        const allowed = f.set.intersect(replyFrom).minus(intent.denied);
        if (allowed.isEmpty()) continue;
        const { boxes } = decompose(allowed, MAX_BOXES, MAX_BOXES);
        const replies = boxes.flatMap(replyBoxes);
        if (replies.length > 0)
          emit(sink, space.unionAll(replies.map((b) => boxToSet(space, b))), "accept", f, "reply");
      }
    }
    if (subtract) {
      for (const { f } of inDomain) emit(sink, within(f, true), "accept", f, "flow");
    } else {
      const union = space.unionAll(inDomain.map((x) => x.set));
      for (const d of denies) {
        const set = d.set.intersect(domain);
        if (set.overlaps(union)) emit(sink, set, "drop", d, "deny");
      }
      for (const { f, set } of inDomain) emit(sink, set, "accept", f, "flow");
    }
    return sink;
  };

  const lowerWithFallback = (domain: PacketSet, replyFrom = domain, near?: Near) => {
    // Denies go first where the target can drop; a deny it cannot write is subtracted instead, never lost.
    const first = lowerDomain(domain, replyFrom, !caps.deny || !caps.stateful, near);
    return report(first.denyRefused ? lowerDomain(domain, replyFrom, true, near) : first);
  };

  let forward: IrRule[] = [];
  const hosts: IrHostRules[] = [];
  let refused = space.none();
  if (point.role === "network") {
    const sink = lowerWithFallback(scope.renderDomain);
    forward = sink.rules;
    refused = sink.refused;
  } else {
    const groups: { name: string; assets: readonly Asset[] }[] =
      caps.hostRules === "shared"
        ? [{ name: point.name, assets: scope.hosts }]
        : scope.hosts.map((a) => ({ name: a.name, assets: [a] }));
    const flowsTo = touchIndex(flows, (f) => f.resolved.to);
    const flowsFrom = touchIndex(flows, (f) => f.resolved.from);
    // A flow's part in the zones (and that part less the denies), once for every host it reaches: a host's
    // domain is the zone product and the host's side, so the flow's part there is this and the host's side.
    const zoneParts = new Map<RuleSet, { set: PacketSet; allowed?: PacketSet }>();
    const inZones = (f: RuleSet, allowed: boolean): PacketSet => {
      let part = zoneParts.get(f);
      if (!part) zoneParts.set(f, (part = { set: f.set.intersect(scope.zoneDomain) }));
      if (!allowed) return part.set;
      return (part.allowed ??= part.set.minus(intent.denied));
    };
    for (const g of groups) {
      if (g.assets.length === 0) continue;
      const addresses = g.assets.flatMap((a) => a.addresses.map((n) => n.prefix));
      const terms = addresses.map((prefix) => ({ prefix, except: [] }));
      // The render domain where these hosts are one end, taken from the smaller zone product: the same set.
      const dstSide = intent.addresses(terms, "dst");
      const srcSide = intent.addresses(terms, "src");
      const toHost = scope.zoneDomain.intersect(dstSide);
      const fromHost = scope.zoneDomain.intersect(srcSide);
      // Only flows whose addresses can reach the hosts are intersected (found by a prefix index first).
      const to = flowsTo(addresses);
      const from = flowsFrom(addresses);
      const ingress = lowerWithFallback(toHost, fromHost, {
        domain: to,
        replyFrom: from,
        within: (f, allowed) => inZones(f, allowed).intersect(dstSide),
      });
      const egress = lowerWithFallback(fromHost, toHost, {
        domain: from,
        replyFrom: to,
        within: (f, allowed) => inZones(f, allowed).intersect(srcSide),
      });
      refused = refused.union(ingress.refused).union(egress.refused);
      const k8s = g.assets.length === 1 ? g.assets[0]!.k8s : undefined;
      hosts.push({
        name: g.name,
        assets: g.assets,
        addresses,
        ...(k8s && { k8s }),
        ingress: ingress.rules,
        egress: egress.rules,
      });
    }
  }
  return {
    ir: { point, zones: scope.point.zones, zoneNetworks, forward, hosts, replies: !caps.stateful },
    diagnostics,
    // A refused flow box is written down before denies are taken out of it.
    refused: refused.intersect(scope.expected),
  };
}

function originOf(r: RuleSet, kind: IrOrigin["kind"]): IrOrigin {
  return {
    kind,
    name: r.rule.name,
    ...(r.rule.ticket !== undefined && { ticket: r.rule.ticket }),
    ...(r.rule.owner !== undefined && { owner: r.rule.owner }),
  };
}

/** Why the target cannot express the box, or undefined when it can. */
export function unsupported(box: PacketBox, target: Target): string | undefined {
  const caps = target.capabilities;
  if (!caps.families.includes(box.family)) return `the target does not filter IPv${box.family}`;
  const protos = box.protocols;
  const anyProtocol = protos.length === 1 && protos[0]!.lo === 0n && protos[0]!.hi === 255n;
  if (anyProtocol) {
    if (!caps.anyProtocol) return "the target cannot match every protocol at once";
  } else if (caps.protocols !== "any") {
    const allowed = new Set(caps.protocols);
    const missing: number[] = [];
    for (const r of protos)
      for (let p = Number(r.lo); p <= Number(r.hi); p++) if (!allowed.has(p)) missing.push(p);
    if (missing.length === 1) return `the target cannot match protocol ${protocolName(missing[0]!)}`;
    if (missing.length > 1)
      return `the target cannot match protocol ${protocolName(missing[0]!)} and ${missing.length - 1} more of its protocols`;
  }
  if (box.icmpTypes || box.icmpCodes) {
    if (!caps.icmp) return "the target cannot match ICMP types or codes";
    const own = box.family === 4 ? PROTO.icmp : PROTO.icmpv6;
    if (protos.length !== 1 || protos[0]!.lo !== BigInt(own) || protos[0]!.hi !== BigInt(own))
      return `ICMP types are only matched for ${protocolName(own)} in IPv${box.family}`;
  }
  if (box.srcPorts && !caps.sourcePorts) return "the target cannot match source ports";
  return undefined;
}

/**
 * A box whose protocols the target can match only in part, split into the part it can match (one box, so
 * it is written) and the rest (refused on its own). Every other box is returned whole.
 */
export function splitProtocols(box: PacketBox, caps: TargetCapabilities): PacketBox[] {
  if (caps.protocols === "any") return [box];
  const wanted = new Set(caps.protocols);
  const all = box.protocols.length === 1 && box.protocols[0]!.lo === 0n && box.protocols[0]!.hi === 255n;
  if (all && caps.anyProtocol) return [box];
  const inside: ValueRange[] = [];
  const outside: ValueRange[] = [];
  const add = (list: ValueRange[], p: bigint) => {
    const last = list[list.length - 1];
    if (last && last.hi + 1n === p) list[list.length - 1] = { lo: last.lo, hi: p };
    else list.push({ lo: p, hi: p });
  };
  for (const r of box.protocols)
    for (let p = r.lo; p <= r.hi; p++) add(wanted.has(Number(p)) ? inside : outside, p);
  if (inside.length === 0 || outside.length === 0) return [box];
  // Ports and ICMP fields stay valid: the split never adds a protocol to either part.
  return [
    { ...box, protocols: inside },
    { ...box, protocols: outside },
  ];
}
