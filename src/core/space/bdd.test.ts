// Regression tests for the BDD manager's node-free searches once node numbers pass 2²¹.

import { describe, expect, it } from "vitest";
import { Bdd } from "./bdd.js";

const VARS = 313;

/** A manager holding more than 2²¹ nodes, so the nodes built next have numbers past that. */
function bigManager(): { bdd: Bdd; pad: () => void } {
  const bdd = new Bdd(VARS, 1 << 22);
  let value = 0n;
  // Each cube over every variable adds about one new node per variable.
  const pad = () => void bdd.cube(0, VARS, value++);
  while (bdd.nodeCount <= 1 << 21) pad();
  return { bdd, pad };
}

/** Two nodes q, q + 1 made one after the other, with q a multiple of four (where `a * 2³² + q` rounds). */
function pair(bdd: Bdd, pad: () => void, lo: () => number, hi: () => number): [number, number] {
  while (bdd.nodeCount % 4 !== 0) pad();
  const q = lo();
  const q1 = hi();
  expect(q1).toBe(q + 1);
  return [q, q1];
}

describe("Bdd searches on a large manager", () => {
  it("finds an intersection reached after a disjoint pair of nearby node numbers", () => {
    const { bdd, pad } = bigManager();
    const c = bdd.mk(2, Bdd.TRUE, Bdd.FALSE);
    const p = bdd.mk(1, Bdd.FALSE, Bdd.TRUE); // y = 1
    const [q, q1] = pair(
      bdd,
      pad,
      () => bdd.mk(1, Bdd.TRUE, Bdd.FALSE), // y = 0: disjoint from p
      () => bdd.mk(1, Bdd.FALSE, c), // y = 1, z = 0: meets p
    );
    expect(p).toBeGreaterThan(1 << 21);
    const b = bdd.mk(0, q, q1);
    expect(bdd.and(p, b)).not.toBe(Bdd.FALSE);
    expect(bdd.intersects(p, b)).toBe(true);
  });

  it("finds a missing packet reached after an included pair of nearby node numbers", () => {
    const { bdd, pad } = bigManager();
    const c = bdd.mk(2, Bdd.TRUE, Bdd.FALSE);
    const p = bdd.mk(1, Bdd.FALSE, Bdd.TRUE); // y = 1
    const [q, q1] = pair(
      bdd,
      pad,
      () => bdd.mk(1, c, Bdd.TRUE), // z = 0 or y = 1: holds p
      () => bdd.mk(1, Bdd.TRUE, Bdd.FALSE), // y = 0: misses p
    );
    expect(p).toBeGreaterThan(1 << 21);
    const b = bdd.mk(0, q, q1);
    expect(bdd.diff(p, b)).not.toBe(Bdd.FALSE);
    expect(bdd.implies(p, b)).toBe(false);
  });
});
