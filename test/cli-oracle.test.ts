// An outside checker: hand-written policies in the documented format are judged by an evaluator written here
// from docs/policy-format.md alone (no src/core code), and `rampart explain --packets` and `rampart query
// reach` must agree with it on thousands of boundary packets.

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runCli } from "../src/adapters/cli/testing.js";

const TODAY = "2025-06-15";
const dir = mkdtempSync(join(tmpdir(), "rampart-oracle-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------------------
// Addresses

type Fam = 4 | 6;
interface Addr {
  fam: Fam;
  v: bigint;
}
interface Cidr {
  fam: Fam;
  base: bigint;
  len: number;
}
const BITS: Record<Fam, number> = { 4: 32, 6: 128 };
const MAXV: Record<Fam, bigint> = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n };

function parseIp(s: string): Addr {
  if (s.includes(":")) {
    const [head, tail] = s.includes("::") ? s.split("::") : [s, undefined];
    const h = head ? head.split(":") : [];
    const t = tail === undefined ? [] : tail ? tail.split(":") : [];
    const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t];
    if (groups.length !== 8) throw new Error(`bad ipv6 ${s}`);
    let v = 0n;
    for (const g of groups) v = (v << 16n) | BigInt(parseInt(g, 16));
    return { fam: 6, v };
  }
  const parts = s.split(".").map(Number);
  if (parts.length !== 4) throw new Error(`bad ipv4 ${s}`);
  return { fam: 4, v: parts.reduce((a, p) => (a << 8n) | BigInt(p), 0n) };
}

function parseCidr(s: string): Cidr {
  const [ip, len] = s.split("/");
  const a = parseIp(ip!);
  return { fam: a.fam, base: a.v, len: len === undefined ? BITS[a.fam] : Number(len) };
}

function cidrEnd(c: Cidr): bigint {
  return c.base | ((1n << BigInt(BITS[c.fam] - c.len)) - 1n);
}

function inCidr(c: Cidr, a: Addr): boolean {
  return c.fam === a.fam && a.v >= c.base && a.v <= cidrEnd(c);
}

function formatIp(a: Addr): string {
  if (a.fam === 4) return [24n, 16n, 8n, 0n].map((s) => String((a.v >> s) & 255n)).join(".");
  const g: string[] = [];
  for (let i = 7; i >= 0; i--) g.push(((a.v >> BigInt(i * 16)) & 0xffffn).toString(16));
  return g.join(":");
}

// ---------------------------------------------------------------------------------------------------------
// Services: the documented spec syntax, and the few built-ins these policies use, copied from the docs table.

type Atom =
  | { kind: "any" }
  | { kind: "proto"; p: number }
  | { kind: "ports"; p: number; ranges: [number, number][] }
  | { kind: "icmp"; p: number; type?: number; code?: number };

const PROTO_NAMES: Record<string, number> = {
  icmp: 1,
  igmp: 2,
  tcp: 6,
  udp: 17,
  gre: 47,
  esp: 50,
  ah: 51,
  icmpv6: 58,
  ospf: 89,
  pim: 103,
  vrrp: 112,
  sctp: 132,
};
const BUILTINS: Record<string, string[]> = {
  http: ["tcp/80"],
  https: ["tcp/443"],
  ssh: ["tcp/22"],
  smtp: ["tcp/25"],
  dns: ["udp/53", "tcp/53"],
  ntp: ["udp/123"],
  ping: ["icmp/8", "icmpv6/128"],
  ipsec: ["udp/500", "udp/4500", "esp"],
  "icmp-all": ["icmp", "icmpv6"],
  postgres: ["tcp/5432"],
  telnet: ["tcp/23"],
};

function specAtoms(entry: string, services: Record<string, string[]>, seen: string[] = []): Atom[] {
  const s = entry.trim();
  const l = s.toLowerCase();
  if (l === "any" || l === "all" || l === "ip") return [{ kind: "any" }];
  let m = /^(tcp|udp|sctp)(?:\/(.+))?$/.exec(l);
  if (m) {
    const p = PROTO_NAMES[m[1]!]!;
    if (m[2] === undefined) return [{ kind: "ports", p, ranges: [[0, 65535]] }];
    const ranges = m[2].split(",").map((x): [number, number] => {
      const [a, b] = x.split("-").map(Number);
      return [a!, b ?? a!];
    });
    return [{ kind: "ports", p, ranges }];
  }
  m = /^(icmp|icmpv6)(?:\/(\d+)(?:\/(\d+))?)?$/.exec(l);
  if (m) {
    const atom: Atom = { kind: "icmp", p: PROTO_NAMES[m[1]!]! };
    if (m[2] !== undefined) atom.type = Number(m[2]);
    if (m[3] !== undefined) atom.code = Number(m[3]);
    return [atom];
  }
  if (["gre", "esp", "ah", "igmp", "ospf", "pim", "vrrp"].includes(l))
    return [{ kind: "proto", p: PROTO_NAMES[l]! }];
  m = /^proto\/(.+)$/.exec(l);
  if (m) {
    const p = /^\d+$/.test(m[1]!) ? Number(m[1]) : PROTO_NAMES[m[1]!];
    if (p === undefined) throw new Error(`bad proto ${s}`);
    if (p === 6 || p === 17 || p === 132) return [{ kind: "ports", p, ranges: [[0, 65535]] }];
    if (p === 1 || p === 58) return [{ kind: "icmp", p }];
    return [{ kind: "proto", p }];
  }
  // A name: the policy's services first, then the built-ins.
  if (seen.includes(s)) throw new Error(`cycle ${s}`);
  const def = services[s] ?? BUILTINS[s];
  if (def === undefined) throw new Error(`unknown service ${s} (add it to BUILTINS in the test)`);
  return def.flatMap((e) => specAtoms(e, services, [...seen, s]));
}

