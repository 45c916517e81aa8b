// Seeded pseudo-random numbers (mulberry32) so that generated policies and packets are the same on every run.

export class Random {
  private state: number;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new RangeError(`Invalid seed ${seed}: expected an integer`);
    // Mixing the seed keeps small neighbouring seeds (1, 2, 3 ...) from starting on similar streams.
    this.state = Math.imul(seed ^ 0x5bd1e995, 0x27d4eb2d) >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("Cannot pick from an empty list");
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** One of the choices, each as likely as its weight. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    const total = choices.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [item, w] of choices) {
      r -= w;
      if (r < 0) return item;
    }
    const last = choices[choices.length - 1];
    if (!last) throw new RangeError("Cannot pick from an empty list");
    return last[0];
  }

  /** Up to k distinct items, in random order. */
  sample<T>(items: readonly T[], k: number): T[] {
    const copy = [...items];
    const n = Math.min(k, copy.length);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.next() * (copy.length - i));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy.slice(0, n);
  }

  /** A uniform integer of `bits` bits. */
  bits(bits: number): bigint {
    let v = 0n;
    for (let done = 0; done < bits; done += 32) {
      const take = Math.min(32, bits - done);
      const chunk = Math.floor(this.next() * 2 ** take);
      v = (v << BigInt(take)) | BigInt(chunk);
    }
    return v;
  }
}
