import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPolicy } from "../src/core/policy/load.js";
import { generatePolicy, GENERATED_TODAY, randomPackets } from "./generate-policy.js";
import { formatPacketLine } from "./packets-file.js";
import { CAPIRCA_MEASUREMENTS, findAclgen } from "./capirca.js";
import { suiteOptionsFromArgs } from "./run.js";
import { type Measurement, MEASUREMENTS, runSuite, type SuiteOptions } from "./suite.js";

const TINY: SuiteOptions = {
  policy: { kind: "generated", options: { flows: 200, assets: 50, seed: 7 } },
  packetCount: 1_000,
  queries: 50,
  pairs: 30,
};

/** Runs the suite in-process and returns its stdout lines, as `npm run bench` would print them. */
function benchLines(options: SuiteOptions): string[] {
  const lines: string[] = [];
  runSuite(options, (m) => lines.push(JSON.stringify(m)));
  return lines;
}

const tmp = mkdtempSync(join(tmpdir(), "rampart-bench-"));
const folderSources = generatePolicy({ flows: 100, assets: 40, seed: 3, split: true });
beforeAll(() => {
  for (const s of folderSources) {
    mkdirSync(dirname(join(tmp, s.path)), { recursive: true });
    writeFileSync(join(tmp, s.path), s.text);
  }
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("the benchmark suite", () => {
  it("emits every measurement as a JSON object with a name, a finite value and a unit", () => {
    const lines = benchLines(TINY);
    const parsed = lines.map((l) => JSON.parse(l) as Measurement);
    for (const m of parsed) {
      expect(Object.keys(m).sort()).toEqual(["name", "unit", "value"]);
      expect(typeof m.name).toBe("string");
      expect(typeof m.value).toBe("number");
      expect(Number.isFinite(m.value)).toBe(true);
      expect(typeof m.unit).toBe("string");
      expect(m.unit).not.toBe("");
    }
    // The Capirca comparison is skipped where aclgen is not installed.
    const aclgen = findAclgen() !== undefined;
    expect(parsed.map((m) => m.name)).toEqual(
      MEASUREMENTS.filter((n) => aclgen || !CAPIRCA_MEASUREMENTS.includes(n)),
    );
    expect(parsed.find((m) => m.name === "intent.errors")?.value).toBe(0);
  });

  it("runs only the benchmarks whose names start with an --only prefix", () => {
    const names = benchLines({ ...TINY, only: ["reach.", "space.size"] }).map(
      (l) => (JSON.parse(l) as Measurement).name,
    );
    expect(names).toEqual([
      "reach.p50_ms",
      "reach.p99_ms",
      "reach.max_ms",
      "reach.queries_per_s",
      "space.size_per_s",
    ]);
  });

  it("benchmarks a policy folder and packets given as files", async () => {
    const packets = randomPackets(folderSources, 50, 3);
    const packetsFile = join(tmp, "packets.jsonl");
    writeFileSync(packetsFile, packets.map((p) => formatPacketLine(p) + "\n").join(""));
    const options = await suiteOptionsFromArgs([
      "--policy",
      join(tmp, "generated"),
      "--today",
      GENERATED_TODAY,
      "--packets",
      packetsFile,
      "--only",
      "intent.errors,explain.packets",
      "--queries",
      "10",
    ]);
    expect(options.packets).toEqual(packets);
    const lines = benchLines(options).map((l) => JSON.parse(l) as Measurement);
    expect(lines.map((m) => [m.name, m.value])).toEqual([
      ["intent.errors", 0],
      ["explain.packets_per_s", lines[1]?.value],
      ["explain.packets", 50],
    ]);
  });

  it("rejects options that are not whole numbers, and policies that cannot be read", async () => {
    await expect(suiteOptionsFromArgs(["--flows", "ten"])).rejects.toThrow(/Invalid --flows "ten"/);
    await expect(suiteOptionsFromArgs(["--policy", join(tmp, "missing")])).rejects.toThrow(
      /Cannot read policy/,
    );
  });
});

describe("generated policies", () => {
  it.each([
    { flows: 200, assets: 50, seed: 1 },
    { flows: 50, assets: 10, zones: 3, seed: 2 },
    { flows: 300, assets: 120, zones: 40, seed: 3, split: true },
    { flows: 20, assets: 0, zones: 1, seed: 4 },
  ])("load with no error diagnostics: %o", (options) => {
    const loaded = loadPolicy(generatePolicy(options), { today: GENERATED_TODAY });
    expect(loaded.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(loaded.ok).toBe(true);
    expect(loaded.policy.flows.length).toBe(options.flows);
  });
});
