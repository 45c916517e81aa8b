import { describe, expect, it } from "vitest";
import { compareValues, sortRows } from "./sort-rows.js";

describe("sortRows", () => {
  it("sorts numbers by value and text naturally (item2 before item10)", () => {
    expect(sortRows([10, 2, 33], (x) => x, "ascending")).toEqual([2, 10, 33]);
    expect(sortRows(["item10", "item2", "Item1"], (x) => x, "ascending")).toEqual([
      "Item1",
      "item2",
      "item10",
    ]);
  });

  it("reverses for descending but keeps empty values last", () => {
    const rows = [{ v: 1 }, { v: null }, { v: 3 }, { v: undefined }];
    expect(sortRows(rows, (r) => r.v, "descending").map((r) => r.v)).toEqual([3, 1, null, undefined]);
    expect(sortRows(rows, (r) => r.v, "ascending").map((r) => r.v)).toEqual([1, 3, null, undefined]);
  });

  it("is stable and leaves its input unchanged", () => {
    const rows = [
      { k: "b", n: 1 },
      { k: "a", n: 2 },
      { k: "b", n: 3 },
    ];
    const copy = [...rows];
    expect(sortRows(rows, (r) => r.k, "ascending").map((r) => r.n)).toEqual([2, 1, 3]);
    expect(rows).toEqual(copy);
  });

  it("compares booleans false before true", () => {
    expect(compareValues(false, true, "ascending")).toBeLessThan(0);
  });
});
