// The fast engine: a HyperSplit-style decision tree in flat typed arrays. Each inner node compares one packed
// dimension with a threshold (two-way split at a rule boundary); each leaf lists at most a few boxes in rule
// order, scanned first-match. Boxes that cannot be first in a node's region (after one covering the whole
// region) are pruned while building, which keeps wildcard-heavy firewall sets small.

import type { ClassifierBox } from "./boxes.js";
import { checkBoxOrder, type Classifier, flattenBoxes, type FlatBoxes, scanBoxes } from "./classifier.js";
import { MAX, MIN, PACKET_WIDTH } from "./packed.js";

export interface TreeOptions {
  /** A node with at most this many boxes becomes a leaf (default 8). */
  readonly leafSize?: number;
  /** Deeper nodes become leaves whatever their size (default 64). */
  readonly maxDepth?: number;
  /**
   * Once the leaves hold this many entries in all, every further node is a leaf (still exact, only slower):
   * a bound on memory for sets whose boxes cross one another everywhere (default 32 per box + 65,536).
   */
  readonly maxEntries?: number;
}

/** Node layout: 4 words. Inner: [dim, threshold, left × 4, right × 4]. Leaf: [-1, first entry, entry count, 0]. */
const NODE = 4;

class TreeBuilder {
  readonly nodes: number[] = [];
  readonly entries: number[] = [];
  /** Set when the entry budget ran out and some nodes became leaves early. */
  overBudget = false;
  private readonly leafSize: number;
  private readonly maxDepth: number;
  private readonly maxEntries: number;

  constructor(
    private readonly lo: Int32Array,
    private readonly hi: Int32Array,
    options: TreeOptions,
  ) {
    this.leafSize = options.leafSize ?? 8;
    this.maxDepth = options.maxDepth ?? 64;
    this.maxEntries = options.maxEntries ?? 32 * (lo.length / PACKET_WIDTH) + 65536;
  }

  /** Builds the node for `list` (box numbers in rule order, all meeting the region); returns its index. */
  build(list: number[], rLo: Int32Array, rHi: Int32Array, depth: number): number {
    const boxes = this.pruneCovered(list, rLo, rHi);
    const at = this.nodes.length / NODE;
    this.nodes.push(-1, 0, 0, 0);
    if (this.entries.length >= this.maxEntries) this.overBudget = true;
    const leaf = boxes.length <= this.leafSize || depth >= this.maxDepth || this.overBudget;
    const split = leaf ? undefined : this.chooseSplit(boxes, rLo, rHi);
    if (split === undefined) {
      this.nodes[at * NODE + 1] = this.entries.length;
      this.nodes[at * NODE + 2] = boxes.length;
      for (const b of boxes) this.entries.push(b);
      return at;
    }
    const { dim, t } = split;
    const left: number[] = [];
    const right: number[] = [];
    for (const b of boxes) {
      if (this.lo[b * PACKET_WIDTH + dim]! <= t) left.push(b);
      if (this.hi[b * PACKET_WIDTH + dim]! > t) right.push(b);
    }
    const lHi = rHi.slice();
    lHi[dim] = t;
    const rLo2 = rLo.slice();
    rLo2[dim] = t + 1;
    const l = this.build(left, rLo, lHi, depth + 1);
    const r = this.build(right, rLo2, rHi, depth + 1);
    this.nodes[at * NODE] = dim;
    this.nodes[at * NODE + 1] = t;
    // Children are kept as word offsets, so a lookup step is two loads and a compare.
    this.nodes[at * NODE + 2] = l * NODE;
    this.nodes[at * NODE + 3] = r * NODE;
    return at;
  }

  /** Drops every box after the first one that covers the whole region: none of them can be first. */
  private pruneCovered(list: number[], rLo: Int32Array, rHi: Int32Array): number[] {
    for (let i = 0; i < list.length; i++) {
      const k = list[i]! * PACKET_WIDTH;
      let covers = true;
      for (let d = 0; d < PACKET_WIDTH && covers; d++)
        covers = this.lo[k + d]! <= rLo[d]! && this.hi[k + d]! >= rHi[d]!;
      if (covers) return list.slice(0, i + 1);
    }
    return list;
  }

