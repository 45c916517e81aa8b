import { describe, expect, it } from "vitest";
import { locateValues, splitList } from "./command-line.js";

const texts = (raw: string, ports = false) => splitList(raw, { ports }).map((p) => p.text);

describe("splitList", () => {
  it("splits on commas, trimming and dropping empty pieces, with offsets", () => {
    expect(splitList("zone:a, zone:b,,")).toEqual([
      { text: "zone:a", offset: 0 },
      { text: "zone:b", offset: 8 },
    ]);
  });

  it("keeps a port list with its service spec", () => {
    expect(texts("tcp/80,443,8000-8999,https,udp/53,ssh", true)).toEqual([
      "tcp/80,443,8000-8999",
      "https",
      "udp/53",
      "ssh",
    ]);
    expect(texts("ssh,443", true)).toEqual(["ssh", "443"]);
    expect(texts("10.0.0.1,443")).toEqual(["10.0.0.1", "443"]);
  });
});

describe("locateValues", () => {
  it("finds each value's column in `rampart ARGS`, for both `--opt v` and `--opt=v`", () => {
    const argv = ["query", "reach", "--from", "zone:a,zone:b", "--to=any", "--from", "zone:a"];
    expect(
      locateValues(argv, "--from", ["zone:a,zone:b", "zone:a"]).map((r) => [r.value, r.loc.column]),
    ).toEqual([
      ["zone:a", 28],
      ["zone:b", 35],
      ["zone:a", 58],
    ]);
    expect(locateValues(argv, "--to", ["any"])[0]!.loc).toEqual({
      file: "<command line>",
      line: 1,
      column: 47,
    });
  });

  it("falls back to column 1 for a value it cannot find", () => {
    expect(locateValues([], "--from", ["any"])[0]!.loc.column).toBe(1);
  });
});
