// Label selectors evaluated against label sets, as the Kubernetes API defines them.

import type { LabelSelector, SelectorRequirement } from "./model.js";

function holds(req: SelectorRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, req.key);
  switch (req.operator) {
    case "In":
      return has && req.values.includes(labels[req.key]!);
    case "NotIn":
      return !has || !req.values.includes(labels[req.key]!);
    case "Exists":
      return has;
    case "DoesNotExist":
      return !has;
    default: {
      const never: never = req.operator;
      throw new TypeError(`Unknown selector operator "${String(never)}"`);
    }
  }
}

/** True when every matchLabels pair and every requirement holds for the labels (an empty selector: always). */
export function selects(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  const pairs = Object.entries(selector.matchLabels).every(
    ([k, v]) => Object.hasOwn(labels, k) && labels[k] === v,
  );
  return pairs && selector.requirements.every((r) => holds(r, labels));
}

/** Every label key the selector looks at. */
export function selectorKeys(selector: LabelSelector): string[] {
  return [...Object.keys(selector.matchLabels), ...selector.requirements.map((r) => r.key)];
}
