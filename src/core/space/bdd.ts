// A reduced ordered binary decision diagram manager over typed arrays: hash-consed nodes, memoized apply.
//
// Nodes are integers. 0 is false, 1 is true. A node tests variable var[n]: low[n] when the bit is 0, high[n]
// when it is 1. Nodes are never freed; a manager lives as long as the analysis that owns it.

const FALSE = 0;
const TRUE = 1;

const OP_AND = 1;
const OP_OR = 2;
const OP_DIFF = 3;
const OP_NOT = 4;
const OP_XOR = 5;

/**
 * Largest node count n for which `a * n + b` (a, b < n) names a pair exactly as a double: n² ≤ 2⁵³. A key
 * like `a * 2³² + b` is exact only below 2²¹ nodes; past that, distinct pairs share a key and a memo answers
 * for a pair it never saw.
 */
const EXACT_PAIRS = 94_906_265;

export class Bdd {
  static readonly FALSE = FALSE;
  static readonly TRUE = TRUE;

  readonly varCount: number;
  private vars: Int32Array;
  private lows: Int32Array;
  private highs: Int32Array;
  private count = 2;
  private table: Int32Array;
  private tableMask: number;
  private cacheKeys: Int32Array;
  private cacheVals: Int32Array;
  private cacheMask: number;

  constructor(varCount: number, initialNodes = 1 << 16) {
    this.varCount = varCount;
    // Capacity is a power of two: the hash tables index with `& mask`.
    let cap = 1024;
    while (cap < initialNodes) cap *= 2;
    this.vars = new Int32Array(cap);
    this.lows = new Int32Array(cap);
    this.highs = new Int32Array(cap);
    // Terminals test a variable past the last one, so ordering comparisons need no special case.
    this.vars[FALSE] = varCount;
    this.vars[TRUE] = varCount;
    this.table = new Int32Array(cap * 2).fill(-1);
    this.tableMask = cap * 2 - 1;
    const cacheSize = 1 << 20;
    this.cacheKeys = new Int32Array(cacheSize * 3).fill(-1);
    this.cacheVals = new Int32Array(cacheSize);
    this.cacheMask = cacheSize - 1;
  }

  get nodeCount(): number {
    return this.count;
  }

  varOf(n: number): number {
    return this.vars[n]!;
  }
  low(n: number): number {
    return this.lows[n]!;
  }
  high(n: number): number {
    return this.highs[n]!;
  }

  /** The unique node testing `v` with the given children. */
  mk(v: number, lo: number, hi: number): number {
    if (lo === hi) return lo;
    let h =
      (Math.imul(v, 0x9e3779b1) ^ Math.imul(lo, 0x85ebca6b) ^ Math.imul(hi, 0xc2b2ae35)) & this.tableMask;
    const table = this.table;
    for (;;) {
      const n = table[h]!;
      if (n === -1) break;
      if (this.vars[n] === v && this.lows[n] === lo && this.highs[n] === hi) return n;
      h = (h + 1) & this.tableMask;
    }
    if (this.count >= this.vars.length) {
      this.grow();
      return this.mk(v, lo, hi);
    }
    const n = this.count++;
    this.vars[n] = v;
    this.lows[n] = lo;
    this.highs[n] = hi;
    table[h] = n;
    return n;
  }

  private grow(): void {
    const cap = this.vars.length * 2;
    const copy = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.vars = copy(this.vars);
    this.lows = copy(this.lows);
    this.highs = copy(this.highs);
    this.table = new Int32Array(cap * 2).fill(-1);
    this.tableMask = cap * 2 - 1;
    for (let n = 2; n < this.count; n++) {
      let h =
        (Math.imul(this.vars[n]!, 0x9e3779b1) ^
          Math.imul(this.lows[n]!, 0x85ebca6b) ^
          Math.imul(this.highs[n]!, 0xc2b2ae35)) &
        this.tableMask;
      while (this.table[h] !== -1) h = (h + 1) & this.tableMask;
      this.table[h] = n;
    }
    if (this.cacheMask < cap * 2 - 1 && this.cacheMask < (1 << 24) - 1) {
      const size = (this.cacheMask + 1) * 2;
      this.cacheKeys = new Int32Array(size * 3).fill(-1);
      this.cacheVals = new Int32Array(size);
      this.cacheMask = size - 1;
    }
  }

