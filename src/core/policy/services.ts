// Services: the literal spec syntax ("tcp/443", "icmp/3/4", "gre"), the built-in catalog, and name resolution.

import { hasIcmp, hasPorts, knownProtocolNames, tryParseProtocol } from "../net/protocol.js";
import { closestName, type Diagnostic, diagnostic } from "./diagnostics.js";
import type { PortRange, ServiceAtom, ServiceDef, ServiceEntry } from "./types.js";

/**
 * Well-known services, by name. Every entry is a literal spec (built-ins never name each other).
 * A user-defined service of the same name shadows the built-in everywhere, including inside other services.
 */
export const BUILTIN_SERVICES: Readonly<Record<string, readonly string[]>> = {
  // Web and remote access
  http: ["tcp/80"],
  https: ["tcp/443"],
  "http-alt": ["tcp/8080"],
  ssh: ["tcp/22"],
  telnet: ["tcp/23"],
  ftp: ["tcp/20-21"],
  tftp: ["udp/69"],
  rdp: ["tcp/3389", "udp/3389"],
  vnc: ["tcp/5900"],
  winrm: ["tcp/5985-5986"],
  // Mail
  smtp: ["tcp/25"],
  smtps: ["tcp/465"],
  submission: ["tcp/587"],
  imap: ["tcp/143"],
  imaps: ["tcp/993"],
  pop3: ["tcp/110"],
  pop3s: ["tcp/995"],
  // Infrastructure
  dns: ["udp/53", "tcp/53"],
  dot: ["tcp/853"],
  ntp: ["udp/123"],
  snmp: ["udp/161"],
  "snmp-trap": ["udp/162"],
  syslog: ["udp/514"],
  "syslog-tls": ["tcp/6514"],
  dhcp: ["udp/67-68"],
  dhcpv6: ["udp/546-547"],
  radius: ["udp/1812-1813"],
  tacacs: ["tcp/49"],
  bgp: ["tcp/179"],
  ipsec: ["udp/500", "udp/4500", "esp"],
  // Directory, identity and file sharing
  ldap: ["tcp/389", "udp/389"],
  ldaps: ["tcp/636"],
  kerberos: ["tcp/88", "udp/88"],
  smb: ["tcp/445"],
  netbios: ["udp/137-138", "tcp/139"],
  nfs: ["tcp/2049", "udp/2049"],
  // Voice
  sip: ["udp/5060", "tcp/5060"],
  sips: ["tcp/5061"],
  // Databases and middleware
  mysql: ["tcp/3306"],
  postgres: ["tcp/5432"],
  mssql: ["tcp/1433"],
  oracle: ["tcp/1521"],
  redis: ["tcp/6379"],
  mongodb: ["tcp/27017"],
  elasticsearch: ["tcp/9200"],
  kafka: ["tcp/9092"],
  amqp: ["tcp/5672"],
  amqps: ["tcp/5671"],
  mqtt: ["tcp/1883"],
  mqtts: ["tcp/8883"],
  memcached: ["tcp/11211"],
  // Industrial control
  modbus: ["tcp/502"],
  dnp3: ["tcp/20000"],
  s7comm: ["tcp/102"],
  "opc-ua": ["tcp/4840"],
  bacnet: ["udp/47808"],
  "ethernet-ip": ["tcp/44818", "udp/2222"],
  // Platforms and monitoring
  "k8s-api": ["tcp/6443"],
  kubelet: ["tcp/10250"],
  etcd: ["tcp/2379-2380"],
  prometheus: ["tcp/9090"],
  "node-exporter": ["tcp/9100"],
  // Diagnostics
  ping: ["icmp/8", "icmpv6/128"],
  "icmp-all": ["icmp", "icmpv6"],
  traceroute: ["udp/33434-33534"],
};

export type SpecResult =
  { ok: true; atoms: ServiceAtom[] } | { ok: false; code: "invalid-service" | "port-range"; message: string };

const ANY_WORDS: ReadonlySet<string> = new Set(["any", "all", "ip"]);
const MAX_PORT = 65535;

/**
 * Parses a literal service spec; returns undefined when the text is not spec syntax (then it is a service name).
 *
 * Spec syntax is: "any"/"all"/"ip", a protocol name ("tcp", "gre", "icmpv6"), anything containing "/"
 * ("tcp/443", "icmp/3/4", "proto/47"), a bare number (rejected with a hint), or the empty string.
 * So a service whose name collides with spec syntax (a user service called "tcp") can never be referenced:
 * spec syntax wins, because the meaning of "tcp" must not change with what a policy happens to define.
 */
