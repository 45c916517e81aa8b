// Rules on interfaces the importer could not map to zones: which rules of a list can meet on one packet.
//
// Such a rule's match leaves its interface conditions out, and `ImportedRule.interfaces` keeps them as an
// opaque key. Keys are only compared for equality: two rules with equal keys (or one without a key) apply to
// the same packets on the interfaces that matter; rules with different keys may or may not meet (`in=eth+`
// and `in=eth0` do, `in=eth0` and `in=eth1` do not), so the analysis never counts on one for the other.
// A widened rule (a condition left out of its match) is treated like a rule with a key of its own: it can be
// found covered by others (its real match is inside the widened one), but it covers nothing for certain.

import type { ImportedRule } from "../../import/model.js";

/**
 * What rule j does to the packets of rule i, for the analysis of rule i: its action when it matches every
 * packet rule i matches on rule i's interfaces (no key, or rule i's key), else "other" (it decides no packet
 * of rule i for sure, and may decide some). Earlier "other" rules cover nothing of rule i; later ones make the
 * verdict of the packets they touch unknown.
 */
export function actionFor(rules: readonly ImportedRule[], i: number, j: number): ImportedRule["action"] {
  const rule = rules[j]!;
  if (rule.widened && j !== i) return "other";
  const key = rule.interfaces;
  return key === undefined || key === rules[i]!.interfaces ? rule.action : "other";
}

/**
 * Whether the interface conditions of rules i and j may both hold on one packet, as far as keys tell; never
 * for a widened rule, whose overlap with another is not known.
 */
export function interfacesMeet(rules: readonly ImportedRule[], i: number, j: number): boolean {
  if (rules[i]!.widened || rules[j]!.widened) return false;
  const a = rules[i]!.interfaces;
  const b = rules[j]!.interfaces;
  return a === undefined || b === undefined || a === b;
}

/**
 * Whether rule `outer` applies on every interface rule `inner` does: it has no key, or the same key. A rule
 * with a key never contains one without (some interface is outside the key), and a widened rule contains none.
 */
export function interfacesContain(rules: readonly ImportedRule[], outer: number, inner: number): boolean {
  if (rules[outer]!.widened) return false;
  const o = rules[outer]!.interfaces;
  return o === undefined || o === rules[inner]!.interfaces;
}
