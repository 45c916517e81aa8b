// The classifier engines by name, and the default fast one.

import type { ClassifierBox } from "./boxes.js";
import type { Classifier, ClassifierBuilder } from "./classifier.js";
import { buildForest } from "./forest.js";
import { buildLinear } from "./linear.js";
import { buildTree } from "./tree.js";
import { buildTupleMerge } from "./tuple-merge.js";

/**
 * The fast engine: one decision tree when its copies of boxes stay within 8 per box (acl- and ipc-like sets,
 * the fastest lookups), else separable trees (firewall sets whose wildcards cross).
 */
export function buildFast(boxes: readonly ClassifierBox[], ruleCount: number): Classifier {
  const tree = buildTree(boxes, ruleCount, { maxEntries: 8 * boxes.length + 65536 });
  return tree.overBudget ? buildForest(boxes, ruleCount) : tree;
}

export const ENGINES: Readonly<Record<string, ClassifierBuilder>> = {
  linear: buildLinear,
  tree: (boxes, n) => buildTree(boxes, n),
  forest: (boxes, n) => buildForest(boxes, n),
  "tuple-merge": (boxes, n) => buildTupleMerge(boxes, n),
  fast: buildFast,
};
