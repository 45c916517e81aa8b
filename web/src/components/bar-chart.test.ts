import { describe, expect, it } from "vitest";
import { perDay } from "./bar-chart.js";

describe("perDay", () => {
  it("counts dates into one bar per day ending today, oldest first, with empty days as zero", () => {
    const bars = perDay(
      ["2026-12-07T04:00:00Z", "2026-12-07T09:00:00Z", "2026-12-05T00:00:00Z", "2026-01-01T00:00:00Z"],
      "2026-12-07",
      3,
    );
    expect(bars).toEqual([
      { label: "2026-12-05", value: 1 },
      { label: "2026-12-06", value: 0 },
      { label: "2026-12-07", value: 2 },
    ]);
  });
});
