// Real tools as oracles. A missing tool skips its tests with the reason, except where
// RAMPART_REQUIRE_ORACLES=1 (the test command sets it): there a missing tool is a failure.

import { execFileSync, spawnSync } from "node:child_process";

export interface Oracle {
  readonly available: boolean;
  /** Why the tool cannot be used, for the skip message. */
  readonly reason: string;
}

function required(): boolean {
  return process.env["RAMPART_REQUIRE_ORACLES"] === "1";
}

function check(ok: boolean, reason: string): Oracle {
  if (!ok && required()) throw new Error(`Required test oracle unavailable: ${reason}`);
  return { available: ok, reason };
}

function found(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
}

/** A command on PATH (e.g. "nft", "iptables-restore"). */
export function oracleCommand(cmd: string): Oracle {
  return check(found(cmd), `"${cmd}" is not installed (scripts/setup.sh --test installs it)`);
}

/** Network namespaces: root and iproute2. */
export function oracleNetns(): Oracle {
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  if (!root) return check(false, "network namespaces need root");
  return check(found("ip"), `"ip" (iproute2) is not installed`);
}

/** Debian's python3 with scapy (not a pyenv python without it). */
export function oracleScapy(): Oracle {
  const ok =
    spawnSync("/usr/bin/python3", ["-c", "import scapy.all"], { stdio: "ignore", timeout: 30_000 }).status ===
    0;
  return check(ok, "python3-scapy is not installed (scripts/setup.sh --test installs it)");
}

let counter = 0;

/**
 * Runs `fn` with the name of a fresh network namespace, deleted afterwards whatever happens. The namespace
 * owns every address: local routes for all of IPv4 and IPv6, so nothing is ever meant for an outside host.
 */
export async function withNetns<T>(fn: (ns: string) => Promise<T> | T): Promise<T> {
  const ns = `rampart-t${process.pid}-${counter++}`;
  execFileSync("ip", ["netns", "add", ns]);
  try {
    ownEveryAddress(ns);
    return await fn(ns);
  } finally {
    spawnSync("ip", ["netns", "del", ns], { stdio: "ignore" });
  }
}

/** Makes every address local to the namespace (see the README's rule for namespace tests). */
export function ownEveryAddress(ns: string): void {
  const ipns = (...args: string[]) => execFileSync("ip", ["netns", "exec", ns, "ip", ...args]);
  ipns("link", "set", "lo", "up");
  ipns("route", "add", "local", "0.0.0.0/0", "dev", "lo", "table", "local");
  ipns("-6", "route", "add", "local", "::/0", "dev", "lo", "table", "local");
}

/** Runs a command inside a namespace; returns status and output instead of throwing. */
export function inNetns(ns: string, cmd: string, args: readonly string[], input?: string) {
  const r = spawnSync("ip", ["netns", "exec", ns, cmd, ...args], {
    input,
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}
