// The benchmark suite: load a policy (generated or given), then time reach queries, explain, set operations,
// compiling every enforcement point, and the same compilation by Capirca's aclgen.

import { queryReach } from "../src/core/analysis/reach.js";
import { reachReferences } from "./reach-references.js";
import { formatDiagnostic } from "../src/core/policy/diagnostics.js";
import { checkIntent, Intent } from "../src/core/policy/intent.js";
import { type LoadedPolicy, loadPolicy } from "../src/core/policy/load.js";
import { parsePolicy } from "../src/core/policy/parse.js";
import { resolvePolicy } from "../src/core/policy/resolve.js";
import type { AddressTerm, PolicySource, ServiceAtom } from "../src/core/policy/types.js";
import type { Packet } from "../src/core/space/packet.js";
import { benchCapirca, CAPIRCA_MEASUREMENTS, findAclgen } from "./capirca.js";
import { benchCompile, COMPILE_MEASUREMENTS, type PointRun, pointsToCompile } from "./compile.js";
import { type GenerateOptions, GENERATED_TODAY, generatePolicy } from "./generate-policy.js";
import { Random } from "./prng.js";
import { randomPackets } from "./random-packets.js";
import { benchSpaceOps, operandPool } from "./space-ops.js";
import { type Emit, megabytes, percentile, round, timeBatch } from "./timing.js";

export type { Emit, Measurement } from "./timing.js";

export type PolicyInput =
  | { readonly kind: "generated"; readonly options: GenerateOptions }
  | { readonly kind: "sources"; readonly sources: readonly PolicySource[]; readonly today: string };

export interface SuiteOptions {
  readonly policy: PolicyInput;
  /** Packets for explain; by default `packetCount` random ones drawn for the policy. */
  readonly packets?: readonly Packet[];
  readonly packetCount?: number;
  /** Reach queries (default 1,000). */
  readonly queries?: number;
  /** Operand sets and pairs for the set operations (default 200). */
  readonly pairs?: number;
  readonly seed?: number;
  /** Name prefixes to run; empty or absent runs everything. */
  readonly only?: readonly string[];
  /** Time limit of each timed loop, in ms (default 20,000): explain over 100k packets can take minutes. */
  readonly budgetMs?: number;
  /** Keep the Capirca comparison's input and outputs in this folder (default: a temporary one, removed). */
  readonly capircaDir?: string;
  readonly progress?: (message: string) => void;
}

/** Every measurement the suite can emit, in order. */
export const MEASUREMENTS: readonly string[] = [
  "intent.generate_ms",
  "intent.generate.yaml_bytes",
  "intent.load_ms",
  "intent.rss_mb",
  "intent.max_rss_mb",
  "intent.bdd_nodes",
  "intent.flows",
  "intent.errors",
  "intent.parse_ms",
  "intent.resolve_ms",
  "intent.construct_ms",
  "intent.build_ms",
  "intent.check_ms",
  "reach.p50_ms",
  "reach.p99_ms",
  "reach.max_ms",
  "reach.queries_per_s",
  "explain.contains_per_s",
  "explain.packets_per_s",
  "explain.packets",
  "space.union_per_s",
  "space.intersect_per_s",
  "space.minus_per_s",
  "space.equals_per_s",
  "space.size_per_s",
  "space.witness_per_s",
  ...COMPILE_MEASUREMENTS,
  ...CAPIRCA_MEASUREMENTS,
];

const now = () => performance.now();
const LOC = { file: "<bench>", line: 1, column: 1 };

/** Frees what the previous phase left, when node runs with --expose-gc, so that RSS figures mean more. */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

export function runSuite(options: SuiteOptions, emit: Emit): void {
  const only = options.only ?? [];
  const selected = (name: string) => only.length === 0 || only.some((p) => name.startsWith(p));
  const wants = (prefix: string) => MEASUREMENTS.some((n) => n.startsWith(prefix) && selected(n));
  const out: Emit = (m) => {
    if (selected(m.name)) emit(m);
  };
  const progress = options.progress ?? (() => {});
  const seed = options.seed ?? 1;
  const budgetMs = options.budgetMs ?? 20_000;

  const { sources, today } = preparePolicy(options.policy, out, progress);
  progress("loading the policy");
  collectGarbage();
  const { loaded, loadMs } = timeLoad(sources, today, out);
  if (!loaded.ok) {
    const errors = loaded.diagnostics.filter((d) => d.severity === "error");
    progress(
      `the policy has ${errors.length} errors, e.g. ${errors.slice(0, 3).map(formatDiagnostic).join("; ")}`,
    );
  }
  if (
    wants("intent.parse") ||
    wants("intent.resolve") ||
    wants("intent.construct") ||
    wants("intent.build") ||
    wants("intent.check")
  ) {
    progress("timing each step of loading");
    timeSteps(sources, today, out);
    collectGarbage();
  }
  if (wants("reach.")) {
    progress(`timing ${options.queries ?? 1000} reach queries`);
    benchReach(loaded, options.queries ?? 1000, new Random(seed + 1), out);
  }
  if (wants("explain.")) {
    const packets = options.packets ?? randomPackets(loaded.policy, options.packetCount ?? 100_000, seed + 2);
    progress(`timing explain over ${packets.length} packets`);
    benchExplain(loaded.intent, packets, budgetMs, out);
  }
  if (wants("space.")) {
    progress("timing set operations");
    const rng = new Random(seed + 3);
    const pool = operandPool(loaded.intent, rng, options.pairs ?? 200);
    benchSpaceOps(pool, rng, options.pairs ?? 200, budgetMs, selected, out);
  }
  let runs: PointRun[] = [];
  const points = pointsToCompile(loaded.resolved.points, selected);
  if (points.length > 0) {
    progress(`compiling ${points.length} enforcement points`);
    collectGarbage();
    runs = benchCompile(loaded.intent, points, loadMs, out, progress);
  }
  if (CAPIRCA_MEASUREMENTS.some(selected)) {
    progress("comparing with Capirca's aclgen");
    collectGarbage();
    const dir = options.capircaDir;
    benchCapirca(
      { intent: loaded.intent, loadMs, aclgen: findAclgen(), runs, progress, ...(dir && { dir }) },
      out,
    );
  }
}

