// An index over the boxes of one rule list: which rules overlap a box, without looking at all pairs.

import { type Box, DIMS } from "./box.js";

/** Rules in the first segment; each later segment is as large as all before it (1, 1, 2, 4 ... times this). */
export const FIRST_SEGMENT = 512;

/**
 * Built once over the boxes of a list's rules (undefined: a rule left out), each tagged with its rule's index.
 * The rules are cut into segments of doubling size, so that a query for the earliest rules (the walks stop
 * early when a rule is soon covered) scans only the first segments; a query across segments uses one more
 * segment of all the rules. Within a segment, boxes are split into
 * classes by the width of their destination and source ranges (in steps of 4 bits), and each class is sorted
 * twice, by destination low end and by source low end. A box of the class can overlap a query only if its low
 * end lies in [query low − widest box of the class, query high] on both sides: the query scans the smaller of
 * the two windows (two binary searches each), and tests each box in it exactly.
 */
export class BoxIndex {
  private readonly segments: Segment[] = [];
  /** All the rules in one segment: a query across segments scans it instead (fewer binary searches). */
  private readonly whole: Segment;
  private readonly seen: Int32Array;
  /** The rules one segment's query found, unsorted (at most one entry per rule: `seen` stamps them). */
  private readonly hits: Int32Array;
  private stamp = 0;

  constructor(ruleBoxes: readonly (readonly Box[] | undefined)[], firstSegment = FIRST_SEGMENT) {
    for (let start = 0, size = firstSegment; start < ruleBoxes.length; start += size, size = start) {
      const end = Math.min(ruleBoxes.length, start + size);
      this.segments.push(new Segment(ruleBoxes, start, end));
    }
    this.whole = new Segment(ruleBoxes, 0, ruleBoxes.length);
    this.seen = new Int32Array(ruleBoxes.length);
    this.hits = new Int32Array(ruleBoxes.length);
  }

  /** Where the segments start after rule 0, below `to`: walks in rule order query one segment at a time. */
  boundaries(to: number): number[] {
    const out: number[] = [0];
    for (const s of this.segments) if (s.start > 0 && s.start < to) out.push(s.start);
    out.push(to);
    return out;
  }

  /** The rules (ascending, each once) with a box overlapping one of `query`, among indexes [from, to). */
  overlapping(query: readonly Box[], from: number, to: number): number[] {
    const out: number[] = [];
    const inRange = this.segments.filter((s) => s.end > from && s.start < to);
    for (const s of inRange.length > 1 ? [this.whole] : inRange) {
      this.stamp++;
      if (this.stamp === 0x7fffffff) {
        this.seen.fill(0);
        this.stamp = 1;
      }
      let count = 0;
      for (const q of query) count = s.collect(q, from, to, this.hits, count, this.seen, this.stamp);
      // A typed sort is numeric and much faster than Array.prototype.sort with a comparator.
      const sorted = this.hits.subarray(0, count).sort();
      for (let k = 0; k < count; k++) out.push(sorted[k]!);
    }
    return out;
  }
}

/** The rules [start, end) of a list, by width class. */
class Segment {
  private readonly classes: BoxClass[] = [];

  constructor(
    ruleBoxes: readonly (readonly Box[] | undefined)[],
    readonly start: number,
    readonly end: number,
  ) {
    const groups = new Map<number, { boxes: Box[]; owners: number[] }>();
    for (let rule = start; rule < end; rule++)
      for (const b of ruleBoxes[rule] ?? []) {
        const key = widthClass(b[1]! - b[0]!) * 16 + widthClass(b[3]! - b[2]!);
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { boxes: [], owners: [] }));
        g.boxes.push(b);
        g.owners.push(rule);
      }
    for (const g of groups.values()) this.classes.push(new BoxClass(g.boxes, g.owners));
  }

  /** Adds the rules found to `hits` from `count` on; returns the new count. */
  collect(
    q: Box,
    from: number,
    to: number,
    hits: Int32Array,
    count: number,
    seen: Int32Array,
    stamp: number,
  ): number {
    const whole = from <= this.start && to >= this.end;
    for (const c of this.classes) count = c.collect(q, whole, from, to, hits, count, seen, stamp);
    return count;
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

const W = 2 * DIMS;

/** One sort order of a class: the boxes' bounds in that order, flat, and their owners. */
interface Order {
  readonly lows: Float64Array;
  readonly bounds: Float64Array;
  readonly owners: Int32Array;
}

/** One width class, sorted by destination low end and by source low end. */
class BoxClass {
  private readonly byDst: Order;
  private readonly bySrc: Order;
  private readonly dstWidth: number;
  private readonly srcWidth: number;
  /** The smallest box holding every box of the class: a query outside it skips the binary searches. */
  private readonly extent = new Float64Array(W).map((_, k) => (k % 2 === 0 ? Infinity : -Infinity));

  constructor(boxes: readonly Box[], owners: readonly number[]) {
    const order = (k: number): Order => {
      const ids = [...boxes.keys()].sort((a, b) => boxes[a]![k]! - boxes[b]![k]!);
      const bounds = new Float64Array(ids.length * W);
      ids.forEach((id, n) => bounds.set(boxes[id]!, n * W));
      return {
        lows: Float64Array.from(ids, (id) => boxes[id]![k]!),
        bounds,
        owners: Int32Array.from(ids, (id) => owners[id]!),
      };
    };
    this.byDst = order(0);
    this.bySrc = order(2);
    let dstWidth = 0;
    let srcWidth = 0;
    for (const b of boxes) {
      dstWidth = Math.max(dstWidth, b[1]! - b[0]!);
      srcWidth = Math.max(srcWidth, b[3]! - b[2]!);
      for (let k = 0; k < W; k += 2) {
        this.extent[k] = Math.min(this.extent[k]!, b[k]!);
        this.extent[k + 1] = Math.max(this.extent[k + 1]!, b[k + 1]!);
      }
    }
    this.dstWidth = dstWidth;
    this.srcWidth = srcWidth;
  }

  collect(
    q: Box,
    whole: boolean,
    from: number,
    to: number,
    hits: Int32Array,
    count: number,
    seen: Int32Array,
    stamp: number,
  ): number {
    const e = this.extent;
    for (let k = 0; k < W; k += 2) if (e[k]! > q[k + 1]! || q[k]! > e[k + 1]!) return count;
    const d0 = lowerBound(this.byDst.lows, q[0]! - this.dstWidth);
    const d1 = lowerBound(this.byDst.lows, q[1]! + 1);
    if (d0 === d1) return count;
    const s0 = lowerBound(this.bySrc.lows, q[2]! - this.srcWidth);
    const s1 = lowerBound(this.bySrc.lows, q[3]! + 1);
    const byDst = d1 - d0 <= s1 - s0;
    const start = byDst ? d0 : s0;
    const end = byDst ? d1 : s1;
    const bounds = byDst ? this.byDst.bounds : this.bySrc.bounds;
    const owners = byDst ? this.byDst.owners : this.bySrc.owners;
    next: for (let i = start; i < end; i++) {
      const owner = owners[i]!;
      if (seen[owner] === stamp || (!whole && (owner < from || owner >= to))) continue;
      const at = i * W;
      for (let k = 0; k < W; k += 2)
        if (bounds[at + k]! > q[k + 1]! || q[k]! > bounds[at + k + 1]!) continue next;
      seen[owner] = stamp;
      hits[count++] = owner;
    }
    return count;
  }
}
