// The packets of the kernel differential test: the corners of a point's allowed and refused space, of each
// flow and deny, packets outside the point's zones, and random packets aimed at the policy — each a new
// connection, none of which conntrack could take for a packet of an earlier one.

import { randomPackets } from "../../bench/random-packets.js";
import { Random } from "../../bench/prng.js";
import { type Family, maxAddressValue } from "../../src/core/net/address.js";
import { lastAddressValue, rangeToPrefixes } from "../../src/core/net/prefix.js";
import { hasPorts } from "../../src/core/net/protocol.js";
import type { PointScope } from "../../src/core/compile/scope.js";
import type { Intent } from "../../src/core/policy/intent.js";
import type { Policy } from "../../src/core/policy/types.js";
import { makePacket, type Packet } from "../../src/core/space/packet.js";
import type { PacketSet } from "../../src/core/space/packet-set.js";
import { decompose, type PacketBox, type ValueRange } from "../../src/core/space/summarize.js";
import { exclusionOf } from "./exclusions.js";
import type { WirePacket } from "./wire.js";

export interface DrawOptions {
  readonly policy: Policy;
  readonly intent: Intent;
  readonly scope: PointScope;
  readonly seed: number;
  readonly count: number;
}

export interface DrawnPackets {
  readonly packets: WirePacket[];
  /** Packets drawn per source (after exclusions and duplicates). */
  readonly sources: Record<string, number>;
  /** Candidates left out, by exclusion (see exclusions.ts) or as a repeated connection. */
  readonly skipped: Record<string, number>;
}

/** Protocols worth drawing more often than the rest of a wide protocol range. */
const NOTABLE_PROTOCOLS = [6, 17, 1, 58, 132, 47, 50, 4, 41, 89, 103, 112, 0, 255];

type Edge = "lo" | "hi" | "inside" | "below" | "above";

/** A value of the range: an end, just past an end, or anywhere inside (clamped to [0, max]). */
function valueAt(rng: Random, r: ValueRange, max: bigint, edge: Edge): bigint {
  const inside = () => r.lo + (rng.bits(r.hi.toString(2).length + 8) % (r.hi - r.lo + 1n));
  const v = { lo: r.lo, hi: r.hi, below: r.lo - 1n, above: r.hi + 1n, inside: inside() }[edge];
  return v < 0n ? 0n : v > max ? max : v;
}

function drawEdge(rng: Random): Edge {
  return rng.weighted<Edge>([
    ["lo", 2],
    ["hi", 2],
    ["inside", 3],
    ["below", 1],
    ["above", 1],
  ]);
}

type Field = "proto" | "src" | "dst" | "port" | "icmp";

/** One field of a box set to an edge of one of its ranges (for near misses: just outside it). */
interface Pin {
  readonly field: Field;
  readonly range: ValueRange;
  readonly edge: Edge;
}

const FULL_PORTS: ValueRange[] = [{ lo: 0n, hi: 65535n }];
const COMMON_ICMP: ValueRange[] = [{ lo: 0n, hi: 20n }];
const FULL_BYTE: ValueRange[] = [{ lo: 0n, hi: 255n }];

/**
 * The ranges of each field of a box, addresses cut into CIDR blocks: configurations match prefixes, so the
 * ends of each block are where a rule starts or stops. Absent: the box leaves the field open.
 */
type BoxRanges = Record<Field, readonly ValueRange[] | undefined> & { readonly family: Family };

/** CIDR blocks by range: zones recur in many boxes, and cutting long IPv6 ranges is slow. */
const blocksOf = new Map<string, ValueRange[]>();

function cidrBlocks(family: Family, ranges: readonly ValueRange[]): ValueRange[] {
  return ranges.flatMap((r) => {
    const key = `${family}:${r.lo}-${r.hi}`;
    let blocks = blocksOf.get(key);
    if (!blocks) {
      blocks = rangeToPrefixes(family, r.lo, r.hi).map((p) => ({ lo: p.value, hi: lastAddressValue(p) }));
      blocksOf.set(key, blocks);
    }
    return blocks;
  });
}

function boxRanges(box: PacketBox): BoxRanges {
  const allProtocols =
    box.protocols.length === 1 && box.protocols[0]!.lo === 0n && box.protocols[0]!.hi === 255n;
  return {
    family: box.family,
    proto: allProtocols ? undefined : box.protocols,
    src: cidrBlocks(box.family, box.src),
    dst: cidrBlocks(box.family, box.dst),
    port: box.dstPorts,
    icmp: box.icmpTypes,
  };
}

