// `--only server`: the management server under load. The server runs in its own process (`rampart serve` on a
// fresh SQLite data folder with the policy imported), and autocannon sends reach and explain requests over 50
// concurrent connections, as a dashboard or a CI job would; requests per second and latency percentiles are
// reported per route. `--policy PATH` serves another policy; `--packets FILE.jsonl` gives the explain packets;
// `--server-connections N` and `--server-seconds S` change the load (default 50 connections, 10 s per route).

import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { packetToJson, type PacketJson } from "../src/app/packet-input.js";
import { parsePolicy } from "../src/core/policy/parse.js";
import type { PolicySource } from "../src/core/policy/types.js";
import { readPolicyFiles } from "../src/adapters/fs/policy-files.js";
import { parsePacketLines } from "./packets-file.js";
import { Random } from "./prng.js";
import { randomPackets } from "./random-packets.js";
import { reachReferences } from "./reach-references.js";
import type { Emit } from "./timing.js";

export interface ServerBenchOptions {
  readonly policy: string;
  readonly packets?: readonly PacketJson[];
  readonly connections: number;
  readonly seconds: number;
  readonly seed: number;
  readonly progress?: (message: string) => void;
}

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "..", "..");
const BIN = join(ROOT, "bin", "rampart.js");
const PASSWORD = "loadtest password that nobody guesses 7";

export function serverBenchArgs(
  argv: readonly string[],
  only: readonly string[],
): { run: boolean; only: boolean; options: ServerBenchOptions } {
  const { values } = parseArgs({
    args: [...argv],
    strict: false,
    options: {
      policy: { type: "string" },
      packets: { type: "string" },
      seed: { type: "string" },
      "server-connections": { type: "string" },
      "server-seconds": { type: "string" },
    },
  });
  const text = (v: unknown) => (typeof v === "string" ? v : undefined);
  const number = (v: unknown, fallback: number) => (text(v) === undefined ? fallback : Number(text(v)));
  const own = (p: string) => p.startsWith("server");
  const packets = text(values.packets);
  return {
    run: only.length === 0 || only.some(own),
    only: only.length > 0 && only.every(own),
    options: {
      policy: resolve(text(values.policy) ?? join(ROOT, "examples", "acme")),
      ...(packets !== undefined && {
        packets: parsePacketLines(readFileSync(packets, "utf8"), packets).map(packetToJson),
      }),
      connections: number(values["server-connections"], 50),
      seconds: number(values["server-seconds"], 10),
      seed: number(values.seed, 1),
    },
  };
}

function cli(args: string[], env: NodeJS.ProcessEnv, input?: string): string {
  const r = spawnSync(process.execPath, [BIN, ...args], { env, input, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`rampart ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}

/** Starts `rampart serve` and resolves with its address once it listens. */
function startServer(data: string, policy: string, env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [BIN, "serve", "--data", data, "--policy", policy, "--port", "0"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const address = new Promise<string>((done, fail) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /on (https?:\/\/[^\s]+)/.exec(out);
      if (m) done(m[1]!);
    });
    child.on("exit", (code) => fail(new Error(`rampart serve exited with ${code}`)));
  });
  return { child, address };
}

async function load(
  url: string,
  token: string,
  path: string,
  bodies: readonly unknown[],
  o: ServerBenchOptions,
) {
  let i = 0;
  return autocannon({
    url,
    connections: o.connections,
    duration: o.seconds,
    requests: [
      {
        method: "POST",
        path,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        setupRequest: (req) => ({ ...req, body: JSON.stringify(bodies[i++ % bodies.length]) }),
      },
    ],
  });
}

function reachBodies(sources: readonly PolicySource[], seed: number): unknown[] {
  const { refs, services } = reachReferences(parsePolicy(sources).policy);
  const rng = new Random(seed);
  return Array.from({ length: 500 }, () => {
    const s = rng.pick(services);
    return { from: rng.pick(refs), to: rng.pick(refs), ...(s.length > 0 && { services: s }) };
  });
}

export async function benchServer(o: ServerBenchOptions, emit: Emit): Promise<void> {
  const files = await readPolicyFiles(o.policy, process.cwd());
  if (!files.ok) throw new RangeError(files.message);
  const data = mkdtempSync(join(tmpdir(), "rampart-bench-"));
  const env = { ...process.env, RAMPART_DATA: data, RAMPART_ADMIN_PASSWORD: PASSWORD, NO_COLOR: "1" };
  const server = startServer(data, o.policy, env);
  try {
    const url = await server.address;
    cli(["user", "add", "loader", "--role", "viewer", "--password-stdin"], env, PASSWORD);
    const created = JSON.parse(
      cli(
        [
          "token",
          "create",
          "--user",
          "loader",
          "--name",
          "bench",
          "--scope",
          "policy:read",
          "--expires-in",
          "1",
          "--json",
        ],
        env,
      ),
    ) as { token: string };
    const explain = (o.packets ?? randomPackets(files.files.sources, 1000, o.seed).map(packetToJson)).map(
      (p) => p,
    );
    const routes: [string, string, unknown[]][] = [
      ["reach", "/api/v1/reach", reachBodies(files.files.sources, o.seed)],
      ["explain", "/api/v1/explain", explain],
    ];
    for (const [name, path, bodies] of routes) {
      o.progress?.(`server: ${name} at ${o.connections} connections for ${o.seconds} s`);
      const r = await load(url, created.token, path, bodies, o);
      emit({ name: `server.${name}.requests_per_s`, value: Math.round(r.requests.average), unit: "req/s" });
      emit({ name: `server.${name}.p50_ms`, value: r.latency.p50, unit: "ms" });
      emit({ name: `server.${name}.p99_ms`, value: r.latency.p99, unit: "ms" });
      emit({ name: `server.${name}.errors`, value: r.errors + r.timeouts + r.non2xx, unit: "requests" });
    }
  } finally {
    server.child.kill("SIGTERM");
    await new Promise((done) => server.child.once("exit", done));
    rmSync(data, { recursive: true, force: true });
  }
}
