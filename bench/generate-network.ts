// The network of a generated policy: zones on a regular address plan, and assets placed in them.

import { TEAMS, type World } from "./generate-definitions.js";
import type { AssetSpec, ZoneSpec } from "./policy-yaml.js";
import type { Random } from "./prng.js";

interface ZoneInfo {
  readonly name: string;
  readonly nestedIn?: string;
  readonly v4Only?: boolean;
  readonly restricted?: boolean;
  readonly guest?: boolean;
  /** How many assets live there, relative to the other zones. */
  readonly weight: number;
}

// Modelled on a mid-sized company: two intentional nestings (like a PCI VLAN inside the data center), a few
// IPv4-only zones (OT, partner tunnels, IoT), one guest network.
const ZONE_CATALOGUE: readonly ZoneInfo[] = [
  { name: "dmz", weight: 3 },
  { name: "corp", weight: 4 },
  { name: "servers", weight: 8 },
  { name: "pci", nestedIn: "servers", restricted: true, weight: 1 },
  { name: "mgmt", restricted: true, weight: 1 },
  { name: "branch", weight: 2 },
  { name: "vpn", weight: 1 },
  { name: "vendors", nestedIn: "vpn", v4Only: true, weight: 0.3 },
  { name: "cloud", weight: 6 },
  { name: "ot", v4Only: true, weight: 2 },
  { name: "guest-wifi", guest: true, weight: 0.2 },
  { name: "partners", v4Only: true, weight: 0.5 },
  { name: "dev", weight: 3 },
  { name: "staging", weight: 3 },
  { name: "prod", weight: 8 },
  { name: "backup", weight: 1 },
  { name: "voice", weight: 1 },
  { name: "iot", v4Only: true, weight: 1 },
  { name: "lab", nestedIn: "dev", weight: 0.5 },
];

const ROLES = [
  "web",
  "app",
  "api",
  "db",
  "cache",
  "mq",
  "batch",
  "file",
  "dc",
  "mon",
  "log",
  "k8s-node",
  "proxy",
];
const ROLES_BY_ZONE: Readonly<Record<string, readonly string[]>> = {
  ot: ["plc", "hmi", "historian", "scada"],
  voice: ["voip-gw", "pbx", "phone"],
  iot: ["camera", "sensor", "badge-reader"],
  "guest-wifi": ["portal"],
  corp: ["printer", "ws-pool", "file", "dc"],
  branch: ["printer", "ws-pool", "file"],
  mgmt: ["jump", "mon", "vault", "patch", "log"],
  internet: ["saas", "cdn", "partner-api", "update-mirror"],
};
const DATA = [
  "public",
  "internal",
  "confidential",
  "pii",
  "cardholder",
  "credentials",
  "telemetry",
  "ot-control",
];
const TAGS = [
  "linux",
  "windows",
  "nginx",
  "java",
  "k8s",
  "legacy",
  "internet-facing",
  "pci-scope",
  "vm",
  "appliance",
];

/** A zone's place in the address plan: the /16 and /48 of zone number n, or a /24 and /64 carved out of its parent. */
interface ZonePlan {
  readonly info: ZoneInfo;
  readonly n: number;
  readonly spec: ZoneSpec;
  assetCount: number;
  subnetCount: number;
}

const hex = (n: number): string => n.toString(16);

function planZones(count: number): ZonePlan[] {
  if (count < 1 || count > 200) throw new RangeError(`Cannot generate ${count} zones: expected 1-200`);
  const internet: ZonePlan = {
    info: { name: "internet", weight: 0.5 },
    n: 0,
    spec: {
      name: "internet",
      networks: ["0.0.0.0/0", "::/0"],
      description: "Everything outside the company",
    },
    assetCount: 0,
    subnetCount: 0,
  };
  const plans = [internet];
  for (let i = 1; i < count; i++) {
    const info = ZONE_CATALOGUE[i - 1] ?? { name: `site-${i}`, weight: 2 };
    const parent = info.nestedIn ? plans.find((p) => p.info.name === info.nestedIn) : undefined;
    const n = parent?.n ?? i;
    const v4 = parent ? `10.${n}.250.0/24` : `10.${n}.0.0/16`;
    const v6 = parent ? `2001:db8:${hex(n)}:fa::/64` : `2001:db8:${hex(n)}::/48`;
    const v4Only = info.v4Only || parent?.info.v4Only;
    const where = parent ? `carved out of "${parent.info.name}"` : "its own /16";
    plans.push({
      info,
      n,
      spec: {
        name: info.name,
        networks: v4Only ? [v4] : [v4, v6],
        description: `Zone ${info.name}, ${where}`,
      },
      assetCount: 0,
      subnetCount: 0,
    });
  }
  return plans;
}