interface Pkt {
  fam: Fam;
  src: bigint;
  dst: bigint;
  proto: number;
  dport: number;
  sport: number;
  type: number;
  code: number;
}

function atomMatches(a: Atom, p: Pkt): boolean {
  if (a.kind === "any") return true;
  // icmp is IPv4 only and icmpv6 IPv6 only, however written.
  if (a.p === 1 && p.fam !== 4) return false;
  if (a.p === 58 && p.fam !== 6) return false;
  if (a.p !== p.proto) return false;
  if (a.kind === "proto") return true;
  if (a.kind === "ports") return a.ranges.some(([lo, hi]) => lo <= p.dport && p.dport <= hi);
  return (a.type === undefined || a.type === p.type) && (a.code === undefined || a.code === p.code);
}

// ---------------------------------------------------------------------------------------------------------
// The policy, merged from its files, and the documented meaning.

interface Rule {
  name: string;
  from: string[];
  to: string[];
  atoms: Atom[];
  expires?: string;
}

const list = (v: unknown): string[] =>
  v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)];

function dateText(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v);
}

class Oracle {
  zones: { name: string; nets: Cidr[] }[] = [];
  assets: Record<string, Cidr[]> = {};
  groups: Record<string, string[]> = {};
  apps: Record<string, Record<string, string[]>> = {};
  services: Record<string, string[]> = {};
  flows: Rule[] = [];
  denies: Rule[] = [];

  constructor(
    docs: Record<string, unknown>[],
    readonly today: string,
  ) {
    for (const d of docs) {
      for (const [name, z] of Object.entries((d.zones ?? {}) as Record<string, unknown>)) {
        const nets = Array.isArray(z) ? z : (z as { networks: string[] }).networks;
        this.zones.push({ name, nets: nets.map((n) => parseCidr(String(n))) });
      }
      for (const [name, a] of Object.entries((d.assets ?? {}) as Record<string, { addresses?: string[] }>))
        this.assets[name] = (a.addresses ?? []).map((x) => parseCidr(String(x)));
      for (const [name, g] of Object.entries((d.groups ?? {}) as Record<string, unknown>))
        this.groups[name] = list(g);
      for (const [name, a] of Object.entries((d.applications ?? {}) as Record<string, { tiers: object }>))
        this.apps[name] = Object.fromEntries(Object.entries(a.tiers).map(([t, m]) => [t, list(m)]));
      for (const [name, s] of Object.entries((d.services ?? {}) as Record<string, unknown>))
        this.services[name] = list(s);
    }
    const rule = (r: Record<string, unknown>): Rule => {
      const svc = list(r.services);
      return {
        name: String(r.name),
        from: list(r.from),
        to: list(r.to),
        atoms: svc.length === 0 ? [{ kind: "any" }] : svc.flatMap((e) => specAtoms(e, this.services)),
        expires: dateText(r.expires),
      };
    };
    for (const d of docs) {
      for (const r of (d.flows ?? []) as Record<string, unknown>[]) this.flows.push(rule(r));
      for (const r of (d.denies ?? []) as Record<string, unknown>[]) this.denies.push(rule(r));
    }
  }

  zoneOf(a: Addr): string | undefined {
    let best: { name: string; len: number } | undefined;
    for (const z of this.zones)
      for (const n of z.nets)
        if (inCidr(n, a) && (best === undefined || n.len > best.len)) best = { name: z.name, len: n.len };
    return best?.name;
  }

