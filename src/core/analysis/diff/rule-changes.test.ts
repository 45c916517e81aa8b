import { describe, expect, it } from "vitest";
import type { ImportedRule } from "../../import/model.js";
import { PacketSpace } from "../../space/packet-set.js";
import { diffRules } from "./rule-changes.js";

const space = new PacketSpace();
let line = 0;
function rule(
  port: number,
  action: ImportedRule["action"] = "accept",
  label?: string,
  list = "forward",
): ImportedRule {
  line++;
  return {
    action,
    match: space.ports(6, "dst", port, port),
    source: { file: "f", line, text: `${action} tcp ${port}${label ? ` # ${label}` : ""}` },
    list,
    ...(label !== undefined && { label }),
  };
}

const kinds = (changes: ReturnType<typeof diffRules>) =>
  changes.map(
    (c) => `${c.kind}:${c.old?.source.text ?? "-"}|${c.new?.source.text ?? "-"}|${c.aspects.join(",")}`,
  );

describe("diffRules", () => {
  it("pairs identical rules whatever their line numbers, and reports added and removed ones", () => {
    const before = [rule(22), rule(80), rule(443)];
    const after = [rule(25), rule(22), rule(443)];
    expect(kinds(diffRules(before, after))).toEqual([
      "unchanged:accept tcp 22|accept tcp 22|",
      "removed:accept tcp 80|-|",
      "unchanged:accept tcp 443|accept tcp 443|",
      "added:-|accept tcp 25|",
    ]);
  });

  it("calls a rule edited in place changed when its label stays, naming what changed", () => {
    const before = [rule(22, "accept", "ssh"), rule(80, "accept", "web")];
    const after = [rule(2222, "accept", "ssh"), rule(80, "drop", "web")];
    expect(kinds(diffRules(before, after))).toEqual([
      "changed:accept tcp 22 # ssh|accept tcp 2222 # ssh|match,text",
      "changed:accept tcp 80 # web|drop tcp 80 # web|action,text",
    ]);
  });

  it("calls a relabelled rule with the same match and action changed (label)", () => {
    const before = [rule(22, "accept", "old-name")];
    const after = [rule(22, "accept", "new-name")];
    expect(kinds(diffRules(before, after))).toEqual([
      "changed:accept tcp 22 # old-name|accept tcp 22 # new-name|label,text",
    ]);
  });

  it("marks as moved the identical rules off the longest common order (ties keep the new version's first)", () => {
    const a = rule(1);
    const b = rule(2, "drop");
    const c = rule(3);
    const d = rule(4);
    const after = [rule(2, "drop"), rule(1), rule(3), rule(4)];
    const changes = diffRules([a, b, c, d], after);
    // Swapping a and b: one of the two moved; b now comes first, so a is the one reported.
    expect(changes.map((x) => x.kind)).toEqual(["moved", "unchanged", "unchanged", "unchanged"]);
    expect(changes[0]!.old).toBe(a);
    expect(changes[0]!.new).toBe(after[1]);
    expect(changes[1]!.new).toBe(after[0]);
  });

  it("pairs duplicates first with first, and never across lists", () => {
    const before = [rule(22), rule(22), rule(22, "accept", undefined, "input")];
    const after = [rule(22), rule(22, "accept", undefined, "output")];
    const changes = diffRules(before, after);
    expect(changes.map((c) => [c.kind, c.old?.source.line, c.new?.source.line])).toEqual([
      ["unchanged", before[0]!.source.line, after[0]!.source.line],
      ["removed", before[1]!.source.line, undefined],
      ["removed", before[2]!.source.line, undefined],
      ["added", undefined, after[1]!.source.line],
    ]);
  });
});

describe("diffRules on unlabelled rules", () => {
  it("calls a rule whose action flipped changed (action), not removed and added", () => {
    const before = [rule(22), rule(80)];
    const after = [rule(22), rule(80, "drop")];
    expect(kinds(diffRules(before, after))).toEqual([
      "unchanged:accept tcp 22|accept tcp 22|",
      "changed:accept tcp 80|drop tcp 80|action,text",
    ]);
  });
});

describe("diffRules, the line diff", () => {
  it("pairs an unlabelled rule edited in place (same neighbours, same action) as changed", () => {
    const before = [rule(22), rule(80), rule(443), rule(8080)];
    const after = [rule(22), rule(81), rule(443), rule(9090, "drop")];
    expect(kinds(diffRules(before, after))).toEqual([
      "unchanged:accept tcp 22|accept tcp 22|",
      "changed:accept tcp 80|accept tcp 81|match,text",
      "unchanged:accept tcp 443|accept tcp 443|",
      "removed:accept tcp 8080|-|",
      "added:-|drop tcp 9090|",
    ]);
  });

  it("keeps a rule deleted in one place and one added elsewhere apart", () => {
    const before = [rule(1), rule(2), rule(3), rule(4)];
    const after = [rule(1), rule(3), rule(4), rule(5)];
    expect(kinds(diffRules(before, after)).filter((k) => !k.startsWith("unchanged"))).toEqual([
      "removed:accept tcp 2|-|",
      "added:-|accept tcp 5|",
    ]);
  });
});