/** A host (or, for some assets, a small subnet) inside the zone and outside any zone nested in it. */
function assetAddresses(rng: Random, z: ZonePlan): string[] {
  const c = z.assetCount++;
  const v6 = !z.info.v4Only && rng.chance(0.7);
  if (z.n === 0) {
    // Outside every zone: the benchmarking range 198.18.0.0/15 and a /36 no zone uses.
    const out = [`198.18.${Math.floor(c / 250) % 256}.${1 + (c % 250)}`];
    if (v6) out.push(`2001:db8:f000:${hex(Math.floor(c / 250))}::${hex(1 + (c % 250))}`);
    return out;
  }
  if (z.info.nestedIn) {
    const out = [`10.${z.n}.250.${1 + (c % 254)}`];
    if (v6) out.push(`2001:db8:${hex(z.n)}:fa::${hex(1 + (c % 254))}`);
    return out;
  }
  if (rng.chance(0.08)) {
    // A cluster or pool addressed as a subnet: a /27 from 10.N.200-249.0 and a /64 from 2001:db8:N:1000::.
    const s = z.subnetCount++;
    const out = [`10.${z.n}.${200 + (Math.floor(s / 8) % 50)}.${(s % 8) * 32}/27`];
    if (v6) out.push(`2001:db8:${hex(z.n)}:${hex(0x1000 + s)}::/64`);
    return out;
  }
  const x = 1 + (Math.floor(c / 250) % 199);
  const y = 1 + (c % 250);
  const out = [`10.${z.n}.${x}.${y}`];
  if (v6) out.push(`2001:db8:${hex(z.n)}:${hex(x)}::${hex(y)}`);
  return out;
}

function generateAssets(rng: Random, zones: ZonePlan[], count: number): AssetSpec[] {
  const weights = zones.map((z) => [z, z.info.weight] as const);
  const assets: AssetSpec[] = [];
  for (let i = 0; i < count; i++) {
    // The first assets go one per zone, so every zone has at least one when there are enough of them.
    const z = i < zones.length && count >= 2 * zones.length ? zones[i]! : rng.weighted(weights);
    const role = rng.pick(ROLES_BY_ZONE[z.info.name] ?? ROLES);
    const critical = z.info.restricted
      ? "critical"
      : rng.weighted([
          ["low", 2],
          ["medium", 4],
          ["high", 3],
          ["critical", 1],
        ] as const);
    assets.push({
      name: `${role}-${z.info.name}-${i + 1}`,
      zone: z.info.name,
      addresses: assetAddresses(rng, z),
      owner: rng.pick(TEAMS),
      criticality: critical,
      data: rng.sample(DATA, rng.int(1, 2)),
      tags: rng.sample(TAGS, rng.int(0, 3)),
    });
  }
  return assets;
}

/** Zones and assets, and the world the rule generators draw from. */
export function generateNetwork(
  rng: Random,
  zoneCount: number,
  assetCount: number,
): { zones: ZoneSpec[]; assets: AssetSpec[]; world: World } {
  const plans = planZones(zoneCount);
  const assets = generateAssets(rng, plans, assetCount);
  const world: World = {
    rng,
    zones: plans.map((z) => ({ ...z.info, n: z.n })),
    assets,
    assetsByZone: new Map(plans.map((z) => [z.info.name, assets.filter((a) => a.zone === z.info.name)])),
  };
  return { zones: plans.map((z) => z.spec), assets, world };
}