  private cacheSlot(op: number, a: number, b: number): number {
    return (Math.imul(op, 0x27d4eb2d) ^ Math.imul(a, 0x165667b1) ^ Math.imul(b, 0x9e3779b1)) & this.cacheMask;
  }

  private lookup(op: number, a: number, b: number): number {
    const s = this.cacheSlot(op, a, b);
    const k = s * 3;
    const keys = this.cacheKeys;
    return keys[k] === op && keys[k + 1] === a && keys[k + 2] === b ? this.cacheVals[s]! : -1;
  }

  private store(op: number, a: number, b: number, r: number): void {
    const s = this.cacheSlot(op, a, b);
    const k = s * 3;
    this.cacheKeys[k] = op;
    this.cacheKeys[k + 1] = a;
    this.cacheKeys[k + 2] = b;
    this.cacheVals[s] = r;
  }

  and(a: number, b: number): number {
    if (a === FALSE || b === FALSE) return FALSE;
    if (a === TRUE || a === b) return b;
    if (b === TRUE) return a;
    if (a > b) [a, b] = [b, a];
    const c = this.lookup(OP_AND, a, b);
    if (c >= 0) return c;
    const va = this.vars[a]!;
    const vb = this.vars[b]!;
    let r: number;
    if (va === vb)
      r = this.mk(va, this.and(this.lows[a]!, this.lows[b]!), this.and(this.highs[a]!, this.highs[b]!));
    else if (va < vb) r = this.mk(va, this.and(this.lows[a]!, b), this.and(this.highs[a]!, b));
    else r = this.mk(vb, this.and(a, this.lows[b]!), this.and(a, this.highs[b]!));
    this.store(OP_AND, a, b, r);
    return r;
  }

  or(a: number, b: number): number {
    if (a === TRUE || b === TRUE) return TRUE;
    if (a === FALSE || a === b) return b;
    if (b === FALSE) return a;
    if (a > b) [a, b] = [b, a];
    const c = this.lookup(OP_OR, a, b);
    if (c >= 0) return c;
    const va = this.vars[a]!;
    const vb = this.vars[b]!;
    let r: number;
    if (va === vb)
      r = this.mk(va, this.or(this.lows[a]!, this.lows[b]!), this.or(this.highs[a]!, this.highs[b]!));
    else if (va < vb) r = this.mk(va, this.or(this.lows[a]!, b), this.or(this.highs[a]!, b));
    else r = this.mk(vb, this.or(a, this.lows[b]!), this.or(a, this.highs[b]!));
    this.store(OP_OR, a, b, r);
    return r;
  }

  xor(a: number, b: number): number {
    if (a === b) return FALSE;
    if (a === FALSE) return b;
    if (b === FALSE) return a;
    if (a === TRUE) return this.not(b);
    if (b === TRUE) return this.not(a);
    if (a > b) [a, b] = [b, a];
    const c = this.lookup(OP_XOR, a, b);
    if (c >= 0) return c;
    const va = this.vars[a]!;
    const vb = this.vars[b]!;
    let r: number;
    if (va === vb)
      r = this.mk(va, this.xor(this.lows[a]!, this.lows[b]!), this.xor(this.highs[a]!, this.highs[b]!));
    else if (va < vb) r = this.mk(va, this.xor(this.lows[a]!, b), this.xor(this.highs[a]!, b));
    else r = this.mk(vb, this.xor(a, this.lows[b]!), this.xor(a, this.highs[b]!));
    this.store(OP_XOR, a, b, r);
    return r;
  }

