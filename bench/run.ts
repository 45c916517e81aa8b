// `npm run bench`: one JSON line {"name","value","unit"} per measurement on stdout; progress on stderr.
//
// node dist/bench/run.js [--policy FILE|DIR] [--flows N] [--assets N] [--zones N] [--seed S] [--only PREFIX,...]
//   [--packets FILE.jsonl] [--packet-count N] [--queries N] [--pairs N] [--budget-ms N] [--today YYYY-MM-DD]
//   [--capirca-dir DIR] [--capirca-pol FILE --capirca-defs DIR] [--capirca-terms N]
//   [--rules CLASSBENCH-FILE]... [--classify-rules N] [--classify-packets N] (--only classify; --packets may
//   then be a ClassBench trace) [--anomalies-set acl|fw|ipc] (--only anomalies; --rules: any config format)
//   [--config FILE... --format F] (--only import: time reading the given ruleset)
//   [--server-connections N] [--server-seconds S] (--only server: reach and explain over HTTP with autocannon)
//
// --only takes name prefixes: intent, reach, explain, space, compile (every point compiled and proven, and the
// nftables+iptables points beside Capirca's aclgen), capirca. --capirca-dir keeps aclgen's input and both
// outputs there.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { readPolicyFiles } from "../src/adapters/fs/policy-files.js";
import { parsePacketLines } from "./packets-file.js";
import { type PolicyInput, runSuite, type SuiteOptions } from "./suite.js";
import { findAclgen } from "./capirca.js";
import { benchCapircaImport, capircaImportArgs } from "./capirca-import.js";
import { anomaliesBenchArgs, benchAnomalies } from "./anomalies.js";
import { benchImport, importBenchArgs } from "./import.js";
import { benchClassify, classifyBenchArgs, isClassBenchTrace } from "./classify.js";
import { benchServer, serverBenchArgs } from "./server.js";
import type { Measurement } from "./timing.js";

function wholeNumber(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-9]+$/.test(text)) throw new RangeError(`Invalid --${name} "${text}": expected a whole number`);
  return Number(text);
}

/**
 * The suite's options from the command line; reads the files it names. A policy is read as every rampart
 * command reads it: one YAML file, or every .yaml/.yml file under a folder, in a stable order.
 */
export async function suiteOptionsFromArgs(argv: readonly string[]): Promise<SuiteOptions> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      policy: { type: "string" },
      today: { type: "string" },
      flows: { type: "string" },
      assets: { type: "string" },
      zones: { type: "string" },
      seed: { type: "string" },
      only: { type: "string", multiple: true },
      packets: { type: "string" },
      "packet-count": { type: "string" },
      queries: { type: "string" },
      pairs: { type: "string" },
      "budget-ms": { type: "string" },
      "capirca-dir": { type: "string" },
      "capirca-pol": { type: "string" },
      "capirca-defs": { type: "string" },
      "capirca-terms": { type: "string" },
      rules: { type: "string", multiple: true },
      "classify-rules": { type: "string" },
      "classify-packets": { type: "string" },
      "anomalies-set": { type: "string" },
      config: { type: "string", multiple: true },
      format: { type: "string" },
      "server-connections": { type: "string" },
      "server-seconds": { type: "string" },
    },
  });
  const seed = wholeNumber("seed", values.seed) ?? 1;
  const flows = wholeNumber("flows", values.flows);
  const assets = wholeNumber("assets", values.assets);
  const zones = wholeNumber("zones", values.zones);
  let policy: PolicyInput;
  if (values.policy !== undefined) {
    const files = await readPolicyFiles(values.policy, process.cwd());
    if (!files.ok) throw new RangeError(files.message);
    const today = values.today ?? new Date().toISOString().slice(0, 10);
    policy = { kind: "sources", sources: files.files.sources, today };
  } else {
    policy = {
      kind: "generated",
      options: {
        seed,
        ...(flows !== undefined && { flows }),
        ...(assets !== undefined && { assets }),
        ...(zones !== undefined && { zones }),
      },
    };
  }
  return {
    policy,
    seed,
    only: (values.only ?? []).flatMap((o) => o.split(",")).filter((o) => o !== ""),
    ...(values.packets !== undefined &&
      !isClassBenchTrace(values.packets) && {
        packets: parsePacketLines(readFileSync(values.packets, "utf8"), values.packets),
      }),
    packetCount: wholeNumber("packet-count", values["packet-count"]),
    queries: wholeNumber("queries", values.queries),
    pairs: wholeNumber("pairs", values.pairs),
    budgetMs: wholeNumber("budget-ms", values["budget-ms"]),
    ...(values["capirca-dir"] !== undefined && { capircaDir: resolve(values["capirca-dir"]) }),
  };
}

async function main(): Promise<void> {
  let options: SuiteOptions;
  try {
    options = await suiteOptionsFromArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const started = performance.now();
  const progress = (m: string) => process.stderr.write(`bench: ${m}\n`);
  const print = (m: Measurement) => process.stdout.write(JSON.stringify(m) + "\n");
  const capirca = capircaImportArgs(process.argv.slice(2), options.only ?? []);
  if (capirca.run) benchCapircaImport({ ...capirca.options, aclgen: findAclgen(), progress }, print);
  const classify = classifyBenchArgs(process.argv.slice(2), options.only ?? []);
  if (classify.run) benchClassify({ ...classify.options, progress }, print);
  const anomalies = anomaliesBenchArgs(process.argv.slice(2), options.only ?? []);
  if (anomalies.run) benchAnomalies({ ...anomalies.options, progress }, print);
  const imports = importBenchArgs(process.argv.slice(2), options.only ?? []);
  if (imports.run) benchImport({ ...imports.options, progress }, print);
  const server = serverBenchArgs(process.argv.slice(2), options.only ?? []);
  if (server.run) await benchServer({ ...server.options, progress }, print);
  if (!capirca.only && !classify.only && !anomalies.only && !imports.only && !server.only)
    runSuite({ ...options, progress }, print);
  process.stderr.write(`bench: done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href)
  await main();
