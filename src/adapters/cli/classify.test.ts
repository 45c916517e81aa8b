import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { generateClassBench, generateClassBenchRules } from "../../../bench/classbench.js";
import { generateClassBenchTrace } from "../../../bench/classbench-trace.js";
import { packetToJson } from "../../app/packet-input.js";
import { PACKET_WIDTH, unbiased, DIM } from "../../core/classify/packed.js";
import { classbenchImporter } from "../../core/import/formats/classbench/importer.js";
import { findImporter } from "../../core/import/formats/index.js";
import { standaloneContext } from "../../core/import/standalone.js";
import { PacketSpace } from "../../core/space/packet-set.js";
import type { Packet } from "../../core/space/packet.js";
import { runCli, runCliJson } from "./testing.js";

const dir = mkdtempSync(join(tmpdir(), "rampart-classify-"));
const IPTABLES = fileURLToPath(
  new URL("../../core/import/formats/iptables/fixtures/web-1.rules.v4", import.meta.url),
);

/** Packed trace packets back as core packets (IPv4, as ClassBench's). */
function unpack(packed: Int32Array): Packet[] {
  const out: Packet[] = [];
  for (let o = 0; o < packed.length; o += PACKET_WIDTH) {
    const proto = unbiased(packed[o + DIM.proto]!);
    out.push({
      family: 4,
      src: BigInt(unbiased(packed[o + DIM.src0]!)),
      dst: BigInt(unbiased(packed[o + DIM.dst0]!)),
      proto,
      sport: unbiased(packed[o + DIM.l4a]!),
      dport: unbiased(packed[o + DIM.l4b]!),
      icmpType: 0,
      icmpCode: 0,
    });
  }
  return out;
}

interface HitsJson {
  hits: { line: number; count: number }[];
  unmatched: number;
  packets: number;
}

describe("rampart classify", () => {
  const rulesText = generateClassBench("fw", 150, 3);
  const rulesFile = join(dir, "fw.rules");
  writeFileSync(rulesFile, rulesText);
  const packets = unpack(generateClassBenchTrace(generateClassBenchRules("fw", 150, 3), 600, 4));
  const packetsFile = join(dir, "packets.jsonl");
  writeFileSync(packetsFile, packets.map((p) => JSON.stringify(packetToJson(p))).join("\n") + "\n");

  it("counts each packet at its first matching rule, as the reference first match over the rules' sets", async () => {
    const r = await runCliJson<HitsJson>([
      "classify",
      "--rules",
      rulesFile,
      "--format",
      "classbench",
      "--packets",
      packetsFile,
      "--json",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const imported = classbenchImporter.import(
      [{ name: "fw.rules", text: rulesText }],
      standaloneContext(new PacketSpace()),
    );
    const want = new Map<number, number>();
    let unmatched = 0;
    for (const p of packets) {
      const i = imported.rules.findIndex((rule) => rule.match.contains(p));
      // Every packet the importer says is accepted has a rule, and no other does.
      expect(i >= 0).toBe(imported.accepted.contains(p));
      if (i < 0) unmatched++;
      else want.set(imported.rules[i]!.source.line, (want.get(imported.rules[i]!.source.line) ?? 0) + 1);
    }
    expect(r.json.packets).toBe(600);
    expect(r.json.unmatched).toBe(unmatched);
    expect(r.json.hits).toHaveLength(150);
    expect(r.json.hits.map((h) => h.line)).toEqual(imported.rules.map((x) => x.source.line));
    for (const h of r.json.hits) expect(h.count, `line ${h.line}`).toBe(want.get(h.line) ?? 0);
    expect(r.json.hits.reduce((s, h) => s + h.count, 0) + unmatched).toBe(600);
  });

  it("gives the same counts with every engine, and detects the format from the @ lines", async () => {
    const answers: HitsJson[] = [];
    for (const engine of ["linear", "tree", "forest", "tuple-merge", "fast"]) {
      const r = await runCliJson<HitsJson>([
        "classify",
        "--rules",
        rulesFile,
        "--packets",
        packetsFile,
        "--engine",
        engine,
        "--json",
      ]);
      expect(r.code).toBe(0);
      answers.push(r.json);
    }
    expect(answers.every((a) => JSON.stringify(a) === JSON.stringify(answers[0]))).toBe(true);
  });

  it("prints a table of hits by default", async () => {
    const r = await runCli(["classify", "--rules", rulesFile, "--packets", packetsFile]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^HITS\s+RULE\s+ACTION\s+TEXT$/);
    expect(lines[1]).toMatch(/^\s*\d+\s+\S*fw\.rules:1\s+accept\s+@/);
    expect(lines.at(-1)).toMatch(/^600 packets, \d+ matched no rule \(classbench, 150 rules\)$/);
  });

  it("refuses an unknown engine or format with a message and exit 2", async () => {
    const e = await runCli(["classify", "--rules", rulesFile, "--packets", packetsFile, "--engine", "magic"]);
    expect(e.code).toBe(2);
    expect(e.stderr).toBe(
      'rampart: Unknown engine "magic"; known engines: linear, tree, forest, tuple-merge, fast\n',
    );
    const f = await runCli(["classify", "--rules", rulesFile, "--packets", packetsFile, "--format", "nope"]);
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/^rampart: Unknown format "nope"/);
  });

  it("names a malformed packet line and exits 2", async () => {
    const bad = join(dir, "bad.jsonl");
    writeFileSync(
      bad,
      readFileSync(packetsFile, "utf8").split("\n").slice(0, 2).join("\n") + '\n{"src": "1.2.3.4"}\n',
    );
    const r = await runCli(["classify", "--rules", rulesFile, "--packets", bad, "--json"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`${bad}:3: Missing "dst"`);
    expect(r.stderr).toContain("1 malformed packet line");
  });

  it("counts per rule list for a multi-chain configuration, at the first deciding rule", async () => {
    const text = readFileSync(IPTABLES, "utf8");
    const imported = findImporter("iptables")!.import(
      [{ name: IPTABLES, text }],
      standaloneContext(new PacketSpace()),
    );
    const deciding = imported.rules.filter((x) => x.action !== "other");
    // Packets aimed at each deciding rule: its witness.
    const ps = deciding.flatMap((x) => x.match.witness() ?? []);
    const file = join(dir, "ipt.jsonl");
    writeFileSync(file, ps.map((p) => JSON.stringify(packetToJson(p))).join("\n"));
    const r = await runCliJson<HitsJson>([
      "classify",
      "--rules",
      IPTABLES,
      "--format",
      "iptables",
      "--packets",
      file,
      "--json",
    ]);
    expect(r.code).toBe(0);
    const lists = [...new Set(deciding.map((x) => x.list))];
    const want = new Array<number>(deciding.length).fill(0);
    let unmatched = 0;
    for (const p of ps) {
      let any = false;
      for (const l of lists) {
        const i = deciding.findIndex((x) => x.list === l && x.match.contains(p));
        if (i >= 0) {
          want[i]!++;
          any = true;
        }
      }
      if (!any) unmatched++;
    }
    expect(r.json.hits.map((h) => h.count)).toEqual(want);
    expect(r.json.unmatched).toBe(unmatched);
    expect(want.some((n) => n > 0)).toBe(true);
  });
});
