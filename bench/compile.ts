// The compile benchmark: every enforcement point compiled to its target, the proof included (compilePoint).

import { type CompiledPoint, compilePoint } from "../src/core/compile/compile.js";
import { TARGETS as COMPILE_TARGETS } from "../src/core/compile/targets/index.js";
import type { Intent } from "../src/core/policy/intent.js";
import type { ResolvedPoint } from "../src/core/policy/resolve.js";
import { type Emit, round } from "./timing.js";

const TARGET_MEASUREMENTS = COMPILE_TARGETS.map((t) => `compile.${t.id}_ms`);

/** The measurements of this benchmark, in the order they are emitted. */
export const COMPILE_MEASUREMENTS = [
  "compile.load_ms",
  "compile.all_ms",
  "compile.points",
  "compile.rules",
  "compile.proven",
  "compile.failed",
  ...TARGET_MEASUREMENTS,
];

/**
 * The points to compile for the measurements wanted: every point when a total is, else only the points of the
 * targets whose time is (`--only compile.k8s` compiles the k8s points alone).
 */
export function pointsToCompile(
  points: readonly ResolvedPoint[],
  selected: (name: string) => boolean,
): ResolvedPoint[] {
  if (COMPILE_MEASUREMENTS.some((n) => !TARGET_MEASUREMENTS.includes(n) && selected(n))) return [...points];
  return points.filter((p) => selected(`compile.${p.point.target.value}_ms`));
}

export interface PointRun {
  readonly point: ResolvedPoint;
  readonly ms: number;
  readonly compiled?: CompiledPoint;
  /** The compiler threw (a target or importer not written yet, or a bug): the message. */
  readonly error?: string;
}

/** Compiles one point, timed; an exception is caught and kept, so that one broken target stops nothing. */
export function timeCompilePoint(intent: Intent, point: ResolvedPoint): PointRun {
  const start = performance.now();
  try {
    const compiled = compilePoint(intent, point);
    return { point, ms: performance.now() - start, compiled };
  } catch (e) {
    return { point, ms: performance.now() - start, error: (e as Error).message };
  }
}

function describeRun(run: PointRun): string {
  const p = run.point.point;
  const what = run.error
    ? `failed: ${run.error}`
    : `${run.compiled!.status}, ${run.compiled!.stats.rules} rules`;
  return `${p.name} (${p.target.value}): ${what} in ${run.ms.toFixed(1)} ms`;
}

/**
 * Compiles every point of the policy, one after the other as `rampart compile` would, and emits the total
 * time, counts, and the time spent per target. `loadMs` (the policy load, measured by the caller) is reported
 * apart and is not part of `compile.all_ms`.
 */
export function benchCompile(
  intent: Intent,
  points: readonly ResolvedPoint[],
  loadMs: number,
  emit: Emit,
  progress: (message: string) => void = () => {},
): PointRun[] {
  const runs: PointRun[] = [];
  const start = performance.now();
  for (const point of points) {
    const run = timeCompilePoint(intent, point);
    runs.push(run);
    progress(`compiled ${describeRun(run)}`);
  }
  const allMs = performance.now() - start;
  emit({ name: "compile.load_ms", value: round(loadMs), unit: "ms" });
  emit({ name: "compile.all_ms", value: round(allMs), unit: "ms" });
  emit({ name: "compile.points", value: runs.length, unit: "points" });
  const rules = runs.reduce((sum, r) => sum + (r.compiled?.stats.rules ?? 0), 0);
  emit({ name: "compile.rules", value: rules, unit: "rules" });
  const proven = runs.filter((r) => r.compiled?.status === "proven").length;
  emit({ name: "compile.proven", value: proven, unit: "points" });
  emit({ name: "compile.failed", value: runs.filter((r) => r.error).length, unit: "points" });
  for (const t of COMPILE_TARGETS) {
    const mine = runs.filter((r) => r.point.point.target.value === t.id);
    if (mine.length === 0) continue;
    const ms = mine.reduce((sum, r) => sum + r.ms, 0);
    emit({ name: `compile.${t.id}_ms`, value: round(ms), unit: "ms" });
  }
  return runs;
}