  /**
   * The dimension and threshold (left: value ≤ t) that best divide the boxes: for each dimension, the quartiles
   * and median of the box edges strictly inside the region are tried; the smallest larger side plus copies
   * wins, then the fewest boxes in all.
   */
  private chooseSplit(
    boxes: readonly number[],
    rLo: Int32Array,
    rHi: Int32Array,
  ): { dim: number; t: number } | undefined {
    let best: { dim: number; t: number } | undefined;
    let bestMax = Infinity;
    let bestSum = Infinity;
    const edges = new Int32Array(boxes.length * 2);
    for (let dim = 0; dim < PACKET_WIDTH; dim++) {
      let n = 0;
      const lowest = rLo[dim]!;
      const highest = rHi[dim]!;
      for (const b of boxes) {
        const l = this.lo[b * PACKET_WIDTH + dim]!;
        const h = this.hi[b * PACKET_WIDTH + dim]!;
        if (l > lowest) edges[n++] = l - 1;
        if (h < highest) edges[n++] = h;
      }
      if (n === 0) continue;
      const sorted = edges.subarray(0, n).sort();
      for (const q of [0.5, 0.25, 0.75]) {
        const t = sorted[Math.min(n - 1, Math.floor(n * q))]!;
        let nl = 0;
        let nr = 0;
        for (const b of boxes) {
          if (this.lo[b * PACKET_WIDTH + dim]! <= t) nl++;
          if (this.hi[b * PACKET_WIDTH + dim]! > t) nr++;
        }
        // The larger side plus the boxes copied to both: ignoring the copies (HyperSplit's balance alone) let
        // ClassBench-style firewall sets grow past 600,000 leaf entries; counting them keeps fw under 2,000.
        const mx = Math.max(nl, nr) + (nl + nr - boxes.length);
        if (mx < bestMax || (mx === bestMax && nl + nr < bestSum)) {
          best = { dim, t };
          bestMax = mx;
          bestSum = nl + nr;
        }
      }
    }
    return best;
  }
}

export class TreeClassifier implements Classifier {
  readonly engine = "tree";
  private readonly nodes: Int32Array;
  /** Leaf entries, each a copy of its box, back to back in leaf order. */
  private readonly leaves: FlatBoxes;
  /** True when the tree hit its entry budget (`TreeOptions.maxEntries`): correct, but slower than it could be. */
  readonly overBudget: boolean;

  constructor(
    boxes: readonly ClassifierBox[],
    readonly ruleCount: number,
    options: TreeOptions = {},
  ) {
    checkBoxOrder(boxes, ruleCount);
    const flat = flattenBoxes(boxes);
    const builder = new TreeBuilder(flat.lo, flat.hi, options);
    const all = Array.from({ length: flat.count }, (_, i) => i);
    builder.build(all, new Int32Array(PACKET_WIDTH).fill(MIN), new Int32Array(PACKET_WIDTH).fill(MAX), 0);
    this.overBudget = builder.overBudget;
    this.nodes = Int32Array.from(builder.nodes);
    this.leaves = flattenBoxes(builder.entries.map((b) => boxes[b]!));
  }

  /** Inner nodes, leaves and leaf entries, for the benchmark's report. */
  get stats(): { nodes: number; entries: number } {
    return { nodes: this.nodes.length / NODE, entries: this.leaves.count };
  }

  classify(packets: Int32Array, offset: number): number {
    return this.classifyBelow(packets, offset, this.ruleCount);
  }

  /** The first rule before `limit` matching the packet, or -1 (what separable trees ask each tree). */
  classifyBelow(packets: Int32Array, offset: number, limit: number): number {
    const nodes = this.nodes;
    let n = 0;
    let dim = nodes[0]!;
    while (dim >= 0) {
      // The comparison as an index (0: left, 1: right) rather than a branch: split outcomes are unpredictable.
      n = nodes[n + 2 + +(packets[offset + dim]! > nodes[n + 1]!)]!;
      dim = nodes[n]!;
    }
    const first = nodes[n + 1]!;
    const b = scanBoxes(this.leaves, first, first + nodes[n + 2]!, packets, offset, limit);
    return b < 0 ? -1 : this.leaves.rule[b]!;
  }

  classifyBatch(packets: Int32Array, count: number, out: Int32Array): void {
    for (let i = 0; i < count; i++) out[i] = this.classify(packets, i * PACKET_WIDTH);
  }
}

export function buildTree(
  boxes: readonly ClassifierBox[],
  ruleCount: number,
  options?: TreeOptions,
): TreeClassifier {
  return new TreeClassifier(boxes, ruleCount, options);
}
