import { describe, expect, it } from "vitest";
import { csvField, toCsv } from "./csv.js";

describe("CSV export", () => {
  it("quotes fields with commas, quotes and line breaks, doubling the quotes", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a, b")).toBe('"a, b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
  });

  it("keeps a cell that looks like a formula as text", () => {
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvField("-1, x")).toBe(`"'-1, x"`);
  });

  it("writes empty cells for missing values and ends records with CRLF", () => {
    expect(
      toCsv(
        ["a", "b"],
        [
          [1, null],
          ["x", undefined],
        ],
      ),
    ).toBe("a,b\r\n1,\r\nx,\r\n");
  });
});
