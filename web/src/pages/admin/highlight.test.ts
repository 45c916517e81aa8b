import { describe, expect, it } from "vitest";
import { familyOf, highlightLine } from "./highlight.js";

describe("highlightLine", () => {
  it("marks nftables keywords, addresses, numbers and a trailing comment", () => {
    const t = highlightLine("ip saddr 10.1.0.0/16 tcp dport 443 accept # web", familyOf("nftables"));
    expect(t.find((x) => x.kind === "address")?.text).toBe("10.1.0.0/16");
    expect(t.find((x) => x.kind === "number")?.text).toBe("443");
    expect(t.filter((x) => x.kind === "keyword").map((x) => x.text)).toContain("accept");
    expect(t[t.length - 1]).toEqual({ kind: "comment", text: "# web" });
  });

  it("treats a Cisco line starting with ! as a comment", () => {
    expect(highlightLine(" ! rampart", "cisco")).toEqual([
      { kind: "text", text: " " },
      { kind: "comment", text: "! rampart" },
    ]);
  });

  it("joins the tokens back into the line exactly", () => {
    for (const [line, target] of [
      ['  "cidr": "2001:db8::/32", "port": 22', "aws-sg"],
      ["access-list acl-1 extended permit tcp host 10.0.0.1 any eq 22", "cisco-asa"],
      ["set firewall family inet filter f term t from protocol tcp", "junos"],
    ] as const)
      expect(
        highlightLine(line, familyOf(target))
          .map((x) => x.text)
          .join(""),
      ).toBe(line);
  });
});
