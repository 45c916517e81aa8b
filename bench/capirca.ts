// Rampart beside Capirca: the same points compiled to nftables and iptables by `aclgen` and by Rampart, timed
// with the same wall clock, and aclgen's output read back with Rampart's importers and proven against the policy.

import { spawnSync } from "node:child_process";
import { accessSync, closeSync, constants, mkdirSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import type { Intent } from "../src/core/policy/intent.js";
import type { ResolvedPoint } from "../src/core/policy/resolve.js";
import { type CapircaFile, capircaPolicy, capircaTarget } from "./capirca-policy.js";
import { proveOutputs } from "./capirca-proof.js";
import { type PointRun, timeCompilePoint } from "./compile.js";
import { type Emit, round } from "./timing.js";

export { capircaPolicy, capircaTarget } from "./capirca-policy.js";

/**
 * The measurements of this benchmark, in the order they are emitted; all skipped when aclgen is missing, and
 * a target's equivalence when the policy has no point for it.
 */
export const CAPIRCA_MEASUREMENTS = [
  "compile.nftables_iptables_ms",
  "capirca.aclgen_ms",
  "capirca.terms",
  "capirca.untranslated",
  "compile.speedup_vs_aclgen",
  "compile.speedup_vs_aclgen_with_load",
  "capirca.nftables_equivalent",
  "capirca.nftables_equivalent_expressible",
  "capirca.iptables_equivalent",
  "capirca.iptables_equivalent_expressible",
  "capirca.import_diagnostics",
];

/** The `aclgen` executable on PATH, or undefined. */
export function findAclgen(path = process.env["PATH"] ?? ""): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === "") continue;
    const file = join(dir, "aclgen");
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

export function writeFiles(dir: string, files: readonly CapircaFile[]): void {
  for (const f of files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.text);
  }
}

/** Runs aclgen over `dir` (def/, policies/) into `dir/out`; its log goes to `dir/aclgen.log`. */
export function runAclgen(aclgen: string, dir: string): { ok: boolean; ms: number; message: string } {
  const out = join(dir, "out");
  mkdirSync(out, { recursive: true });
  const log = openSync(join(dir, "aclgen.log"), "w");
  const args = ["--base_directory", join(dir, "policies"), "--definitions_directory", join(dir, "def")];
  const start = performance.now();
  const r = spawnSync(aclgen, [...args, "--output_directory", out], { stdio: ["ignore", log, log] });
  const ms = performance.now() - start;
  closeSync(log);
  if (r.error) return { ok: false, ms, message: r.error.message };
  if (r.status !== 0) {
    const tail = readFileSync(join(dir, "aclgen.log"), "utf8").trim().split("\n").slice(-3).join(" | ");
    return { ok: false, ms, message: `exit status ${r.status}: ${tail}` };
  }
  return { ok: true, ms, message: "" };
}

export interface CapircaBenchOptions {
  readonly intent: Intent;
  /** The policy load, reported by the caller, for the ratio that counts it. */
  readonly loadMs: number;
  /** aclgen's path; undefined when it is not installed (the benchmark is then skipped). */
  readonly aclgen: string | undefined;
  /** Points the compile benchmark has compiled already; the others are compiled here. */
  readonly runs?: readonly PointRun[];
  /** Keep Capirca's input and both outputs there (default: a temporary folder, removed afterwards). */
  readonly dir?: string;
  readonly progress?: (message: string) => void;
}

/**
 * Compiles the points with Rampart and writes the files, as `rampart compile` would: the compared time. A point
 * the compile benchmark has just compiled is not compiled again: its time is taken from there.
 */
function rampartSide(
  intent: Intent,
  points: readonly ResolvedPoint[],
  dir: string,
  previous: readonly PointRun[],
): { runs: PointRun[]; ms: number } {
  const runs: PointRun[] = [];
  let ms = 0;
  for (const point of points) {
    const start = performance.now();
    const earlier = previous.find((r) => r.point === point);
    const run = earlier ?? timeCompilePoint(intent, point);
    runs.push(run);
    const out = join(dir, "rampart", point.point.name);
    mkdirSync(out, { recursive: true });
    writeFiles(
      out,
      (run.compiled?.files ?? []).map((f) => ({ path: f.name, text: f.text })),
    );
    ms += performance.now() - start + (earlier?.ms ?? 0);
  }
  return { runs, ms };
}

export function benchCapirca(options: CapircaBenchOptions, emit: Emit): void {
  const progress = options.progress ?? (() => {});
  const { intent } = options;
  if (options.aclgen === undefined) {
    progress(
      "skipping the Capirca comparison: aclgen is not installed (Debian: apt install python3-capirca)",
    );
    return;
  }
  const points = intent.resolved.points.filter((p) => capircaTarget(p) !== undefined);
  if (points.length === 0) {
    progress("skipping the Capirca comparison: the policy has no network-role nftables or iptables point");
    return;
  }
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "rampart-capirca-"));
  try {
    const fresh = points.filter((p) => !options.runs?.some((r) => r.point === p)).map((p) => p.point.name);
    if (fresh.length > 0) progress(`compiling ${fresh.join(", ")} with Rampart`);
    const ours = rampartSide(intent, points, dir, options.runs ?? []);
    for (const r of ours.runs.filter((x) => x.error))
      progress(`Rampart failed on ${r.point.point.name} (${r.error}): the times compared are meaningless`);
    const policy = capircaPolicy(intent.resolved, points);
    writeFiles(dir, policy.files);
    progress(`running aclgen on ${policy.terms} terms (${dir})`);
    const acl = runAclgen(options.aclgen, dir);
    if (!acl.ok) {
      progress(`aclgen failed (${acl.message}); see ${join(dir, "aclgen.log")}`);
      return;
    }
    emit({ name: "compile.nftables_iptables_ms", value: round(ours.ms), unit: "ms" });
    emit({ name: "capirca.aclgen_ms", value: round(acl.ms), unit: "ms" });
    emit({ name: "capirca.terms", value: policy.terms, unit: "terms" });
    emit({ name: "capirca.untranslated", value: policy.untranslated.length, unit: "rule parts" });
    for (const u of policy.untranslated.slice(0, 10)) progress(`not expressible in Capirca: ${u.message}`);
    if (policy.untranslated.length > 10) progress(`... and ${policy.untranslated.length - 10} more`);
    emit({ name: "compile.speedup_vs_aclgen", value: round(acl.ms / ours.ms, 2), unit: "x" });
    const withLoad = acl.ms / (ours.ms + options.loadMs);
    emit({ name: "compile.speedup_vs_aclgen_with_load", value: round(withLoad, 2), unit: "x" });
    let diagnostics = 0;
    for (const target of ["nftables", "iptables"] as const) {
      if (!policy.points.some((p) => p.target === target)) continue;
      const proofs = proveOutputs(intent, points, policy, target, dir, progress);
      emit({ name: `capirca.${target}_equivalent`, value: proofs.equivalent ? 1 : 0, unit: "bool" });
      const expressible = proofs.expressible ? 1 : 0;
      emit({ name: `capirca.${target}_equivalent_expressible`, value: expressible, unit: "bool" });
      diagnostics += proofs.diagnostics;
    }
    emit({ name: "capirca.import_diagnostics", value: diagnostics, unit: "diagnostics" });
  } finally {
    if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
  }
}
