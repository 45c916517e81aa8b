// What security groups let through. A group only allows: its rules are a union. It protects the host its
// `rampart:asset` tag names; a host with several groups allows the union of them all, and a connection
// passes when the egress rules of the protected host it leaves and the ingress rules of the protected host
// it enters both allow it (`hostAccepts`).

import type { Prefix } from "../../../net/prefix.js";
import { type Diagnostic, diagnostic } from "../../../policy/diagnostics.js";
import type { PacketSet, PacketSpace } from "../../../space/packet-set.js";
import { allOf, hostAccepts, icmpMatch, portMatch, prefixMatch, protocolMatch } from "../../match.js";
import type { ImportContext, ImportedRule, ImportHost, ImportResult } from "../../model.js";
import type { SgGroup, SgPeer, SgPermission, SgProtocol, Where } from "./sg-model.js";

/** The packets of a rule's protocol, ports, ICMP type and code. */
export function protocolSet(space: PacketSpace, p: SgProtocol): PacketSet {
  switch (p.kind) {
    case "all":
      return space.all();
    case "ports":
      return portMatch(space, [p.proto], "dst", [{ lo: p.lo, hi: p.hi }]);
    case "icmp":
      if (p.type === undefined) return protocolMatch(space, [{ lo: p.proto, hi: p.proto }]);
      return icmpMatch(
        space,
        p.proto,
        [{ lo: p.type, hi: p.type }],
        p.code === undefined ? undefined : [{ lo: p.code, hi: p.code }],
      );
    case "protocol":
      return protocolMatch(space, [{ lo: p.proto, hi: p.proto }]);
    default: {
      const never: never = p;
      throw new TypeError(`Unknown protocol kind ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Packet sets already built, by what they stand for: the JSON and the Terraform of one compile describe
 * the same groups, so the second reading (and repeated peers within one) costs lookups, not BDD work.
 */
export class SgMatchCache {
  private readonly sets = new Map<string, PacketSet>();

  get(key: string, build: () => PacketSet): PacketSet {
    let set = this.sets.get(key);
    if (!set) {
      set = build();
      this.sets.set(key, set);
    }
    return set;
  }

  /** The union of sets this cache built (their nodes stay alive here, so their ids name them). */
  union(space: PacketSpace, sets: readonly PacketSet[]): PacketSet {
    return this.get(`union|${sets.map((x) => space.own(x)).join(",")}`, () => space.unionAll(sets));
  }
}

function protocolKey(p: SgProtocol): string {
  return JSON.stringify(p);
}

function prefixesKey(prefixes: readonly Prefix[]): string {
  return prefixes.map((p) => `${p.family}:${p.value}/${p.length}`).join(",");
}

interface HostFilter {
  readonly host: ImportHost;
  ingress: PacketSet;
  egress: PacketSet;
}

class Evaluator {
  readonly diagnostics: Diagnostic[] = [];
  readonly rules: ImportedRule[] = [];
  /** Group key (and name) → the host carrying it, for groups whose host is known. */
  private readonly carriers = new Map<string, ImportHost>();

  constructor(
    private readonly context: ImportContext,
    private readonly groups: readonly SgGroup[],
    private readonly cache = new SgMatchCache(),
  ) {}

  private unsupported(at: Where, message: string): void {
    this.diagnostics.push(diagnostic("config-unsupported", "warning", message, at));
  }

  /** The host each group protects; groups without one are reported and left out. */
  assign(): Map<SgGroup, ImportHost> {
    const hosts = new Map(this.context.hosts.map((h) => [h.name, h]));
    const out = new Map<SgGroup, ImportHost>();
    for (const g of this.groups) {
      if (g.asset === undefined) {
        this.unsupported(
          g.at,
          `Security group "${g.name}" has no "rampart:asset" tag, so where it applies is unknown; it is left out`,
        );
        continue;
      }
      const host = hosts.get(g.asset);
      if (!host) {
        this.unsupported(
          g.at,
          `Security group "${g.name}" is tagged for "${g.asset}", which is not a host this point protects; it is left out`,
        );
        continue;
      }
      out.set(g, host);
      this.carriers.set(g.key, host);
      if (!this.carriers.has(g.name)) this.carriers.set(g.name, host);
    }
    return out;
  }

  /** Addresses a peer stands for; undefined (reported) when they cannot be known. */
  private peerAddresses(peer: SgPeer): readonly Prefix[] | undefined {
    switch (peer.kind) {
      case "cidr":
        return [peer.prefix];
      case "group": {
        const host = this.carriers.get(peer.group);
        if (!host)
          this.unsupported(
            peer.at,
            `Security group "${peer.group}" is referenced, but the hosts carrying it are unknown; the entry is left out`,
          );
        return host?.addresses;
      }
      case "prefix-list":
        this.unsupported(peer.at, `Prefix list "${peer.id}" is not modelled; the entry is left out`);
        return undefined;
      default: {
        const never: never = peer;
        throw new TypeError(`Unknown peer kind ${JSON.stringify(never)}`);
      }
    }
  }

  /**
   * The rules of one permission, and what it allows in all (one set operation for its peers together,
   * not one per peer); `host` undefined: the group's own side is every address.
   */
  permission(g: SgGroup, host: ImportHost | undefined, p: SgPermission): PacketSet {
    const space = this.context.space;
    const peerDir = p.direction === "ingress" ? "src" : "dst";
    const ownDir = p.direction === "ingress" ? "dst" : "src";
    // The rule's own side and protocol, together: the part every peer of the permission shares.
    const ownKey = `${host ? `${ownDir}=${prefixesKey(host.addresses)}` : "*"}|${protocolKey(p.protocol)}`;
    const base = this.cache.get(ownKey, () =>
      allOf(space, [
        protocolSet(space, p.protocol),
        host ? prefixMatch(space, ownDir, host.addresses) : space.all(),
      ]),
    );
    const peers: PacketSet[] = [];
    for (const peer of p.peers) {
      const addresses = this.peerAddresses(peer);
      if (!addresses) continue;
      const peerKey = `${peerDir}=${prefixesKey(addresses)}`;
      const side = this.cache.get(peerKey, () => prefixMatch(space, peerDir, addresses));
      const cache = this.cache;
      const description = peer.kind === "prefix-list" ? undefined : peer.description;
      this.rules.push({
        action: "accept",
        // Built when first read: the proof needs only the permission's union (below), and a compiled
        // point can hold a million rules.
        get match() {
          return cache.get(`${ownKey}|${peerKey}`, () => allOf(space, [side, base]));
        },
        source: { file: peer.at.file, line: peer.at.line, text: peer.at.text },
        list: `${g.name} ${p.direction}`,
        ...(description !== undefined && { label: description }),
      });
      peers.push(side);
    }
    const sides = this.cache.union(space, peers);
    return this.cache.get(`${ownKey}|${peerDir}#${space.own(sides)}`, () => allOf(space, [sides, base]));
  }
}

/**
 * The groups' rules where no host is known (a network-role or standalone reading): each group's side of a
 * rule is every address; references to other groups are reported and left out.
 */
export function groupRules(groups: readonly SgGroup[], context: ImportContext): ImportResult {
  const ev = new Evaluator(context, groups);
  for (const g of groups) for (const p of g.permissions) ev.permission(g, undefined, p);
  const lists = groups.flatMap((g) =>
    (["ingress", "egress"] as const).map((dir) => ({
      name: `${g.name} ${dir}`,
      // A group only allows: what no rule allows is denied.
      fallThrough: "drop" as const,
      source: { file: g.at.file, line: g.at.line, text: g.at.text },
    })),
  );
  return { accepted: context.space.none(), rules: ev.rules, lists, diagnostics: ev.diagnostics };
}

/** What the groups let through for the context's hosts; `fallback` places host-level diagnostics. */
export function evaluateGroups(
  groups: readonly SgGroup[],
  context: ImportContext,
  fallback: Where,
  cache = new SgMatchCache(),
): ImportResult {
  const space = context.space;
  const ev = new Evaluator(context, groups, cache);
  const assigned = ev.assign();
  const filters = new Map<string, HostFilter>();
  for (const [g, host] of assigned) {
    let f = filters.get(host.name);
    if (!f) {
      f = { host, ingress: space.none(), egress: space.none() };
      filters.set(host.name, f);
    }
    const ingress: PacketSet[] = [f.ingress];
    const egress: PacketSet[] = [f.egress];
    for (const p of g.permissions)
      (p.direction === "ingress" ? ingress : egress).push(ev.permission(g, host, p));
    f.ingress = cache.union(space, ingress);
    f.egress = cache.union(space, egress);
  }
  for (const h of context.hosts)
    if (!filters.has(h.name))
      ev.diagnostics.push(
        diagnostic(
          "config-unsupported",
          "warning",
          `No security group is tagged for host "${h.name}"; its traffic is treated as unfiltered`,
          fallback,
        ),
      );
  const list = [...filters.values()];
  const key = list.map(
    (f) => `${prefixesKey(f.host.addresses)}>${space.own(f.ingress)}<${space.own(f.egress)}`,
  );
  const accepted = cache.get(`accepts|${key.join(";")}`, () =>
    hostAccepts(
      space,
      list.map((f) => ({ addresses: f.host.addresses, ingress: f.ingress, egress: f.egress })),
    ),
  );
  return { accepted, rules: ev.rules, diagnostics: ev.diagnostics };
}