  inRef(ref: string, a: Addr, seen: string[] = []): boolean {
    if (ref === "any") return true;
    if (seen.includes(ref)) return false;
    const next = [...seen, ref];
    const m = /^(zone|asset|group|app):(.+)$/.exec(ref);
    if (!m) return inCidr(parseCidr(ref), a);
    const [, kind, name] = m as unknown as [string, string, string];
    switch (kind) {
      case "zone":
        return this.zoneOf(a) === name;
      case "asset":
        return (this.assets[name] ?? []).some((c) => inCidr(c, a));
      case "group":
        return (this.groups[name] ?? []).some((r) => this.inRef(r, a, next));
      default: {
        const [app, tier] = name.split("/");
        const tiers = this.apps[app!] ?? {};
        const members = tier === undefined ? Object.values(tiers).flat() : (tiers[tier] ?? []);
        return members.some((r) => this.inRef(r, a, next));
      }
    }
  }

  /** The networks a reference is written in terms of (a superset, for generating addresses). */
  cidrsOf(ref: string, seen: string[] = []): Cidr[] {
    if (ref === "any") return [parseCidr("0.0.0.0/0"), parseCidr("::/0")];
    if (seen.includes(ref)) return [];
    const next = [...seen, ref];
    const m = /^(zone|asset|group|app):(.+)$/.exec(ref);
    if (!m) return [parseCidr(ref)];
    const [, kind, name] = m as unknown as [string, string, string];
    if (kind === "zone") return this.zones.filter((z) => z.name === name).flatMap((z) => z.nets);
    if (kind === "asset") return this.assets[name] ?? [];
    if (kind === "group") return (this.groups[name] ?? []).flatMap((r) => this.cidrsOf(r, next));
    const [app, tier] = name.split("/");
    const tiers = this.apps[app!] ?? {};
    const members = tier === undefined ? Object.values(tiers).flat() : (tiers[tier] ?? []);
    return members.flatMap((r) => this.cidrsOf(r, next));
  }

  matches(r: Rule, p: Pkt): boolean {
    return (
      r.from.some((ref) => this.inRef(ref, { fam: p.fam, v: p.src })) &&
      r.to.some((ref) => this.inRef(ref, { fam: p.fam, v: p.dst })) &&
      r.atoms.some((a) => atomMatches(a, p))
    );
  }

  active(r: Rule): boolean {
    return r.expires === undefined || this.today <= r.expires;
  }

