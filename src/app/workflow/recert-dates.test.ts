import { describe, expect, it } from "vitest";
import { addDays, addYear, checkUntil, daysBetween, isDate } from "./recert-dates.js";

describe("recert dates", () => {
  it("isDate refuses dates that do not exist and other shapes", () => {
    expect(isDate("2026-02-28")).toBe(true);
    expect(isDate("2028-02-29")).toBe(true);
    expect(isDate("2026-02-29")).toBe(false);
    expect(isDate("2026-13-01")).toBe(false);
    expect(isDate("2026-1-01")).toBe(false);
    expect(isDate("tomorrow")).toBe(false);
  });

  it("daysBetween counts calendar days, negative backwards", () => {
    expect(daysBetween("2026-12-07", "2027-01-06")).toBe(30);
    expect(daysBetween("2026-12-07", "2026-12-01")).toBe(-6);
  });

  it("addYear keeps the day except 29 February", () => {
    expect(addYear("2026-12-07")).toBe("2027-12-07");
    expect(addYear("2028-02-29")).toBe("2029-02-28");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
  });

  it("checkUntil wants a real date after today and at most a year ahead", () => {
    const today = "2026-12-07";
    expect(checkUntil("2027-12-07", today)).toBeUndefined();
    expect(checkUntil("2026-12-08", today)).toBeUndefined();
    expect(checkUntil("2026-12-07", today)).toMatch(/after today/);
    expect(checkUntil("2027-12-08", today)).toMatch(/at most one year ahead \(2027-12-07\)/);
    expect(checkUntil("2027-02-30", today)).toMatch(/expected YYYY-MM-DD/);
    expect(checkUntil(20271207, today)).toMatch(/Invalid date "20271207"/);
  });
});
