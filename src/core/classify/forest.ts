// Separable trees: boxes grouped by whether their destination is wide, one decision tree per group.
//
// A box wide in a dimension is copied to both sides of every split there; a firewall set mixing "any → host"
// and "host → any" rules makes a single tree's copies multiply. Grouping keeps boxes that are narrow in the
// same dimensions together (as EffiCuts does). A lookup asks the trees in order of their first rule and stops
// as soon as no later tree can hold an earlier rule than the one found.

import type { ClassifierBox } from "./boxes.js";
import { checkBoxOrder, type Classifier } from "./classifier.js";
import { DIM, PACKET_WIDTH } from "./packed.js";
import { TreeClassifier, type TreeOptions } from "./tree.js";

/** An address word range wider than this (a prefix shorter than /16) counts as wide. */
const WIDE_ADDRESS = 2 ** 16;

function width(b: ClassifierBox, dim: number): number {
  return b.hi[dim]! - b.lo[dim]! + 1;
}

/**
 * The group of a box: whether its destination is wide. Copies multiply where "wide source, narrow
 * destination" boxes meet "narrow source, wide destination" ones; two groups by destination width keep those
 * apart with only two trees to ask. (Four groups by source and destination width, and eight with the
 * destination port, were slower on ClassBench-style sets: ipc 2.6 and fw 2.0 against 3.6 and 4.1 Mpps.)
 */
function groupOf(b: ClassifierBox): number {
  return width(b, DIM.dst0) > WIDE_ADDRESS ? 1 : 0;
}

export class ForestClassifier implements Classifier {
  readonly engine = "forest";
  private readonly trees: TreeClassifier[];
  /** The first rule of each tree, ascending. */
  private readonly firstRule: Int32Array;

  constructor(
    boxes: readonly ClassifierBox[],
    readonly ruleCount: number,
    options: TreeOptions = {},
  ) {
    checkBoxOrder(boxes, ruleCount);
    const groups = new Map<number, ClassifierBox[]>();
    for (const b of boxes) {
      const g = groupOf(b);
      let list = groups.get(g);
      if (!list) groups.set(g, (list = []));
      list.push(b);
    }
    const lists = [...groups.values()].sort((a, b) => a[0]!.rule - b[0]!.rule);
    this.trees = lists.map((l) => new TreeClassifier(l, ruleCount, options));
    this.firstRule = Int32Array.from(lists.map((l) => l[0]!.rule));
  }

  get stats(): { trees: number; nodes: number; entries: number } {
    let nodes = 0;
    let entries = 0;
    for (const t of this.trees) {
      nodes += t.stats.nodes;
      entries += t.stats.entries;
    }
    return { trees: this.trees.length, nodes, entries };
  }

  classify(packets: Int32Array, offset: number): number {
    let best = this.ruleCount;
    const trees = this.trees;
    const first = this.firstRule;
    for (let i = 0; i < trees.length; i++) {
      if (first[i]! >= best) break;
      // Each tree is asked only for rules before the best found so far: its leaves stop scanning there.
      const r = trees[i]!.classifyBelow(packets, offset, best);
      if (r >= 0) best = r;
    }
    return best === this.ruleCount ? -1 : best;
  }

  classifyBatch(packets: Int32Array, count: number, out: Int32Array): void {
    for (let i = 0; i < count; i++) out[i] = this.classify(packets, i * PACKET_WIDTH);
  }
}

export function buildForest(
  boxes: readonly ClassifierBox[],
  ruleCount: number,
  options?: TreeOptions,
): ForestClassifier {
  return new ForestClassifier(boxes, ruleCount, options);
}
