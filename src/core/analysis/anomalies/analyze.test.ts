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

describe("analyzeConfiguration on interfaces the context cannot map", () => {
  function analyzeText(text: string, format: string): string[] {
    const space = new PacketSpace();
    const result = findImporter(format)!.import([{ name: "f", text }], standaloneContext(space));
    return analyzeConfiguration(space, result, { today: "2026-06-01" }).map(
      (f) => `${f.location.line} ${f.kind} [${f.related.map((r) => r.line).join(",")}]`,
    );
  }
  const iptables = (a: string, b: string) =>
    `*filter\n:FORWARD DROP [0:0]\n-A FORWARD ${a}\n-A FORWARD ${b}\nCOMMIT\n`;
  const nft = (a: string, b: string) =>
    `table inet filter {\n  chain forward {\n    type filter hook forward priority 0; policy drop;\n    ${a}\n    ${b}\n  }\n}\n`;

  it("does not compare rules on different interfaces (iptables)", () => {
    const text = iptables("-i eth0 -p tcp --dport 22 -j DROP", "-i eth1 -p tcp --dport 22 -j ACCEPT");
    expect(analyzeText(text, "iptables")).toEqual([]);
  });

  it("reports a rule shadowed by an earlier rule on the same interface (iptables)", () => {
    const text = iptables("-i eth0 -p tcp --dport 22 -j DROP", "-i eth0 -p tcp --dport 22 -j ACCEPT");
    expect(analyzeText(text, "iptables")).toEqual(["4 shadowed [3]"]);
  });

  it("reports an interface rule covered by an earlier rule on every interface (iptables)", () => {
    const text = iptables("-p tcp --dport 22 -j ACCEPT", "-i eth0 -p tcp --dport 22 -j ACCEPT");
    expect(analyzeText(text, "iptables")).toEqual(["4 redundant [3]"]);
  });

  it("does not let a rule on one interface cover a rule on every interface (iptables)", () => {
    const text = iptables(
      "-i eth0 -s 10.1.0.0/16 -p tcp --dport 22 -j DROP",
      "-s 10.0.0.0/9 -p tcp -j ACCEPT",
    );
    expect(analyzeText(text, "iptables")).toEqual(["4 generalization [3]"]);
    const narrower = iptables("-i eth0 -p tcp -j DROP", "-s 10.0.0.0/8 -p tcp --dport 22 -j ACCEPT");
    expect(analyzeText(narrower, "iptables")).toEqual(["4 correlated [3]"]);
  });

  it("does not compare rules on different interfaces (nftables)", () => {
    const text = nft('iifname "eth0" tcp dport 22 drop', 'iifname "eth1" tcp dport 22 accept');
    expect(analyzeText(text, "nftables")).toEqual([]);
  });

  it("reports a rule shadowed by an earlier rule on the same interface (nftables)", () => {
    const text = nft('iifname "eth0" tcp dport 22 drop', 'iifname "eth0" tcp dport 22 accept');
    expect(analyzeText(text, "nftables")).toEqual(["5 shadowed [4]"]);
  });

  it("reports an interface rule covered by an earlier rule on every interface (nftables)", () => {
    const text = nft("tcp dport 22 accept", 'iifname "eth0" tcp dport 22 accept');
    expect(analyzeText(text, "nftables")).toEqual(["5 redundant [4]"]);
  });

  it("does not call a rule redundant through a later rule on another interface", () => {
    // Without line 3, packets from eth0 would fall to the DROP policy: line 4 takes only those from eth1.
    const text = iptables("-i eth0 -p tcp --dport 22 -j ACCEPT", "-i eth1 -p tcp --dport 22 -j ACCEPT");
    expect(analyzeText(text, "iptables")).toEqual([]);
    const same = iptables("-i eth1 -p tcp --dport 22 -j ACCEPT", "-i eth1 -p tcp --dport 1:99 -j ACCEPT");
    expect(analyzeText(same, "iptables")).toEqual(["3 redundant [4]"]);
  });
});

describe("analyzeConfiguration on conditions the importer leaves out", () => {
  function analyzeIos(...entries: string[]): string[] {
    const space = new PacketSpace();
    const all = [...entries, "permit ip any any"];
    const text = `ip access-list extended EDGE\n${all.map((e) => ` ${e}`).join("\n")}\n`;
    const result = findImporter("cisco-ios")!.import([{ name: "f", text }], standaloneContext(space));
    // The last entry lets the rest through, so that a deny decides something; it is any-to-any by design.
    return analyzeConfiguration(space, result, { today: "2026-06-01" })
      .filter((f) => f.kind !== "overly-permissive")
      .map((f) => `${f.location.line} ${f.kind} [${f.related.map((r) => r.line).join(",")}]`);
  }

  it("does not let a permit with a time range shadow a deny (it may be inactive)", () => {
    const timed = analyzeIos(
      "permit tcp any host 10.0.0.1 eq 22 time-range WORK",
      "deny tcp any host 10.0.0.1 eq 22",
    );
    expect(timed.filter((f) => f.startsWith("3 "))).toEqual([]);
    const always = analyzeIos("permit tcp any host 10.0.0.1 eq 22", "deny tcp any host 10.0.0.1 eq 22");
    expect(always.filter((f) => f.startsWith("3 "))).toEqual(["3 shadowed [2]"]);
  });

  it("still finds a permit with a time range covered by an earlier permit", () => {
    const covered = analyzeIos("permit tcp any any", "permit tcp any host 10.0.0.1 eq 22 time-range WORK");
    expect(covered).toEqual(["3 redundant [2]"]);
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
