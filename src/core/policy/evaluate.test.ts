import { describe, expect, it } from "vitest";
import { parseAddress } from "../net/address.js";
import { parsePrefix } from "../net/prefix.js";
import { PROTO } from "../net/protocol.js";
import { makePacket, type Packet } from "../space/packet.js";
import type { SourceLocation } from "./diagnostics.js";
import { atomMatches, evaluatePacket, zoneOf } from "./evaluate.js";
import { ServiceResolver } from "./services.js";
import type { Application, Asset, Group, NetworkEntry, Policy, Rule, ServiceDef, Zone } from "./types.js";

const loc: SourceLocation = { file: "p.yaml", line: 1, column: 1 };
const refs = (values: readonly string[]) => values.map((value) => ({ value, loc }));
const net = (text: string): NetworkEntry => ({ prefix: parsePrefix(text), text, loc });
const zone = (name: string, ...cidrs: string[]): Zone => ({ name, loc, networks: cidrs.map(net) });
const asset = (name: string, ...cidrs: string[]): Asset => ({
  name,
  loc,
  addresses: cidrs.map(net),
  data: [],
  tags: [],
});
const group = (name: string, ...members: string[]): Group => ({ name, loc, members: refs(members) });
const app = (name: string, tiers: Record<string, string[]>): Application => ({
  name,
  loc,
  tiers: Object.entries(tiers).map(([t, members]) => ({ name: t, loc, members: refs(members) })),
});
const rule = (
  kind: "flow" | "deny",
  name: string,
  from: string[],
  to: string[],
  services: string[] = [],
  expires?: string,
): Rule => ({
  kind,
  name,
  loc,
  from: refs(from),
  to: refs(to),
  services: refs(services),
  log: false,
  ...(expires === undefined ? {} : { expires: { value: expires, loc } }),
});
const flow = (name: string, from: string[], to: string[], services?: string[], expires?: string) =>
  rule("flow", name, from, to, services, expires);
const deny = (name: string, from: string[], to: string[], services?: string[], expires?: string) =>
  rule("deny", name, from, to, services, expires);

function policy(p: Partial<Policy>): Policy {
  return {
    zones: [],
    services: [],
    assets: [],
    groups: [],
    applications: [],
    flows: [],
    denies: [],
    enforcement: [],
    assertions: [],
    ...p,
  };
}

const tcp = (src: string, dst: string, dport: number, sport = 40000): Packet =>
  makePacket({ src: parseAddress(src), dst: parseAddress(dst), proto: PROTO.tcp, sport, dport });
const udp = (src: string, dst: string, dport: number): Packet =>
  makePacket({ src: parseAddress(src), dst: parseAddress(dst), proto: PROTO.udp, sport: 5000, dport });
const icmp = (src: string, dst: string, icmpType: number, icmpCode = 0, proto: number = PROTO.icmp): Packet =>
  makePacket({ src: parseAddress(src), dst: parseAddress(dst), proto, icmpType, icmpCode });
const raw = (src: string, dst: string, proto: number): Packet =>
  makePacket({ src: parseAddress(src), dst: parseAddress(dst), proto });

const today = "2025-06-15";
const verdict = (p: Policy, packet: Packet) => evaluatePacket(p, packet, { today }).verdict;
const names = (rules: readonly Rule[]) => rules.map((r) => r.name);

describe("zoneOf", () => {
  const p = policy({
    zones: [
      zone("corp", "10.0.0.0/8", "2001:db8::/32"),
      zone("dmz", "10.1.0.0/16"),
      zone("web", "10.1.2.0/24", "2001:db8:1::/48"),
      zone("twin", "10.1.2.0/24"),
    ],
  });

  it("picks the zone with the longest containing prefix", () => {
    expect(zoneOf(p, parseAddress("10.9.9.9"))).toBe("corp");
    expect(zoneOf(p, parseAddress("10.1.9.9"))).toBe("dmz");
    expect(zoneOf(p, parseAddress("10.1.2.3"))).toBe("web");
  });

  it("gives a prefix listed in two zones to the first", () => {
    expect(zoneOf(p, parseAddress("10.1.2.200"))).toBe("web");
  });

  it("does the same for IPv6, and keeps the families apart", () => {
    expect(zoneOf(p, parseAddress("2001:db8:2::1"))).toBe("corp");
    expect(zoneOf(p, parseAddress("2001:db8:1::1"))).toBe("web");
    expect(zoneOf(p, parseAddress("::ffff:10.1.2.3"))).toBeUndefined();
  });

  it("is undefined outside every zone", () => {
    expect(zoneOf(p, parseAddress("192.168.1.1"))).toBeUndefined();
  });
});

