import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PacketSpace } from "../../space/packet-set.js";
import { type Box, boxContains, boxesOverlap, setToBoxes, subtractBox } from "./box.js";
import { BoxIndex } from "./box-index.js";

// Boxes over tiny ranges (0-5 in every dimension), so that the reference can visit every point.
const range = fc
  .tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }))
  .map(([a, b]) => [Math.min(a, b), Math.max(a, b)]);
const boxArb: fc.Arbitrary<Box> = fc.array(range, { minLength: 7, maxLength: 7 }).map((rs) => rs.flat());

function* points(): Generator<number[]> {
  // Three dimensions vary; boxes made by `flat` hold only 0 in the other four, so 6^3 points see everything.
  for (let a = 0; a < 6; a++)
    for (let b = 0; b < 6; b++) for (let c = 0; c < 6; c++) yield [a, b, c, 0, 0, 0, 0];
}

const inBox = (b: Box, p: readonly number[]) => p.every((v, k) => v >= b[2 * k]! && v <= b[2 * k + 1]!);
const flat = (b: Box): Box => b.map((v, k) => (k >= 6 ? 0 : v));

describe("box algebra", () => {
  it("subtractBox leaves exactly the points of a outside b, in disjoint boxes", () => {
    fc.assert(
      fc.property(boxArb.map(flat), boxArb, (a, b) => {
        const out: Box[] = [];
        subtractBox(a, b, out);
        for (const p of points()) {
          const holders = out.filter((x) => inBox(x, p)).length;
          expect(holders).toBe(inBox(a, p) && !inBox(b, p) ? 1 : 0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("boxesOverlap and boxContains agree with the points", () => {
    fc.assert(
      fc.property(boxArb.map(flat), boxArb.map(flat), (a, b) => {
        const pts = [...points()];
        expect(boxesOverlap(a, b)).toBe(pts.some((p) => inBox(a, p) && inBox(b, p)));
        expect(boxContains(a, b)).toBe(pts.every((p) => !inBox(b, p) || inBox(a, p)));
      }),
      { numRuns: 300 },
    );
  });

  it("BoxIndex finds exactly the rules with an overlapping box, in order", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(boxArb, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 30 }),
        boxArb,
        fc.nat(30),
        fc.nat(30),
        fc.integer({ min: 1, max: 8 }),
        (rules, q, from, to, segment) => {
          const index = new BoxIndex(rules, segment);
          const inRange = (i: number) => i >= from && i < to;
          const want = rules.flatMap((bs, i) =>
            inRange(i) && bs.some((b) => boxesOverlap(b, q)) ? [i] : [],
          );
          expect(index.overlapping([q], from, to)).toEqual(want);
          const bounds = index.boundaries(to);
          expect(bounds[0]).toBe(0);
          expect(bounds[bounds.length - 1]).toBe(to);
          const walked = bounds.slice(1).flatMap((b, k) => index.overlapping([q], bounds[k]!, b));
          expect(walked).toEqual(
            rules.flatMap((bs, i) => (i < to && bs.some((b) => boxesOverlap(b, q)) ? [i] : [])),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("setToBoxes", () => {
  const space = new PacketSpace();
  it("turns a prefix-and-port rule into one box of numbers", () => {
    const set = space
      .prefix("src", { family: 4, value: 0x0a000000n, length: 8 })
      .intersect(space.prefix("dst", { family: 4, value: 0xc0a80105n, length: 32 }))
      .intersect(space.ports(6, "dst", 80, 443));
    expect(setToBoxes(set)).toEqual([
      [0xc0a80105, 0xc0a80105, 0x0a000000, 0x0affffff, 80, 443, 6, 6, 0, 65535, 0, 255, 0, 255],
    ]);
  });

  it("splits a union into boxes whose points are those of the set", () => {
    const set = space
      .ports(6, "dst", 22, 22)
      .union(space.ports(17, "dst", 53, 53))
      .intersect(space.family(4));
    const boxes = setToBoxes(set)!;
    expect(boxes).toHaveLength(2);
    const probe = (proto: number, dport: number) =>
      boxes.some((b) => proto >= b[6]! && proto <= b[7]! && dport >= b[4]! && dport <= b[5]!);
    expect([probe(6, 22), probe(17, 53), probe(6, 53), probe(17, 22)]).toEqual([true, true, false, false]);
  });

  it("gives up on IPv6 (the list is then analysed on BDDs)", () => {
    expect(setToBoxes(space.family(6))).toBeUndefined();
    expect(setToBoxes(space.all())).toBeUndefined();
  });
});
