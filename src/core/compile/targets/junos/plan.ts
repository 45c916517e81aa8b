// The point's IR rules as SRX policies: each rule split by (source zone, destination zone) using the zones'
// exact spaces, consecutive pieces of one policy rule merged where the union stays a cross product.

import type { Family } from "../../../net/address.js";
import type { IrOrigin, IrPoint, IrRule } from "../../ir.js";
import { intersect, prefixesToSpans, type Spans, spansEqual, termsToSpans, union } from "./address-space.js";
import { type AppSpec, applicationName, ruleApplications } from "./applications.js";

/** Source and destination addresses of one family, each inside its zone's space. */
export interface FamilyMatch {
  src: Spans;
  dst: Spans;
}

export interface PlannedPolicy {
  readonly from: string;
  readonly to: string;
  readonly action: IrRule["action"];
  readonly log: boolean;
  readonly origin: IrOrigin;
  /** Applications by name, in order of first use. */
  apps: Map<string, AppSpec>;
  /** Matches (∪ sources) × (∪ destinations) × apps; a packet has one family, so families never mix. */
  readonly families: Map<Family, FamilyMatch>;
}

export type ZoneSpaces = ReadonlyMap<string, Readonly<Record<Family, Spans>>>;

export function zoneSpaces(ir: IrPoint): ZoneSpaces {
  // Read defensively: a zone the map does not give has no space, and no rule lands in it.
  const networks = ir.zoneNetworks ?? new Map();
  return new Map(
    ir.zones.map((z) => {
      const terms = networks.get(z) ?? [];
      return [z, { 4: termsToSpans(4, terms), 6: termsToSpans(6, terms) }];
    }),
  );
}

/** "from\u0000to" → the pair's policies in evaluation order (first match). */
export function planPolicies(ir: IrPoint, spaces: ZoneSpaces): Map<string, PlannedPolicy[]> {
  const pairs = new Map<string, PlannedPolicy[]>();
  for (const rule of ir.forward) {
    const f = rule.family;
    const src = prefixesToSpans(f, rule.src);
    const dst = prefixesToSpans(f, rule.dst);
    const apps = ruleApplications(rule).map((a): [string, AppSpec] => [applicationName(a), a]);
    for (const from of ir.zones) {
      const s = intersect(src, spaces.get(from)![f]);
      if (s.length === 0) continue;
      for (const to of ir.zones) {
        const d = intersect(dst, spaces.get(to)![f]);
        if (d.length === 0) continue;
        const key = pairKey(from, to);
        const list = pairs.get(key) ?? [];
        pairs.set(key, list);
        const piece: PlannedPolicy = {
          from,
          to,
          action: rule.action,
          log: rule.log,
          origin: rule.origin,
          apps: new Map(apps),
          families: new Map([[f, { src: s, dst: d }]]),
        };
        const last = list[list.length - 1];
        if (!last || !mergeInto(last, piece)) list.push(piece);
      }
    }
  }
  for (const [key, list] of pairs) {
    compact(list);
    // A deny with no permit after it changes nothing under the default deny; one that logs is kept.
    while (list.length > 0 && list[list.length - 1]!.action === "drop" && !list[list.length - 1]!.log)
      list.pop();
    if (list.length === 0) pairs.delete(key);
  }
  return pairs;
}

export function pairKey(from: string, to: string): string {
  return `${from}\u0000${to}`;
}

/** Merges neighbours until none can be: pieces of one rule written in a different order meet here. */
function compact(list: PlannedPolicy[]): void {
  for (let changed = true; changed;) {
    changed = false;
    for (let i = 1; i < list.length; i++)
      if (mergeInto(list[i - 1]!, list[i]!)) {
        list.splice(i--, 1);
        changed = true;
      }
  }
}

function sameApps(a: ReadonlyMap<string, AppSpec>, b: ReadonlyMap<string, AppSpec>): boolean {
  return a.size === b.size && [...a.keys()].every((k) => b.has(k));
}

/**
 * Merges `q` into `p` (its neighbour, just before it) when the result matches exactly the union of both:
 * same rule, action and logging; and either the same applications, each family's addresses differing on
 * one side only (a packet has one family, so families never mix), or the same addresses and other
 * applications. Returns false, leaving `p` unchanged, otherwise.
 */
function mergeInto(p: PlannedPolicy, q: PlannedPolicy): boolean {
  if (p.action !== q.action || p.log !== q.log) return false;
  if (p.origin.kind !== q.origin.kind || p.origin.name !== q.origin.name) return false;
  if (sameApps(p.apps, q.apps)) {
    const steps: (() => void)[] = [];
    for (const [f, m] of q.families) {
      const fam = p.families.get(f);
      if (!fam) steps.push(() => p.families.set(f, { src: m.src, dst: m.dst }));
      else if (spansEqual(fam.src, m.src)) steps.push(() => (fam.dst = union(fam.dst, m.dst)));
      else if (spansEqual(fam.dst, m.dst)) steps.push(() => (fam.src = union(fam.src, m.src)));
      else return false;
    }
    for (const step of steps) step();
    return true;
  }
  const sameAddresses =
    p.families.size === q.families.size &&
    [...q.families].every(([f, m]) => {
      const fam = p.families.get(f);
      return fam !== undefined && spansEqual(fam.src, m.src) && spansEqual(fam.dst, m.dst);
    });
  if (!sameAddresses) return false;
  for (const [k, a] of q.apps) if (!p.apps.has(k)) p.apps.set(k, a);
  return true;
}
