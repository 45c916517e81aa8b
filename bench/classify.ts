// `--only classify`: first-match lookups per second over ClassBench-style sets (10,000 rules each of acl, fw and
// ipc by default, or the files given with --rules), for Rampart's fast engine and for a plain linear loop.
//
// As the C++ TupleMerge reference measures it: packets are parsed into memory first (packed arrays), the
// classifier is built apart (build_ms: box decomposition of every rule's exact match set, then the engine),
// and lookups_per_s is one pass over every packet after one warm-up pass. The linear loop runs on the first
// packets only, for at most a few seconds (classify.<set>.linear_packets says how many). Both answers are
// compared on those packets, and a sample against the rules' exact sets; any difference throws.

import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { boxesOfRules } from "../src/core/classify/boxes.js";
import type { Classifier } from "../src/core/classify/classifier.js";
import { buildFast } from "../src/core/classify/engines.js";
import { buildLinear } from "../src/core/classify/linear.js";
import { buildTupleMerge } from "../src/core/classify/tuple-merge.js";
import { DIM, PACKET_WIDTH, unbiased } from "../src/core/classify/packed.js";
import { classbenchImporter } from "../src/core/import/formats/classbench/importer.js";
import type { ImportedRule } from "../src/core/import/model.js";
import { standaloneContext } from "../src/core/import/standalone.js";
import { PacketSpace } from "../src/core/space/packet-set.js";
import type { Packet } from "../src/core/space/packet.js";
import { type ClassBenchKind, generateClassBench, generateClassBenchRules } from "./classbench.js";
import { generateClassBenchTrace, parseClassBenchTrace } from "./classbench-trace.js";
import { type Emit, round } from "./timing.js";

export const CLASSIFY_SETS: readonly ClassBenchKind[] = ["acl", "fw", "ipc"];
const PER_SET = [
  "lookups_per_s",
  "lookups_per_cpu_s",
  "linear_lookups_per_s",
  "tuple_merge_lookups_per_s",
  "build_ms",
  "rules",
  "boxes",
  "packets",
  "linear_packets",
];

export const CLASSIFY_MEASUREMENTS: readonly string[] = CLASSIFY_SETS.flatMap((s) =>
  PER_SET.map((m) => `classify.${s}.${m}`),
);

export interface ClassifyBenchOptions {
  /** Rule files (ClassBench format); default: one generated set of each kind. */
  readonly rules?: readonly { readonly name: string; readonly text: string }[];
  /** A ClassBench trace (`sa da sp dp proto ...`) used for every set; default: generated per set. */
  readonly trace?: { readonly name: string; readonly text: string };
  /** Rules per generated set (default 10,000) and packets per generated trace (default 1,000,000). */
  readonly ruleCount?: number;
  readonly packetCount?: number;
  readonly seed?: number;
  /** Time given to the linear loop per set, in ms (default 3,000). */
  readonly linearBudgetMs?: number;
  /** `--only` prefixes: a set runs when one of them names it (or all of classify); empty: every set. */
  readonly only?: readonly string[];
  readonly progress?: (m: string) => void;
}

function unpack(packed: Int32Array, i: number): Packet {
  const o = i * PACKET_WIDTH;
  const w = (d: number) => unbiased(packed[o + d]!);
  return {
    family: 4,
    src: BigInt(w(DIM.src0)),
    dst: BigInt(w(DIM.dst0)),
    proto: w(DIM.proto),
    sport: w(DIM.l4a),
    dport: w(DIM.l4b),
    icmpType: 0,
    icmpCode: 0,
  };
}

/** Throws when the engine's answers differ from the linear loop's, or a sample's from the exact sets. */
function checkAgreement(
  set: string,
  fast: Int32Array,
  linear: Int32Array,
  linearCount: number,
  packets: Int32Array,
  rules: readonly ImportedRule[],
): void {
  for (let i = 0; i < linearCount; i++)
    if (fast[i] !== linear[i])
      throw new Error(
        `classify.${set}: packet ${i} is rule ${fast[i]} for the engine, ${linear[i]} for linear`,
      );
  const step = Math.max(1, Math.floor(fast.length / 200));
  for (let i = 0; i < fast.length; i += step) {
    const p = unpack(packets, i);
    const want = rules.findIndex((r) => r.match.contains(p));
    if (fast[i] !== want)
      throw new Error(
        `classify.${set}: packet ${i} is rule ${fast[i]} for the engine, ${want} by the exact sets`,
      );
  }
}

