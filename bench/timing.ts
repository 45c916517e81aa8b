// Measurements as data, and the timing loops every benchmark shares.

export interface Measurement {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
}

export type Emit = (m: Measurement) => void;

export interface BatchTiming {
  /** Items processed: all of them, unless the budget ran out first. */
  readonly done: number;
  readonly ms: number;
  readonly perSecond: number;
}

/**
 * Runs `fn` over the items in order, stopping early once `budgetMs` have passed (checked every few items so
 * that reading the clock costs nothing measurable), so that a slow operation cannot hang the benchmark.
 */
export function timeBatch<T>(items: readonly T[], fn: (item: T) => unknown, budgetMs: number): BatchTiming {
  const start = performance.now();
  let done = 0;
  let now = start;
  while (done < items.length) {
    fn(items[done]!);
    done++;
    if ((done & 15) === 0 || done === items.length) {
      now = performance.now();
      if (now - start > budgetMs) break;
    }
  }
  now = performance.now();
  const ms = now - start;
  return { done, ms, perSecond: ms > 0 ? (done * 1000) / ms : done * 1e6 };
}

/** The nearest-rank percentile (p in 0-100) of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

export function megabytes(bytes: number): number {
  return Math.round((bytes / 2 ** 20) * 10) / 10;
}

/** Rounds to `digits` decimals (ms figures keep microseconds), keeping the output short. */
export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
