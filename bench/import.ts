// `--only import`: reading large nftables and iptables rulesets back, as every compile proof does. The rulesets
// are Rampart's own renderings of the generated Capirca policy (bench/capirca-import-policy.ts), made in memory
// before the clock starts; only the import (parse, rule conversion, chain evaluation) is timed, wall and CPU.
// `--config FILE` (repeatable, one ruleset) `--format F` times given files instead.

import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { listFileName, ruleName } from "../src/app/convert.js";
import { listToIr } from "../src/core/compile/from-rules.js";
import type { OutputFile } from "../src/core/compile/target.js";
import { findTarget } from "../src/core/compile/targets/index.js";
import { detectFormat } from "../src/core/import/detect.js";
import { capircaImporter } from "../src/core/import/formats/capirca/importer.js";
import { findImporter } from "../src/core/import/formats/index.js";
import type { ConfigFile } from "../src/core/import/model.js";
import { standaloneContext } from "../src/core/import/standalone.js";
import { PacketSpace } from "../src/core/space/packet-set.js";
import { type CapircaImportOptions, generateCapircaImport } from "./capirca-import-policy.js";
import { type Emit, round } from "./timing.js";

export const IMPORT_FORMATS = ["nftables", "iptables"] as const;

export const IMPORT_MEASUREMENTS: readonly string[] = IMPORT_FORMATS.flatMap((f) =>
  ["ms", "cpu_ms", "rules", "rules_per_s", "bytes"].map((m) => `import.${f}_${m}`),
);

export interface ImportBenchOptions {
  /** One ruleset to time (its files read together), in `format` (detected from the first file if absent). */
  readonly configs?: readonly ConfigFile[];
  readonly format?: string;
  /** The formats to time on the generated workload (default both). */
  readonly formats?: readonly string[];
  readonly generate?: CapircaImportOptions;
  readonly progress?: (message: string) => void;
}

/** The rulesets to read: each of the generated policy's filters rendered by the format's target. */
export function renderWorkload(format: string, generate: CapircaImportOptions = {}): ConfigFile[][] {
  const target = findTarget(format);
  if (!target) throw new RangeError(`No target renders format "${format}"`);
  const space = new PacketSpace(1 << 18);
  const files = generateCapircaImport(generate).files.map((f) => ({ name: f.path, text: f.text }));
  const imported = capircaImporter.import(files, standaloneContext(space));
  return (imported.lists ?? []).map((list) => {
    const rules = imported.rules.filter((r) => r.list === list.name);
    const ir = listToIr(space, rules, list, target, listFileName(list.name), ruleName).ir;
    return target.render(ir).files.map((f: OutputFile) => ({ name: f.name, text: f.text }));
  });
}

interface Timed {
  readonly ms: number;
  readonly cpuMs: number;
  readonly rules: number;
  readonly bytes: number;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Imports each ruleset in a space of its own, as a proof does, asking for what it accepts. */
export function timeImports(format: string, rulesets: readonly (readonly ConfigFile[])[]): Timed {
  const importer = findImporter(format);
  if (!importer) throw new RangeError(`Unknown format "${format}"`);
  let ms = 0;
  let cpu = 0;
  let rules = 0;
  let bytes = 0;
  for (const files of rulesets) {
    const space = new PacketSpace(1 << 18);
    const wall0 = performance.now();
    const cpu0 = cpuMs();
    const result = importer.import(files, standaloneContext(space));
    // Read the accepted set inside the clock: an importer may build it on demand.
    if (result.accepted.space !== space) throw new TypeError("The importer answered in another space");
    cpu += cpuMs() - cpu0;
    ms += performance.now() - wall0;
    rules += result.rules.length;
    bytes += files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
  }
  return { ms, cpuMs: cpu, rules, bytes };
}

function emitTimed(format: string, t: Timed, emit: Emit): void {
  emit({ name: `import.${format}_ms`, value: round(t.ms), unit: "ms" });
  emit({ name: `import.${format}_cpu_ms`, value: round(t.cpuMs), unit: "ms" });
  emit({ name: `import.${format}_rules`, value: t.rules, unit: "rules" });
  emit({ name: `import.${format}_rules_per_s`, value: Math.round((t.rules * 1000) / t.ms), unit: "rules/s" });
  emit({ name: `import.${format}_bytes`, value: t.bytes, unit: "bytes" });
}

export function benchImport(options: ImportBenchOptions, emit: Emit): void {
  const progress = options.progress ?? (() => {});
  if (options.configs && options.configs.length > 0) {
    const format = options.format ?? detectFormat(options.configs[0]!);
    if (format === undefined)
      throw new RangeError(`Cannot tell the format of "${options.configs[0]!.name}": give --format`);
    progress(`importing ${options.configs.map((f) => f.name).join(", ")} (${format})`);
    emitTimed(format, timeImports(format, [options.configs]), emit);
    return;
  }
  for (const format of options.formats ?? IMPORT_FORMATS) {
    progress(`rendering the generated Capirca policy with the ${format} target (not timed)`);
    const rulesets = renderWorkload(format, options.generate);
    progress(`importing ${rulesets.length} ${format} rulesets`);
    emitTimed(format, timeImports(format, rulesets), emit);
  }
}

/** True for the `--only` prefixes that select this benchmark alone. */
function ownPrefix(p: string): boolean {
  return p === "import" || p.startsWith("import.");
}

/**
 * This benchmark's options (`--config FILE`... `--format F`, `--capirca-terms N`, `--seed S`), whether `--only`
 * selects it, and whether it selects nothing else.
 */
export function importBenchArgs(
  argv: readonly string[],
  only: readonly string[],
): { run: boolean; only: boolean; options: ImportBenchOptions } {
  const { values } = parseArgs({
    args: [...argv],
    strict: false,
    options: {
      config: { type: "string", multiple: true },
      format: { type: "string" },
      "capirca-terms": { type: "string" },
      seed: { type: "string" },
    },
  });
  const text = (v: unknown) => (typeof v === "string" ? v : undefined);
  const configs = Array.isArray(values.config)
    ? values.config.filter((c): c is string => typeof c === "string")
    : [];
  const format = text(values.format);
  const terms = text(values["capirca-terms"]);
  const seed = text(values.seed);
  const formats = IMPORT_FORMATS.filter((f) =>
    only.some((p) => ownPrefix(p) && (`import.${f}_`.startsWith(p) || p.startsWith(`import.${f}`))),
  );
  return {
    run: only.length === 0 || only.some((p) => ownPrefix(p) || "import.".startsWith(p)),
    only: only.length > 0 && only.every(ownPrefix),
    options: {
      ...(configs.length > 0 && {
        configs: configs.map((name) => ({ name, text: readFileSync(name, "utf8") })),
      }),
      ...(format !== undefined && { format }),
      ...(formats.length > 0 && { formats }),
      generate: {
        ...(terms !== undefined && { terms: Number(terms) }),
        ...(seed !== undefined && { seed: Number(seed) }),
      },
    },
  };
}
