// The policy as a graph for the console's map and matrix: zones, applications, assets with their business
// facts, flows with the nodes they join, and enforcement points, of one policy version.

import type { OpenedPolicy } from "../../../app/open-policy.js";
import { tryParsePrefix } from "../../../core/net/prefix.js";
import { zoneOf } from "../../../core/policy/evaluate.js";
import type { Asset, Policy } from "../../../core/policy/types.js";
import { route, type RouteSpec, versionQuery } from "../route.js";
import { type PolicyAccess, versionOrFail } from "./questions.js";

export interface GraphZone {
  readonly name: string;
  readonly description: string | null;
  readonly networks: string[];
}

export interface GraphApplication {
  readonly name: string;
  readonly owner: string | null;
  readonly description: string | null;
  /** Each tier with the assets it holds (members that are not assets are left out). */
  readonly tiers: { name: string; assets: string[] }[];
}

export interface GraphAsset {
  readonly name: string;
  /** The declared zone, else the zone of its first address by longest prefix; null when neither exists. */
  readonly zone: string | null;
  readonly owner: string | null;
  readonly criticality: string | null;
  readonly data: string[];
  readonly tags: string[];
  readonly description: string | null;
  readonly addresses: string[];
  readonly applications: string[];
}

export interface GraphFlow {
  readonly name: string;
  readonly from: string[];
  readonly to: string[];
  readonly services: string[];
  readonly owner: string | null;
  readonly expired: boolean;
  /** Graph node ids the flow starts from: "zone:NAME", "asset:NAME" or "any" (groups and apps expanded). */
  readonly fromNodes: string[];
  readonly toNodes: string[];
}

export interface GraphPoint {
  readonly name: string;
  readonly target: string;
  readonly role: string;
  /** "all" expanded to every zone. */
  readonly zones: string[];
}

export interface PolicyGraph {
  readonly zones: GraphZone[];
  /** Named groups with their members as written (e.g. an "untrusted" group of zones). */
  readonly groups: { name: string; members: string[] }[];
  readonly applications: GraphApplication[];
  readonly assets: GraphAsset[];
  readonly flows: GraphFlow[];
  readonly points: GraphPoint[];
}

function assetZone(policy: Policy, asset: Asset): string | null {
  if (asset.zone) return asset.zone.value;
  const first = asset.addresses[0]?.prefix;
  return first ? (zoneOf(policy, { family: first.family, value: first.value }) ?? null) : null;
}

/** Turns references into node ids: groups and applications become their assets, addresses their zone. */
function nodeResolver(policy: Policy) {
  const groups = new Map(policy.groups.map((g) => [g.name, g.members.map((m) => m.value)]));
  const apps = new Map(
    policy.applications.map((a) => [
      a.name,
      new Map(a.tiers.map((t) => [t.name, t.members.map((m) => m.value)])),
    ]),
  );
  const assets = new Set(policy.assets.map((a) => a.name));
  const expand = (ref: string, out: Set<string>, visiting: Set<string>): void => {
    if (ref === "any") return void out.add("any");
    const colon = ref.indexOf(":");
    const kind = colon < 0 ? "" : ref.slice(0, colon);
    const name = ref.slice(colon + 1);
    if (kind === "zone") return void out.add(ref);
    if (kind === "asset") return void (assets.has(name) && out.add(ref));
    if (kind === "group" || kind === "app") {
      // A cycle of groups contributes nothing more, as in evaluation.
      if (visiting.has(ref)) return;
      visiting.add(ref);
      for (const m of membersOf(kind, name)) expand(m, out, visiting);
      return;
    }
    const prefix = tryParsePrefix(ref);
    const zone = prefix && zoneOf(policy, { family: prefix.family, value: prefix.value });
    if (zone) out.add(`zone:${zone}`);
  };
  const membersOf = (kind: string, name: string): string[] => {
    if (kind === "group") return groups.get(name) ?? [];
    const [app, tier] = name.split("/", 2) as [string, string | undefined];
    const tiers = apps.get(app);
    if (!tiers) return [];
    return tier === undefined ? [...tiers.values()].flat() : (tiers.get(tier) ?? []);
  };
  return (refs: readonly string[]): string[] => {
    const out = new Set<string>();
    for (const r of refs) expand(r, out, new Set());
    return [...out];
  };
}

export function policyGraph(opened: OpenedPolicy): PolicyGraph {
  const { policy, resolved } = opened.loaded;
  const nodes = nodeResolver(policy);
  const assetNames = new Set(policy.assets.map((a) => a.name));
  const applications: GraphApplication[] = policy.applications.map((a) => ({
    name: a.name,
    owner: a.owner ?? null,
    description: a.description ?? null,
    tiers: a.tiers.map((t) => ({
      name: t.name,
      assets: nodes(t.members.map((m) => m.value))
        .filter((n) => n.startsWith("asset:") && assetNames.has(n.slice(6)))
        .map((n) => n.slice(6)),
    })),
  }));
  const appsOf = new Map<string, Set<string>>();
  for (const a of applications)
    for (const t of a.tiers)
      for (const asset of t.assets)
        (appsOf.get(asset) ?? appsOf.set(asset, new Set()).get(asset)!).add(a.name);
  return {
    zones: policy.zones.map((z) => ({
      name: z.name,
      description: z.description ?? null,
      networks: z.networks.map((n) => n.text),
    })),
    groups: policy.groups.map((g) => ({ name: g.name, members: g.members.map((m) => m.value) })),
    applications,
    assets: policy.assets.map((a) => ({
      name: a.name,
      zone: assetZone(policy, a),
      owner: a.owner ?? null,
      criticality: a.criticality ?? null,
      data: [...a.data],
      tags: [...a.tags],
      description: a.description ?? null,
      addresses: a.addresses.map((n) => n.text),
      applications: [...(appsOf.get(a.name) ?? [])],
    })),
    flows: resolved.flows.map((f) => ({
      name: f.rule.name,
      from: f.rule.from.map((r) => r.value),
      to: f.rule.to.map((r) => r.value),
      services: f.rule.services.map((s) => s.value),
      owner: f.rule.owner ?? null,
      expired: f.expired,
      fromNodes: nodes(f.rule.from.map((r) => r.value)),
      toNodes: nodes(f.rule.to.map((r) => r.value)),
    })),
    points: resolved.points.map((p) => ({
      name: p.point.name,
      target: p.point.target.value,
      role: p.point.role,
      zones: [...p.zones],
    })),
  };
}

const graphs = new WeakMap<OpenedPolicy, PolicyGraph>();

export function graphRoutes(access: PolicyAccess): RouteSpec[] {
  return [
    route({
      method: "GET",
      path: "/api/v1/graph",
      summary: "Zones, applications, assets, flows and enforcement points of a policy version, as a graph",
      tag: "questions",
      access: "policy:read",
      query: versionQuery,
      handler: async ({ query }) => {
        const v = await versionOrFail(access, query.version);
        let g = graphs.get(v.opened);
        if (!g) graphs.set(v.opened, (g = policyGraph(v.opened)));
        return { body: { version: v.id, ...g } };
      },
    }),
  ];
}
