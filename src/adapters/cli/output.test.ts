import { describe, expect, it } from "vitest";
import { diagnostic } from "../../core/policy/diagnostics.js";
import { colors, colorsEnabled, formatTable, plural, printConfigDiagnostics } from "./output.js";

const io = (isTTY: boolean, env: Record<string, string> = {}) => ({
  stdout: () => {},
  stderr: () => {},
  isTTY,
  env,
  cwd: "/",
  today: "2025-01-01",
});

describe("formatTable", () => {
  it("aligns columns on the widest cell, without trailing spaces", () => {
    expect(
      formatTable([
        ["a", "bb", "c"],
        ["dddd", "e", ""],
      ]),
    ).toBe("a     bb  c\ndddd  e\n");
  });

  it("pads before painting, so colors do not shift columns", () => {
    const table = formatTable([
      [{ text: "x", paint: (s) => `<${s}>` }, "y"],
      ["long", "z"],
    ]);
    expect(table).toBe("<x>     y\nlong  z\n");
  });

  it("counts a dash as one column and can align right", () => {
    expect(
      formatTable(
        [
          ["—", "1"],
          ["ab", "10"],
        ],
        { right: [1] },
      ),
    ).toBe("—    1\nab  10\n");
  });
});

describe("colorsEnabled", () => {
  it("colors only a terminal, unless NO_COLOR is set", () => {
    expect(colorsEnabled(io(true))).toBe(true);
    expect(colorsEnabled(io(false))).toBe(false);
    expect(colorsEnabled(io(true, { NO_COLOR: "1" }))).toBe(false);
    expect(colorsEnabled(io(true, { NO_COLOR: "" }))).toBe(true);
  });
});

describe("plural", () => {
  it("uses the singular for one only", () => {
    expect([plural(0, "error"), plural(1, "error"), plural(2, "deny", "denies")]).toEqual([
      "0 errors",
      "1 error",
      "2 denies",
    ]);
  });
});

describe("printConfigDiagnostics", () => {
  const at = { file: "fw.cfg", line: 3, column: 1 };
  const ds = [
    diagnostic("config-ignored", "info", "hostname has no effect on filtering", at),
    diagnostic("config-unsupported", "warning", "time-range is not modelled", { ...at, line: 9 }),
    diagnostic("config-ignored", "info", "a route", { ...at, line: 12 }),
  ];
  const printed = (verbose: boolean) => {
    let out = "";
    printConfigDiagnostics((s) => (out += s), ds, colors(io(false)), verbose);
    return out;
  };

  it("lists warnings and counts the lines ignored on purpose", () => {
    expect(printed(false)).toBe(
      "fw.cfg:9:1: warning config-unsupported: time-range is not modelled\n" +
        "2 constructs ignored on purpose (info); --verbose lists them\n",
    );
  });

  it("lists every diagnostic when verbose", () => {
    const out = printed(true);
    expect(out.split("\n").filter((l) => l !== "")).toHaveLength(3);
    expect(out).not.toContain("--verbose");
  });
});
