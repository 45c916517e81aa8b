// Change impact between two versions of a policy: per enforcement point, the packets it must newly let
// through or stop; the flows and denies added, removed or changed; and the cells of the zone matrix that move.

import { pointScope } from "../../compile/scope.js";
import { findTarget } from "../../compile/targets/index.js";
import type { Intent, RuleSet } from "../../policy/intent.js";
import type { ResolvedPoint } from "../../policy/resolve.js";
import type { Rule } from "../../policy/types.js";
import type { Packet } from "../../space/packet.js";
import type { PacketSet } from "../../space/packet-set.js";
import { boxToSet, decompose, formatBox } from "../../space/summarize.js";
import { type CellLevel, zoneMatrix } from "../matrix.js";

/** One box of a change, a witness, and the flows and denies that match the witness in the version responsible. */
export interface PolicyImpactBox {
  readonly summary: string;
  readonly witness: Packet;
  /** Names; expired ones marked "(expired)". */
  readonly rules: string[];
}

export interface PointChange {
  readonly point: string;
  /** "added"/"removed": the point exists in one version only; "not-compared": its target is unknown. */
  readonly status: "added" | "removed" | "changed" | "unchanged" | "not-compared";
  /** Target ids before and after (null where the point is absent). */
  readonly targetBefore: string | null;
  readonly targetAfter: string | null;
  /** What the point must let through in the new version and not in the old. */
  readonly opened: PacketSet;
  readonly closed: PacketSet;
  readonly openedBoxes: PolicyImpactBox[];
  readonly closedBoxes: PolicyImpactBox[];
  readonly truncated: boolean;
}

export type RuleAspect = "packets" | "expiry" | "details";

export interface PolicyRuleChange {
  readonly kind: "flow" | "deny";
  readonly name: string;
  readonly change: "added" | "removed" | "changed";
  readonly before?: Rule;
  readonly after?: Rule;
  /** For "changed": packets (its set), expiry (expired or active now), details (owner, services as written ...). */
  readonly aspects: readonly RuleAspect[];
  /** Packets the rule matches now and did not (or the reverse); for added or removed rules, all of them. */
  readonly widened: PacketSet;
  readonly narrowed: PacketSet;
}

/** A cell whose allowed packets differ (even when its level and service names stay the same). */
export interface MatrixChange {
  readonly from: string;
  readonly to: string;
  /** "absent" where the zone exists in one version only. */
  readonly before: CellLevel | "absent";
  readonly after: CellLevel | "absent";
  readonly servicesBefore: string[];
  readonly servicesAfter: string[];
}

export interface PolicyDiff {
  /** Everything the policy allows now and did not (all points and none). */
  readonly opened: PacketSet;
  readonly closed: PacketSet;
  readonly points: PointChange[];
  readonly rules: PolicyRuleChange[];
  readonly matrix: MatrixChange[];
}

/** Compares two intents built in one packet space (`new Intent(resolved, space)`). */
export function diffPolicies(before: Intent, after: Intent, options: { maxBoxes?: number } = {}): PolicyDiff {
  if (before.space !== after.space)
    throw new TypeError("Cannot compare policies: their intents are in different packet spaces");
  const max = options.maxBoxes ?? 20;
  return {
    opened: after.allowed.minus(before.allowed),
    closed: before.allowed.minus(after.allowed),
    points: diffPoints(before, after, max),
    rules: [...diffRuleSets(before.flows, after.flows), ...diffRuleSets(before.denies, after.denies)],
    matrix: diffMatrix(before, after),
  };
}

function expectedOf(intent: Intent, p: ResolvedPoint | undefined): PacketSet | undefined {
  if (!p) return intent.space.none();
  const target = findTarget(p.point.target.value);
  if (!target) return undefined;
  return pointScope(intent, p, target.capabilities).expected;
}

function diffPoints(before: Intent, after: Intent, max: number): PointChange[] {
  const oldPoints = new Map(before.resolved.points.map((p) => [p.point.name, p]));
  const newPoints = new Map(after.resolved.points.map((p) => [p.point.name, p]));
  const names = [...newPoints.keys(), ...[...oldPoints.keys()].filter((n) => !newPoints.has(n))];
  const none = before.space.none();
  return names.map((name): PointChange => {
    const o = oldPoints.get(name);
    const n = newPoints.get(name);
    const a = expectedOf(before, o);
    const b = expectedOf(after, n);
    const base = {
      point: name,
      targetBefore: o?.point.target.value ?? null,
      targetAfter: n?.point.target.value ?? null,
    };
    if (!a || !b)
      return {
        ...base,
        status: "not-compared",
        opened: none,
        closed: none,
        openedBoxes: [],
        closedBoxes: [],
        truncated: false,
      };
    const opened = b.minus(a);
    const closed = a.minus(b);
    const open = explain(opened, after, max);
    const shut = explain(closed, before, max);
    const same = opened.isEmpty() && closed.isEmpty() && base.targetBefore === base.targetAfter;
    return {
      ...base,
      status: !o ? "added" : !n ? "removed" : same ? "unchanged" : "changed",
      opened,
      closed,
      openedBoxes: open.boxes,
      closedBoxes: shut.boxes,
      truncated: open.truncated || shut.truncated,
    };
  });
}

