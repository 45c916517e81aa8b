// Anomaly analysis benchmark: ClassBench-style rule sets (our generator) of 10,000 and 100,000 rules, read by
// the classbench importer and analyzed list by list; import and analysis timed apart, and the peak RSS.
//
// ClassBench rules all accept; every tenth rule (the 10th, 20th, ... of the file) is turned into a drop here,
// deterministically, so that rules of both actions overlap and shadowing, correlation and generalization occur.
// `--rules FILE` (repeatable) analyzes the given files instead (any format Rampart detects, or ClassBench).

import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { analyzeConfiguration } from "../src/core/analysis/anomalies/analyze.js";
import { detectFormat } from "../src/core/import/detect.js";
import { findImporter } from "../src/core/import/formats/index.js";
import type { ConfigFile, ImportResult } from "../src/core/import/model.js";
import { standaloneContext } from "../src/core/import/standalone.js";
import { PacketSpace } from "../src/core/space/packet-set.js";
import { type ClassBenchKind, generateClassBench } from "./classbench.js";
import { type Emit, megabytes, round } from "./timing.js";

export const ANOMALY_SIZES: readonly number[] = [10_000, 100_000];

export const ANOMALY_MEASUREMENTS: readonly string[] = ANOMALY_SIZES.flatMap((n) =>
  ["ms", "import_ms", "analysis_ms", "rss_mb", "findings"].map((m) => `anomalies.${n}_${m}`),
);

export interface AnomalyBenchOptions {
  readonly files?: readonly ConfigFile[];
  readonly kind?: ClassBenchKind;
  readonly seed?: number;
  readonly sizes?: readonly number[];
  readonly progress?: (message: string) => void;
}

/**
 * Every tenth rule drops (see the header). Only the rules and lists are passed on: spreading the whole result
 * would compute its `accepted` set, which the analysis never reads.
 */
function withDrops(result: ImportResult): Pick<ImportResult, "rules" | "lists"> {
  return {
    ...(result.lists && { lists: result.lists }),
    rules: result.rules.map((r, k) => (k % 10 === 9 && r.action === "accept" ? { ...r, action: "drop" } : r)),
  };
}

function peakRssMb(): number {
  return megabytes(process.resourceUsage().maxRSS * 1024);
}

function runOne(name: string, file: ConfigFile, format: string, drops: boolean, emit: Emit): void {
  const importer = findImporter(format);
  if (!importer) throw new RangeError(`Unknown format "${format}" for ${file.name}`);
  const space = new PacketSpace(1 << 20);
  const t0 = performance.now();
  const imported = importer.import([file], standaloneContext(space));
  const t1 = performance.now();
  const findings = analyzeConfiguration(space, drops ? withDrops(imported) : imported, {
    today: "2026-01-01",
  });
  const t2 = performance.now();
  emit({ name: `anomalies.${name}_ms`, value: round(t2 - t0), unit: "ms" });
  emit({ name: `anomalies.${name}_import_ms`, value: round(t1 - t0), unit: "ms" });
  emit({ name: `anomalies.${name}_analysis_ms`, value: round(t2 - t1), unit: "ms" });
  emit({ name: `anomalies.${name}_rss_mb`, value: peakRssMb(), unit: "MB" });
  emit({ name: `anomalies.${name}_findings`, value: findings.length, unit: "findings" });
}

export function benchAnomalies(options: AnomalyBenchOptions, emit: Emit): void {
  const progress = options.progress ?? (() => {});
  if (options.files && options.files.length > 0) {
    for (const f of options.files) {
      const format = detectFormat(f) ?? "classbench";
      progress(`analyzing ${f.name} (${format})`);
      runOne(basename(f.name).replace(/[^A-Za-z0-9_-]/g, "_"), f, format, format === "classbench", emit);
    }
    return;
  }
  const kind = options.kind ?? "acl";
  for (const n of options.sizes ?? ANOMALY_SIZES) {
    progress(`generating ${n} ClassBench ${kind} rules and analyzing them`);
    const text = generateClassBench(kind, n, options.seed ?? 1);
    runOne(String(n), { name: `classbench-${kind}-${n}`, text }, "classbench", true, emit);
  }
}

/** This benchmark's options: --rules FILE (repeatable), --anomalies-set acl|fw|ipc, --seed. */
export function anomaliesBenchArgs(
  argv: readonly string[],
  only: readonly string[],
): { run: boolean; only: boolean; options: AnomalyBenchOptions } {
  const { values } = parseArgs({
    args: [...argv],
    strict: false,
    options: {
      rules: { type: "string", multiple: true },
      seed: { type: "string" },
      "anomalies-set": { type: "string" },
    },
  });
  const rules = Array.isArray(values.rules)
    ? values.rules.filter((r): r is string => typeof r === "string")
    : [];
  const set = values["anomalies-set"];
  if (set !== undefined && set !== "acl" && set !== "fw" && set !== "ipc")
    throw new RangeError(`Invalid --anomalies-set "${String(set)}": expected acl, fw or ipc`);
  const seed = typeof values.seed === "string" ? Number(values.seed) : undefined;
  const own = (p: string) => p.startsWith("anomalies");
  // A size runs when one of its measurement names starts with a selected prefix.
  const sizes = ANOMALY_SIZES.filter((n) =>
    only.some((p) => ANOMALY_MEASUREMENTS.some((m) => m.startsWith(`anomalies.${n}_`) && m.startsWith(p))),
  );
  return {
    run: only.length === 0 || only.some((p) => own(p) || "anomalies.".startsWith(p)),
    only: only.length > 0 && only.every(own),
    options: {
      ...(rules.length > 0 && { files: rules.map((name) => ({ name, text: readFileSync(name, "utf8") })) }),
      ...(set !== undefined && { kind: set }),
      ...(seed !== undefined && { seed }),
      ...(sizes.length > 0 && { sizes }),
    },
  };
}