function fieldRanges(rng: Random, ranges: BoxRanges, field: Field): readonly ValueRange[] {
  const own = ranges[field];
  if (own) return own;
  // ICMP types: mostly the common ones when the box leaves them open.
  if (field === "icmp") return rng.chance(0.8) ? COMMON_ICMP : FULL_BYTE;
  return field === "port" ? FULL_PORTS : FULL_BYTE;
}

/**
 * A packet at a corner of the box, or just outside it on one field: the pinned one, or (unpinned, now and
 * then) one drawn at random. Only one field leaves the box, so the packet tests that one edge.
 */
function packetNearBox(rng: Random, ranges: BoxRanges, pin?: Pin): Packet {
  const fields: Field[] = ["proto", "src", "dst", "port", "icmp"];
  const outside = pin?.field ?? (rng.chance(0.3) ? rng.pick(fields) : undefined);
  const value = (field: Field, max: bigint): bigint => {
    if (pin?.field === field) return valueAt(rng, pin.range, max, pin.edge);
    const drawn = drawEdge(rng);
    const away: Edge = rng.chance(0.5) ? "below" : "above";
    const edge = field === outside ? away : drawn === "below" || drawn === "above" ? "inside" : drawn;
    const r = rng.pick(fieldRanges(rng, ranges, field));
    // Over a wide protocol range, mostly the protocols that matter.
    const notable = NOTABLE_PROTOCOLS.filter((p) => r.lo <= p && p <= r.hi);
    if (field === "proto" && edge === "inside" && notable.length > 0 && rng.chance(0.7))
      return BigInt(rng.pick(notable));
    return valueAt(rng, r, max, edge);
  };
  const family = ranges.family;
  const max = maxAddressValue(family);
  return makePacket({
    src: { family, value: value("src", max) },
    dst: { family, value: value("dst", max) },
    proto: Number(value("proto", 255n)),
    sport: rng.int(1024, 65535),
    dport: Number(value("port", 65535n)),
    icmpType: Number(value("icmp", 255n)),
    icmpCode: rng.chance(0.8) ? rng.int(0, 3) : rng.int(0, 255),
  });
}

/**
 * About `want` packets near the boxes of the set (for at most `maxBoxes`), shared by how many ranges each box
 * has (a box of many prefixes is many rules), at least `minPerBox` each.
 */
function boxPackets(rng: Random, set: PacketSet, maxBoxes: number, minPerBox: number, want = 0): Packet[] {
  if (set.isEmpty()) return [];
  const boxes = decompose(set, maxBoxes).boxes.map(boxRanges);
  const weight = (b: BoxRanges) =>
    b.src!.length + b.dst!.length + (b.port?.length ?? 1) + (b.icmp?.length ?? 0);
  const total = boxes.reduce((n, b) => n + weight(b), 0);
  return boxes.flatMap((ranges) => {
    const count = Math.min(60, Math.max(minPerBox, Math.ceil((want * weight(ranges)) / total)));
    return Array.from({ length: count }, () => packetNearBox(rng, ranges));
  });
}

/**
 * The near misses of every box: for each field the box restricts, and each of its ranges (up to 12), a
 * packet one below and one above the range, the other fields inside the box.
 */
function nearMisses(rng: Random, set: PacketSet, maxBoxes: number): Packet[] {
  if (set.isEmpty()) return [];
  return decompose(set, maxBoxes).boxes.flatMap((box) => {
    const ranges = boxRanges(box);
    return (["src", "dst", "port", "icmp", "proto"] as const).flatMap((field) =>
      rng
        .sample(ranges[field] ?? [], 12)
        .flatMap((range) =>
          (["below", "above"] as const).map((edge) => packetNearBox(rng, ranges, { field, range, edge })),
        ),
    );
  });
}

/** Each flow's and deny's own witness, and the corners of its part in the point's scope and beyond. */
function rulePackets(rng: Random, intent: Intent, scope: PointScope): Packet[] {
  return [...intent.flows, ...intent.denies].flatMap((r) => {
    const inScope = r.set.intersect(scope.renderDomain);
    const witnesses = [r.set.witness(), inScope.witness()].filter((p): p is Packet => p !== undefined);
    return [...witnesses, ...boxPackets(rng, inScope, 12, 3), ...boxPackets(rng, r.set, 4, 2)];
  });
}

/**
 * Packets with an end outside the point's zones: what the policy allows elsewhere (the point must drop it),
 * between each other zone and the point's zones, and between addresses in no zone.
 */