describe("evaluatePacket: addresses", () => {
  const zones = [zone("corp", "10.0.0.0/8", "fd00::/8"), zone("dmz", "10.1.0.0/16", "fd00:1::/32")];

  it("matches zone membership by longest prefix, so a nested zone leaves its parent", () => {
    const p = policy({ zones, flows: [flow("corp-to-dmz", ["zone:corp"], ["zone:dmz"], ["tcp/443"])] });
    expect(verdict(p, tcp("10.5.0.1", "10.1.0.1", 443))).toBe("allow");
    expect(verdict(p, tcp("10.1.0.9", "10.1.0.1", 443))).toBe("deny");
    expect(verdict(p, tcp("10.5.0.1", "10.5.0.2", 443))).toBe("deny");
    expect(verdict(p, tcp("fd00:5::1", "fd00:1::1", 443))).toBe("allow");
    expect(verdict(p, tcp("fd00:1::9", "fd00:1::1", 443))).toBe("deny");
  });

  it("matches assets by their addresses", () => {
    const p = policy({
      assets: [asset("db", "10.2.0.5", "fd00::5"), asset("pod", "10.3.0.0/24")],
      flows: [flow("pod-db", ["asset:pod"], ["asset:db"], ["postgres"])],
    });
    expect(verdict(p, tcp("10.3.0.77", "10.2.0.5", 5432))).toBe("allow");
    expect(verdict(p, tcp("10.3.0.77", "10.2.0.6", 5432))).toBe("deny");
    expect(verdict(p, tcp("10.3.1.77", "10.2.0.5", 5432))).toBe("deny");
  });

  it("matches literal IPs and CIDRs of either family", () => {
    const p = policy({
      flows: [flow("lit", ["192.0.2.0/24", "2001:db8::/64"], ["198.51.100.7", "2001:db8:9::7"])],
    });
    expect(verdict(p, tcp("192.0.2.200", "198.51.100.7", 1))).toBe("allow");
    expect(verdict(p, tcp("192.0.2.200", "198.51.100.8", 1))).toBe("deny");
    expect(verdict(p, tcp("2001:db8::abcd", "2001:db8:9::7", 1))).toBe("allow");
    expect(verdict(p, tcp("2001:db8:1::abcd", "2001:db8:9::7", 1))).toBe("deny");
  });

  it("matches any address of either family with any", () => {
    const p = policy({ flows: [flow("all", ["any"], ["any"])] });
    expect(verdict(p, tcp("1.2.3.4", "5.6.7.8", 80))).toBe("allow");
    expect(verdict(p, raw("::1", "::2", PROTO.gre))).toBe("allow");
  });

  it("matches groups through nested groups", () => {
    const p = policy({
      zones,
      assets: [asset("jump", "10.9.0.1")],
      groups: [group("admins", "asset:jump", "group:ops"), group("ops", "192.0.2.0/24", "zone:dmz")],
      flows: [flow("admin-ssh", ["group:admins"], ["any"], ["ssh"])],
    });
    expect(verdict(p, tcp("10.9.0.1", "10.0.0.1", 22))).toBe("allow");
    expect(verdict(p, tcp("192.0.2.5", "10.0.0.1", 22))).toBe("allow");
    expect(verdict(p, tcp("10.1.3.3", "10.0.0.1", 22))).toBe("allow");
    expect(verdict(p, tcp("10.9.0.2", "10.0.0.1", 22))).toBe("deny");
  });

  it("lets a group cycle contribute nothing beyond its direct members", () => {
    const p = policy({
      groups: [group("a", "10.0.0.1", "group:b"), group("b", "10.0.0.2", "group:a")],
      flows: [flow("f", ["group:a"], ["any"])],
    });
    expect(verdict(p, tcp("10.0.0.1", "1.1.1.1", 1))).toBe("allow");
    expect(verdict(p, tcp("10.0.0.2", "1.1.1.1", 1))).toBe("allow");
    expect(verdict(p, tcp("10.0.0.3", "1.1.1.1", 1))).toBe("deny");
  });

  it("matches an app through any tier, and a tier through its own members only", () => {
    const p = policy({
      assets: [asset("db1", "10.2.0.5")],
      groups: [group("web-nodes", "10.1.0.0/24")],
      applications: [app("shop", { web: ["group:web-nodes"], db: ["asset:db1"] })],
      flows: [
        flow("web-db", ["app:shop/web"], ["app:shop/db"], ["tcp/5432"]),
        flow("mon", ["192.0.2.1"], ["app:shop"], ["tcp/9100"]),
      ],
    });
    expect(verdict(p, tcp("10.1.0.9", "10.2.0.5", 5432))).toBe("allow");
    expect(verdict(p, tcp("10.2.0.5", "10.1.0.9", 5432))).toBe("deny");
    expect(verdict(p, tcp("192.0.2.1", "10.1.0.9", 9100))).toBe("allow");
    expect(verdict(p, tcp("192.0.2.1", "10.2.0.5", 9100))).toBe("allow");
  });

  it("guards a cycle through an app and a group", () => {
    const p = policy({
      groups: [group("g", "app:a/t")],
      applications: [app("a", { t: ["group:g", "10.0.0.1"] })],
      flows: [flow("f", ["app:a"], ["any"])],
    });
    expect(verdict(p, tcp("10.0.0.1", "1.1.1.1", 1))).toBe("allow");
    expect(verdict(p, tcp("10.0.0.2", "1.1.1.1", 1))).toBe("deny");
  });

  it("matches nothing for unknown references", () => {
    const p = policy({
      applications: [app("shop", { web: ["any"] })],
      flows: [
        flow("f", ["zone:nope", "asset:nope", "group:nope", "app:nope", "app:shop/nope", "bogus"], ["any"]),
      ],
    });
    expect(verdict(p, tcp("10.0.0.1", "1.1.1.1", 1))).toBe("deny");
  });
});

