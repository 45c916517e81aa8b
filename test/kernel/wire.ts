// Sends test packets from A through the router to B and reports which of them arrived (send.py builds the
// frames with frames.py and sends them, receive.py captures them; check_frames.py compares frames.py with
// scapy).

import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { formatAddress } from "../../src/core/net/address.js";
import type { Packet } from "../../src/core/space/packet.js";
import type { Topology } from "./topology.js";

const PYTHON = "/usr/bin/python3";
const SEND = fileURLToPath(new URL("./send.py", import.meta.url));
const RECEIVE = fileURLToPath(new URL("./receive.py", import.meta.url));
const CHECK = fileURLToPath(new URL("./check_frames.py", import.meta.url));
/** Frames per burst: far below the kernel's input backlog (net.core.netdev_max_backlog, 1,000). */
const BATCH = 100;
const TIMEOUT_MS = 60_000;

/** A packet on the wire: the header it has, and an identifier that keeps its connection distinct. */
export interface WirePacket {
  readonly packet: Packet;
  /** ICMP identifier, SCTP verification tag, DCCP and UDP-Lite source port (1-65535); unique per packet. */
  readonly id: number;
}

/**
 * Packets the kernel dropped because a CPU's input backlog was full, on the whole machine since boot (the
 * second column of /proc/net/softnet_stat). A test packet lost there would read as a firewall drop.
 */
export function backlogDrops(): number {
  return readFileSync("/proc/net/softnet_stat", "utf8")
    .trim()
    .split("\n")
    .reduce((n, line) => n + parseInt(line.trim().split(/\s+/)[1] ?? "0", 16), 0);
}

function packetLine(index: number, w: WirePacket): string {
  const p = w.packet;
  const address = (value: bigint) => formatAddress({ family: p.family, value });
  return JSON.stringify({
    i: index,
    f: p.family,
    s: address(p.src),
    d: address(p.dst),
    p: p.proto,
    sp: p.sport,
    dp: p.dport,
    t: p.icmpType,
    c: p.icmpCode,
    id: w.id,
  });
}

/** Starts the receiver in B and resolves once its socket listens. */
function startReceiver(t: Topology, nonce: number) {
  const child = spawn("ip", ["netns", "exec", t.receiver, PYTHON, RECEIVE, t.receiverIface, String(nonce)], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), TIMEOUT_MS);
  const done = new Promise<string>((resolve, reject) =>
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`Cannot capture packets: receiver exited with ${code}: ${stderr.trim()}`));
    }),
  );
  const ready = new Promise<void>((resolve, reject) => {
    const check = () => (stdout.startsWith("ready\n") ? resolve() : undefined);
    child.stdout.on("data", check);
    done.catch(reject);
  });
  return { child, ready, done };
}

function senderInput(config: object, packets: readonly WirePacket[]): string {
  return [JSON.stringify(config), ...packets.map((w, i) => packetLine(i, w))].join("\n") + "\n";
}

/**
 * Builds the frames of the packets both with the sender's code and with scapy; returns the packets whose
 * frames differ (at most 10), formatted with both frames in hex.
 */
export function framesUnlikeScapy(packets: readonly WirePacket[]): string[] {
  const config = { src_mac: "02:00:00:00:00:01", dst_mac: "02:00:00:00:00:02", nonce: 1 };
  const r = spawnSync(PYTHON, [CHECK], {
    input: senderInput(config, packets),
    encoding: "utf8",
    timeout: TIMEOUT_MS,
  });
  if (r.status !== 0) throw new Error(`Cannot compare frames with scapy: ${r.stderr || r.error?.message}`);
  const report = JSON.parse(r.stdout) as {
    different: { packet: { i: number }; ours: string; scapy: string }[];
  };
  return report.different.map((d) => `#${d.packet.i}: ours ${d.ours}, scapy ${d.scapy}`);
}

/**
 * Sends the packets from A, pausing `pause` seconds after each burst, and returns the indexes (into the list
 * sent) of those B received.
 */
export async function exchange(
  t: Topology,
  packets: readonly WirePacket[],
  options: { nonce: number; pause: number },
): Promise<Set<number>> {
  const { nonce, pause } = options;
  const receiver = startReceiver(t, nonce);
  try {
    await receiver.ready;
    const config = {
      iface: t.senderIface,
      src_mac: t.senderMac,
      dst_mac: t.routerMac,
      nonce,
      batch: BATCH,
      pause,
    };
    const sent = spawnSync("ip", ["netns", "exec", t.sender, PYTHON, SEND], {
      input: senderInput(config, packets),
      encoding: "utf8",
      timeout: TIMEOUT_MS,
    });
    if (sent.status !== 0) throw new Error(`Cannot send packets: ${sent.stderr || sent.error?.message}`);
  } finally {
    // Closing stdin tells the receiver to drain what is queued and report.
    receiver.child.stdin.end();
  }
  const out = await receiver.done;
  const report = JSON.parse(out.trim().split("\n").pop() ?? "{}") as { ids: number[] };
  return new Set(report.ids);
}
