// The rules of a generated policy: flows shaped like real change requests, denies, enforcement points, assertions.

import {
  DANGEROUS_SERVICES,
  generateApplications,
  generateGroups,
  generateServices,
  internalZones,
  randomCidr,
  SAFE_SERVICES,
  TEAMS,
  TIER_SERVICES,
  type World,
} from "./generate-definitions.js";
import type { AppSpec, AssertionSpec, NamedList, PointSpec, RuleSpec } from "./policy-yaml.js";
import type { Random } from "./prng.js";

export type { World } from "./generate-definitions.js";

export interface RuleCounts {
  readonly flows: number;
  readonly groups: number;
  readonly applications: number;
  readonly services: number;
  readonly denies: number;
  readonly expired: number;
  readonly points: number;
  readonly assertions: number;
}

export const TARGETS = ["nftables", "iptables", "cisco-ios", "cisco-asa", "junos", "aws-sg", "k8s"] as const;
const POINT_NAMES = [
  "fw-edge",
  "fw-dc",
  "fw-core",
  "fw-branch",
  "fw-ot",
  "sg-cloud",
  "k8s-prod",
  "fw-pci",
  "fw-mgmt",
];
const REASONS = [
  "application traffic between tiers",
  "nightly batch export",
  "monitoring and alerting",
  "backup agent",
  "customer-facing service",
  "integration with partner system",
  "administration from jump hosts",
  "software updates",
  "log shipping",
  "migration, temporary",
];

/** Everything a flow or deny can be made of, drawn from the definitions already generated. */
class RefPicker {
  constructor(
    private readonly world: World,
    private readonly groups: readonly NamedList[],
    private readonly apps: readonly AppSpec[],
    private readonly userServices: readonly NamedList[],
  ) {}

  private get rng() {
    return this.world.rng;
  }

  asset(zone?: string): string {
    const pool = (zone && this.world.assetsByZone.get(zone)) || this.world.assets;
    if (pool.length === 0) return this.cidr();
    return `asset:${this.rng.pick(pool).name}`;
  }
  internalAsset(): string {
    const inside = this.world.assets.filter((a) => a.zone !== "internet");
    return inside.length > 0 ? `asset:${this.rng.pick(inside).name}` : this.asset();
  }
  external(): string {
    const ext = this.world.assetsByZone.get("internet") ?? [];
    return ext.length > 0 && this.rng.chance(0.8) ? `asset:${this.rng.pick(ext).name}` : "zone:internet";
  }
  zone(): string {
    const zones = internalZones(this.world);
    return zones.length > 0 ? `zone:${this.rng.pick(zones).name}` : "zone:internet";
  }
  group(): string {
    return this.groups.length > 0 ? `group:${this.rng.pick(this.groups).name}` : this.zone();
  }
  app(): AppSpec | undefined {
    return this.apps.length > 0 ? this.rng.pick(this.apps) : undefined;
  }
  tier(app = this.app()): string {
    if (!app) return this.internalAsset();
    return `app:${app.name}/${this.rng.pick(app.tiers).name}`;
  }
  cidr(): string {
    return randomCidr(this.world);
  }
  any(): string {
    const rng = this.rng;
    return rng.weighted<() => string>([
      [() => this.internalAsset(), 40],
      [() => this.tier(), 20],
      [() => this.group(), 15],
      [() => this.zone(), 10],
      [() => this.cidr(), 10],
      [() => this.external(), 5],
    ])();
  }