function timeLinear(
  linear: Classifier,
  packets: Int32Array,
  count: number,
  budgetMs: number,
  out: Int32Array,
) {
  const chunk = 256;
  const start = performance.now();
  let done = 0;
  while (done < count && performance.now() - start < budgetMs) {
    const n = Math.min(chunk, count - done);
    for (let i = 0; i < n; i++) out[done + i] = linear.classify(packets, (done + i) * PACKET_WIDTH);
    done += n;
  }
  return { done, ms: performance.now() - start };
}

function benchSet(
  set: string,
  text: () => string,
  packets: () => Int32Array,
  options: ClassifyBenchOptions,
  emit: Emit,
): void {
  const only = options.only ?? [];
  const name = `classify.${set}.`;
  if (only.length > 0 && !only.some((p) => name.startsWith(p) || p.startsWith(name))) return;
  const progress = options.progress ?? (() => {});
  const rules = classbenchImporter.import(
    [{ name: set, text: text() }],
    standaloneContext(new PacketSpace()),
  ).rules;
  const packed = packets();
  const count = packed.length / PACKET_WIDTH;
  progress(`classify.${set}: ${rules.length} rules, ${count} packets: building`);
  let t = performance.now();
  const boxes = boxesOfRules(rules);
  const fast = buildFast(boxes, rules.length);
  const buildMs = performance.now() - t;
  const out = new Int32Array(count);
  fast.classifyBatch(packed, count, out); // warm-up: the JIT sees the loop before it is timed
  t = performance.now();
  const cpu = process.cpuUsage();
  fast.classifyBatch(packed, count, out);
  const fastMs = performance.now() - t;
  const used = process.cpuUsage(cpu);
  const fastCpuMs = (used.user + used.system) / 1000;
  progress(
    `classify.${set}: ${fast.engine} engine, ${round((count / fastMs) * 1000, 0)} lookups/s; linear loop`,
  );
  const linear = buildLinear(boxes, rules.length);
  const linearOut = new Int32Array(count);
  const lin = timeLinear(linear, packed, count, options.linearBudgetMs ?? 3000, linearOut);
  checkAgreement(set, out, linearOut, lin.done, packed, rules);
  // TupleMerge, the anchor the issue names, on the same packets: every answer must equal the engine's.
  const tm = buildTupleMerge(boxes, rules.length);
  const tmOut = new Int32Array(count);
  tm.classifyBatch(packed, count, tmOut);
  t = performance.now();
  tm.classifyBatch(packed, count, tmOut);
  const tmMs = performance.now() - t;
  for (let i = 0; i < count; i++)
    if (tmOut[i] !== out[i])
      throw new Error(
        `classify.${set}: packet ${i} is rule ${out[i]} for the engine, ${tmOut[i]} for TupleMerge`,
      );
  emit({
    name: `classify.${set}.lookups_per_s`,
    value: round((count * 1000) / fastMs, 0),
    unit: "lookups/s",
  });
  // The same pass per second of CPU time this process got: steadier than wall time on a shared machine.
  emit({
    name: `classify.${set}.lookups_per_cpu_s`,
    value: round((count * 1000) / fastCpuMs, 0),
    unit: "lookups/s",
  });
  emit({
    name: `classify.${set}.linear_lookups_per_s`,
    value: round((lin.done * 1000) / lin.ms, 0),
    unit: "lookups/s",
  });
  emit({
    name: `classify.${set}.tuple_merge_lookups_per_s`,
    value: round((count * 1000) / tmMs, 0),
    unit: "lookups/s",
  });
  emit({ name: `classify.${set}.build_ms`, value: round(buildMs), unit: "ms" });
  emit({ name: `classify.${set}.rules`, value: rules.length, unit: "rules" });
  emit({ name: `classify.${set}.boxes`, value: boxes.length, unit: "boxes" });
  emit({ name: `classify.${set}.packets`, value: count, unit: "packets" });
  emit({ name: `classify.${set}.linear_packets`, value: lin.done, unit: "packets" });
}

