// TupleMerge (Daly & Torng 2017), offline form, over the packed boxes: hash tables keyed on the leading bits of
// the source and destination address words, each box filed under the bits it fixes, tables merged so that a
// box may sit in a table with a shorter tuple than its own while no bucket grows past a collision limit.
//
// Kept beside the trees to measure the anchor the issue names; the trees were faster on acl and fw sets, about
// even on ipc (docs/classify.md).

import type { ClassifierBox } from "./boxes.js";
import { checkBoxOrder, type Classifier, flattenBoxes, type FlatBoxes, scanBoxes } from "./classifier.js";
import { DIM, PACKET_WIDTH, unbiased } from "./packed.js";

export interface TupleMergeOptions {
  /** Boxes one bucket may hold before a box must start a table of its own (default 8, as in the paper). */
  readonly collisionLimit?: number;
}

/** The number of leading bits shared by every value of [lo, hi] (unsigned 32-bit words). */
function fixedBits(lo: number, hi: number): number {
  const x = (lo ^ hi) >>> 0;
  return x === 0 ? 32 : Math.clz32(x);
}

function keyOf(word: number, bits: number): number {
  return bits === 0 ? 0 : word >>> (32 - bits);
}

/** A 32-bit mix of the two keys and the family. */
function hash(a: number, b: number, family: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + family, 0xc2b2ae35);
  h ^= h >>> 15;
  return Math.imul(h, 0x27d4eb2d) >>> 0;
}

interface BuildTable {
  readonly srcBits: number;
  readonly dstBits: number;
  readonly buckets: Map<string, number[]>;
  minRule: number;
}

/** One table, frozen: open addressing over (src key, dst key, family) → a run of boxes in rule order. */
interface Table {
  readonly srcBits: number;
  readonly dstBits: number;
  readonly mask: number;
  /** Per slot: src key, dst key, family (biased), first entry, entry count; count 0 marks an empty slot. */
  readonly slots: Int32Array;
  readonly minRule: number;
}

const SLOT = 5;

export class TupleMergeClassifier implements Classifier {
  readonly engine = "tuple-merge";
  private readonly tables: Table[];
  private readonly entries: FlatBoxes;

  constructor(
    boxes: readonly ClassifierBox[],
    readonly ruleCount: number,
    options: TupleMergeOptions = {},
  ) {
    checkBoxOrder(boxes, ruleCount);
    const limit = options.collisionLimit ?? 8;
    const building: BuildTable[] = [];
    boxes.forEach((b, i) => {
      const s = fixedBits(unbiased(b.lo[DIM.src0]!), unbiased(b.hi[DIM.src0]!));
      const d = fixedBits(unbiased(b.lo[DIM.dst0]!), unbiased(b.hi[DIM.dst0]!));
      const src = unbiased(b.lo[DIM.src0]!);
      const dst = unbiased(b.lo[DIM.dst0]!);
      const fam = b.lo[DIM.family]!;
      // The first table (in creation order) whose tuple this box covers and whose bucket has room.
      for (const t of building) {
        if (t.srcBits > s || t.dstBits > d) continue;
        const key = `${keyOf(src, t.srcBits)}/${keyOf(dst, t.dstBits)}/${fam}`;
        const bucket = t.buckets.get(key);
        if (bucket && bucket.length >= limit) continue;
        if (bucket) bucket.push(i);
        else t.buckets.set(key, [i]);
        t.minRule = Math.min(t.minRule, b.rule);
        return;
      }
      // A new table with the box's tuple made a little shorter, so that later boxes near it can share it.
      const t: BuildTable = {
        srcBits: s - (s % 4),
        dstBits: d - (d % 4),
        buckets: new Map(),
        minRule: b.rule,
      };
      t.buckets.set(`${keyOf(src, t.srcBits)}/${keyOf(dst, t.dstBits)}/${fam}`, [i]);
      building.push(t);
    });
    const order: number[] = [];
    this.tables = building.sort((a, b) => a.minRule - b.minRule).map((t) => this.freeze(t, boxes, order));
    this.entries = flattenBoxes(order.map((i) => boxes[i]!));
  }

  private freeze(t: BuildTable, boxes: readonly ClassifierBox[], order: number[]): Table {
    let size = 8;
    while (size < t.buckets.size * 2) size *= 2;
    const slots = new Int32Array(size * SLOT);
    for (const list of t.buckets.values()) {
      const b = boxes[list[0]!]!;
      const a = keyOf(unbiased(b.lo[DIM.src0]!), t.srcBits);
      const c = keyOf(unbiased(b.lo[DIM.dst0]!), t.dstBits);
      const fam = b.lo[DIM.family]!;
      let s = hash(a, c, fam) & (size - 1);
      while (slots[s * SLOT + 4] !== 0) s = (s + 1) & (size - 1);
      slots.set([a | 0, c | 0, fam, order.length, list.length], s * SLOT);
      order.push(...list);
    }
    return { srcBits: t.srcBits, dstBits: t.dstBits, mask: size - 1, slots, minRule: t.minRule };
  }

  get stats(): { tables: number; entries: number } {
    return { tables: this.tables.length, entries: this.entries.count };
  }

  classify(packets: Int32Array, offset: number): number {
    const src = unbiased(packets[offset + DIM.src0]!);
    const dst = unbiased(packets[offset + DIM.dst0]!);
    const fam = packets[offset + DIM.family]!;
    let best = this.ruleCount;
    const tables = this.tables;
    for (let i = 0; i < tables.length; i++) {
      const t = tables[i]!;
      if (t.minRule >= best) break;
      const a = keyOf(src, t.srcBits) | 0;
      const c = keyOf(dst, t.dstBits) | 0;
      const slots = t.slots;
      let s = hash(a >>> 0, c >>> 0, fam) & t.mask;
      for (;;) {
        const k = s * SLOT;
        if (slots[k + 4] === 0) break;
        if (slots[k] === a && slots[k + 1] === c && slots[k + 2] === fam) {
          const first = slots[k + 3]!;
          const b = scanBoxes(this.entries, first, first + slots[k + 4]!, packets, offset, best);
          if (b >= 0) best = this.entries.rule[b]!;
          break;
        }
        s = (s + 1) & t.mask;
      }
    }
    return best === this.ruleCount ? -1 : best;
  }

  classifyBatch(packets: Int32Array, count: number, out: Int32Array): void {
    for (let i = 0; i < count; i++) out[i] = this.classify(packets, i * PACKET_WIDTH);
  }
}

export function buildTupleMerge(
  boxes: readonly ClassifierBox[],
  ruleCount: number,
  options?: TupleMergeOptions,
): TupleMergeClassifier {
  return new TupleMergeClassifier(boxes, ruleCount, options);
}
