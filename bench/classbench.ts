// ClassBench-style filter sets and traces, made by our own generator from the distributions ClassBench
// publishes (Taylor & Turner, "ClassBench: a packet classification benchmark", INFOCOM 2005 / ToN 2007).
//
// Nothing here is taken from ClassBench's seed or filter files (their licence forbids copying them): the
// profiles below restate the paper's summary characteristics in our own numbers —
//   - acl: mostly TCP with an exact destination port, source port wildcard; long destination prefixes (/32
//     and /24-/30 dominate) against short or wildcard sources; few address wildcards; little nesting.
//   - fw: many wildcards (protocol, source port, one address side), ranges (HI 1024:65535, arbitrary) common
//     on both ports; /32 against wildcard pairs dominate; deep overlap between rules.
//   - ipc: a mix: many exact/exact and wildcard/wildcard port pairs, prefix pairs spread between /32-/32,
//     /24-/32 and wildcard-/32, moderate nesting.
// Port range classes follow the paper: WC (0:65535), HI (1024:65535), LO (0:1023), AR (an arbitrary range),
// EM (one port). Addresses are drawn from a per-side prefix tree with skewed branching so that prefixes nest
// and share parents, which is what separates the three families of sets.

import { Random } from "./prng.js";

export type ClassBenchKind = "acl" | "fw" | "ipc";

type PortClass = "WC" | "HI" | "LO" | "AR" | "EM";

interface Profile {
  /** [protocol (0: wildcard), weight]. */
  readonly protocols: readonly (readonly [number, number])[];
  /** Joint port-pair classes for TCP and UDP rules: [source class, destination class, weight]. */
  readonly portPairs: readonly (readonly [PortClass, PortClass, number])[];
  /** Joint prefix length classes: [source lengths, destination lengths, weight]; a range is drawn uniformly. */
  readonly prefixPairs: readonly (readonly [readonly [number, number], readonly [number, number], number])[];
  /** Chance that a new prefix extends (nests under) one already used on its side. */
  readonly nest: number;
  /** How many distinct top-level networks each side draws from (fewer: more overlap). */
  readonly roots: number;
}

const PROFILES: Record<ClassBenchKind, Profile> = {
  acl: {
    protocols: [
      [6, 0.78],
      [17, 0.11],
      [0, 0.06],
      [1, 0.04],
      [47, 0.005],
      [50, 0.005],
    ],
    portPairs: [
      ["WC", "EM", 0.62],
      ["WC", "WC", 0.14],
      ["WC", "AR", 0.1],
      ["WC", "HI", 0.06],
      ["HI", "EM", 0.04],
      ["EM", "WC", 0.02],
      ["WC", "LO", 0.02],
    ],
    prefixPairs: [
      [[0, 0], [32, 32], 0.12],
      [[8, 24], [32, 32], 0.22],
      [[24, 32], [32, 32], 0.16],
      [[16, 24], [24, 30], 0.22],
      [[24, 32], [24, 30], 0.14],
      [[0, 0], [16, 28], 0.08],
      [[8, 16], [8, 16], 0.06],
    ],
    nest: 0.35,
    roots: 40,
  },
  fw: {
    protocols: [
      [6, 0.5],
      [0, 0.22],
      [17, 0.24],
      [1, 0.03],
      [50, 0.01],
    ],
    portPairs: [
      ["WC", "WC", 0.3],
      ["WC", "EM", 0.3],
      ["HI", "EM", 0.08],
      ["WC", "HI", 0.1],
      ["WC", "AR", 0.12],
      ["HI", "HI", 0.04],
      ["AR", "AR", 0.03],
      ["EM", "WC", 0.03],
    ],
    prefixPairs: [
      [[0, 0], [32, 32], 0.26],
      [[32, 32], [0, 0], 0.2],
      [[24, 32], [32, 32], 0.2],
      [[0, 0], [16, 28], 0.1],
      [[16, 28], [0, 0], 0.1],
      [[0, 0], [0, 0], 0.02],
      [[24, 32], [24, 32], 0.12],
    ],
    nest: 0.6,
    roots: 12,
  },
  ipc: {
    protocols: [
      [6, 0.46],
      [17, 0.3],
      [0, 0.14],
      [1, 0.08],
      [47, 0.02],
    ],
    portPairs: [
      ["WC", "WC", 0.36],
      ["EM", "EM", 0.18],
      ["WC", "EM", 0.22],
      ["EM", "WC", 0.08],
      ["HI", "HI", 0.06],
      ["WC", "AR", 0.05],
      ["LO", "EM", 0.05],
    ],
    prefixPairs: [
      [[32, 32], [32, 32], 0.26],
      [[24, 32], [32, 32], 0.2],
      [[0, 0], [32, 32], 0.16],
      [[32, 32], [0, 0], 0.08],
      [[16, 24], [16, 24], 0.16],
      [[24, 30], [0, 0], 0.06],
      [[8, 16], [24, 32], 0.08],
    ],
    nest: 0.45,
    roots: 24,
  },
};

/** Well-known service ports, the usual EM values, weighted roughly as real ACLs name them. */
const COMMON_PORTS: readonly (readonly [number, number])[] = [
  [80, 20],
  [443, 14],
  [53, 10],
  [25, 6],
  [22, 6],
  [21, 4],
  [23, 3],
  [110, 3],
  [143, 2],
  [161, 3],
  [162, 2],
  [389, 2],
  [123, 2],
  [1521, 2],
  [1433, 2],
  [3306, 2],
  [8080, 3],
  [137, 2],
  [139, 2],
  [445, 2],
  [514, 2],
  [5060, 1],
];

