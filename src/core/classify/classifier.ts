// The Classifier contract: an ordered rule list compiled for first-match lookups over packed packets.

import type { PacketSet } from "../space/packet-set.js";
import type { Packet } from "../space/packet.js";
import { boxesOfRules, type ClassifierBox } from "./boxes.js";
import { packPacket, PACKET_WIDTH } from "./packed.js";

export interface Classifier {
  /** The engine's id ("linear", "tree"). */
  readonly engine: string;
  /** The number of rules in the list it was built from. */
  readonly ruleCount: number;
  /**
   * The index of the first rule matching the packet packed at `packets[offset … offset + PACKET_WIDTH)`, or -1.
   * Allocation-free.
   */
  classify(packets: Int32Array, offset: number): number;
  /** `classify` for `count` packets from offset 0, the answers written to `out[0 … count)`. */
  classifyBatch(packets: Int32Array, count: number, out: Int32Array): void;
}

/** Builds a classifier from the boxes of an ordered list of `ruleCount` rules (boxes in rule order). */
export type ClassifierBuilder = (boxes: readonly ClassifierBox[], ruleCount: number) => Classifier;

/** Builds a classifier straight from rules with exact match sets (an importer's rules). */
export function buildClassifier(
  build: ClassifierBuilder,
  rules: readonly { readonly match: PacketSet }[],
): Classifier {
  return build(boxesOfRules(rules), rules.length);
}

/** Classifies one packet (packs it first: not for hot loops). */
export function classifyPacket(c: Classifier, p: Packet): number {
  const buf = new Int32Array(PACKET_WIDTH);
  packPacket(p, buf, 0);
  return c.classify(buf, 0);
}

/** Box arrays laid out for scanning: lo and hi of box b at [b * PACKET_WIDTH + d], its rule at rule[b]. */
export interface FlatBoxes {
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  readonly rule: Int32Array;
  readonly count: number;
}

export function flattenBoxes(boxes: readonly ClassifierBox[]): FlatBoxes {
  const n = boxes.length;
  const lo = new Int32Array(n * PACKET_WIDTH);
  const hi = new Int32Array(n * PACKET_WIDTH);
  const rule = new Int32Array(n);
  boxes.forEach((b, i) => {
    lo.set(b.lo, i * PACKET_WIDTH);
    hi.set(b.hi, i * PACKET_WIDTH);
    rule[i] = b.rule;
  });
  return { lo, hi, rule, count: n };
}

/** Checks that boxes come in rule order (what first-match over the flat list relies on). */
export function checkBoxOrder(boxes: readonly ClassifierBox[], ruleCount: number): void {
  for (let i = 0; i < boxes.length; i++) {
    const r = boxes[i]!.rule;
    if (r < 0 || r >= ruleCount || (i > 0 && r < boxes[i - 1]!.rule))
      throw new RangeError(`Invalid box ${i}: rule ${r} out of order or outside 0-${ruleCount - 1}`);
  }
}

/**
 * The first box of `[from, to)` containing the packet packed at `p[o …]`, or -1; boxes of rule `limit` or
 * later are not looked at (boxes come in rule order, so the scan stops at the first of them).
 */
export function scanBoxes(
  flat: FlatBoxes,
  from: number,
  to: number,
  p: Int32Array,
  o: number,
  limit: number,
): number {
  const lo = flat.lo;
  const hi = flat.hi;
  const rule = flat.rule;
  const p0 = p[o]!,
    p1 = p[o + 1]!,
    p2 = p[o + 2]!,
    p3 = p[o + 3]!,
    p4 = p[o + 4]!,
    p5 = p[o + 5]!;
  for (let b = from; b < to; b++) {
    if (rule[b]! >= limit) return -1;
    const k = b * PACKET_WIDTH;
    if (p0 < lo[k]! || p0 > hi[k]!) continue;
    if (p1 < lo[k + 1]! || p1 > hi[k + 1]!) continue;
    if (p2 < lo[k + 2]! || p2 > hi[k + 2]!) continue;
    if (p3 < lo[k + 3]! || p3 > hi[k + 3]!) continue;
    if (p4 < lo[k + 4]! || p4 > hi[k + 4]!) continue;
    if (p5 < lo[k + 5]! || p5 > hi[k + 5]!) continue;
    let ok = true;
    for (let d = 6; d < PACKET_WIDTH; d++) {
      const v = p[o + d]!;
      if (v < lo[k + d]! || v > hi[k + d]!) {
        ok = false;
        break;
      }
    }
    if (ok) return b;
  }
  return -1;
}
