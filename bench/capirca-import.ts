// `--only capirca-import`: a Capirca policy imported and compiled to nftables by Rampart (proof included), and
// by aclgen, on the same files, timed with the same wall clock.

import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { convertConfig } from "../src/app/convert.js";
import { capircaImporter, listAccepts } from "../src/core/import/formats/capirca/importer.js";
import { nftablesImporter } from "../src/core/import/formats/nftables/importer.js";
import { conntrackClasses } from "../src/core/import/match.js";
import type { ConfigFile } from "../src/core/import/model.js";
import { standaloneContext } from "../src/core/import/standalone.js";
import { PacketSpace } from "../src/core/space/packet-set.js";
import { runAclgen, writeFiles } from "./capirca.js";
import { type CapircaImportOptions, generateCapircaImport } from "./capirca-import-policy.js";
import { type Emit, round } from "./timing.js";

export const CAPIRCA_IMPORT_MEASUREMENTS = [
  "capirca_import.terms",
  "capirca_import.rampart_ms",
  "capirca_import.rampart_process_ms",
  "capirca_import.aclgen_ms",
  "capirca_import.speedup",
  "capirca_import.speedup_process",
  "capirca_import.proven",
  "capirca_import.aclgen_agrees",
];

export interface CapircaImportBenchOptions {
  /** aclgen's path; without it only Rampart's side is timed. */
  readonly aclgen: string | undefined;
  /** A given policy and its definitions folder; default: a generated policy. */
  readonly pol?: string;
  readonly defs?: string;
  readonly generate?: CapircaImportOptions;
  readonly progress?: (message: string) => void;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/**
 * The layout aclgen wants (`policies/pol/X.pol`, `policies/includes/`, `def/`) in `dir`: generated, or the
 * given policy (with the `includes` folder beside its folder) and definitions copied there.
 */
function prepare(dir: string, options: CapircaImportBenchOptions): number | undefined {
  if (options.pol === undefined) {
    const generated = generateCapircaImport(options.generate);
    writeFiles(dir, generated.files);
    return generated.terms;
  }
  mkdirSync(join(dir, "policies", "pol"), { recursive: true });
  cpSync(resolve(options.pol), join(dir, "policies", "pol", basename(options.pol)));
  const includes = join(dirname(dirname(resolve(options.pol))), "includes");
  if (existsSync(includes)) cpSync(includes, join(dir, "policies", "includes"), { recursive: true });
  cpSync(
    resolve(options.defs ?? join(dirname(dirname(dirname(resolve(options.pol)))), "def")),
    join(dir, "def"),
    {
      recursive: true,
    },
  );
  return undefined;
}

/** The policy, its includes and definitions under `dir`, named relative to it. */
function readInputs(dir: string): ConfigFile[] {
  return [...filesUnder(join(dir, "policies")), ...filesUnder(join(dir, "def"))].map((p) => ({
    name: relative(dir, p),
    text: readFileSync(p, "utf8"),
  }));
}

/** Rampart's side in-process: read the files, import, lower, render, prove, write; as `rampart convert` does. */
function rampartSide(dir: string): { ms: number; terms: number; proven: boolean } {
  const start = performance.now();
  const result = convertConfig(readInputs(dir), "capirca", "nftables");
  if (!result.ok) throw new RangeError(result.message);
  const out = join(dir, "rampart");
  mkdirSync(out, { recursive: true });
  writeFiles(
    out,
    result.report.files.map((f) => ({ path: f.name, text: f.text })),
  );
  const ms = performance.now() - start;
  const terms = result.report.lists.reduce((n, l) => n + l.sourceRules, 0);
  return { ms, terms, proven: result.report.lists.every((l) => l.status === "proven") };
}

/** `rampart convert` as a process (node's start-up included), as aclgen is timed. */
function rampartProcess(dir: string): number | undefined {
  // From dist/bench/ once built; from bench/ under tsx.
  const bin = ["../../bin/rampart.js", "../bin/rampart.js"]
    .map((p) => fileURLToPath(new URL(p, import.meta.url)))
    .find((p) => existsSync(p));
  if (bin === undefined) return undefined;
  const start = performance.now();
  const r = spawnSync(
    process.execPath,
    [
      bin,
      "convert",
      "policies/pol",
      "policies/includes",
      "def",
      "--format",
      "capirca",
      "--target",
      "nftables",
      "--out",
      "rampart-cli",
    ].filter((a) => a !== "policies/includes" || existsSync(join(dir, "policies", "includes"))),
    { cwd: dir, stdio: "ignore" },
  );
  const ms = performance.now() - start;
  // Exit 0: every filter written and proven; anything else (a crash, an unproven filter) is no measurement.
  return r.status === 0 ? ms : undefined;
}

export function benchCapircaImport(options: CapircaImportBenchOptions, emit: Emit): void {
  const progress = options.progress ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), "rampart-capirca-import-"));
  try {
    prepare(dir, options);
    progress(`importing and compiling the Capirca policy in ${dir} with Rampart`);
    const ours = rampartSide(dir);
    emit({ name: "capirca_import.terms", value: ours.terms, unit: "terms" });
    emit({ name: "capirca_import.rampart_ms", value: round(ours.ms), unit: "ms" });
    if (!ours.proven) progress("Rampart's output is not proven equal to the policy: see `rampart convert`");
    const processMs = rampartProcess(dir);
    if (processMs !== undefined)
      emit({ name: "capirca_import.rampart_process_ms", value: round(processMs), unit: "ms" });
    else progress("`rampart convert` as a process did not exit 0 (is the build current?): no process time");
    emit({ name: "capirca_import.proven", value: ours.proven ? 1 : 0, unit: "bool" });
    if (options.aclgen === undefined) {
      progress("skipping aclgen: it is not installed (Debian: apt install python3-capirca)");
      return;
    }
    progress("running aclgen on the same files");
    const acl = runAclgen(options.aclgen, dir);
    if (!acl.ok) {
      progress(`aclgen failed (${acl.message}): no comparison`);
      return;
    }
    emit({ name: "capirca_import.aclgen_ms", value: round(acl.ms), unit: "ms" });
    emit({ name: "capirca_import.speedup", value: round(acl.ms / ours.ms, 2), unit: "x" });
    if (processMs !== undefined)
      emit({ name: "capirca_import.speedup_process", value: round(acl.ms / processMs, 2), unit: "x" });
    const pol = options.pol === undefined ? "generated.pol" : basename(options.pol);
    const output = join(dir, "out", pol.replace(/\.pol$/, ".nft"));
    if (existsSync(output)) {
      progress("checking that aclgen's output accepts what the capirca importer says (not timed)");
      const agrees = aclgenAgrees(readInputs(dir), readFileSync(output, "utf8"));
      emit({ name: "capirca_import.aclgen_agrees", value: agrees ? 1 : 0, unit: "bool" });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** aclgen's nftables output with base chain `root<index>` moved to the forward hook and the others unhooked. */
export function aclgenNftFilter(text: string, index: number): string {
  let chain = -1;
  return text
    .split("\n")
    .flatMap((line) => {
      const m = /^\s*chain root([0-9]+) \{/.exec(line);
      if (m) chain = Number(m[1]);
      else if (/^\s*chain /.test(line)) chain = -1;
      if (!/^\s*type filter hook /.test(line)) return [line];
      return chain === index ? [line.replace(/hook (input|output)/, "hook forward")] : [];
    })
    .join("\n");
}

/**
 * Whether aclgen's nftables output, read back with Rampart's nftables importer, accepts exactly what the
 * capirca importer says each filter accepts (first packets conntrack calls new: aclgen matches `ct state new`).
 */
export function aclgenAgrees(files: readonly ConfigFile[], aclgenText: string): boolean {
  const space = new PacketSpace(1 << 20);
  const context = standaloneContext(space);
  const ours = capircaImporter.import(files, context);
  const { invalid, untracked } = conntrackClasses(space);
  const domain = space.all().minus(invalid).minus(untracked);
  return (ours.lists ?? []).every((list, i) => {
    const theirs = nftablesImporter.import(
      [{ name: "aclgen.nft", text: aclgenNftFilter(aclgenText, i) }],
      context,
    );
    return theirs.accepted.intersect(domain).equals(listAccepts(space, ours.rules, list).intersect(domain));
  });
}

/** True for the `--only` prefixes that select this benchmark alone. */
function ownPrefix(p: string): boolean {
  return p.startsWith("capirca-import") || p.startsWith("capirca_import");
}

/**
 * This benchmark's options from the command line (`--capirca-pol FILE --capirca-defs DIR`, `--capirca-terms N`,
 * `--seed S`), whether `--only` selects it, and whether it selects nothing else.
 */
export function capircaImportArgs(
  argv: readonly string[],
  only: readonly string[],
): { run: boolean; only: boolean; options: Omit<CapircaImportBenchOptions, "aclgen" | "progress"> } {
  const { values } = parseArgs({
    args: [...argv],
    strict: false,
    options: {
      "capirca-pol": { type: "string" },
      "capirca-defs": { type: "string" },
      "capirca-terms": { type: "string" },
      seed: { type: "string" },
    },
  });
  const text = (v: unknown) => (typeof v === "string" ? v : undefined);
  const terms = text(values["capirca-terms"]);
  const seed = text(values.seed);
  const pol = text(values["capirca-pol"]);
  const defs = text(values["capirca-defs"]);
  const options = {
    ...(pol !== undefined && { pol }),
    ...(defs !== undefined && { defs }),
    generate: {
      ...(terms !== undefined && { terms: Number(terms) }),
      ...(seed !== undefined && { seed: Number(seed) }),
    },
  };
  const run = only.length === 0 || only.some((p) => ownPrefix(p) || "capirca_import.".startsWith(p));
  return { run, only: only.length > 0 && only.every(ownPrefix), options };
}