describe("evaluatePacket: services", () => {
  const anyToAny = (services: string[]) => policy({ flows: [flow("f", ["any"], ["any"], services)] });

  it("matches every packet when a rule lists no services", () => {
    const p = anyToAny([]);
    expect(verdict(p, tcp("1.1.1.1", "2.2.2.2", 1))).toBe("allow");
    expect(verdict(p, icmp("1.1.1.1", "2.2.2.2", 8))).toBe("allow");
    expect(verdict(p, raw("1.1.1.1", "2.2.2.2", PROTO.esp))).toBe("allow");
  });

  it("matches ports on the destination port and protocol only", () => {
    const p = anyToAny(["tcp/80,8000-8999"]);
    expect(verdict(p, tcp("1.1.1.1", "2.2.2.2", 80))).toBe("allow");
    expect(verdict(p, tcp("1.1.1.1", "2.2.2.2", 8999))).toBe("allow");
    expect(verdict(p, tcp("1.1.1.1", "2.2.2.2", 9000))).toBe("deny");
    expect(verdict(p, tcp("1.1.1.1", "2.2.2.2", 22, 80))).toBe("deny");
    expect(verdict(p, udp("1.1.1.1", "2.2.2.2", 80))).toBe("deny");
  });

  it("matches protocol-only atoms on the protocol", () => {
    const p = anyToAny(["udp", "gre"]);
    expect(verdict(p, udp("1.1.1.1", "2.2.2.2", 1))).toBe("allow");
    expect(verdict(p, raw("1.1.1.1", "2.2.2.2", PROTO.gre))).toBe("allow");
    expect(verdict(p, tcp("1.1.1.1", "2.2.2.2", 1))).toBe("deny");
  });

  it("matches ICMP type, and code when one is given", () => {
    const p = anyToAny(["icmp/8", "icmp/3/4", "icmpv6/128"]);
    expect(verdict(p, icmp("1.1.1.1", "2.2.2.2", 8, 0))).toBe("allow");
    expect(verdict(p, icmp("1.1.1.1", "2.2.2.2", 8, 5))).toBe("allow");
    expect(verdict(p, icmp("1.1.1.1", "2.2.2.2", 3, 4))).toBe("allow");
    expect(verdict(p, icmp("1.1.1.1", "2.2.2.2", 3, 3))).toBe("deny");
    expect(verdict(p, icmp("1.1.1.1", "2.2.2.2", 0))).toBe("deny");
    expect(verdict(p, icmp("::1", "::2", 128, 0, PROTO.icmpv6))).toBe("allow");
    expect(verdict(p, icmp("::1", "::2", 8, 0, PROTO.icmpv6))).toBe("deny");
  });

  it("matches bare icmp as every ICMP type", () => {
    const p = anyToAny(["icmp"]);
    expect(verdict(p, icmp("1.1.1.1", "2.2.2.2", 13, 0))).toBe("allow");
    expect(verdict(p, icmp("::1", "::2", 128, 0, PROTO.icmpv6))).toBe("deny");
  });

  it("resolves user services, and accepts a resolver passed in", () => {
    const services: ServiceDef[] = [{ name: "app", loc, entries: refs(["tcp/7000", "https"]) }];
    const p = policy({ services, flows: [flow("f", ["any"], ["any"], ["app"])] });
    expect(verdict(p, tcp("1.1.1.1", "2.2.2.2", 443))).toBe("allow");
    expect(verdict(p, tcp("1.1.1.1", "2.2.2.2", 7000))).toBe("allow");
    const other = new ServiceResolver([{ name: "app", loc, entries: refs(["tcp/7001"]) }]);
    expect(evaluatePacket(p, tcp("1.1.1.1", "2.2.2.2", 7001), { today, services: other }).verdict).toBe(
      "allow",
    );
  });

  it("atomMatches ignores the source port", () => {
    const atom = { kind: "ports", proto: PROTO.tcp, ranges: [{ lo: 443, hi: 443 }] } as const;
    expect(atomMatches(atom, tcp("1.1.1.1", "2.2.2.2", 443, 1))).toBe(true);
    expect(atomMatches(atom, tcp("1.1.1.1", "2.2.2.2", 1, 443))).toBe(false);
  });
});

