// SRX policy evaluation as packet sets. A new connection belongs to the zone pair (zone of its source,
// zone of its destination), zones taken from the policy by name; within the pair the zone-pair policies
// apply first, then the global policies, then the default policy. First match.

import type { SourceLocation } from "../../../policy/diagnostics.js";
import type { PacketSet, PacketSpace } from "../../../space/packet-set.js";
import type { ImportContext, ImportedRule, RuleList } from "../../model.js";
import { allOf, firstMatch, type OrderedRule } from "../../match.js";
import { contextKey, type JunosConfig, type PolicyDef, type Reporter } from "./config.js";
import { AddressResolver, booksFor } from "./resolve-addresses.js";
import { ApplicationResolver } from "./resolve-applications.js";

/** The zone the SRX itself is: policies to or from it concern the device, not forwarded traffic. */
const HOST_ZONE = "junos-host";

interface Zone {
  readonly name: string;
  readonly src: PacketSet;
  readonly dst: PacketSet;
}

export function evaluateConfig(
  cfg: JunosConfig,
  rep: Reporter,
  context: ImportContext,
): { accepted: PacketSet; rules: ImportedRule[] } {
  const space = context.space;
  const zones = knownZones(cfg, rep, context);
  const addresses = new AddressResolver(space, rep);
  const apps = new ApplicationResolver(space, cfg, rep);
  const rule = (p: PolicyDef, zone: { from?: string; to?: string }): OrderedRule => ({
    action: actionOf(p),
    match: policyMatch(space, cfg, rep, addresses, apps, p, zone),
  });
  const globals = cfg.global.map((p) => ({ p, r: rule(p, {}) }));
  const rules: ImportedRule[] = [];
  const globalMatch = globals.map(() => space.none());
  let accepted = space.none();
  for (const a of zones)
    for (const b of zones) {
      const domain = a.src.intersect(b.dst);
      const own = (cfg.contexts.get(contextKey(a.name, b.name)) ?? []).map((p) => ({ p, r: rule(p, p) }));
      for (const { p, r } of own) rules.push(imported(p, r, domain, `from-zone ${a.name} to-zone ${b.name}`));
      const applicable = globals.filter(({ p }) => appliesTo(p, a.name, b.name));
      globals.forEach(({ p, r }, i) => {
        if (appliesTo(p, a.name, b.name)) globalMatch[i] = globalMatch[i]!.union(r.match.intersect(domain));
      });
      const list = [...own, ...applicable].map((x) => x.r);
      if (list.length === 0 && cfg.defaultPolicy === "deny-all") continue;
      const fallback = cfg.defaultPolicy === "permit-all" ? "accept" : "drop";
      accepted = accepted.union(firstMatch(space, list, fallback).intersect(domain));
    }
  globals.forEach(({ p, r }, i) =>
    rules.push({ ...imported(p, r, space.all(), "global"), match: globalMatch[i]! }),
  );
  return { accepted: applyInet6Mode(space, cfg, rep, accepted), rules };
}

function imported(p: PolicyDef, r: OrderedRule, domain: PacketSet, list: string): ImportedRule {
  return {
    action: r.action,
    match: r.match.intersect(domain),
    source: { file: p.loc.file, line: p.loc.line, text: p.text },
    list,
    label: p.name,
  };
}

/** The zones of the configuration, with their address spaces from the policy. */
function knownZones(cfg: JunosConfig, rep: Reporter, context: ImportContext): Zone[] {
  const named = new Map<string, SourceLocation>();
  for (const [name, z] of cfg.zones) named.set(name, z.loc);
  for (const list of cfg.contexts.values())
    for (const p of list) for (const z of [p.from!, p.to!]) if (!named.has(z)) named.set(z, p.loc);
  for (const p of cfg.global)
    for (const z of [...p.fromZones, ...p.toZones]) if (z !== "any" && !named.has(z)) named.set(z, p.loc);
  const zones: Zone[] = [];
  for (const [name, loc] of named) {
    if (name === HOST_ZONE) {
      rep.ignored(
        `Policies of zone "${HOST_ZONE}" concern the device itself, not forwarded traffic`,
        loc,
        "host",
      );
      continue;
    }
    const src = context.zoneSpace(name, "src");
    if (src.isEmpty()) {
      rep.unsupported(
        `Zone "${name}" is not a zone of the policy; its traffic is not modelled`,
        loc,
        `zone ${name}`,
      );
      continue;
    }
    zones.push({ name, src, dst: context.zoneSpace(name, "dst") });
  }
  return zones;
}

function appliesTo(p: PolicyDef, from: string, to: string): boolean {
  const fits = (list: readonly string[], zone: string) =>
    list.length === 0 || list.includes("any") || list.includes(zone);
  return fits(p.fromZones, from) && fits(p.toZones, to);
}

function actionOf(p: PolicyDef): OrderedRule["action"] {
  switch (p.action) {
    case "permit":
      return "accept";
    case "deny":
    case "reject":
      return "drop";
    case undefined:
      return "other";
  }
}

function policyMatch(
  space: PacketSpace,
  cfg: JunosConfig,
  rep: Reporter,
  addresses: AddressResolver,
  apps: ApplicationResolver,
  p: PolicyDef,
  zone: { from?: string; to?: string },
): PacketSet {
  const missing = [
    p.sources.length === 0 && "source-address",
    p.destinations.length === 0 && "destination-address",
    p.applications.length === 0 && "application",
    p.action === undefined && "then action",
  ].filter((x): x is string => x !== false);
  if (missing.length > 0) {
    rep.syntax(`Policy "${p.name}" has no ${missing.join(", ")}; it matches nothing`, p.loc);
    return space.none();
  }
  let src = addresses.resolve(p.sources, booksFor(cfg, zone.from), "src", zone.from ?? "");
  let dst = addresses.resolve(p.destinations, booksFor(cfg, zone.to), "dst", zone.to ?? "");
  if (p.sourceExcluded) src = src.complement();
  if (p.destinationExcluded) dst = dst.complement();
  return allOf(space, [src, dst, apps.resolve(p.applications)]);
}

/** `security forwarding-options family inet6 mode`: drop discards IPv6; packet-based skips the policies. */
function applyInet6Mode(space: PacketSpace, cfg: JunosConfig, rep: Reporter, accepted: PacketSet): PacketSet {
  const m = cfg.inet6Mode;
  if (!m || m.mode === "flow-based") return accepted;
  if (m.mode === "drop") return accepted.minus(space.family(6));
  if (m.mode === "packet-based") {
    rep.unsupported(
      "IPv6 is forwarded packet-based, without security policies: read as all IPv6 passing",
      m.loc,
    );
    return accepted.union(space.family(6));
  }
  rep.syntax(`Cannot read IPv6 forwarding mode "${m.mode}"`, m.loc);
  return accepted;
}

/**
 * The policies' rule lists: each zone pair's policies go on ("next") to the global policies, and those to the
 * default policy.
 */
export function policyLists(cfg: JunosConfig, rules: readonly ImportedRule[]): RuleList[] {
  const names = [...new Set(rules.map((r) => r.list))];
  const byDefault = cfg.defaultPolicy === "permit-all" ? "accept" : "drop";
  return names.map((name) => ({ name, fallThrough: name === "global" ? byDefault : "next" }));
}
