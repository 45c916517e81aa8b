// An index over the boxes of one rule list: which rules overlap a box, without looking at all pairs.

import { type Box, boxesOverlap } from "./box.js";

/**
 * Built once over the boxes of a list's rules (undefined: a rule left out), each tagged with its rule's index.
 * Boxes are split into classes by the width of their destination and source ranges (in steps of 4 bits), and
 * each class is sorted twice, by destination low end and by source low end. A box of the class can overlap
 * a query only if its low end lies in [query low − widest box of the class, query high] on both sides: the
 * query scans the smaller of the two windows (two binary searches each), and tests each box in it exactly.
 */
export class BoxIndex {
  private readonly classes: BoxClass[] = [];
  private readonly seen: Int32Array;
  private stamp = 0;

  constructor(ruleBoxes: readonly (readonly Box[] | undefined)[]) {
    const groups = new Map<number, { boxes: Box[]; owners: number[] }>();
    ruleBoxes.forEach((boxes, rule) => {
      for (const b of boxes ?? []) {
        const key = widthClass(b[1]! - b[0]!) * 16 + widthClass(b[3]! - b[2]!);
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { boxes: [], owners: [] }));
        g.boxes.push(b);
        g.owners.push(rule);
      }
    });
    for (const g of groups.values()) this.classes.push(new BoxClass(g.boxes, g.owners));
    this.seen = new Int32Array(ruleBoxes.length);
  }

  /** The rules (ascending, each once) with a box overlapping one of `query`, among indexes [from, to). */
  overlapping(query: readonly Box[], from: number, to: number): number[] {
    const found: number[] = [];
    if (from >= to) return found;
    this.stamp++;
    if (this.stamp === 0x7fffffff) {
      this.seen.fill(0);
      this.stamp = 1;
    }
    for (const q of query) for (const c of this.classes) c.collect(q, from, to, found, this.seen, this.stamp);
    return found.sort((a, b) => a - b);
  }
}

/** Steps of 4 bits of a range's width: 0 for one value, 8 for a whole IPv4 address space. */
function widthClass(spanMinusOne: number): number {
  let bits = 0;
  for (let s = spanMinusOne; s >= 1; s = Math.floor(s / 2)) bits++;
  return Math.ceil(bits / 4);
}

/** The first index of the sorted array holding a value ≥ v. */
function lowerBound(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One width class, sorted by destination low end and by source low end. */
class BoxClass {
  private readonly byDst: Int32Array;
  private readonly dstLows: Float64Array;
  private readonly bySrc: Int32Array;
  private readonly srcLows: Float64Array;
  private readonly dstWidth: number;
  private readonly srcWidth: number;

  constructor(
    private readonly boxes: readonly Box[],
    private readonly owners: readonly number[],
  ) {
    const ids = [...boxes.keys()];
    const sortBy = (k: number) => Int32Array.from([...ids].sort((a, b) => boxes[a]![k]! - boxes[b]![k]!));
    this.byDst = sortBy(0);
    this.bySrc = sortBy(2);
    this.dstLows = Float64Array.from(this.byDst, (id) => boxes[id]![0]!);
    this.srcLows = Float64Array.from(this.bySrc, (id) => boxes[id]![2]!);
    let dstWidth = 0;
    let srcWidth = 0;
    for (const b of boxes) {
      dstWidth = Math.max(dstWidth, b[1]! - b[0]!);
      srcWidth = Math.max(srcWidth, b[3]! - b[2]!);
    }
    this.dstWidth = dstWidth;
    this.srcWidth = srcWidth;
  }

  collect(q: Box, from: number, to: number, found: number[], seen: Int32Array, stamp: number): void {
    const d0 = lowerBound(this.dstLows, q[0]! - this.dstWidth);
    const d1 = lowerBound(this.dstLows, q[1]! + 1);
    const s0 = lowerBound(this.srcLows, q[2]! - this.srcWidth);
    const s1 = lowerBound(this.srcLows, q[3]! + 1);
    const [order, start, end] = d1 - d0 <= s1 - s0 ? [this.byDst, d0, d1] : [this.bySrc, s0, s1];
    for (let i = start; i < end; i++) {
      const id = order[i]!;
      const owner = this.owners[id]!;
      if (owner < from || owner >= to || seen[owner] === stamp) continue;
      if (boxesOverlap(this.boxes[id]!, q)) {
        seen[owner] = stamp;
        found.push(owner);
      }
    }
  }
}