function outsidePackets(rng: Random, intent: Intent, scope: PointScope): Packet[] {
  const own = new Set(scope.point.zones);
  const ends = (dir: "src" | "dst") =>
    intent.space.unionAll(scope.point.zones.map((z) => intent.zoneSpace(z, dir)));
  const [src, dst] = [ends("src"), ends("dst")];
  const others = [...intent.resolved.zones.keys()].filter((z) => !own.has(z));
  return [
    ...boxPackets(rng, intent.allowed.minus(scope.renderDomain), 100, 3),
    ...others.flatMap((z) => [
      ...boxPackets(rng, intent.zoneSpace(z, "src").intersect(dst), 8, 2),
      ...boxPackets(rng, src.intersect(intent.zoneSpace(z, "dst")), 8, 2),
    ]),
    ...boxPackets(rng, scope.renderDomain.complement(), 30, 2),
  ];
}

/** The sources of packets: name, weight, candidates. */
function candidateSources(o: DrawOptions, rng: Random): [string, number, Packet[]][] {
  const { scope } = o;
  const refused = scope.renderDomain.minus(scope.allowed);
  return [
    ["allowed", 2, boxPackets(rng, scope.allowed, 400, 2, o.count / 3)],
    ["refused in scope", 1, boxPackets(rng, refused, 400, 2, o.count / 6)],
    ["near misses", 3, [...nearMisses(rng, scope.allowed, 400), ...nearMisses(rng, refused, 400)]],
    ["flows and denies", 1, rulePackets(rng, o.intent, scope)],
    ["outside the point's zones", 1, outsidePackets(rng, o.intent, scope)],
    ["random", 1, randomPackets(o.policy, o.count, o.seed)],
  ];
}

function shuffle<T>(rng: Random, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

interface Source {
  readonly name: string;
  /** Packets taken from it per round. */
  readonly weight: number;
  readonly list: Packet[];
  next: number;
}

/**
 * `count` packets (fewer if the sources run dry), taken in rounds from each source by its weight, skipping
 * what cannot be sent. Deterministic for a seed.
 */
export function drawPackets(o: DrawOptions): DrawnPackets {
  const rng = new Random(o.seed);
  const sources: Source[] = candidateSources(o, rng).map(([name, weight, list]) => ({
    name,
    weight,
    list: shuffle(rng, list),
    next: 0,
  }));
  const connections = new Connections(rng);
  const packets: WirePacket[] = [];
  const drawn: Record<string, number> = {};
  const skipped: Record<string, number> = {};
  const take = (s: Source): void => {
    while (s.next < s.list.length) {
      const p = s.list[s.next++]!;
      const excluded = exclusionOf(p);
      const unique = excluded ? undefined : connections.claim(p);
      const reason = excluded?.what ?? (unique ? undefined : "repeats or reverses an earlier connection");
      if (reason !== undefined) skipped[reason] = (skipped[reason] ?? 0) + 1;
      else {
        packets.push({ packet: unique!, id: (packets.length % 65535) + 1 });
        drawn[s.name] = (drawn[s.name] ?? 0) + 1;
        return;
      }
    }
  };
  while (packets.length < o.count && sources.some((s) => s.next < s.list.length))
    for (const s of sources) for (let k = 0; k < s.weight && packets.length < o.count; k++) take(s);
  return { packets, sources: drawn, skipped };
}

/**
 * The connections sent so far, as conntrack would key them, in both directions: a packet whose tuple repeats
 * one, or is the reply tuple of one, would be tracked as part of it instead of as a new connection. TCP, UDP
 * and SCTP get another source port; ICMP requests are distinct by their identifier (unique per packet); any
 * other protocol is keyed here by its two addresses alone (conntrack's key for most of them; DCCP and
 * UDP-Lite get unique ports from the sender), so a repeated pair is left out.
 */
class Connections {
  private readonly seen = new Set<string>();
  constructor(private readonly rng: Random) {}

  claim(p: Packet): Packet | undefined {
    if ((p.family === 4 && p.proto === 1) || (p.family === 6 && p.proto === 58)) return p;
    for (let attempt = 0; attempt < 20; attempt++) {
      const q = attempt === 0 || !hasPorts(p.proto) ? p : { ...p, sport: this.rng.int(1024, 65535) };
      const key = (a: bigint, ap: number, b: bigint, bp: number) =>
        `${p.family}|${p.proto}|${a}|${ap}|${b}|${bp}`;
      const forward = key(q.src, q.sport, q.dst, q.dport);
      if (this.seen.has(forward)) {
        if (!hasPorts(p.proto)) return undefined;
        continue;
      }
      this.seen.add(forward);
      this.seen.add(key(q.dst, q.dport, q.src, q.sport));
      return q;
    }
    return undefined;
  }
}