export function parseServiceSpec(text: string): SpecResult | undefined {
  const t = text.trim().toLowerCase();
  if (t === "") return invalid(`Empty service; write a spec such as "tcp/443" or a service name`);
  if (ANY_WORDS.has(t)) return { ok: true, atoms: [{ kind: "any" }] };
  if (/^[0-9]+$/.test(t))
    return invalid(`"${text}" is not a service; write "tcp/${t}", "udp/${t}" or "proto/${t}"`);
  const [head = "", ...rest] = t.split("/");
  if (head === "proto") return parseProto(text, rest);
  const proto = /^[0-9]+$/.test(head) ? undefined : tryParseProtocol(head);
  if (proto === undefined) {
    if (rest.length === 0) return undefined; // a plain word: a service name
    const hint = closestName(head, ["proto", ...knownProtocolNames()]);
    return invalid(`Unknown protocol "${head}" in "${text}"${hint ? `; did you mean "${hint}"?` : ""}`);
  }
  if (rest.length === 0) return { ok: true, atoms: [{ kind: "protocol", proto }] };
  if (hasPorts(proto)) return parsePorts(text, proto, rest);
  if (hasIcmp(proto)) return parseIcmp(text, proto, rest);
  return invalid(
    `"${text}" is not a valid service: protocol "${head}" has no ports or types; write "${head}"`,
  );
}

function invalid(message: string): SpecResult {
  return { ok: false, code: "invalid-service", message };
}

function parseProto(text: string, rest: readonly string[]): SpecResult {
  const proto = rest.length === 1 ? tryParseProtocol(rest[0] ?? "") : undefined;
  if (proto === undefined)
    return invalid(
      `"${text}" is not a valid service: write "proto/N" with N a protocol number 0-255 or name`,
    );
  return { ok: true, atoms: [{ kind: "protocol", proto }] };
}

function parsePorts(text: string, proto: number, rest: readonly string[]): SpecResult {
  if (rest.length !== 1)
    return invalid(`"${text}" is not a valid service: write "PROTO/PORTS", e.g. "tcp/80,443,8000-8999"`);
  const ranges: PortRange[] = [];
  for (const item of (rest[0] ?? "").split(",")) {
    const m = /^([0-9]+)(?:-([0-9]+))?$/.exec(item.trim());
    if (!m) return invalid(`"${text}" is not a valid service: "${item.trim()}" is not a port or port range`);
    const [, loText = "", hiText = loText] = m;
    for (const p of [loText, hiText])
      if (Number(p) > MAX_PORT)
        return { ok: false, code: "port-range", message: `Port ${p} in "${text}" is outside 0-${MAX_PORT}` };
    const lo = Number(loText);
    const hi = Number(hiText);
    if (lo > hi)
      return { ok: false, code: "port-range", message: `Port range "${lo}-${hi}" in "${text}" is reversed` };
    ranges.push({ lo, hi });
  }
  return { ok: true, atoms: [{ kind: "ports", proto, ranges }] };
}

function parseIcmp(text: string, proto: number, rest: readonly string[]): SpecResult {
  const nums = rest.map((s) => (/^[0-9]{1,3}$/.test(s.trim()) ? Number(s.trim()) : NaN));
  if (rest.length > 2 || nums.some((n) => !(n >= 0 && n <= 255)))
    return invalid(`"${text}" is not a valid service: write "icmp/TYPE" or "icmp/TYPE/CODE", each 0-255`);
  const [type = 0, code] = nums;
  return {
    ok: true,
    atoms: [code === undefined ? { kind: "icmp", proto, type } : { kind: "icmp", proto, type, code }],
  };
}

/** Resolves service entries (specs or names) to atoms, against user definitions and the built-in catalog. */
export class ServiceResolver {
  private readonly defs = new Map<string, ServiceDef>();
  private readonly expanded = new Map<string, ServiceAtom[]>();

  constructor(defs: readonly ServiceDef[]) {
    // The first definition of a name wins; duplicates are reported by the parser.
    for (const d of defs) if (!this.defs.has(d.name)) this.defs.set(d.name, d);
  }