const COMMON_RANGES: readonly (readonly [number, number])[] = [
  [20, 21],
  [137, 139],
  [6000, 6063],
  [1024, 5000],
  [5000, 5100],
  [8000, 8080],
  [49152, 65535],
  [33434, 33534],
];

interface Rule {
  readonly src: readonly [number, number];
  readonly dst: readonly [number, number];
  readonly sport: readonly [number, number];
  readonly dport: readonly [number, number];
  readonly proto: number;
}

function portRange(rnd: Random, cls: PortClass): [number, number] {
  switch (cls) {
    case "WC":
      return [0, 65535];
    case "HI":
      return [1024, 65535];
    case "LO":
      return [0, 1023];
    case "EM": {
      if (rnd.chance(0.85)) {
        const p = rnd.weighted(COMMON_PORTS);
        return [p, p];
      }
      const p = rnd.int(1024, 65535);
      return [p, p];
    }
    case "AR": {
      if (rnd.chance(0.6)) {
        const [lo, hi] = rnd.pick(COMMON_RANGES);
        return [lo, hi];
      }
      const lo = rnd.int(1, 60000);
      return [lo, Math.min(65535, lo + rnd.int(1, 4000))];
    }
    default: {
      const never: never = cls;
      throw new TypeError(`Unknown port class ${String(never)}`);
    }
  }
}

/** One side's prefix tree: new prefixes nest under used ones, or start under one of a few roots. */
class AddressTree {
  private readonly used: [number, number][] = [];
  private readonly roots: number[] = [];

  constructor(
    private readonly rnd: Random,
    private readonly nest: number,
    roots: number,
  ) {
    for (let i = 0; i < roots; i++) this.roots.push(rnd.int(1, 223) * 2 ** 24 + rnd.int(0, 2 ** 24 - 1));
  }

  draw(length: number): [number, number] {
    if (length === 0) return [0, 0];
    const rnd = this.rnd;
    let base = rnd.pick(this.roots);
    let fixed = 8;
    // A few used prefixes at random stand in for "all of them" (keeps generation linear).
    const parent =
      this.used.length > 0 && rnd.chance(this.nest)
        ? Array.from({ length: 8 }, () => rnd.pick(this.used)).find(([, l]) => l <= length)
        : undefined;
    if (parent) {
      base = parent[0];
      fixed = parent[1];
    } else if (rnd.chance(0.5)) {
      fixed = Math.min(length, rnd.pick([8, 16, 16, 24]));
    }
    // Bits below the fixed part are random, skewed to small values so siblings cluster.
    const free = 32 - Math.min(fixed, length);
    const low = free === 0 ? 0 : Math.floor(rnd.next() ** 2 * 2 ** free);
    const value = mask(highPart(base, Math.min(fixed, length)) + low, length);
    this.used.push([value, length]);
    return [value, length];
  }
}

function highPart(v: number, length: number): number {
  if (length === 0) return 0;
  const keep = 2 ** (32 - length);
  return Math.floor(v / keep) * keep;
}

function mask(v: number, length: number): number {
  return highPart(v >>> 0, length);
}

function drawRule(rnd: Random, p: Profile, srcTree: AddressTree, dstTree: AddressTree): Rule {
  const proto = rnd.weighted(p.protocols);
  const [sl, dl] = rnd.weighted(p.prefixPairs.map(([s, d, w]) => [[s, d] as const, w] as const));
  const ports = proto === 6 || proto === 17;
  const [sc, dc] = ports
    ? rnd.weighted(p.portPairs.map(([s, d, w]) => [[s, d] as const, w] as const))
    : (["WC", "WC"] as const);
  return {
    src: srcTree.draw(rnd.int(sl[0], sl[1])),
    dst: dstTree.draw(rnd.int(dl[0], dl[1])),
    sport: portRange(rnd, sc),
    dport: portRange(rnd, dc),
    proto,
  };
}

function dotted(v: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(v / 2 ** s) % 256).join(".");
}

function hex(v: number, digits: number): string {
  return `0x${v.toString(16).toUpperCase().padStart(digits, "0")}`;
}

function formatRule(r: Rule): string {
  const proto = r.proto === 0 ? "0x00/0x00" : `${hex(r.proto, 2)}/0xFF`;
  return (
    `@${dotted(r.src[0])}/${r.src[1]}\t${dotted(r.dst[0])}/${r.dst[1]}\t` +
    `${r.sport[0]} : ${r.sport[1]}\t${r.dport[0]} : ${r.dport[1]}\t${proto}\t0x0000/0x0000`
  );
}

/** The rules of a generated set, as numbers (the same as `generateClassBench` prints). */
export function generateClassBenchRules(kind: ClassBenchKind, count: number, seed: number): Rule[] {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`Invalid rule count ${count}`);
  const p = PROFILES[kind];
  const rnd = new Random(seed);
  const srcTree = new AddressTree(rnd, p.nest, p.roots);
  const dstTree = new AddressTree(rnd, p.nest, p.roots);
  const rules: Rule[] = [];
  const seen = new Set<string>();
  // Duplicates are redrawn (a few tries) as ClassBench's generator removes them.
  for (let tries = 0; rules.length < count && tries < count * 20; tries++) {
    const r = drawRule(rnd, p, srcTree, dstTree);
    const key = formatRule(r);
    if (seen.has(key)) continue;
    seen.add(key);
    rules.push(r);
  }
  return rules;
}

/** The text of a ClassBench filter file: one `@SA/len DA/len sp : sp dp : dp proto/mask flags/mask` a line. */
export function generateClassBench(kind: ClassBenchKind, count: number, seed: number): string {
  return generateClassBenchRules(kind, count, seed)
    .map((r) => formatRule(r) + "\n")
    .join("");
}

export type { Rule as ClassBenchRule };
