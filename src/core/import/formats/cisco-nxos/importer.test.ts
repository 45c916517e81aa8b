import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PacketSpace } from "../../../space/packet-set.js";
import type { ImportResult } from "../../model.js";
import { textPacket as pkt, zoneContext } from "../../../../../test/support/import-context.js";
import { ciscoNxosImporter } from "./importer.js";

const space = new PacketSpace();

function read(
  text: string,
  zones: Record<string, string[]> = {},
  ifs: Record<string, string> = {},
): ImportResult {
  return ciscoNxosImporter.import([{ name: "nx.cfg", text }], zoneContext(space, zones, ifs));
}

const CONFIG = `hostname leaf1
feature interface-vlan
!
object-group ip address SERVERS
  10 host 10.0.5.5
  20 10.0.6.0/24
  30 10.0.7.0 0.0.0.255
object-group ip port WEB
  10 eq 80
  20 range 8080 8090
!
ip access-list standard
  statistics per-entry
  fragments deny-all
  10 permit tcp 10.1.0.0/16 addrgroup SERVERS portgroup WEB
  30 deny ip any any
  20 permit udp any 10.0.6.0 0.0.0.255 eq domain
  remark late
  permit icmp any any echo
  permit ip any any packet-length gt 1000
!
ipv6 access-list V6
  10 permit tcp 2001:db8::/32 any eq 443
!
interface Ethernet1/1
  description uplink
  no switchport
  ip access-group standard in
  ipv6 traffic-filter V6 in
interface Ethernet1/2
  switchport
  ip port access-group standard in
`;

describe("cisco-nxos importer", () => {
  const r = read(CONFIG);
  const list = r.rules.filter((x) => x.list === "standard");
  const decide = (p: ReturnType<typeof pkt>) => list.find((x) => x.match.contains(p))?.source.line;

  it("reads `ip access-list NAME` whatever the name, in sequence-number order", () => {
    // 10, 20, 30, then the unnumbered entries at 40 and 50.
    expect(list.map((x) => x.source.line)).toEqual([15, 17, 16, 19, 20]);
    expect(list[3]!.label).toBe("late");
  });

  it("reads address and port groups with numbered members, prefixes and wildcards", () => {
    expect(decide(pkt("10.1.2.3", "10.0.5.5", 6, 80))).toBe(15);
    expect(decide(pkt("10.1.2.3", "10.0.7.9", 6, 8085))).toBe(15);
    expect(decide(pkt("10.1.2.3", "10.0.7.9", 6, 8091))).toBe(16);
    expect(decide(pkt("10.2.0.1", "10.0.6.1", 17, 53))).toBe(17);
    expect(decide(pkt("10.2.0.1", "10.0.6.1", 1, 0, 0, 8, 0))).toBe(16);
  });

  it("drops what no entry decides, lets a bound list decide the interface, and lists both ACLs", () => {
    expect(r.accepted.contains(pkt("10.1.2.3", "10.0.5.5", 6, 80))).toBe(true);
    expect(r.accepted.contains(pkt("10.2.0.1", "10.0.6.1", 17, 53))).toBe(true);
    expect(r.accepted.contains(pkt("10.2.0.1", "10.0.9.1", 17, 53))).toBe(false);
    expect(r.lists?.map((l) => [l.name, l.fallThrough, l.source?.line])).toEqual([
      ["standard", "drop", 12],
      ["V6", "drop", 22],
    ]);
  });

  it("permits no neighbor or router discovery implicitly in IPv6 ACLs, unlike IOS", () => {
    const v6 = r.rules.filter((x) => x.list === "V6");
    expect(v6.map((x) => x.source.text)).toEqual(["10 permit tcp 2001:db8::/32 any eq 443"]);
    expect(r.accepted.contains(pkt("2001:db8::9", "2001:db9::1", 6, 443))).toBe(true);
    expect(r.accepted.contains(pkt("fe80::1", "ff02::1", 58, 0, 0, 134, 0))).toBe(false);
    expect(r.accepted.contains(pkt("fe80::1", "ff02::1", 58, 0, 0, 136, 0))).toBe(false);
  });

  it("reports every line it does not fully read, with its state", () => {
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ["config-ignored", 1], // hostname
      ["config-ignored", 2], // feature
      ["config-ignored", 13], // statistics
      ["config-ignored", 14], // fragments
      ["config-unsupported", 20], // packet-length
      ["config-ignored", 25], // description, no switchport
      ["config-ignored", 30], // switchport
    ]);
  });

  it("reports a truncated entry, an unknown group and a MAC ACL, never throwing", () => {
    const bad = read(
      [
        "ip access-list A",
        "  10 deny tcp",
        "  20 permit ip addrgroup NOPE any",
        "  30 permit tcp any any portgroup NOPE",
        "mac access-list M",
        "  permit any any",
      ].join("\n"),
    );
    expect(bad.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ["config-syntax", 2],
      ["config-syntax", 3],
      ["config-syntax", 4],
      ["config-unsupported", 5],
    ]);
    expect(bad.rules).toHaveLength(0);
  });
});

describe("cisco-nxos importer: empty ACLs", () => {
  it("denies everything through an ACL with no entries (its implicit deny), where IOS would let all through", () => {
    const r = read("ip access-list EMPTY\ninterface Ethernet1/1\n  ip access-group EMPTY in\n");
    expect(r.lists?.map((l) => [l.name, l.fallThrough])).toEqual([["EMPTY", "drop"]]);
    expect(r.accepted.contains(pkt("10.0.0.1", "10.0.0.2", 6, 80))).toBe(false);
    // IPv6 meets no ACL.
    expect(r.accepted.contains(pkt("2001:db8::1", "2001:db8::2", 6, 80))).toBe(true);
  });
});

describe("cisco-nxos importer: robustness", () => {
  const words = [
    "ip",
    "ipv6",
    "access-list",
    "object-group",
    "address",
    "port",
    "addrgroup",
    "portgroup",
    "permit",
    "deny",
    "tcp",
    "udp",
    "icmp",
    "any",
    "host",
    "10.0.0.1",
    "10.0.0.0/8",
    "0.0.0.255",
    "eq",
    "range",
    "80",
    "gt",
    "10",
    "remark",
    "interface",
    "Ethernet1/1",
    "access-group",
    "in",
    "out",
    "G",
    "A",
    "log",
    "established",
    "2001:db8::/32",
    "dscp",
    "ttl",
    "packet-length",
    "}",
    "!",
    "no",
  ];
  const line = fc
    .tuple(fc.constantFrom("", "  "), fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 9 }))
    .map(([indent, ws]) => indent + ws.join(" "));

  it("never throws on lines made of its own keywords, and puts every diagnostic on a line of the file", () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 25 }), (lines) => {
        const text = lines.join("\n");
        const r = read(text);
        for (const d of r.diagnostics) {
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.line).toBeLessThanOrEqual(lines.length);
        }
        for (const rule of r.rules)
          if (!rule.source.text.startsWith("(implicit)"))
            expect(lines[rule.source.line - 1]!.trim()).toBe(rule.source.text);
      }),
      { numRuns: 300 },
    );
  });
});