  service(): string {
    const rng = this.rng;
    const kind = rng.weighted([
      ["builtin", 40],
      ["user", 25],
      ["port", 15],
      ["range", 7],
      ["udp", 5],
      ["icmp", 3],
      ["other", 2],
      ["list", 3],
      ["dangerous", 1],
    ] as const);
    switch (kind) {
      case "builtin":
        return rng.pick(SAFE_SERVICES);
      case "user":
        return this.userServices.length > 0 ? rng.pick(this.userServices).name : "https";
      case "port":
        return `tcp/${rng.chance(0.5) ? rng.pick([3000, 5000, 7001, 8080, 8443, 9000, 9090, 9443]) : rng.int(1024, 65535)}`;
      case "range": {
        const lo = rng.int(1024, 60000);
        return `${rng.pick(["tcp", "udp"])}/${lo}-${Math.min(65535, lo + rng.pick([1, 9, 99, 999]))}`;
      }
      case "udp":
        return `udp/${rng.int(1024, 65535)}`;
      case "icmp":
        return rng.pick(["icmp", "icmp/8", "icmp/3/4", "icmpv6/128", "icmpv6", "icmp/0/0"]);
      case "other":
        return rng.pick(["gre", "esp", "proto/47", "sctp/3868", "ah"]);
      case "list":
        return `tcp/${rng.int(80, 1000)},${rng.int(1024, 8000)},${rng.int(8001, 60000)}`;
      case "dangerous":
        return rng.pick(DANGEROUS_SERVICES);
    }
  }

  services(hint?: readonly string[]): string[] {
    const rng = this.rng;
    if (rng.chance(0.02)) return []; // every service
    const count = rng.weighted([
      [1, 65],
      [2, 25],
      [3, 10],
    ] as const);
    const out = hint && hint.length > 0 ? [rng.pick(hint)] : [];
    while (out.length < count) out.push(this.service());
    return [...new Set(out)];
  }
}