  judge(p: Pkt): { verdict: "allow" | "deny"; flows: string[]; denies: string[] } {
    const flows = this.flows.filter((r) => this.active(r) && this.matches(r, p)).map((r) => r.name);
    const denies = this.denies.filter((r) => this.active(r) && this.matches(r, p)).map((r) => r.name);
    return { verdict: flows.length > 0 && denies.length === 0 ? "allow" : "deny", flows, denies };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Deterministic packet generation around every boundary.

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function boundaryAddrs(c: Cidr, rnd: () => number): Addr[] {
  const end = cidrEnd(c);
  const out = [c.base - 1n, c.base, c.base + 1n, end - 1n, end, end + 1n];
  const span = end - c.base;
  if (span > 0n) out.push(c.base + (BigInt(Math.floor(rnd() * 2 ** 30)) * span) / BigInt(2 ** 30));
  return out.filter((v) => v >= 0n && v <= MAXV[c.fam]).map((v) => ({ fam: c.fam, v }));
}

/** A few packets of an atom, at its edges (or any protocol for `any`). */
function atomPackets(
  a: Atom,
  fam: Fam,
  rnd: () => number,
  portEdges: number[],
): Omit<Pkt, "fam" | "src" | "dst">[] {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const sport = pick([0, 1, 1024, 40000, 65535]);
  const mk = (proto: number, dport = 0, type = 0, code = 0) => ({ proto, dport, sport, type, code });
  const icmpP = fam === 4 ? 1 : 58;
  if (a.kind === "any") {
    const p = pick([6, 17, 132, icmpP, 47, 50, 0, 255, 89, fam === 4 ? 58 : 1]);
    if (p === 6 || p === 17 || p === 132) return [mk(p, pick(portEdges))];
    if (p === 1 || p === 58) return [mk(p, 0, pick([0, 3, 8, 128, 255]), pick([0, 4, 255]))];
    return [mk(p)];
  }
  if (a.kind === "proto") return [mk(a.p), mk(pick([a.p - 1, a.p + 1].filter((x) => x >= 0 && x <= 255)))];
  if (a.kind === "ports") {
    const [lo, hi] = pick(a.ranges);
    const ports = [lo - 1, lo, lo + 1, hi - 1, hi, hi + 1].filter((x) => x >= 0 && x <= 65535);
    return [mk(a.p, pick(ports)), mk(a.p, pick(ports)), mk(pick([6, 17, 132]), pick(ports))];
  }
  const p = a.p === 1 || a.p === 58 ? a.p : icmpP;
  const t = a.type ?? pick([0, 8, 128, 255]);
  const c = a.code ?? pick([0, 255]);
  return [
    mk(p, 0, t, c),
    mk(p, 0, Math.min(255, t + 1), c),
    mk(p, 0, Math.max(0, t - 1), c),
    mk(p, 0, t, pick([Math.max(0, c - 1), Math.min(255, c + 1)])),
    mk(a.p === 1 ? 58 : 1, 0, t, c),
  ];
}

function portEdgesOf(o: Oracle): number[] {
  const s = new Set([0, 1, 65534, 65535]);
  for (const r of [...o.flows, ...o.denies])
    for (const a of r.atoms)
      if (a.kind === "ports")
        for (const [lo, hi] of a.ranges) for (const x of [lo - 1, lo, lo + 1, hi - 1, hi, hi + 1]) s.add(x);
  return [...s].filter((x) => x >= 0 && x <= 65535);
}

function generate(o: Oracle, seed: number, count: number): Pkt[] {
  const rnd = prng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const ports = portEdgesOf(o);
  const allCidrs = [
    ...o.zones.flatMap((z) => z.nets),
    ...Object.values(o.assets).flat(),
    ...[...o.flows, ...o.denies].flatMap((r) => [...r.from, ...r.to].flatMap((ref) => o.cidrsOf(ref))),
    ...Object.values(o.groups)
      .flat()
      .flatMap((ref) => o.cidrsOf(ref)),
  ];
  const pool: Record<Fam, Addr[]> = { 4: [], 6: [] };
  for (const c of allCidrs) for (const a of boundaryAddrs(c, rnd)) pool[a.fam].push(a);
  const members = new Map<string, Addr[]>();
  const addrsOf = (refs: string[], fam: Fam): Addr[] => {
    const key = `${fam} ${refs.join(" ")}`;
    if (!members.has(key))
      members.set(key, [
        // The edges of the networks the references are written with, inside or not (their holes) ...
        ...refs
          .flatMap((r) => o.cidrsOf(r))
          .filter((c) => c.fam === fam)
          .flatMap((c) => boundaryAddrs(c, rnd)),
        // ... and every boundary address that is really a member.
        ...pool[fam].filter((a) => refs.some((r) => o.inRef(r, a))),
      ]);
    const out = members.get(key)!;
    return out.length > 0 ? out : pool[fam];
  };
  const rules = [...o.flows, ...o.denies];
  const out: Pkt[] = [];
  while (out.length < count) {
    const fam: Fam = rnd() < 0.5 || pool[6].length === 0 ? 4 : 6;
    if (pool[fam].length === 0) continue;
    let srcs = pool[fam];
    let dsts = pool[fam];
    let atom: Atom = { kind: "any" };
    const mode = rnd();
    if (mode < 0.7) {
      // Guided by a rule: its sources, destinations and services, at their edges.
      const r = rnd() < 0.7 ? pick(o.flows) : pick(rules);
      srcs = addrsOf(r.from, fam);
      dsts = addrsOf(r.to, fam);
      atom = pick(r.atoms);
    } else if (mode < 0.85) {
      atom = pick(pick(rules).atoms);
    }
    for (const h of atomPackets(atom, fam, rnd, ports)) {
      out.push({ fam, src: pick(srcs).v, dst: pick(dsts).v, ...h });
      if (rnd() < 0.2) out.push({ fam, src: pick(pool[fam]).v, dst: pick(dsts).v, ...h, dport: pick(ports) });
    }
  }
  return out;
}

function packetJson(p: Pkt): Record<string, unknown> {
  const base = { src: formatIp({ fam: p.fam, v: p.src }), dst: formatIp({ fam: p.fam, v: p.dst }) };
  if (p.proto === 6 || p.proto === 17 || p.proto === 132)
    return {
      ...base,
      proto: p.proto === 6 ? "tcp" : p.proto === 17 ? "udp" : "sctp",
      sport: p.sport,
      dport: p.dport,
    };
  if (p.proto === 1 || p.proto === 58)
    return { ...base, proto: p.proto === 1 ? "icmp" : "icmpv6", type: p.type, code: p.code };
  return { ...base, proto: p.proto };
}

// ---------------------------------------------------------------------------------------------------------
// The policies

interface Case {
  name: string;
  files: Record<string, string>;
  questions: { from: string[]; to: string[]; services: string[] }[];
}

const CASES: Case[] = [
  {
    name: "ipv6-heavy",
    files: {
      "policy.yaml": `
zones:
  internet: { networks: ["::/0", "0.0.0.0/0"] }
  dc6: { networks: ["2001:db8:100::/40", "fd00:10::/32"] }
  dc6-core: { networks: ["2001:db8:100:ff00::/56"] }
  edge6: ["2001:db8:200::/48", "2001:db8:200:1::1"]
  pin: ["2001:db8:200:1::/112"]
  mgmt: { networks: ["fe80::/10", "192.168.0.0/24"] }
services:
  web: ["tcp/80,443", "udp/443"]
  dns: ["udp/53"]
  mon: ["icmpv6/128", "icmpv6/1/4", "icmp/8", "tcp/9100-9199"]
  tunnel: [esp, "proto/ah", "udp/500,4500"]
assets:
  ns1: { addresses: ["2001:db8:100:53::53", "2001:db8:100:53::54"], zone: dc6 }
  web6: { addresses: ["2001:db8:200::80/126"], zone: edge6 }
  core-db: { addresses: ["2001:db8:100:ff00::10"], zone: dc6-core }
  mon1: { addresses: ["fd00:10::99", "192.168.0.99"] }
groups:
  resolvers: ["asset:ns1", "2001:4860:4860::8888"]
flows:
  - { name: inet-web6, from: any, to: asset:web6, services: [web] }
  - { name: dns-in, from: zone:edge6, to: group:resolvers, services: [dns] }
  - { name: mon-all, from: asset:mon1, to: [zone:dc6, zone:dc6-core, zone:edge6, zone:pin], services: [mon, ping] }
  - { name: tunnels, from: "2001:db8:300::/48", to: zone:dc6, services: [tunnel] }
  - { name: core-from-dc, from: zone:dc6, to: asset:core-db, services: ["tcp/5432", "sctp/2905-2906"] }
  - { name: mgmt-all, from: zone:mgmt, to: any }
  - { name: pin-out, from: zone:pin, to: "::/0", services: [icmpv6, "icmp", "proto/58"] }
denies:
  - { name: no-ssh-core, from: any, to: zone:dc6-core, services: ["tcp/22"] }
  - { name: no-icmp-errors, from: any, to: asset:web6, services: ["icmpv6/1"] }
  - { name: no-ula-esp, from: "fd00::/8", to: any, services: ["proto/50"] }
  - { name: no-v4-mgmt-udp, from: "192.168.0.128/25", to: any, services: [udp] }
`,
    },
    questions: [
      { from: ["any"], to: ["asset:web6"], services: ["web"] },
      { from: ["asset:mon1"], to: ["zone:dc6-core"], services: [] },
      { from: ["zone:mgmt"], to: ["zone:dc6-core"], services: [] },
      { from: ["zone:dc6"], to: ["asset:core-db"], services: ["tcp/5432"] },
      { from: ["zone:edge6"], to: ["group:resolvers"], services: ["dns"] },
      { from: ["zone:pin"], to: ["zone:internet"], services: ["icmpv6/135"] },
      { from: ["2001:db8:300::/48"], to: ["asset:ns1"], services: ["ipsec"] },
      { from: ["zone:internet"], to: ["zone:dc6-core"], services: ["ssh"] },
    ],
  },
  {
    name: "nested-zones-with-holes",
    files: {
      "a-zones.yaml": `
zones:
  internet: ["0.0.0.0/0"]
  corp: ["10.0.0.0/8"]
  servers: { networks: ["10.20.0.0/16"] }
  pci: ["10.20.50.0/24", "10.20.51.128/25"]
  iso: ["10.20.50.64/26"]
  honeypot: ["10.20.50.77"]
  vpn: ["10.8.0.0/20"]
  vendors: ["10.8.14.0/24"]
  guest: ["10.8.14.128/25"]
`,
      "b-things.yaml": `
assets:
  db-1: { addresses: ["10.20.50.20"], zone: pci }
  db-pool: { addresses: ["10.20.51.128/26"], zone: pci }
  app-1: { addresses: ["10.20.7.1", "10.20.7.2"], zone: servers }
  vendor-gw: { addresses: ["10.8.14.1"], zone: vendors }
  outside: { addresses: ["172.16.0.1"] }
services:
  pg: ["tcp/5432"]
  app-api: ["tcp/8000-8999", "tcp/80"]
  appsuite: [pg, app-api, "udp/1000-1002"]
`,
      "c-rules.yml": `
flows:
  - { name: corp-to-servers, from: zone:corp, to: zone:servers, services: [appsuite, ssh] }
  - { name: servers-to-pci, from: zone:servers, to: zone:pci, services: pg }
  - { name: vpn-in, from: zone:vpn, to: [zone:corp, zone:servers], services: ["tcp", "icmp"] }
  - { name: vendors-to-app, from: zone:vendors, to: asset:app-1, services: ["tcp/443", "icmp/8/0"] }
  - { name: guest-web, from: zone:guest, to: zone:internet, services: [http, https] }
  - { name: iso-only, from: zone:iso, to: zone:honeypot, services: [any] }
  - { name: internet-in, from: zone:internet, to: "10.20.7.0/24", services: ["tcp/443", "gre"] }
  - { name: outside-db, from: asset:outside, to: asset:db-pool, services: [pg] }
denies:
  - { name: no-vendor-to-pci, from: zone:vendors, to: zone:pci }
  - { name: no-ssh-pci, from: "10.0.0.0/8", to: zone:pci, services: [ssh] }
  - { name: no-high-ports, from: zone:corp, to: zone:servers, services: ["tcp/8500-8999"] }
  - { name: no-gre-honeypot, from: any, to: "10.20.7.128/25", services: [gre] }
`,
    },
    questions: [
      { from: ["zone:corp"], to: ["zone:servers"], services: ["appsuite"] },
      { from: ["zone:servers"], to: ["asset:db-1"], services: ["pg"] },
      { from: ["zone:vendors"], to: ["zone:pci"], services: [] },
      { from: ["zone:guest"], to: ["zone:internet"], services: ["https"] },
      { from: ["zone:vpn"], to: ["zone:servers"], services: ["tcp/22"] },
      { from: ["zone:iso"], to: ["zone:honeypot"], services: [] },
      { from: ["zone:internet"], to: ["10.20.7.0/24"], services: ["gre"] },
      { from: ["asset:outside"], to: ["zone:pci"], services: ["tcp/5432"] },
    ],
  },
  {
    name: "groups-of-groups-and-apps",
    files: {
      "policy.yaml": `
zones:
  a: ["192.0.2.0/24", "2001:db8:a::/48"]
  b: { networks: ["198.51.100.0/24", "2001:db8:b::/48"] }
  c: ["203.0.113.0/24"]
assets:
  a1: { addresses: ["192.0.2.10", "2001:db8:a::10"], zone: a }
  a2: { addresses: ["192.0.2.16/29"], zone: a }
  b1: { addresses: ["198.51.100.5"], zone: b }
  b2: { addresses: ["2001:db8:b::5"], zone: b }
  c1: { addresses: ["203.0.113.200/30"], zone: c }
  pods: { k8s: { namespace: shop, labels: { app: x } } }
groups:
  g1: ["asset:a1", "asset:b1"]
  g2: ["group:g1", "asset:c1", "198.51.100.128/25"]
  g3: ["group:g2", "group:g1", "zone:b"]
  g4: ["group:g3", "app:shop/web"]
applications:
  shop:
    owner: shop-team
    tiers:
      web: ["asset:a2", "group:g1"]
      app: ["asset:b2", "2001:db8:b::/64", "198.51.100.64/28"]
      db: ["asset:c1"]
  mon: { tiers: { probes: ["group:g2"] } }
services:
  web: [https, http]
  https: ["tcp/443", "tcp/8443"]
flows:
  - { name: web, from: any, to: app:shop/web, services: web }
  - { name: app, from: app:shop/web, to: app:shop/app, services: ["tcp/8080-8081", "TCP/9000"] }
  - { name: db, from: app:shop/app, to: app:shop/db, services: ["proto/6"] }
  - { name: mon, from: app:mon, to: app:shop, services: [ping, "icmp/0"] }
  - { name: g4-udp, from: group:g4, to: group:g3, services: ["udp/1-1024"] }
  - { name: oddproto, from: group:g2, to: zone:c, services: ["proto/0", "proto/255", vrrp, ospf, pim, igmp] }
  - { name: shop-internal, from: app:shop, to: app:shop, services: [sctp] }
denies:
  - { name: no-b1-web, from: any, to: asset:b1, services: ["tcp/443"] }
  - { name: no-udp-53, from: any, to: any, services: ["udp/53"] }
  - { name: shop-db-lock, from: zone:a, to: app:shop/db, services: ["tcp/0-1023"] }
  - { name: no-pim-c1, from: any, to: asset:c1, services: ["proto/pim"] }
`,
    },
    questions: [
      { from: ["any"], to: ["app:shop/web"], services: ["web"] },
      { from: ["app:shop/web"], to: ["app:shop/app"], services: ["tcp/8080"] },
      { from: ["app:shop/app"], to: ["app:shop/db"], services: ["tcp"] },
      { from: ["app:mon"], to: ["app:shop"], services: ["ping"] },
      { from: ["group:g4"], to: ["group:g3"], services: ["udp/1-1024"] },
      { from: ["group:g2"], to: ["asset:c1"], services: ["pim", "vrrp"] },
      { from: ["asset:a1"], to: ["asset:b2"], services: [] },
      { from: ["zone:a"], to: ["zone:c"], services: ["udp/53"] },
    ],
  },
  {
    name: "expiry-and-overlapping-denies",
    files: {
      "zones.yaml": `
zones:
  internet: ["0.0.0.0/0", "::/0"]
  lan: ["10.1.0.0/16", "2001:db8:1::/48"]
  dmz: ["10.2.0.0/24"]
`,
      "rules.yaml": `
flows:
  - { name: live, from: zone:lan, to: zone:dmz, services: ["tcp/1-65535"], expires: 2030-01-01 }
  - { name: today-last, from: zone:lan, to: zone:internet, services: [https], expires: 2025-06-15 }
  - { name: yesterday, from: zone:lan, to: zone:internet, services: ["udp/123"], expires: 2025-06-14 }
  - { name: old-any, from: any, to: any, expires: 2020-01-01 }
  - { name: lan-out, from: zone:lan, to: zone:internet, services: ["tcp/0-100", icmpv6, icmp, ntp] }
  - { name: dmz-ping, from: zone:dmz, to: zone:lan, services: ["icmp/8", "icmpv6/128/0"], expires: "2025-12-31" }
denies:
  - { name: expired-deny, from: zone:lan, to: zone:dmz, services: ["tcp/22"], expires: 2025-06-14 }
  - { name: live-deny, from: zone:lan, to: zone:dmz, services: ["tcp/23-25"], expires: 2025-06-15 }
  - { name: overlap-1, from: "10.1.0.0/17", to: any, services: ["tcp/50-60"] }
  - { name: overlap-2, from: "10.1.64.0/18", to: any, services: ["tcp/55-70"] }
  - { name: overlap-3, from: "2001:db8:1:8000::/49", to: any, services: ["tcp/50-60", "udp/123"] }
  - { name: no-redirects, from: any, to: any, services: ["icmp/5", "icmpv6/137"] }
`,
    },
    questions: [
      { from: ["zone:lan"], to: ["zone:dmz"], services: ["tcp/22"] },
      { from: ["zone:lan"], to: ["zone:dmz"], services: ["tcp/23-25"] },
      { from: ["zone:lan"], to: ["zone:internet"], services: ["https"] },
      { from: ["zone:lan"], to: ["zone:internet"], services: ["tcp/50-60"] },
      { from: ["10.1.128.0/17"], to: ["zone:internet"], services: ["tcp/50-54"] },
      { from: ["zone:lan"], to: ["zone:internet"], services: ["udp/123"] },
      { from: ["zone:dmz"], to: ["zone:lan"], services: ["ping"] },
      { from: ["any"], to: ["any"], services: ["udp/9999"] },
    ],
  },
];

// ---------------------------------------------------------------------------------------------------------

function writePolicy(c: Case): string {
  const root = join(dir, c.name);
  mkdirSync(root, { recursive: true });
  for (const [f, text] of Object.entries(c.files)) writeFileSync(join(root, f), text);
  return root;
}

function loadOracle(root: string): Oracle {
  const files = readdirSync(root)
    .filter((f) => /\.ya?ml$/.test(f) && statSync(join(root, f)).isFile())
    .sort();
  return new Oracle(
    files.map((f) => (parse(readFileSync(join(root, f), "utf8")) ?? {}) as Record<string, unknown>),
    TODAY,
  );
}

/** Packets of a reach question, sampled at the edges of its sets and services, kept only when inside it. */
function questionPackets(o: Oracle, q: Case["questions"][number], seed: number): Pkt[] {
  const rnd = prng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const ports = portEdgesOf(o);
  const all = [...o.zones.flatMap((z) => z.nets), ...Object.values(o.assets).flat()];
  const cands = (refs: string[]) =>
    [...refs.flatMap((r) => o.cidrsOf(r)), ...all].flatMap((c) => [
      ...boundaryAddrs(c, rnd),
      ...boundaryAddrs(c, rnd),
    ]);
  const srcs = cands(q.from).filter((a) => q.from.some((r) => o.inRef(r, a)));
  const dsts = cands(q.to).filter((a) => q.to.some((r) => o.inRef(r, a)));
  const atoms: Atom[] =
    q.services.length === 0 ? [{ kind: "any" }] : q.services.flatMap((s) => specAtoms(s, o.services));
  const out: Pkt[] = [];
  for (let i = 0; i < 6000 && srcs.length > 0 && dsts.length > 0; i++) {
    const s = pick(srcs);
    const sameFam = dsts.filter((d) => d.fam === s.fam);
    if (sameFam.length === 0) continue;
    const d = pick(sameFam);
    for (const h of atomPackets(pick(atoms), s.fam, rnd, ports)) {
      const p: Pkt = { fam: s.fam, src: s.v, dst: d.v, ...h };
      if (atoms.some((a) => atomMatches(a, p))) out.push(p);
    }
  }
  return out;
}

describe.each(CASES)("policy $name, judged independently", (c) => {
  const root = writePolicy(c);
  const env = { RAMPART_TODAY: TODAY };

  it("validates with no errors", async () => {
    const r = await runCli(["validate", root], { cwd: dir, env });
    expect(r.stderr).not.toMatch(/ error /);
    expect(r.stdout).not.toMatch(/ error /);
    expect(r.code).toBe(0);
  });

  it("explain --packets --json gives the documented verdict, flows and denies for every packet", async () => {
    const o = loadOracle(root);
    const packets = generate(o, c.name.length * 7919 + 17, 4000);
    const file = join(dir, `${c.name}.jsonl`);
    writeFileSync(file, packets.map((p) => JSON.stringify(packetJson(p))).join("\n") + "\n");
    const r = await runCli(["explain", root, "--packets", file, "--json"], { cwd: dir, env });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(packets.length);
    const mismatches: string[] = [];
    let allowed = 0;
    packets.forEach((p, i) => {
      const got = JSON.parse(lines[i]!) as { verdict: string; flows: string[]; denies: string[] };
      const want = o.judge(p);
      if (want.verdict === "allow") allowed++;
      const norm = (v: { verdict: string; flows: string[]; denies: string[] }) =>
        JSON.stringify([v.verdict, [...v.flows].sort(), [...v.denies].sort()]);
      if (norm(got) !== norm(want))
        mismatches.push(`${JSON.stringify(packetJson(p))}: rampart ${norm(got)}, expected ${norm(want)}`);
    });
    expect(mismatches.slice(0, 10)).toEqual([]);
    // The sample is not degenerate: both verdicts are well represented.
    expect(allowed).toBeGreaterThan(packets.length * 0.08);
    expect(allowed).toBeLessThan(packets.length * 0.9);
  });

  it("query reach --json agrees with the sampled packets of each question", async () => {
    const o = loadOracle(root);
    const verdicts = new Set<string>();
    for (const [i, q] of c.questions.entries()) {
      const args = ["query", "reach", root, "--from", q.from.join(","), "--to", q.to.join(","), "--json"];
      for (const s of q.services) args.push("--service", s);
      const r = await runCli(args, { cwd: dir, env });
      const label = `${c.name} question ${i}: ${args.slice(3).join(" ")}`;
      expect(r.code, label).toBe(0);
      const json = JSON.parse(r.stdout) as {
        verdict: string;
        emptyQuery: boolean;
        example: Record<string, unknown> | null;
      };
      verdicts.add(json.verdict);
      const sample = questionPackets(o, q, 1000 + i);
      expect(sample.length, label).toBeGreaterThan(20);
      const ok = sample.filter((p) => o.judge(p).verdict === "allow");
      const bad = sample.filter((p) => o.judge(p).verdict === "deny");
      const show = (p: Pkt | undefined) => (p ? JSON.stringify(packetJson(p)) : "");
      if (json.verdict === "allow") expect(show(bad[0]), `${label}: answered allow`).toBe("");
      if (json.verdict === "deny") expect(show(ok[0]), `${label}: answered deny`).toBe("");
      if (ok.length > 0 && bad.length > 0) expect(json.verdict, label).toBe("partial");
      // The example packet is one of the question's, denied unless the answer is allow.
      expect(json.emptyQuery, label).toBe(false);
      expect(json.example, label).not.toBeNull();
      const ex = json.example as { src: string; dst: string; proto: string | number; dport?: number };
      const src = parseIp(ex.src);
      const exPkt: Pkt = {
        fam: src.fam,
        src: src.v,
        dst: parseIp(ex.dst).v,
        proto: typeof ex.proto === "number" ? ex.proto : PROTO_NAMES[ex.proto]!,
        dport: ex.dport ?? 0,
        sport: 0,
        type: (json.example as { type?: number }).type ?? 0,
        code: (json.example as { code?: number }).code ?? 0,
      };
      expect(
        q.from.some((ref) => o.inRef(ref, { fam: src.fam, v: exPkt.src })),
        label,
      ).toBe(true);
      expect(
        q.to.some((ref) => o.inRef(ref, { fam: src.fam, v: exPkt.dst })),
        label,
      ).toBe(true);
      expect(o.judge(exPkt).verdict, `${label}: example ${JSON.stringify(ex)}`).toBe(
        json.verdict === "allow" ? "allow" : "deny",
      );
    }
    // The questions exercise more than one kind of answer.
    expect(verdicts.size).toBeGreaterThan(1);
  });
});

describe("an empty reach question", () => {
  it("answers deny with emptyQuery when the families never meet", async () => {
    const root = writePolicy({
      name: "empty-question",
      files: {
        "p.yaml":
          'zones: { v4: ["10.0.0.0/8"], v6: ["2001:db8::/32"] }\nflows:\n  - { name: f, from: any, to: any }\n',
      },
      questions: [],
    });
    const r = await runCli(["query", "reach", root, "--from", "zone:v4", "--to", "zone:v6", "--json"], {
      cwd: dir,
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ verdict: "deny", emptyQuery: true, example: null });
  });
});
