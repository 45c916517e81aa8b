// Packet traces for ClassBench filter sets, packed for the classifiers: drawn like ClassBench's trace
// generator (a header inside a chosen filter, often at a corner of it, filters chosen with a skew), and read
// from ClassBench trace files (`sa da sp dp proto ...`, decimal, whitespace-separated).

import { biased, DIM, PACKET_WIDTH } from "../src/core/classify/packed.js";
import { hasPorts } from "../src/core/net/protocol.js";
import type { ClassBenchRule } from "./classbench.js";
import { Random } from "./prng.js";

/** Protocols a wildcard-protocol filter's packets are drawn from. */
const WILDCARD_PROTOCOLS: readonly (readonly [number, number])[] = [
  [6, 60],
  [17, 30],
  [1, 8],
  [47, 2],
];

function writePacket(
  out: Int32Array,
  i: number,
  src: number,
  dst: number,
  proto: number,
  sport: number,
  dport: number,
): void {
  const o = i * PACKET_WIDTH;
  out.fill(biased(0), o, o + PACKET_WIDTH);
  out[o + DIM.src0] = biased(src >>> 0);
  out[o + DIM.dst0] = biased(dst >>> 0);
  out[o + DIM.proto] = biased(proto);
  // Rampart's packets carry no ports for other protocols (ICMP type and code 0 stand in for ICMP).
  const ports = hasPorts(proto);
  out[o + DIM.l4a] = biased(ports ? sport : 0);
  out[o + DIM.l4b] = biased(ports ? dport : 0);
}

function inRange(rnd: Random, lo: number, hi: number): number {
  const r = rnd.next();
  // A third of the time an edge: where an engine that gets a bound wrong goes astray.
  if (r < 0.17) return lo;
  if (r < 0.34) return hi;
  return lo + Math.floor(rnd.next() * (hi - lo + 1));
}

function inPrefix(rnd: Random, [value, length]: readonly [number, number]): number {
  const size = 2 ** (32 - length);
  return value + inRange(rnd, 0, size - 1);
}

/**
 * `count` packets for the rules, packed: 95% inside a rule (rules picked with a Pareto-like skew, as
 * ClassBench's locality parameter does), 5% uniform.
 */
export function generateClassBenchTrace(
  rules: readonly ClassBenchRule[],
  count: number,
  seed: number,
): Int32Array {
  const rnd = new Random(seed);
  const out = new Int32Array(count * PACKET_WIDTH);
  for (let i = 0; i < count; i++) {
    if (rules.length === 0 || rnd.chance(0.05)) {
      const proto = rnd.weighted(WILDCARD_PROTOCOLS);
      writePacket(
        out,
        i,
        rnd.int(0, 2 ** 32 - 1),
        rnd.int(0, 2 ** 32 - 1),
        proto,
        rnd.int(0, 65535),
        rnd.int(0, 65535),
      );
      continue;
    }
    const r = rules[Math.floor(rules.length * rnd.next() ** 2)]!;
    const proto = r.proto === 0 ? rnd.weighted(WILDCARD_PROTOCOLS) : r.proto;
    writePacket(
      out,
      i,
      inPrefix(rnd, r.src),
      inPrefix(rnd, r.dst),
      proto,
      inRange(rnd, r.sport[0], r.sport[1]),
      inRange(rnd, r.dport[0], r.dport[1]),
    );
  }
  return out;
}

/**
 * A ClassBench trace file, packed: each non-blank line `sa da sp dp proto [more ...]`. Ports of protocols
 * without ports are read as 0, as Rampart's packets carry them. Throws a RangeError naming a bad line.
 */
export function parseClassBenchTrace(text: string, file = "trace"): Int32Array {
  const lines = text.split("\n");
  const out = new Int32Array(lines.length * PACKET_WIDTH);
  let n = 0;
  lines.forEach((line, i) => {
    const t = line.trim();
    if (t === "") return;
    const f = t.split(/\s+/);
    const v = f.slice(0, 5).map(Number);
    const ok =
      f.length >= 5 &&
      f.slice(0, 5).every((x) => /^[0-9]+$/.test(x)) &&
      v[0]! <= 0xffffffff &&
      v[1]! <= 0xffffffff &&
      v[2]! <= 65535 &&
      v[3]! <= 65535 &&
      v[4]! <= 255;
    if (!ok)
      throw new RangeError(`Cannot read trace: ${file}:${i + 1}: expected "sa da sp dp proto" in decimal`);
    writePacket(out, n++, v[0]!, v[1]!, v[4]!, v[2]!, v[3]!);
  });
  return out.slice(0, n * PACKET_WIDTH);
}