function date(rng: Random, fromYear: number, toYear: number): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${rng.int(fromYear, toYear)}-${pad(rng.int(1, 12))}-${pad(rng.int(1, 28))}`;
}

/** A short label for a reference, for rule names: "asset:web-dmz-3" → "web-dmz-3". */
function label(ref: string | undefined): string {
  const text = (ref ?? "any").replace(/^(asset|zone|group|app):/, "").replace(/[^a-z0-9]+/gi, "-");
  return text.replace(/^-|-$/g, "").slice(0, 24);
}

/** Where a flow goes, and the services its destination usually offers. */
interface FlowEnds {
  readonly from: string[];
  readonly to: string[];
  readonly hint?: readonly string[];
}

/** The kinds of change request a firewall team sees, and how often. */
const FLOW_SHAPES: [(refs: RefPicker, rng: Random, app: AppSpec | undefined) => FlowEnds, number][] = [
  // One tier of an application calling a later one (web → app → db), with that tier's usual service.
  [
    (refs, rng, app) => {
      if (!app || app.tiers.length < 2) return { from: [refs.tier()], to: [refs.tier()] };
      const a = rng.int(0, app.tiers.length - 2);
      const b = app.tiers[rng.int(a + 1, app.tiers.length - 1)]!;
      return {
        from: [`app:${app.name}/${app.tiers[a]!.name}`],
        to: [`app:${app.name}/${b.name}`],
        hint: TIER_SERVICES[b.name],
      };
    },
    30,
  ],
  [(refs) => ({ from: [refs.internalAsset()], to: [refs.internalAsset()] }), 20],
  [(refs, rng) => ({ from: [refs.group()], to: [rng.chance(0.5) ? refs.internalAsset() : refs.tier()] }), 10],
  // Clients reaching an application's front tier.
  [
    (refs, rng, app) => ({
      from: [rng.chance(0.6) ? refs.zone() : refs.group()],
      to: [app ? `app:${app.name}/${app.tiers[0]!.name}` : refs.internalAsset()],
      hint: ["https", "http"],
    }),
    8,
  ],
  [
    (refs, _, app) => ({
      from: [app ? `app:${app.name}` : refs.tier()],
      to: [refs.tier()],
      hint: ["https", "tcp/8443"],
    }),
    5,
  ],
  [
    (refs, rng) => ({
      from: [refs.asset("mgmt")],
      to: [rng.chance(0.5) ? refs.zone() : refs.group()],
      hint: ["snmp", "prometheus", "node-exporter", "ping", "ssh"],
    }),
    7,
  ],
  [(refs, rng) => ({ from: [refs.cidr()], to: [rng.chance(0.5) ? refs.internalAsset() : refs.tier()] }), 5],
  [
    (refs, rng) => ({
      from: [rng.chance(0.5) ? "any" : "zone:internet"],
      to: [refs.asset("dmz")],
      hint: ["https", "http"],
    }),
    3,
  ],
  [
    (refs, rng) => ({
      from: [rng.chance(0.7) ? refs.internalAsset() : refs.zone()],
      to: [refs.external()],
      hint: ["https", "dns", "ntp", "smtp"],
    }),
    7,
  ],
  [(refs) => ({ from: [refs.group()], to: [refs.group()] }), 5],
];

function generateFlow(world: World, refs: RefPicker, i: number, expired: boolean): RuleSpec {
  const { rng } = world;
  const { from, to, hint } = rng.weighted(FLOW_SHAPES)(refs, rng, refs.app());
  if (rng.chance(0.15)) from.push(refs.any());
  if (rng.chance(0.1)) to.push(refs.any());
  const log = rng.weighted([
    [true, 3],
    [false, 1],
    [undefined, 6],
  ] as const);
  const expires = expired ? date(rng, 2020, 2023) : rng.chance(0.15) ? date(rng, 2030, 2032) : undefined;
  return {
    name: `f${i + 1}-${label(from[0])}-to-${label(to[0])}`,
    from: [...new Set(from)],
    to: [...new Set(to)],
    services: refs.services(hint),
    owner: rng.pick(TEAMS),
    justification: rng.pick(REASONS),
    ticket: `CHG-${rng.int(10000, 99999)}`,
    ...(expires !== undefined && { expires }),
    ...(log !== undefined && { log }),
  };
}

/**
 * Every generated deny matches only packets that are to a restricted zone, from a guest zone, or of a
 * dangerous service: what lets the generator assert, without building the intent, that some flows are allowed.
 */
function generateDeny(world: World, refs: RefPicker, groups: readonly NamedList[], i: number): RuleSpec {
  const { rng } = world;
  const restricted = restrictedZones(world);
  const guest = world.zones.find((z) => z.guest)?.name;
  const hasGroup = (name: string) => groups.some((g) => g.name === name);
  const r = restricted.length > 0 ? rng.pick(restricted) : undefined;
  const dangerous = () => rng.sample(DANGEROUS_SERVICES, rng.int(1, 2));
  const choices: [() => [string, string[], string[], string[]], number][] = [
    [() => ["dangerous", ["any"], [rng.chance(0.5) ? "any" : refs.zone()], dangerous()], 3],
  ];
  if (guest && hasGroup("internal"))
    choices.push([() => ["guest", [`zone:${guest}`], ["group:internal"], []], 1]);
  if (r) {
    const inR = (world.assetsByZone.get(r)?.length ?? 0) > 0 ? refs.asset(r) : `zone:${r}`;
    choices.push(
      [() => ["internet", ["zone:internet"], [`zone:${r}`], []], 1],
      [() => ["legacy", ["any"], [rng.chance(0.5) ? `zone:${r}` : inR], dangerous()], 2],
      [() => ["lateral", [refs.zone()], [inR], []], 2],
    );
    if (hasGroup("untrusted")) choices.push([() => ["untrusted", ["group:untrusted"], [`zone:${r}`], []], 1]);
  }
  const [kind, from, to, services] = rng.weighted(choices)();
  return {
    name: `deny-${i + 1}-${kind}`,
    from,
    to,
    services,
    owner: "netsec",
    justification: "security baseline",
    ticket: `SEC-${rng.int(100, 999)}`,
    ...(rng.chance(0.04) && { expires: date(rng, 2020, 2023) }),
  };
}

function restrictedZones(world: World): string[] {
  const restricted = world.zones.filter((z) => z.restricted).map((z) => z.name);
  const inside = internalZones(world);
  if (restricted.length === 0 && inside.length >= 2) return [inside[inside.length - 1]!.name];
  return restricted;
}

function generatePoints(world: World, count: number): PointSpec[] {
  const { rng } = world;
  const zones = world.zones.map((z) => z.name);
  return Array.from({ length: count }, (_, i): PointSpec => {
    const target = TARGETS[i % TARGETS.length]!;
    let list: "all" | string[] =
      i === 0 ? "all" : rng.sample(zones, rng.int(Math.min(2, zones.length), Math.min(5, zones.length)));
    const interfaces: Record<string, string> = {};
    if (list !== "all" && ["cisco-ios", "cisco-asa", "junos"].includes(target))
      list.forEach((z, k) => (interfaces[z] = target === "junos" ? `ge-0/0/${k}` : `GigabitEthernet0/${k}`));
    const role = target === "aws-sg" || target === "k8s" ? "host" : "network";
    let hosts: string[] | undefined;
    if (role === "host") {
      const zone = hostZone(world, list);
      if (zone !== undefined) {
        hosts = [`zone:${zone}`];
        if (list !== "all" && !list.includes(zone)) list = [...list, zone];
      }
    }
    return {
      name: POINT_NAMES[i] ?? `fw-${i + 1}`,
      target,
      zones: list,
      role,
      ...(hosts && { hosts }),
      interfaces,
    };
  });
}

const WORKLOAD_ZONES = ["cloud", "prod"];

/**
 * The zone whose assets a host-role point protects (the hosts running its rules): an internal zone of the
 * point that has assets (a cloud or production one first, where workloads run), else the internal zone with the most assets (added to the point). It draws no
 * random number, so every other generated value stays as it was.
 */
function hostZone(world: World, list: "all" | readonly string[]): string | undefined {
  const count = (zone: string) => world.assetsByZone.get(zone)?.length ?? 0;
  const inside = internalZones(world).map((z) => z.name);
  const candidates = list === "all" ? inside : list.filter((z) => inside.includes(z));
  const own = [...WORKLOAD_ZONES, ...candidates].find((z) => candidates.includes(z) && count(z) > 0);
  if (own !== undefined) return own;
  let best: string | undefined;
  for (const z of inside) if (count(z) > 0 && (best === undefined || count(z) > count(best))) best = z;
  return best;
}

/** Assertions that hold by construction: denies restated, and flows that no deny can touch (see generateDeny). */
function generateAssertions(
  world: World,
  flows: RuleSpec[],
  denies: RuleSpec[],
  count: number,
): AssertionSpec[] {
  const { rng } = world;
  const zoneOf = new Map(world.assets.map((a) => [a.name, a.zone]));
  const restricted = new Set(restrictedZones(world));
  const guests = new Set(world.zones.filter((z) => z.guest).map((z) => z.name));
  const assetsOutside = (refs: readonly string[], avoid: ReadonlySet<string>) =>
    refs.every((r) => r.startsWith("asset:") && !avoid.has(zoneOf.get(r.slice(6)) ?? ""));
  const safe: ReadonlySet<string> = new Set(SAFE_SERVICES);
  const allowable = flows.filter(
    (f) =>
      f.expires === undefined &&
      f.services.length > 0 &&
      f.services.every((s) => safe.has(s)) &&
      assetsOutside(f.from, guests) &&
      assetsOutside(f.to, restricted),
  );
  const active = denies.filter((d) => d.expires === undefined);
  const picked = [
    ...rng.sample(allowable, Math.ceil(count / 2)).map((f) => ({ rule: f, expect: "allow" as const })),
    ...rng.sample(active, Math.floor(count / 2)).map((d) => ({ rule: d, expect: "deny" as const })),
  ];
  return picked.map(({ rule, expect }, i) => ({
    name: `a${i + 1}-${expect}-${rule.name}`,
    from: rule.from,
    to: rule.to,
    services: rule.services,
    expect,
  }));
}

export function generateRules(world: World, counts: RuleCounts) {
  const { rng } = world;
  const services = generateServices(world, counts.services);
  const groups = generateGroups(world, counts.groups);
  const applications = generateApplications(world, groups, counts.applications);
  const refs = new RefPicker(world, groups, applications, services);
  const expired = new Set(rng.sample([...Array(counts.flows).keys()], counts.expired));
  const flows = Array.from({ length: counts.flows }, (_, i) => generateFlow(world, refs, i, expired.has(i)));
  const denies = Array.from({ length: counts.denies }, (_, i) => generateDeny(world, refs, groups, i));
  const enforcement = generatePoints(world, counts.points);
  const assertions = generateAssertions(world, flows, denies, counts.assertions);
  return { services, groups, applications, flows, denies, enforcement, assertions };
}