  /** a ∧ ¬b, without building ¬b. */
  diff(a: number, b: number): number {
    if (a === FALSE || b === TRUE || a === b) return FALSE;
    if (b === FALSE) return a;
    if (a === TRUE) return this.not(b);
    const c = this.lookup(OP_DIFF, a, b);
    if (c >= 0) return c;
    const va = this.vars[a]!;
    const vb = this.vars[b]!;
    let r: number;
    if (va === vb)
      r = this.mk(va, this.diff(this.lows[a]!, this.lows[b]!), this.diff(this.highs[a]!, this.highs[b]!));
    else if (va < vb) r = this.mk(va, this.diff(this.lows[a]!, b), this.diff(this.highs[a]!, b));
    else r = this.mk(vb, this.diff(a, this.lows[b]!), this.diff(a, this.highs[b]!));
    this.store(OP_DIFF, a, b, r);
    return r;
  }

  not(a: number): number {
    if (a === FALSE) return TRUE;
    if (a === TRUE) return FALSE;
    const c = this.lookup(OP_NOT, a, 0);
    if (c >= 0) return c;
    const r = this.mk(this.vars[a]!, this.not(this.lows[a]!), this.not(this.highs[a]!));
    this.store(OP_NOT, a, 0, r);
    return r;
  }

  /** True when a ⊆ b; builds no nodes. */
  implies(a: number, b: number): boolean {
    return this.impliesRec(a, b, new Set<number | string>());
  }

  /** A key naming the ordered pair (a, b) exactly, for the memos of the searches that build no nodes. */
  private pairKey(a: number, b: number): number | string {
    const n = this.count;
    return n <= EXACT_PAIRS ? a * n + b : `${a}:${b}`;
  }

  private impliesRec(a: number, b: number, seen: Set<number | string>): boolean {
    if (a === FALSE || b === TRUE || a === b) return true;
    if (a === TRUE || b === FALSE) return false;
    // Pairs already proven; a false answer ends the search at once, so only true results are remembered.
    const key = this.pairKey(a, b);
    if (seen.has(key)) return true;
    const va = this.vars[a]!;
    const vb = this.vars[b]!;
    let ok: boolean;
    if (va === vb)
      ok =
        this.impliesRec(this.lows[a]!, this.lows[b]!, seen) &&
        this.impliesRec(this.highs[a]!, this.highs[b]!, seen);
    else if (va < vb)
      ok = this.impliesRec(this.lows[a]!, b, seen) && this.impliesRec(this.highs[a]!, b, seen);
    else ok = this.impliesRec(a, this.lows[b]!, seen) && this.impliesRec(a, this.highs[b]!, seen);
    if (ok) seen.add(key);
    return ok;
  }

  /** True when a ∧ b is not empty; builds no nodes. */
  intersects(a: number, b: number): boolean {
    return this.intersectsRec(a, b, new Set<number | string>());
  }

  private intersectsRec(a: number, b: number, seen: Set<number | string>): boolean {
    if (a === FALSE || b === FALSE) return false;
    if (a === TRUE || b === TRUE || a === b) return true;
    const key = a < b ? this.pairKey(a, b) : this.pairKey(b, a);
    if (seen.has(key)) return false;
    seen.add(key);
    const va = this.vars[a]!;
    const vb = this.vars[b]!;
    if (va === vb)
      return (
        this.intersectsRec(this.lows[a]!, this.lows[b]!, seen) ||
        this.intersectsRec(this.highs[a]!, this.highs[b]!, seen)
      );
    if (va < vb)
      return this.intersectsRec(this.lows[a]!, b, seen) || this.intersectsRec(this.highs[a]!, b, seen);
    return this.intersectsRec(a, this.lows[b]!, seen) || this.intersectsRec(a, this.highs[b]!, seen);
  }

  /** The conjunction fixing `bits` variables from `firstVar` on to the bits of `value`, MSB first. */
  cube(firstVar: number, bits: number, value: bigint): number {
    let r = TRUE;
    for (let i = bits - 1; i >= 0; i--) {
      const bit = (value >> BigInt(bits - 1 - i)) & 1n;
      r = bit ? this.mk(firstVar + i, FALSE, r) : this.mk(firstVar + i, r, FALSE);
    }
    return r;
  }

