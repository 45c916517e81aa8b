import { describe, expect, it } from "vitest";
import { deviceName, shortHash } from "./names.js";

describe("deviceName", () => {
  it("keeps a short name with allowed characters as it is", () => {
    expect(deviceName("web-to-db_1.2", 63)).toBe("web-to-db_1.2");
  });

  it("replaces characters the device does not allow", () => {
    expect(deviceName("a b/c", 63)).toBe("a-b-c");
  });

  it("cuts a long name to the limit with a hash of the whole name, never a double dash", () => {
    const long = "x".repeat(50) + "-" + "y".repeat(50);
    const short = deviceName(long, 60);
    expect(short.length).toBeLessThanOrEqual(60);
    expect(short.endsWith(`-${shortHash(long)}`)).toBe(true);
    expect(short).not.toContain("--");
    expect(deviceName(long + "z", 60)).not.toBe(short);
  });

  it("hashes the same text to the same value on every run", () => {
    expect(shortHash("internet-to-shop-web")).toBe(shortHash("internet-to-shop-web"));
    expect(shortHash("a")).toMatch(/^[0-9a-f]{8}$/);
  });
});
