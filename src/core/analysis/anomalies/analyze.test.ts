import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { findImporter } from "../../import/formats/index.js";
import type { ImportedRule } from "../../import/model.js";
import { standaloneContext } from "../../import/standalone.js";
import { PacketSpace } from "../../space/packet-set.js";
import { analyzeConfiguration } from "./analyze.js";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

function analyzeFixture(name: string, format: string): string[] {
  const space = new PacketSpace();
  const importer = findImporter(format)!;
  const result = importer.import([{ name, text: fixture(name) }], standaloneContext(space));
  return analyzeConfiguration(space, result, { today: "2026-06-01" }).map(
    (f) => `${f.location.line} ${f.kind} [${f.related.map((r) => r.line).join(",")}]`,
  );
}

describe("analyzeConfiguration on planted configurations", () => {
  it("finds the planted anomalies of an iptables-save file, with their lines", () => {
    expect(analyzeFixture("planted.iptables", "iptables")).toEqual([
      "6 shadowed [5]",
      "7 redundant [5]",
      "9 correlated [8]",
      "11 correlated [10]",
      "13 generalization [12]",
      "14 redundant [15]",
      "15 redundant [14]",
      "16 overly-permissive []",
    ]);
  });

  it("finds the planted anomalies of an nftables ruleset, with their lines", () => {
    expect(analyzeFixture("planted.nft", "nftables")).toEqual([
      "5 shadowed [4]",
      "7 correlated [6]",
      "8 redundant []",
      "9 redundant [4]",
      "11 generalization [10]",
    ]);
  });

  it("finds the planted anomalies of a Cisco IOS ACL, with their lines", () => {
    expect(analyzeFixture("planted.ios", "cisco-ios")).toEqual([
      "5 shadowed [4]",
      "6 redundant [4]",
      "8 redundant [11]",
      "10 redundant [11]",
      "11 generalization [5,7,9]",
      "11 overly-permissive []",
    ]);
  });

  it("finds the planted anomalies of a Junos filter, with the lines of its terms", () => {
    expect(analyzeFixture("planted.junos", "junos")).toEqual([
      "14 shadowed [4]",
      "34 generalization [24]",
      "34 overly-permissive []",
      "43 redundant []",
    ]);
  });
});

describe("analyzeConfiguration on rule metadata", () => {
  const space = new PacketSpace();
  const rule = (line: number, extra: Partial<ImportedRule>): ImportedRule => ({
    action: "accept",
    match: space.protocol(6).intersect(space.prefix("dst", { family: 4, value: BigInt(line), length: 32 })),
    list: "l",
    source: { file: "f", line, text: "" },
    ...extra,
  });
  const run = (rules: ImportedRule[]) =>
    analyzeConfiguration(space, { rules }, { today: "2026-06-01" }).map(
      (f) => `${f.location.line} ${f.kind}`,
    );

  it("reports rules with a zero counter when others counted packets", () => {
    expect(run([rule(1, { hits: 10 }), rule(2, { hits: 0 }), rule(3, {})])).toEqual(["2 unused"]);
  });

  it("says nothing of zero counters when no rule counted anything", () => {
    expect(run([rule(1, { hits: 0 }), rule(2, { hits: 0 })])).toEqual([]);
  });

  it("reports rules whose expiry day is before today, not on it", () => {
    expect(run([rule(1, { expires: "2026-05-31" }), rule(2, { expires: "2026-06-01" })])).toEqual([
      "1 expired",
    ]);
  });

  it("reports a rule that matches nothing, and leaves other rules (jumps, logs) out of the anomalies", () => {
    const empty = rule(1, { match: space.none() });
    const jump = rule(2, { action: "other" });
    const same = rule(3, { action: "drop", match: jump.match });
    expect(run([empty, jump, same])).toEqual(["1 empty"]);
  });
});