function explain(
  set: PacketSet,
  intent: Intent,
  max: number,
): { boxes: PolicyImpactBox[]; truncated: boolean } {
  if (set.isEmpty()) return { boxes: [], truncated: false };
  const { boxes, truncated } = decompose(set, max);
  return {
    boxes: boxes.map((box) => {
      const witness = boxToSet(set.space, box).witness()!;
      const why = intent.explain(witness);
      const rules = [
        ...why.allowedBy.map((r) => r.name),
        ...why.deniedBy.map((r) => r.name),
        ...why.expired.map((r) => `${r.name} (expired)`),
      ];
      return { summary: formatBox(box), witness, rules };
    }),
    truncated,
  };
}

/** The rule as written, without where it is written: equal details mean an unchanged rule. */
function details(r: Rule): string {
  const { loc: _loc, expires, from, to, services, ...rest } = r;
  const values = (xs: readonly { value: string }[]) => xs.map((x) => x.value);
  return JSON.stringify({
    ...rest,
    from: values(from),
    to: values(to),
    services: values(services),
    expires: expires?.value ?? null,
  });
}

function diffRuleSets(before: readonly RuleSet[], after: readonly RuleSet[]): PolicyRuleChange[] {
  const oldByName = new Map(before.map((r) => [r.rule.name, r]));
  const newByName = new Map(after.map((r) => [r.rule.name, r]));
  const out: PolicyRuleChange[] = [];
  for (const n of after) {
    const o = oldByName.get(n.rule.name);
    if (!o) {
      out.push({
        kind: n.rule.kind,
        name: n.rule.name,
        change: "added",
        after: n.rule,
        aspects: [],
        widened: n.set,
        narrowed: n.set.space.none(),
      });
      continue;
    }
    const aspects: RuleAspect[] = [];
    if (!o.set.equals(n.set)) aspects.push("packets");
    if (o.resolved.expired !== n.resolved.expired) aspects.push("expiry");
    if (details(o.rule) !== details(n.rule)) aspects.push("details");
    if (aspects.length > 0)
      out.push({
        kind: n.rule.kind,
        name: n.rule.name,
        change: "changed",
        before: o.rule,
        after: n.rule,
        aspects,
        widened: n.set.minus(o.set),
        narrowed: o.set.minus(n.set),
      });
  }
  for (const o of before)
    if (!newByName.has(o.rule.name))
      out.push({
        kind: o.rule.kind,
        name: o.rule.name,
        change: "removed",
        before: o.rule,
        aspects: [],
        widened: o.set.space.none(),
        narrowed: o.set,
      });
  return out;
}

/** The allowed packets of one cell of the matrix, exactly. */
function cellSet(intent: Intent, from: string, to: string): PacketSet {
  return intent.zoneSpace(from, "src").intersect(intent.zoneSpace(to, "dst")).intersect(intent.allowed);
}

function diffMatrix(before: Intent, after: Intent): MatrixChange[] {
  const cells = (intent: Intent) =>
    new Map(zoneMatrix(intent).cells.map((c) => [`${c.from}\u0000${c.to}`, c]));
  const a = cells(before);
  const b = cells(after);
  const keys = [...b.keys(), ...[...a.keys()].filter((k) => !b.has(k))];
  const out: MatrixChange[] = [];
  for (const k of keys) {
    const x = a.get(k);
    const y = b.get(k);
    const servicesBefore = x?.services ?? [];
    const servicesAfter = y?.services ?? [];
    const levelBefore = x?.level ?? "absent";
    const levelAfter = y?.level ?? "absent";
    const [from, to] = k.split("\u0000") as [string, string];
    if (x && y && cellSet(before, from, to).equals(cellSet(after, from, to))) continue;
    out.push({ from, to, before: levelBefore, after: levelAfter, servicesBefore, servicesAfter });
  }
  return out;
}
