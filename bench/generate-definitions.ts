// The named definitions of a generated policy: services, groups and applications, built over its zones and assets.

import type { Random } from "./prng.js";
import type { AppSpec, AssetSpec, NamedList } from "./policy-yaml.js";

export interface WorldZone {
  readonly name: string;
  /** Zone number in the address plan: 10.N.0.0/16 and 2001:db8:N::/48 (0 for internet). */
  readonly n: number;
  readonly nestedIn?: string;
  readonly v4Only?: boolean;
  readonly restricted?: boolean;
  readonly guest?: boolean;
}

/** What the generators share: the random stream, and what has been generated so far. */
export interface World {
  readonly rng: Random;
  readonly zones: readonly WorldZone[];
  readonly assets: readonly AssetSpec[];
  readonly assetsByZone: ReadonlyMap<string, readonly AssetSpec[]>;
}

export const TEAMS = [
  "shop-team",
  "payments-team",
  "erp-team",
  "hr-it",
  "sre",
  "netsec",
  "it-ops",
  "data-platform",
  "identity",
  "ot-engineering",
  "mobile",
  "crm-team",
  "billing",
  "search-team",
  "analytics",
  "devex",
  "facilities",
  "voice-team",
  "backup-ops",
  "cloud-platform",
] as const;

/** Built-in services that no generated deny touches: flows using only these can be asserted to be allowed. */
export const SAFE_SERVICES = [
  "https",
  "http",
  "ssh",
  "postgres",
  "mysql",
  "dns",
  "ntp",
  "ldaps",
  "smtp",
  "redis",
  "kafka",
  "rdp",
  "snmp",
  "syslog",
  "prometheus",
  "node-exporter",
  "k8s-api",
  "ping",
  "mssql",
  "oracle",
  "mongodb",
  "elasticsearch",
  "amqps",
  "kerberos",
  "imaps",
  "sip",
  "bgp",
  "winrm",
  "memcached",
  "etcd",
  "kubelet",
  "syslog-tls",
] as const;

/** What the generated denies forbid everywhere; a few legacy flows still ask for them. */
export const DANGEROUS_SERVICES = ["telnet", "tcp/512-514", "tftp", "tcp/135", "netbios", "smb"] as const;

export const TIER_NAMES = ["web", "api", "app", "worker", "db", "cache", "queue", "search"] as const;

export const TIER_SERVICES: Readonly<Record<string, readonly string[]>> = {
  web: ["https", "http"],
  api: ["https", "tcp/8443"],
  app: ["tcp/8080", "https", "tcp/8443"],
  worker: ["https", "tcp/9000"],
  db: ["postgres", "mysql", "mssql", "oracle", "mongodb"],
  cache: ["redis", "memcached"],
  queue: ["kafka", "amqps"],
  search: ["elasticsearch"],
};

const APP_WORDS = [
  "shop",
  "payments",
  "erp",
  "hr",
  "crm",
  "billing",
  "catalog",
  "search",
  "ledger",
  "portal",
];
const SERVICE_WORDS = [
  "api",
  "admin",
  "sync",
  "rpc",
  "grpc",
  "stream",
  "export",
  "agent",
  "gateway",
  "metrics",
];

const hex = (n: number): string => n.toString(16);

/** Zones that hold internal addresses of the company (not internet). */
export function internalZones(world: World): WorldZone[] {
  return world.zones.filter((z) => z.n !== 0);
}

/** A literal network inside a zone: a /24 (or a /64 in IPv6), sometimes a single host. */
export function randomCidr(world: World): string {
  const { rng } = world;
  const zones = internalZones(world).filter((z) => !z.nestedIn);
  if (zones.length === 0) return `198.18.${rng.int(0, 255)}.0/24`;
  const z = rng.pick(zones);
  const x = rng.int(1, 199);
  if (!z.v4Only && rng.chance(0.3)) return `2001:db8:${hex(z.n)}:${hex(x)}::/64`;
  return rng.chance(0.15) ? `10.${z.n}.${x}.${rng.int(1, 254)}` : `10.${z.n}.${x}.0/24`;
}