export function benchClassify(options: ClassifyBenchOptions, emit: Emit): void {
  const seed = options.seed ?? 1;
  const trace = options.trace && parseClassBenchTrace(options.trace.text, options.trace.name);
  if (options.rules) {
    for (const f of options.rules) {
      const set = basename(f.name)
        .replace(/\.[^.]*$/, "")
        .replace(/[^A-Za-z0-9_-]/g, "_");
      const packets = () =>
        trace ??
        generateClassBenchTrace(parseRulesForTrace(f.text), options.packetCount ?? 1_000_000, seed + 1);
      benchSet(set, () => f.text, packets, options, emit);
    }
    return;
  }
  for (const kind of CLASSIFY_SETS) {
    const n = options.ruleCount ?? 10_000;
    const text = () => generateClassBench(kind, n, seed);
    const packets = () =>
      trace ??
      generateClassBenchTrace(
        generateClassBenchRules(kind, n, seed),
        options.packetCount ?? 1_000_000,
        seed + 1,
      );
    benchSet(kind, text, packets, options, emit);
  }
}

/** The numbers of a ClassBench file's filters, for drawing a trace (lines that do not parse are skipped). */
function parseRulesForTrace(text: string) {
  const out: ReturnType<typeof generateClassBenchRules> = [];
  const re =
    /^@(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)\s+(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)\s+(\d+)\s*:\s*(\d+)\s+(\d+)\s*:\s*(\d+)\s+0x([0-9a-f]+)\/0x([0-9a-f]+)/i;
  for (const line of text.split("\n")) {
    const m = re.exec(line.trim());
    if (!m) continue;
    const n = m.slice(1).map((x, i) => (i >= 14 ? parseInt(x, 16) : Number(x)));
    const addr = (a: number, b: number, c: number, d: number, len: number): [number, number] => {
      const v = ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
      return [len === 0 ? 0 : v - (v % 2 ** (32 - len)), len];
    };
    out.push({
      src: addr(n[0]!, n[1]!, n[2]!, n[3]!, n[4]!),
      dst: addr(n[5]!, n[6]!, n[7]!, n[8]!, n[9]!),
      sport: [n[10]!, n[11]!],
      dport: [n[12]!, n[13]!],
      proto: n[15] === 0 ? 0 : n[14]!,
    });
  }
  return out;
}

/** Reads this benchmark's options from the command line: --rules FILE (repeatable), --packets FILE (a trace). */
export function classifyBenchArgs(
  argv: readonly string[],
  only: readonly string[],
): { run: boolean; only: boolean; options: ClassifyBenchOptions } {
  const { values } = parseArgs({
    args: [...argv],
    strict: false,
    options: {
      rules: { type: "string", multiple: true },
      packets: { type: "string" },
      seed: { type: "string" },
      "classify-rules": { type: "string" },
      "classify-packets": { type: "string" },
    },
  });
  const text = (v: unknown) => (typeof v === "string" ? v : undefined);
  const read = (name: string) => ({ name, text: readFileSync(name, "utf8") });
  const rules = Array.isArray(values.rules)
    ? values.rules.filter((r): r is string => typeof r === "string")
    : [];
  const packets = text(values.packets);
  const trace = packets !== undefined && isClassBenchTrace(packets) ? read(packets) : undefined;
  const num = (v: unknown) => (text(v) === undefined ? undefined : Number(text(v)));
  const options: ClassifyBenchOptions = {
    ...(rules.length > 0 && { rules: rules.map(read) }),
    ...(trace && { trace }),
    ...(num(values.seed) !== undefined && { seed: num(values.seed)! }),
    ...(num(values["classify-rules"]) !== undefined && { ruleCount: num(values["classify-rules"])! }),
    ...(num(values["classify-packets"]) !== undefined && { packetCount: num(values["classify-packets"])! }),
  };
  const own = (p: string) => p.startsWith("classify");
  const run = only.length === 0 || only.some((p) => own(p) || "classify.".startsWith(p));
  const sets = only.filter((p) => p.startsWith("classify."));
  return { run, only: only.length > 0 && only.every(own), options: { ...options, only: sets } };
}

/** A packets file is a ClassBench trace when its first non-blank line is numbers, not a JSON object. */
export function isClassBenchTrace(file: string): boolean {
  const head = readFileSync(file, "utf8").slice(0, 4096);
  const first = head.split("\n").find((l) => l.trim() !== "");
  return first !== undefined && /^\s*[0-9]/.test(first);
}
