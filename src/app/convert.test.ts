import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { expectGolden } from "../../test/support/golden.js";
import { listToIr } from "../core/compile/from-rules.js";
import { nftablesTarget } from "../core/compile/targets/nftables/target.js";
import { capircaImporter } from "../core/import/formats/capirca/importer.js";
import { nftablesImporter } from "../core/import/formats/nftables/importer.js";
import { standaloneContext } from "../core/import/standalone.js";
import { PacketSpace } from "../core/space/packet-set.js";
import { convertConfig, proveRuleByRule, ruleName } from "./convert.js";

const TESTDATA = fileURLToPath(new URL("../core/import/formats/capirca/testdata/", import.meta.url));
const GOLDEN = fileURLToPath(new URL("./golden/convert-edge/", import.meta.url));

const FILES = [
  "def/NETWORK.net",
  "def/SERVICES.svc",
  "policies/includes/bogons.incl",
  "policies/pol/edge.pol",
].map((name) => ({ name, text: readFileSync(join(TESTDATA, name), "utf8") }));

describe("convertConfig", () => {
  for (const target of ["nftables", "iptables", "cisco-ios", "cisco-asa"])
    it(`renders each filter of a Capirca policy for ${target}, proven, matching the golden files`, () => {
      const r = convertConfig(FILES, "capirca", target);
      if (!r.ok) throw new Error(r.message);
      expect(r.report.lists.map((l) => [l.list, l.status])).toEqual([
        ["nftables:mixed-input", "proven"],
        ["nftables:inet-output", "proven"],
      ]);
      expect(r.report.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
      for (const f of r.report.files) expectGolden(join(GOLDEN, target, f.name), f.text);
    });

  it("gives each list's source and written rule counts", () => {
    const r = convertConfig(FILES, "capirca", "nftables");
    if (!r.ok) throw new Error(r.message);
    expect(r.report.lists.map((l) => [l.sourceRules, l.files])).toEqual([
      [5, ["nftables-mixed-input.nft"]],
      [2, ["nftables-inet-output.nft"]],
    ]);
    expect(r.report.lists.every((l) => l.rules > 0)).toBe(true);
  });

  it("leaves out terms expired by today, as aclgen does, with a warning at the term", () => {
    const r = convertConfig(FILES, "capirca", "nftables", { today: "2030-01-01" });
    if (!r.ok) throw new Error(r.message);
    expect(r.report.lists.map((l) => l.status)).toEqual(["proven", "proven"]);
    expect(r.report.files[0]!.text).not.toContain("ssh-from-mgmt");
    expect(
      r.report.diagnostics.filter((d) => d.severity === "warning").map((d) => [d.line, d.message]),
    ).toEqual([
      [24, '"term ssh-from-mgmt {" expired on 2030-01-01: left out of the output, as aclgen leaves it out'],
    ]);
    const before = convertConfig(FILES, "capirca", "nftables", { today: "2029-12-31" });
    expect(before.ok && before.report.files[0]!.text).toContain("ssh-from-mgmt");
  });

  it("refuses an unknown format or target, and a target without a network role", () => {
    expect(convertConfig(FILES, "capricorn", "nftables")).toMatchObject({
      ok: false,
      message: expect.stringContaining('Unknown format "capricorn"'),
    });
    expect(convertConfig(FILES, "capirca", "pf")).toMatchObject({
      ok: false,
      message: expect.stringContaining('Unknown target "pf"'),
    });
    expect(convertConfig(FILES, "capirca", "k8s")).toMatchObject({
      ok: false,
      message: expect.stringContaining("no network role"),
    });
  });

  it("converts another format's rule lists too (iptables to nftables)", () => {
    const ipt =
      "*filter\n:FORWARD DROP [0:0]\n-A FORWARD -p tcp --dport 22 -s 10.0.0.0/8 -j DROP\n-A FORWARD -p tcp -j ACCEPT\nCOMMIT\n";
    const r = convertConfig([{ name: "fw.rules.v4", text: ipt }], "iptables", "nftables");
    if (!r.ok) throw new Error(r.message);
    expect(r.report.lists.find((l) => l.list.includes("FORWARD"))?.status).toBe("proven");
  });
});

describe("proveRuleByRule", () => {
  const setup = () => {
    const space = new PacketSpace(1 << 16);
    const imported = capircaImporter.import(FILES, standaloneContext(space));
    const list = imported.lists![0]!;
    const own = imported.rules.filter((r) => r.list === list.name);
    const ir = listToIr(space, own, list, nftablesTarget, "edge", ruleName).ir;
    return { space, own, list, text: nftablesTarget.render(ir).files[0]!.text };
  };

  it("proves the rendering of a list exact, rule block by rule block", () => {
    const { space, own, list, text } = setup();
    expect(proveRuleByRule(space, own, list, [{ name: "edge.nft", text }], nftablesImporter)).toBe(true);
  });

  it("fails on an output that lost a rule, widened a rule or changed its default", () => {
    const { space, own, list, text } = setup();
    const lost = text.replace(/^.*tcp dport 22.*\n/m, "");
    const wider = text.replace("tcp dport 22", "tcp dport 22-23");
    const open = text.replace("policy drop;", "policy accept;");
    for (const changed of [lost, wider, open]) {
      expect(changed).not.toBe(text);
      expect(proveRuleByRule(space, own, list, [{ name: "edge.nft", text: changed }], nftablesImporter)).toBe(
        false,
      );
    }
  });
});
