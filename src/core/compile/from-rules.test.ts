import { describe, expect, it } from "vitest";
import { parsePrefix } from "../net/prefix.js";
import { firstMatch, prefixMatch } from "../import/match.js";
import type { ImportedRule, RuleList } from "../import/model.js";
import { PacketSpace } from "../space/packet-set.js";
import { irRuleSet } from "./ir-set.js";
import { listToIr } from "./from-rules.js";
import type { Target } from "./target.js";
import { nftablesTarget } from "./targets/nftables/target.js";

const space = new PacketSpace();
const src = (p: string) => prefixMatch(space, "src", [parsePrefix(p)]);
const dst = (p: string) => prefixMatch(space, "dst", [parsePrefix(p)]);

function rule(action: ImportedRule["action"], match: ImportedRule["match"], line: number): ImportedRule {
  return {
    action,
    match,
    list: "f",
    source: { file: "p.pol", line, text: `term t${line} {` },
    label: `t${line}`,
  };
}

/** nftables' capabilities without IPv6, so that IPv6 rules are refused. */
const V4_ONLY: Target = {
  ...nftablesTarget,
  capabilities: { ...nftablesTarget.capabilities, families: [4] },
};

const LIST: RuleList = { name: "f", fallThrough: "drop" };

describe("listToIr", () => {
  it("writes rules in order whose union, first match, is exactly the list", () => {
    const rules = [
      rule("drop", src("10.1.0.0/16"), 1),
      rule("other", space.all(), 2),
      rule("accept", src("10.0.0.0/8").union(dst("2001:db8::/32")), 3),
    ];
    const { ir, diagnostics, refused } = listToIr(space, rules, LIST, nftablesTarget, "f");
    expect(diagnostics).toEqual([]);
    expect(refused.isEmpty()).toBe(true);
    const written = firstMatch(
      space,
      ir.forward.map((r) => ({ action: r.action, match: irRuleSet(space, r) })),
      "drop",
    );
    expect(written.equals(firstMatch(space, rules, "drop"))).toBe(true);
    expect(ir.forward.map((r) => r.origin.name)).toEqual(["t1", "t3", "t3"]);
  });

  it("ends a list that accepts by default with an accept of the rest, and warns for one that falls through", () => {
    const accepting = listToIr(
      space,
      [rule("drop", src("10.0.0.0/8"), 1)],
      { name: "f", fallThrough: "accept" },
      nftablesTarget,
      "f",
    );
    expect(accepting.ir.forward.filter((r) => r.action === "accept").length).toBe(2);
    const next = listToIr(space, [], { name: "f", fallThrough: "next" }, nftablesTarget, "f");
    expect(next.diagnostics.map((d) => d.severity)).toEqual(["warning"]);
  });

  it("refuses an accept the target cannot write, naming the rule's line", () => {
    const rules = [rule("accept", dst("2001:db8::/32").union(dst("10.0.0.0/8")), 7)];
    const { ir, diagnostics, refused } = listToIr(space, rules, LIST, V4_ONLY, "f");
    expect(ir.forward.every((r) => r.family === 4)).toBe(true);
    expect(diagnostics.map((d) => [d.file, d.line, d.code])).toEqual([["p.pol", 7, "target-refused"]]);
    expect(diagnostics[0]!.message).toContain('"term t7 {"');
    expect(refused.equals(dst("2001:db8::/32"))).toBe(true);
  });

  it("subtracts a drop the target cannot write from every later accept", () => {
    const rules = [
      rule("drop", dst("2001:db8:1::/48"), 1),
      rule("accept", space.family(6).union(space.family(4)), 2),
    ];
    const { ir } = listToIr(
      space,
      rules,
      LIST,
      { ...nftablesTarget, capabilities: { ...nftablesTarget.capabilities, deny: false } },
      "f",
    );
    expect(ir.forward.every((r) => r.action === "accept")).toBe(true);
    const written = space.unionAll(ir.forward.map((r) => irRuleSet(space, r)));
    expect(written.equals(space.all().minus(dst("2001:db8:1::/48")))).toBe(true);
  });
});
