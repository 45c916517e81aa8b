import { describe, expect, it } from "vitest";
import { classbenchImporter } from "../src/core/import/formats/classbench/importer.js";
import { standaloneContext } from "../src/core/import/standalone.js";
import { PACKET_WIDTH } from "../src/core/classify/packed.js";
import { PacketSpace } from "../src/core/space/packet-set.js";
import { generateClassBench, generateClassBenchRules } from "./classbench.js";
import { generateClassBenchTrace, parseClassBenchTrace } from "./classbench-trace.js";
import { benchClassify, type ClassifyBenchOptions } from "./classify.js";
import type { Measurement } from "./timing.js";

const stats = (kind: "acl" | "fw" | "ipc") => {
  const rules = generateClassBenchRules(kind, 2000, 5);
  const share = (f: (r: (typeof rules)[number]) => boolean) => rules.filter(f).length / rules.length;
  return {
    srcWildcard: share((r) => r.src[1] === 0),
    dstWildcard: share((r) => r.dst[1] === 0),
    protoWildcard: share((r) => r.proto === 0),
    dportExact: share((r) => r.dport[0] === r.dport[1]),
    sportWildcard: share((r) => r.sport[0] === 0 && r.sport[1] === 65535),
  };
};

describe("the ClassBench-style generator", () => {
  it("is deterministic in its seed and writes one filter line per rule", () => {
    const a = generateClassBench("acl", 500, 11);
    expect(generateClassBench("acl", 500, 11)).toBe(a);
    expect(generateClassBench("acl", 500, 12)).not.toBe(a);
    const lines = a.trimEnd().split("\n");
    expect(lines).toHaveLength(500);
    expect(new Set(lines).size).toBe(500);
    for (const l of lines)
      expect(l).toMatch(
        /^@\d+\.\d+\.\d+\.\d+\/\d+\t\d+\.\d+\.\d+\.\d+\/\d+\t\d+ : \d+\t\d+ : \d+\t0x[0-9A-F]{2}\/0x(FF|00)\t0x0000\/0x0000$/,
      );
  });

  it("gives the three kinds their published character", () => {
    const acl = stats("acl");
    const fw = stats("fw");
    const ipc = stats("ipc");
    // acl: exact destination ports dominate, source ports are wildcards, few protocol wildcards.
    expect(acl.dportExact).toBeGreaterThan(0.5);
    expect(acl.sportWildcard).toBeGreaterThan(0.85);
    // fw: wildcards everywhere, more than in acl and ipc.
    expect(fw.protoWildcard).toBeGreaterThan(acl.protoWildcard);
    expect(fw.srcWildcard + fw.dstWildcard).toBeGreaterThan(2 * (acl.srcWildcard + acl.dstWildcard));
    expect(fw.srcWildcard + fw.dstWildcard).toBeGreaterThan(ipc.srcWildcard + ipc.dstWildcard);
    // ipc: exact source ports are common (exact/exact pairs), unlike acl.
    expect(ipc.sportWildcard).toBeLessThan(acl.sportWildcard);
  });

  it("nests prefixes: many filters' sources lie inside another filter's source", () => {
    const rules = generateClassBenchRules("fw", 1000, 2).filter((r) => r.src[1] > 0);
    const contains = (o: readonly [number, number], i: readonly [number, number]) =>
      o[1] <= i[1] && Math.floor(i[0] / 2 ** (32 - o[1])) === Math.floor(o[0] / 2 ** (32 - o[1]));
    const nested = rules.filter((r) => rules.some((o) => o !== r && contains(o.src, r.src))).length;
    expect(nested / rules.length).toBeGreaterThan(0.3);
  });
});

describe("ClassBench traces", () => {
  it("reads the decimal trace format, zeroing ports of protocols without them", () => {
    const packed = parseClassBenchTrace("167772161\t3232235777\t1024\t80\t6\t0\t12\n\n1 2 7 9 1 0 3\n");
    expect(packed.length).toBe(2 * PACKET_WIDTH);
    expect(() => parseClassBenchTrace("1 2 3 4\n", "t")).toThrow("t:1");
    expect(() => parseClassBenchTrace("1 2 3 70000 6\n", "t")).toThrow("t:1");
  });

  it("draws packets that mostly land inside the set's filters", () => {
    const rules = generateClassBenchRules("acl", 300, 4);
    const imported = classbenchImporter.import(
      [{ name: "acl", text: generateClassBench("acl", 300, 4) }],
      standaloneContext(new PacketSpace()),
    );
    expect(imported.rules).toHaveLength(rules.length);
    const packed = generateClassBenchTrace(rules, 400, 9);
    expect(packed.length).toBe(400 * PACKET_WIDTH);
  });
});

describe("the classify benchmark", () => {
  it("emits every figure for each set, having checked the engine against linear and the exact sets", () => {
    const out: Measurement[] = [];
    const options: ClassifyBenchOptions = { ruleCount: 300, packetCount: 3000, linearBudgetMs: 200 };
    benchClassify(options, (m) => out.push(m));
    const names = out.map((m) => m.name);
    for (const set of ["acl", "fw", "ipc"])
      for (const m of ["lookups_per_s", "linear_lookups_per_s", "build_ms", "rules"])
        expect(names).toContain(`classify.${set}.${m}`);
    expect(out.find((m) => m.name === "classify.fw.rules")?.value).toBe(300);
    expect(out.every((m) => Number.isFinite(m.value) && m.value >= 0)).toBe(true);
  });
});
