// Three network namespaces for the kernel differential test: a sender A, a router R that runs the firewall,
// and a receiver B, joined by veth pairs A–R and R–B.
//
// R forwards every destination out of its R–B veth to a static, permanent neighbour (B's MAC), so that no
// ARP or neighbour discovery is ever needed and any address can be routed. A and B own every address (the
// project's rule for namespace tests), so nothing they do is ever meant for a host outside the test; A sends
// hand-built Ethernet frames straight onto its veth, so its own routing never matters.

import { execFileSync, spawnSync } from "node:child_process";
import { ownEveryAddress } from "../support/oracles.js";

export interface Topology {
  readonly sender: string;
  readonly router: string;
  readonly receiver: string;
  /** A's end of the A–R veth, where frames are sent. */
  readonly senderIface: string;
  /** B's end of the R–B veth, where forwarded packets are captured. */
  readonly receiverIface: string;
  readonly senderMac: string;
  /** R's end of the A–R veth: the destination MAC of every frame. */
  readonly routerMac: string;
}

/** Link-local addresses only: the test packets never use 169.254.0.0/16 or fe80::/10 (see exclusions). */
const LINKS = {
  senderSide: { router: "169.254.1.1/30", sender: "169.254.1.2/30" },
  receiverSide: { router: "169.254.2.1/30", receiver: "169.254.2.2/30" },
  gateway4: "169.254.2.2",
  gateway6: "fe80::2",
} as const;

function ip(ns: string, ...args: string[]): string {
  return execFileSync("ip", ["-n", ns, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function sysctl(ns: string, ...settings: string[]): void {
  execFileSync("ip", ["netns", "exec", ns, "sysctl", "-qw", ...settings], {
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function macOf(ns: string, iface: string): string {
  const [link] = JSON.parse(ip(ns, "-j", "link", "show", iface)) as { address: string }[];
  if (!link) throw new Error(`Cannot read MAC address: no link "${iface}" in "${ns}"`);
  return link.address;
}

let serial = 0;

/** Creates the three namespaces; `destroyTopology` removes them. */
export function createTopology(): Topology {
  const base = `rk${process.pid}-${serial++}`;
  const t = {
    sender: `${base}-a`,
    router: `${base}-r`,
    receiver: `${base}-b`,
    senderIface: "a0",
    receiverIface: "b0",
  };
  const created: string[] = [];
  try {
    for (const ns of [t.sender, t.router, t.receiver]) {
      execFileSync("ip", ["netns", "add", ns]);
      created.push(ns);
      // Before the links exist, so that they start without duplicate address detection (no tentative wait).
      sysctl(ns, "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0");
    }
    ip(t.router, "link", "add", "ra", "type", "veth", "peer", "name", t.senderIface, "netns", t.sender);
    ip(t.router, "link", "add", "rb", "type", "veth", "peer", "name", t.receiverIface, "netns", t.receiver);
    configureRouter(t.router);
    for (const [ns, iface, address] of [
      [t.sender, t.senderIface, LINKS.senderSide.sender],
      [t.receiver, t.receiverIface, LINKS.receiverSide.receiver],
    ] as const) {
      ip(ns, "addr", "add", address, "dev", iface);
      ip(ns, "link", "set", iface, "up");
      ownEveryAddress(ns);
    }
    const receiverMac = macOf(t.receiver, t.receiverIface);
    for (const [gateway, family] of [
      [LINKS.gateway4, "-4"],
      [LINKS.gateway6, "-6"],
    ] as const) {
      ip(t.router, family, "neigh", "add", gateway, "lladdr", receiverMac, "dev", "rb", "nud", "permanent");
      ip(t.router, family, "route", "add", "default", "via", gateway, "dev", "rb");
    }
    return { ...t, senderMac: macOf(t.sender, t.senderIface), routerMac: macOf(t.router, "ra") };
  } catch (e) {
    for (const ns of created) spawnSync("ip", ["netns", "del", ns], { stdio: "ignore" });
    throw e;
  }
}

function configureRouter(ns: string): void {
  sysctl(
    ns,
    "net.ipv4.ip_forward=1",
    "net.ipv6.conf.all.forwarding=1",
    "net.ipv4.conf.all.rp_filter=0",
    "net.ipv4.conf.default.rp_filter=0",
    "net.ipv4.conf.ra.rp_filter=0",
    "net.ipv4.conf.rb.rp_filter=0",
  );
  ip(ns, "link", "set", "lo", "up");
  ip(ns, "addr", "add", LINKS.senderSide.router, "dev", "ra");
  ip(ns, "addr", "add", LINKS.receiverSide.router, "dev", "rb");
  ip(ns, "link", "set", "ra", "up");
  ip(ns, "link", "set", "rb", "up");
}

export function destroyTopology(t: Topology): void {
  for (const ns of [t.sender, t.router, t.receiver])
    spawnSync("ip", ["netns", "del", ns], { stdio: "ignore" });
}

/** Runs `fn` on a fresh topology, deleted afterwards whatever happens. */
export async function withTopology<T>(fn: (t: Topology) => Promise<T>): Promise<T> {
  const t = createTopology();
  try {
    return await fn(t);
  } finally {
    destroyTopology(t);
  }
}