  /**
   * The set of values v of an unsigned field of `width` variables starting at `firstVar` (MSB first)
   * with lo ≤ v ≤ hi; built bottom-up in O(width) nodes.
   */
  range(firstVar: number, width: number, lo: bigint, hi: bigint): number {
    if (lo > hi) return FALSE;
    // geLo[i]: the suffix from bit i is ≥ lo's suffix; leHi likewise. Built from the least significant bit up.
    let ge = TRUE;
    let le = TRUE;
    let both = TRUE;
    for (let i = width - 1; i >= 0; i--) {
      const v = firstVar + i;
      const bl = (lo >> BigInt(width - 1 - i)) & 1n;
      const bh = (hi >> BigInt(width - 1 - i)) & 1n;
      const nge = bl ? this.mk(v, FALSE, ge) : this.mk(v, ge, TRUE);
      const nle = bh ? this.mk(v, TRUE, le) : this.mk(v, le, FALSE);
      let nboth: number;
      if (bl === bh) nboth = bl ? this.mk(v, FALSE, both) : this.mk(v, both, FALSE);
      // lo has 0 and hi has 1 here: below this bit only one bound is left to check on each side.
      else if (!bl) nboth = this.mk(v, ge, le);
      else nboth = FALSE; // lo's suffix exceeds hi's: reachable only when lo > hi, excluded above
      ge = nge;
      le = nle;
      both = nboth;
    }
    return both;
  }

  /**
   * The set of values of an unsigned field of `width` variables from `firstVar` (MSB first) lying in any of
   * `ranges`, which must be sorted and disjoint. Built top-down by halving the field, one node per level and
   * range boundary, so that a list of thousands of prefixes costs no union at all.
   */
  intervals(firstVar: number, width: number, ranges: readonly { lo: bigint; hi: bigint }[]): number {
    // Ranges i..j-1 all meet the block of values from `base` that fixes the first `depth` variables.
    if (width <= 52) {
      // Fields that fit a double exactly (IPv4 addresses, ports) need no BigInt arithmetic.
      const los = ranges.map((r) => Number(r.lo));
      const his = ranges.map((r) => Number(r.hi));
      const rec = (depth: number, base: number, i: number, j: number): number => {
        if (i >= j) return FALSE;
        if (los[i]! <= base && his[i]! >= base + 2 ** (width - depth) - 1) return TRUE;
        const mid = base + 2 ** (width - depth - 1);
        let k = i;
        while (k < j && los[k]! < mid) k++;
        const low = rec(depth + 1, base, i, k);
        const high = rec(depth + 1, mid, k > i && his[k - 1]! >= mid ? k - 1 : k, j);
        return this.mk(firstVar + depth, low, high);
      };
      return rec(0, 0, 0, ranges.length);
    }
    const sizes: bigint[] = [];
    for (let d = 0; d <= width; d++) sizes.push(1n << BigInt(width - d));
    const rec = (depth: number, base: bigint, i: number, j: number): number => {
      if (i >= j) return FALSE;
      if (ranges[i]!.lo <= base && ranges[i]!.hi >= base + sizes[depth]! - 1n) return TRUE;
      const mid = base + sizes[depth + 1]!;
      let k = i;
      while (k < j && ranges[k]!.lo < mid) k++;
      const low = rec(depth + 1, base, i, k);
      const high = rec(depth + 1, mid, k > i && ranges[k - 1]!.hi >= mid ? k - 1 : k, j);
      return this.mk(firstVar + depth, low, high);
    };
    return rec(0, 0n, 0, ranges.length);
  }

  /** ∃ variables first..last (inclusive): the set with those bits made free. */
  existsRange(node: number, first: number, last: number): number {
    const memo = new Map<number, number>();
    const rec = (n: number): number => {
      if (n <= TRUE) return n;
      const v = this.vars[n]!;
      if (v > last) return n;
      let r = memo.get(n);
      if (r !== undefined) return r;
      const lo = rec(this.lows[n]!);
      const hi = rec(this.highs[n]!);
      r = v >= first ? this.or(lo, hi) : this.mk(v, lo, hi);
      memo.set(n, r);
      return r;
    };
    return rec(node);
  }
}
