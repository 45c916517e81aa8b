// Lowering: from the intent to one point's IR, rule by rule, refusing what the target cannot express.
//
// Each active flow becomes the boxes of its exact set within the point's scope, in policy order, named after
// the flow. A target that can drop gets the denies first (only those that cut into a flow there); one that
// cannot gets each flow with the denies subtracted. A stateless target also gets each flow's replies.

import { type Prefix, prefixCovers } from "../net/prefix.js";
import { PROTO, protocolName } from "../net/protocol.js";
import { diagnostic, type Diagnostic } from "../policy/diagnostics.js";
import type { RuleSet } from "../policy/intent.js";
import type { Intent } from "../policy/intent.js";
import type { AddressTerm, Asset } from "../policy/types.js";
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
}

function touches(terms: readonly AddressTerm[], prefixes: readonly Prefix[]): boolean {
  return terms.some((t) => prefixes.some((p) => prefixCovers(t.prefix, p) || prefixCovers(p, t.prefix)));
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
    const inDomain = near.domain
      .map((f) => ({ f, set: f.set.intersect(domain) }))
      .filter((x) => !x.set.isEmpty());
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
      for (const { f, set } of inDomain) emit(sink, set.minus(intent.denied), "accept", f, "flow");
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
    for (const g of groups) {
      if (g.assets.length === 0) continue;
      const addresses = g.assets.flatMap((a) => a.addresses.map((n) => n.prefix));
      const terms = addresses.map((prefix) => ({ prefix, except: [] }));
      const toHost = scope.renderDomain.intersect(intent.addresses(terms, "dst"));
      const fromHost = scope.renderDomain.intersect(intent.addresses(terms, "src"));
      // Only flows whose addresses can reach the hosts are intersected: a cheap prefix test first, since a
      // point may protect thousands of assets and the policy hold thousands of flows.
      const to = flows.filter((f) => touches(f.resolved.to, addresses));
      const from = flows.filter((f) => touches(f.resolved.from, addresses));
      const ingress = lowerWithFallback(toHost, fromHost, { domain: to, replyFrom: from });
      const egress = lowerWithFallback(fromHost, toHost, { domain: from, replyFrom: to });
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