export function generateServices(world: World, count: number): NamedList[] {
  const { rng } = world;
  const out: NamedList[] = [];
  for (let i = 0; i < count; i++) {
    const name = `svc-${rng.pick(SERVICE_WORDS)}-${i + 1}`;
    const kind = rng.weighted([
      ["port", 40],
      ["range", 20],
      ["udp", 10],
      ["composite", 20],
      ["icmp", 5],
      ["list", 5],
    ] as const);
    let entries: string[];
    switch (kind) {
      case "port":
        entries = [`tcp/${rng.int(8000, 9999)}`];
        break;
      case "range": {
        const lo = rng.int(10, 60) * 1000;
        entries = [`tcp/${lo}-${lo + rng.pick([9, 99, 999])}`];
        break;
      }
      case "udp":
        entries = [`udp/${rng.int(5000, 6000)}`];
        break;
      case "composite": {
        // Only earlier services, so definitions never form a cycle.
        const other = out.length > 0 && rng.chance(0.6) ? rng.pick(out).name : `tcp/${rng.int(8000, 9999)}`;
        entries = [rng.pick(SAFE_SERVICES), other];
        break;
      }
      case "icmp":
        entries = rng.chance(0.5) ? ["icmp/3/4", "icmpv6/2"] : ["icmp/8", "icmpv6/128"];
        break;
      case "list":
        entries = [`tcp/${rng.int(1024, 4000)},${rng.int(4001, 8000)},${rng.int(8001, 12000)}`];
        break;
    }
    out.push({ name, entries });
  }
  return out;
}

function assetsOfSomeZone(world: World): readonly AssetSpec[] {
  const withAssets = internalZones(world).filter((z) => (world.assetsByZone.get(z.name)?.length ?? 0) > 0);
  if (withAssets.length === 0) return world.assets;
  return world.assetsByZone.get(world.rng.pick(withAssets).name) ?? world.assets;
}

export function generateGroups(world: World, count: number): NamedList[] {
  const { rng } = world;
  const zones = internalZones(world);
  const out: NamedList[] = [];
  // Two groups every company has, which the denies use.
  const inside = zones.filter((z) => !z.guest);
  if (inside.length > 0 && count > out.length)
    out.push({ name: "internal", entries: inside.map((z) => `zone:${z.name}`) });
  const outside = world.zones.filter((z) => z.n === 0 || z.guest);
  if (outside.length > 0 && count > out.length)
    out.push({ name: "untrusted", entries: outside.map((z) => `zone:${z.name}`) });
  for (let i = out.length; i < count; i++) {
    let kind = rng.weighted([
      ["assets", 45],
      ["zones", 15],
      ["cidrs", 15],
      ["nested", 15],
      ["mixed", 10],
    ] as const);
    if ((kind === "zones" && zones.length < 2) || (kind === "nested" && out.length < 2)) kind = "assets";
    if (world.assets.length === 0) kind = "cidrs";
    let entries: string[];
    switch (kind) {
      case "assets":
        entries = rng.sample(assetsOfSomeZone(world), rng.int(2, 10)).map((a) => `asset:${a.name}`);
        break;
      case "zones":
        entries = rng.sample(zones, rng.int(2, 4)).map((z) => `zone:${z.name}`);
        break;
      case "cidrs":
        entries = Array.from({ length: rng.int(1, 3) }, () => randomCidr(world));
        break;
      case "nested":
        entries = rng.sample(out, rng.int(2, 3)).map((g) => `group:${g.name}`);
        if (world.assets.length > 0 && rng.chance(0.5)) entries.push(`asset:${rng.pick(world.assets).name}`);
        break;
      case "mixed":
        entries = [`asset:${rng.pick(world.assets).name}`, randomCidr(world)];
        if (zones.length > 0) entries.push(`zone:${rng.pick(zones).name}`);
        break;
    }
    out.push({ name: `g${i + 1}-${kind}`, entries: [...new Set(entries)] });
  }
  return out;
}

export function generateApplications(world: World, groups: readonly NamedList[], count: number): AppSpec[] {
  const { rng } = world;
  const homes = internalZones(world).filter(
    (z) => !z.guest && (world.assetsByZone.get(z.name)?.length ?? 0) > 0,
  );
  const out: AppSpec[] = [];
  if (world.assets.length === 0) return out;
  for (let i = 0; i < count; i++) {
    const home = homes.length > 0 ? rng.pick(homes).name : "internet";
    const pool = world.assetsByZone.get(home) ?? world.assets;
    const tierNames = TIER_NAMES.filter((t) => rng.sample(TIER_NAMES, rng.int(2, 4)).includes(t));
    const tiers = (tierNames.length > 0 ? tierNames : ["app"]).map((t) => {
      const entries = rng
        .sample(pool.length > 0 ? pool : world.assets, rng.int(1, 4))
        .map((a) => `asset:${a.name}`);
      if (rng.chance(0.1))
        entries.push(
          groups.length > 2 && rng.chance(0.5) ? `group:${rng.pick(groups).name}` : randomCidr(world),
        );
      return { name: t, entries };
    });
    out.push({ name: `${rng.pick(APP_WORDS)}-${i + 1}`, owner: rng.pick(TEAMS), zone: home, tiers });
  }
  return out;
}