function preparePolicy(
  input: PolicyInput,
  emit: Emit,
  progress: (m: string) => void,
): { sources: readonly PolicySource[]; today: string } {
  let sources: readonly PolicySource[];
  if (input.kind === "generated") {
    const o = input.options;
    progress(
      `generating a policy: ${o.flows ?? 10_000} flows, ${o.assets ?? 2_000} assets, seed ${o.seed ?? 1}`,
    );
    const start = now();
    sources = generatePolicy(o);
    emit({ name: "intent.generate_ms", value: round(now() - start), unit: "ms" });
  } else {
    sources = input.sources;
  }
  const bytes = sources.reduce((sum, s) => sum + Buffer.byteLength(s.text), 0);
  emit({ name: "intent.generate.yaml_bytes", value: bytes, unit: "bytes" });
  return { sources, today: input.kind === "generated" ? GENERATED_TODAY : input.today };
}

/** loadPolicy end to end, first, so that it runs as a command would: cold. */
function timeLoad(
  sources: readonly PolicySource[],
  today: string,
  emit: Emit,
): { loaded: LoadedPolicy; loadMs: number } {
  const start = now();
  const loaded = loadPolicy(sources, { today });
  const loadMs = now() - start;
  emit({ name: "intent.load_ms", value: round(loadMs), unit: "ms" });
  emit({ name: "intent.rss_mb", value: megabytes(process.memoryUsage().rss), unit: "MB" });
  emit({ name: "intent.max_rss_mb", value: megabytes(process.resourceUsage().maxRSS * 1024), unit: "MB" });
  emit({ name: "intent.bdd_nodes", value: loaded.intent.space.bdd.nodeCount, unit: "nodes" });
  emit({ name: "intent.flows", value: loaded.policy.flows.length, unit: "flows" });
  const errors = loaded.diagnostics.filter((d) => d.severity === "error").length;
  emit({ name: "intent.errors", value: errors, unit: "diagnostics" });
  return { loaded, loadMs };
}

/** The steps of loadPolicy one by one (a second load, so with the JIT warm). */
function timeSteps(sources: readonly PolicySource[], today: string, emit: Emit): void {
  let t = now();
  const lap = () => {
    const ms = now() - t;
    t = now();
    return ms;
  };
  const parsed = parsePolicy(sources);
  const parseMs = lap();
  const { resolved } = resolvePolicy(parsed.policy, { today });
  const resolveMs = lap();
  const intent = new Intent(resolved);
  const constructMs = lap();
  checkIntent(intent);
  const checkMs = lap();
  emit({ name: "intent.parse_ms", value: round(parseMs), unit: "ms" });
  emit({ name: "intent.resolve_ms", value: round(resolveMs), unit: "ms" });
  emit({ name: "intent.construct_ms", value: round(constructMs), unit: "ms" });
  emit({ name: "intent.build_ms", value: round(resolveMs + constructMs), unit: "ms" });
  emit({ name: "intent.check_ms", value: round(checkMs), unit: "ms" });
}

/** Reach questions drawn from what a person would ask about (bench/reach-references.ts). */
function reachQueries(loaded: LoadedPolicy, count: number, rng: Random) {
  const { refs, services } = reachReferences(loaded.policy);
  const terms = (value: string): AddressTerm[] =>
    loaded.resolved.resolveReferences([{ value, loc: LOC }]).terms;
  const atoms = (entries: string[]): ServiceAtom[] =>
    loaded.resolved.resolveServices(entries.map((value) => ({ value, loc: LOC }))).atoms;
  if (refs.length === 0) return [];
  return Array.from({ length: count }, () => ({
    from: terms(rng.pick(refs)),
    to: terms(rng.pick(refs)),
    services: atoms(rng.pick(services)),
  }));
}

function benchReach(loaded: LoadedPolicy, count: number, rng: Random, emit: Emit): void {
  const queries = reachQueries(loaded, count, rng);
  if (queries.length === 0) return;
  const times: number[] = [];
  const start = now();
  for (const q of queries) {
    const t = now();
    queryReach(loaded.intent, q.from, q.to, q.services);
    times.push(now() - t);
  }
  const total = now() - start;
  times.sort((a, b) => a - b);
  emit({ name: "reach.p50_ms", value: round(percentile(times, 50)), unit: "ms" });
  emit({ name: "reach.p99_ms", value: round(percentile(times, 99)), unit: "ms" });
  emit({ name: "reach.max_ms", value: round(times[times.length - 1]!), unit: "ms" });
  emit({ name: "reach.queries_per_s", value: round((queries.length * 1000) / total, 1), unit: "queries/s" });
}

function benchExplain(intent: Intent, packets: readonly Packet[], budgetMs: number, emit: Emit): void {
  if (packets.length === 0) return;
  const contains = timeBatch(packets, (p) => intent.allowed.contains(p), budgetMs);
  emit({ name: "explain.contains_per_s", value: round(contains.perSecond, 1), unit: "packets/s" });
  const explain = timeBatch(packets, (p) => intent.explain(p), budgetMs);
  emit({ name: "explain.packets_per_s", value: round(explain.perSecond, 1), unit: "packets/s" });
  emit({ name: "explain.packets", value: explain.done, unit: "packets" });
}
