// Benchmarks of the packet-space operations, on sets taken from a built policy.

import type { Intent } from "../src/core/policy/intent.js";
import type { Bdd } from "../src/core/space/bdd.js";
import { PacketSpace, type PacketSet } from "../src/core/space/packet-set.js";
import type { Random } from "./prng.js";
import { type Emit, round, timeBatch } from "./timing.js";

/** Operand sets of several shapes, as analyses meet them: single flows up to the whole intent. */
export function operandPool(intent: Intent, rng: Random, size: number): PacketSet[] {
  const active = intent.flows.filter((f) => !f.resolved.expired && !f.set.isEmpty());
  const flows = rng.sample(active, size).map((f) => f.set);
  const denies = intent.denies.filter((d) => !d.resolved.expired).map((d) => d.set);
  const zones = [...intent.resolved.zones.keys()];
  const traffic = Array.from({ length: Math.min(20, zones.length ** 2) }, () =>
    intent.zoneSpace(rng.pick(zones), "src").intersect(intent.zoneSpace(rng.pick(zones), "dst")),
  );
  // What one team owns: the kind of set a per-owner report or review works on.
  const byOwner = new Map<string, PacketSet[]>();
  for (const f of active)
    byOwner.set(f.rule.owner ?? "", [...(byOwner.get(f.rule.owner ?? "") ?? []), f.set]);
  const owners = rng.sample([...byOwner.values()], 10).map((sets) => intent.space.unionAll(sets));
  const points = intent.resolved.points.slice(0, 5).map((p) => intent.pointIntent(p.point.name));
  const categories: [PacketSet[], number][] = [
    [flows, 40],
    [traffic, 15],
    [owners, 20],
    [points, 10],
    [denies, 10],
    [[intent.allowed, intent.denied], 5],
  ];
  const nonEmpty = categories.filter(([sets]) => sets.length > 0);
  // Distinct sets only: the same set twice would let witness and the pairs below hit the operation cache.
  const byNode = new Map<number, PacketSet>();
  for (let tries = 0; byNode.size < size && tries < size * 4; tries++) {
    const s = rng.pick(rng.weighted(nonEmpty));
    byNode.set(s.node, s);
  }
  return [...byNode.values()];
}

/** Rebuilds a set in another space, node by node, so that no operation result is already cached there. */
function copyNode(from: Bdd, to: Bdd, node: number, memo: Map<number, number>): number {
  if (node <= 1) return node;
  const known = memo.get(node);
  if (known !== undefined) return known;
  const r = to.mk(
    from.varOf(node),
    copyNode(from, to, from.low(node), memo),
    copyNode(from, to, from.high(node), memo),
  );
  memo.set(node, r);
  return r;
}

function copyInto(space: PacketSpace, sets: readonly PacketSet[]): PacketSet[] {
  const memo = new Map<number, number>();
  return sets.map((s) => space.wrap(copyNode(s.space.bdd, space.bdd, s.node, memo)));
}

/**
 * Each operation on `pairs` pairs of pool sets. The BDD manager memoizes every operation, so a union computed
 * once is free the second time: union, intersect, minus and witness (which intersects with protocols) each run
 * in a fresh PacketSpace holding copies of the operands. equals compares node ids and size keeps its memo per
 * call, so neither can be helped by earlier work: they run on the original sets.
 */
export function benchSpaceOps(
  pool: readonly PacketSet[],
  rng: Random,
  pairs: number,
  budgetMs: number,
  selected: (name: string) => boolean,
  emit: Emit,
): void {
  // Distinct unordered pairs: the manager orders operands, so (b, a) after (a, b) would be a cache hit.
  const keyed = new Map<string, [number, number]>();
  for (let tries = 0; keyed.size < pairs && tries < pairs * 4; tries++) {
    const i = rng.int(0, pool.length - 1);
    const j = rng.int(0, pool.length - 1);
    keyed.set(i < j ? `${i},${j}` : `${j},${i}`, [i, j]);
  }
  const indexPairs = [...keyed.values()];
  const binary = (name: string, op: (a: PacketSet, b: PacketSet) => PacketSet) => {
    if (!selected(name)) return;
    const sets = copyInto(new PacketSpace(), pool);
    const r = timeBatch(indexPairs, ([i, j]) => op(sets[i]!, sets[j]!), budgetMs);
    emit({ name, value: round(r.perSecond, 1), unit: "ops/s" });
  };
  binary("space.union_per_s", (a, b) => a.union(b));
  binary("space.intersect_per_s", (a, b) => a.intersect(b));
  binary("space.minus_per_s", (a, b) => a.minus(b));
  if (selected("space.equals_per_s")) {
    // One comparison is a few nanoseconds: repeat the pairs to time something measurable.
    const left = indexPairs.map(([i]) => pool[i]!);
    const right = indexPairs.map(([, j]) => pool[j]!);
    const rounds = Math.ceil(1_000_000 / Math.max(1, indexPairs.length));
    let same = 0;
    const start = performance.now();
    for (let r = 0; r < rounds; r++)
      for (let k = 0; k < left.length; k++) if (left[k]!.equals(right[k]!)) same++;
    const ms = performance.now() - start;
    if (same < 0) throw new Error("unreachable: keeps the loop from being optimized away");
    emit({ name: "space.equals_per_s", value: round((rounds * left.length * 1000) / ms, 1), unit: "ops/s" });
  }
  if (selected("space.size_per_s")) {
    const r = timeBatch(pool, (s) => s.size(), budgetMs);
    emit({ name: "space.size_per_s", value: round(r.perSecond, 1), unit: "ops/s" });
  }
  if (selected("space.witness_per_s")) {
    const sets = copyInto(new PacketSpace(), pool);
    const r = timeBatch(sets, (s) => s.witness(), budgetMs);
    emit({ name: "space.witness_per_s", value: round(r.perSecond, 1), unit: "ops/s" });
  }
}