describe("evaluatePacket: verdicts", () => {
  const zones = [zone("corp", "10.0.0.0/8"), zone("pci", "10.50.0.0/16")];

  it("denies by default, with no rules named", () => {
    expect(evaluatePacket(policy({ zones }), tcp("10.0.0.1", "10.0.0.2", 22), { today })).toEqual({
      verdict: "deny",
      allowedBy: [],
      deniedBy: [],
      expiredMatches: [],
    });
  });

  it("allows and names every matching flow", () => {
    const p = policy({
      zones,
      flows: [
        flow("web", ["zone:corp"], ["zone:pci"], ["https"]),
        flow("all-tcp", ["zone:corp"], ["any"], ["tcp"]),
        flow("ssh", ["zone:corp"], ["any"], ["ssh"]),
      ],
    });
    const e = evaluatePacket(p, tcp("10.0.0.1", "10.50.0.1", 443), { today });
    expect(e.verdict).toBe("allow");
    expect(names(e.allowedBy)).toEqual(["web", "all-tcp"]);
    expect(e.deniedBy).toEqual([]);
  });

  it("lets a deny win, naming the denies and the flows it overrides", () => {
    const p = policy({
      zones,
      flows: [flow("corp-any", ["zone:corp"], ["any"])],
      denies: [
        deny("no-telnet", ["any"], ["zone:pci"], ["telnet"]),
        deny("no-tcp", ["any"], ["zone:pci"], ["tcp"]),
      ],
    });
    const e = evaluatePacket(p, tcp("10.0.0.1", "10.50.0.1", 23), { today });
    expect(e.verdict).toBe("deny");
    expect(names(e.deniedBy)).toEqual(["no-telnet", "no-tcp"]);
    expect(names(e.allowedBy)).toEqual(["corp-any"]);
    expect(verdict(p, udp("10.0.0.1", "10.50.0.1", 23))).toBe("allow");
  });

  it("stops applying an expired flow after its day, and lists it", () => {
    const p = policy({
      zones,
      flows: [flow("temp", ["zone:corp"], ["zone:pci"], ["ssh"], "2025-06-14")],
    });
    const packet = tcp("10.0.0.1", "10.50.0.1", 22);
    expect(evaluatePacket(p, packet, { today: "2025-06-14" }).verdict).toBe("allow");
    const e = evaluatePacket(p, packet, { today: "2025-06-15" });
    expect(e.verdict).toBe("deny");
    expect(e.allowedBy).toEqual([]);
    expect(names(e.expiredMatches)).toEqual(["temp"]);
    expect(evaluatePacket(p, tcp("10.0.0.1", "10.50.0.1", 23), { today }).expiredMatches).toEqual([]);
  });

  it("stops applying an expired deny too", () => {
    const p = policy({
      zones,
      flows: [flow("corp-any", ["zone:corp"], ["any"])],
      denies: [deny("freeze", ["any"], ["zone:pci"], [], "2025-01-31")],
    });
    const e = evaluatePacket(p, tcp("10.0.0.1", "10.50.0.1", 443), { today });
    expect(e.verdict).toBe("allow");
    expect(e.deniedBy).toEqual([]);
    expect(names(e.expiredMatches)).toEqual(["freeze"]);
  });

  it("evaluates packets of each family independently", () => {
    const p = policy({ flows: [flow("v6", ["2001:db8::/32"], ["any"], ["ping"])] });
    expect(verdict(p, icmp("2001:db8::1", "2001:db8::2", 128, 0, PROTO.icmpv6))).toBe("allow");
    expect(verdict(p, icmp("192.0.2.1", "192.0.2.2", 8))).toBe("deny");
  });
});