  /**
   * Resolves a list of entries (specs or names) to atoms; empty list → [{ kind: "any" }].
   * Diagnostics concern the entries themselves (bad spec, unknown name), each at its loc. Problems inside
   * the named definitions are reported once by checkDefinitions, not at every use: here a broken part
   * of a definition just contributes nothing, and a cycle is followed only once around.
   */
  resolve(entries: readonly ServiceEntry[]): { atoms: ServiceAtom[]; diagnostics: Diagnostic[] } {
    if (entries.length === 0) return { atoms: [{ kind: "any" }], diagnostics: [] };
    const atoms: ServiceAtom[] = [];
    const diagnostics: Diagnostic[] = [];
    for (const entry of entries) {
      const spec = parseServiceSpec(entry.value);
      if (spec?.ok) atoms.push(...spec.atoms);
      else if (spec) diagnostics.push(diagnostic(spec.code, "error", spec.message, entry.loc));
      else if (this.isKnown(entry.value)) atoms.push(...this.expand(entry.value));
      else diagnostics.push(this.unknown(entry));
    }
    return { atoms: simplify(atoms), diagnostics };
  }

  /** Checks every user definition once (unknown names, cycles, bad specs); each problem reported once, at its place. */
  checkDefinitions(): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const def of this.defs.values()) {
      if (def.entries.length === 0)
        out.push(
          diagnostic(
            "invalid-service",
            "warning",
            `Service "${def.name}" lists no entries; it matches nothing`,
            def.loc,
          ),
        );
      for (const entry of def.entries) {
        const spec = parseServiceSpec(entry.value);
        if (spec && !spec.ok) out.push(diagnostic(spec.code, "error", spec.message, entry.loc));
        else if (!spec && !this.isKnown(entry.value)) out.push(this.unknown(entry));
      }
    }
    return [...out, ...this.findCycles()];
  }

  /** Names known (user + built-in), for did-you-mean. */
  names(): string[] {
    return [...new Set([...this.defs.keys(), ...Object.keys(BUILTIN_SERVICES)])];
  }

  private isKnown(name: string): boolean {
    return this.defs.has(name) || Object.hasOwn(BUILTIN_SERVICES, name);
  }

  private unknown(entry: ServiceEntry): Diagnostic {
    const hint = closestName(entry.value, this.names());
    const message = `Unknown service "${entry.value}"${hint ? `; did you mean "${hint}"?` : ""}`;
    return diagnostic("unknown-reference", "error", message, entry.loc);
  }

  /** Every atom reachable from a name: a graph walk, so cycles and diamonds are visited once. */
  private expand(name: string): ServiceAtom[] {
    const cached = this.expanded.get(name);
    if (cached) return cached;
    const atoms: ServiceAtom[] = [];
    const seen = new Set<string>();
    const stack = [name];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      const def = this.defs.get(n);
      const texts = def ? def.entries.map((e) => e.value) : (BUILTIN_SERVICES[n] ?? []);
      for (const text of texts) {
        const spec = parseServiceSpec(text);
        if (spec?.ok) atoms.push(...spec.atoms);
        else if (!spec && this.isKnown(text)) stack.push(text);
      }
    }
    const result = simplify(atoms);
    this.expanded.set(name, result);
    return result;
  }

  /** Depth-first search over user definitions; each back edge is one cycle, reported at the entry closing it. */
  private findCycles(): Diagnostic[] {
    const out: Diagnostic[] = [];
    const state = new Map<string, "open" | "done">();
    const path: string[] = [];
    const visit = (name: string): void => {
      const def = this.defs.get(name);
      if (!def) return; // built-ins refer to nothing
      state.set(name, "open");
      path.push(name);
      for (const entry of def.entries) {
        if (parseServiceSpec(entry.value) !== undefined || !this.isKnown(entry.value)) continue;
        const s = state.get(entry.value);
        if (s === "open") {
          const cycle = [...path.slice(path.indexOf(entry.value)), entry.value].join(" -> ");
          out.push(diagnostic("reference-cycle", "error", `Service reference cycle: ${cycle}`, entry.loc));
        } else if (s === undefined) visit(entry.value);
      }
      path.pop();
      state.set(name, "done");
    };
    for (const name of this.defs.keys()) if (!state.has(name)) visit(name);
    return out;
  }
}

/** Drops duplicate atoms, and everything else when one atom is "any". */
function simplify(atoms: readonly ServiceAtom[]): ServiceAtom[] {
  if (atoms.some((a) => a.kind === "any")) return [{ kind: "any" }];
  const byKey = new Map<string, ServiceAtom>();
  for (const a of atoms) byKey.set(JSON.stringify(a), a);
  return [...byKey.values()];
}
