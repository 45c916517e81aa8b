import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { expectGolden } from "../../../../../test/support/golden.js";
import { generateClassBench } from "../../../../../bench/classbench.js";
import { parseAddress } from "../../../net/address.js";
import { formatDiagnostic } from "../../../policy/diagnostics.js";
import { PacketSpace } from "../../../space/packet-set.js";
import { summarize } from "../../../space/summarize.js";
import { makePacket } from "../../../space/packet.js";
import { standaloneContext } from "../../standalone.js";
import { findImporter } from "../index.js";
import { classbenchImporter } from "./importer.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const space = new PacketSpace();
const read = (text: string, name = "set.cb") =>
  classbenchImporter.import([{ name, text }], standaloneContext(space));
const pkt = (src: string, dst: string, proto: number, sport = 0, dport = 0) =>
  makePacket({ src: parseAddress(src), dst: parseAddress(dst), proto, sport, dport });

describe("classbench importer", () => {
  it("is registered", () => {
    expect(findImporter("classbench")).toBe(classbenchImporter);
  });

  it("reads each filter as an accept rule of list classbench, in file order, with its line", () => {
    const r = read(
      "@10.0.0.0/8\t192.168.1.0/24\t0 : 65535\t80 : 80\t0x06/0xFF\t0x0000/0x0000\n" +
        "\n" +
        "@0.0.0.0/0\t0.0.0.0/0\t0 : 65535\t0 : 65535\t0x00/0x00\t0x0000/0x0000\n",
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.rules.map((x) => [x.action, x.list, x.source.line])).toEqual([
      ["accept", "classbench", 1],
      ["accept", "classbench", 3],
    ]);
    expect(r.rules[0]!.source.text).toMatch(/^@10\.0\.0\.0\/8/);
    const m = r.rules[0]!.match;
    expect(m.contains(pkt("10.1.2.3", "192.168.1.9", 6, 1234, 80))).toBe(true);
    expect(m.contains(pkt("10.1.2.3", "192.168.1.9", 6, 1234, 81))).toBe(false);
    expect(m.contains(pkt("10.1.2.3", "192.168.1.9", 17, 1234, 80))).toBe(false);
    expect(m.contains(pkt("11.0.0.0", "192.168.1.9", 6, 1234, 80))).toBe(false);
    expect(m.contains(pkt("10.255.255.255", "192.168.2.0", 6, 1234, 80))).toBe(false);
    expect(r.rules[1]!.match.isSubsetOf(space.family(4))).toBe(true);
    expect(space.family(4).isSubsetOf(r.rules[1]!.match)).toBe(true);
    expect(r.accepted.equals(r.rules[1]!.match)).toBe(true);
  });

  it("reads port ranges inclusively, at both edges", () => {
    const m = read("@1.2.3.4/32 5.6.7.8/32 1024 : 65535 6000 : 6063 0x11/0xFF").rules[0]!.match;
    expect(m.contains(pkt("1.2.3.4", "5.6.7.8", 17, 1024, 6000))).toBe(true);
    expect(m.contains(pkt("1.2.3.4", "5.6.7.8", 17, 65535, 6063))).toBe(true);
    expect(m.contains(pkt("1.2.3.4", "5.6.7.8", 17, 1023, 6000))).toBe(false);
    expect(m.contains(pkt("1.2.3.4", "5.6.7.8", 17, 2000, 6064))).toBe(false);
  });

  it("matches portless protocols as carrying ports 0", () => {
    const lo = read("@0.0.0.0/0 0.0.0.0/0 0 : 65535 0 : 1023 0x00/0x00").rules[0]!.match;
    const hi = read("@0.0.0.0/0 0.0.0.0/0 0 : 65535 80 : 80 0x00/0x00").rules[0]!.match;
    const icmp = pkt("1.1.1.1", "2.2.2.2", 1);
    expect(lo.contains(icmp)).toBe(true);
    expect(hi.contains(icmp)).toBe(false);
    expect(hi.contains(pkt("1.1.1.1", "2.2.2.2", 132, 5, 80))).toBe(true);
  });

  it("applies a partial protocol mask bit by bit", () => {
    const m = read("@0.0.0.0/0 0.0.0.0/0 0 : 65535 0 : 65535 0x06/0xFE").rules[0]!.match;
    expect(m.contains(pkt("1.1.1.1", "2.2.2.2", 6, 1, 1))).toBe(true);
    expect(m.contains(pkt("1.1.1.1", "2.2.2.2", 7))).toBe(true);
    expect(m.contains(pkt("1.1.1.1", "2.2.2.2", 17, 1, 1))).toBe(false);
  });

  it("reports malformed lines with file:line:column and keeps reading", () => {
    const r = read(
      [
        "@10.0.0.0/8 1.2.3.0/24 0 : 65535 80 : 80 0x06/0xFF",
        "@10.0.0.0/33 1.2.3.0/24 0 : 65535 80 : 80 0x06/0xFF",
        "@10.0.0.0/8 1.2.3.0/24 0 : 65535 90 : 80 0x06/0xFF",
        "@10.0.0.0/8 1.2.3.0/24 0 : 65535",
        "10.0.0.0/8 1.2.3.0/24 0 : 65535 80 : 80 0x06/0xFF",
        "@10.0.0.1/8 1.2.3.0/24 0 : 65535 80 : 80 0x06/0xFF 0x0200/0x0200",
      ].join("\n"),
      "f.cb",
    );
    expect(r.rules.map((x) => x.source.line)).toEqual([1, 6]);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      'f.cb:2:2: error config-syntax: Invalid source prefix: "10.0.0.0/33" has a prefix length outside 0-32',
      'f.cb:3:24: error config-syntax: Invalid destination port range "90 : 80": expected lo ≤ hi ≤ 65535',
      'f.cb:4:24: error config-syntax: Expected "sp : sp dp : dp proto/mask [flags/mask]" after the prefixes',
      'f.cb:5:1: error config-syntax: Expected a filter starting with "@"',
      "f.cb:6:1: warning config-syntax: A prefix has host bits set; the filter uses its network",
      "f.cb:6:1: warning config-unsupported: TCP flags are not modelled: the rule is read as matching any flags",
    ]);
  });

  it("reads IPv6 filters too", () => {
    const m = read("@2001:db8::/32 ::/0 0 : 65535 443 : 443 0x06/0xFF").rules[0]!.match;
    expect(m.contains(pkt("2001:db8::1", "::1", 6, 9, 443))).toBe(true);
    expect(m.contains(pkt("2001:db9::1", "::1", 6, 9, 443))).toBe(false);
  });

  it("imports every generated set without a diagnostic", () => {
    for (const kind of ["acl", "fw", "ipc"] as const) {
      const r = read(generateClassBench(kind, 300, 7));
      expect(r.diagnostics).toEqual([]);
      expect(r.rules).toHaveLength(300);
      expect(r.rules.every((x) => !x.match.isEmpty())).toBe(true);
    }
  });

  it("matches its golden listing", () => {
    const r = read(readFileSync(join(HERE, "fixtures/small.cb"), "utf8"), "small.cb");
    const rules = r.rules.map(
      (x) =>
        `${x.source.line} ${x.list} ${x.action}: ${x.source.text}\n${summarize(x.match)
          .map((l) => `    ${l}\n`)
          .join("")}`,
    );
    const diagnostics = r.diagnostics.map((d) => `${formatDiagnostic(d)}\n`);
    expectGolden(join(HERE, "golden/small.txt"), [...rules, "diagnostics:\n", ...diagnostics].join(""));
  });
});
