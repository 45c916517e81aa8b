import { describe, expect, it } from "vitest";
import { PacketSpace } from "../../../space/packet-set.js";
import type { ImportResult } from "../../model.js";
import { textPacket, zoneContext } from "../../../../../test/support/import-context.js";
import { ciscoIosImporter } from "./importer.js";

const space = new PacketSpace();

/** A context whose zones are the given prefixes, mapped to interfaces. */
const context = (zones: Record<string, string[]> = {}, interfaces: Record<string, string> = {}) =>
  zoneContext(space, zones, interfaces);

function read(text: string, ctx = context()): ImportResult {
  return ciscoIosImporter.import([{ name: "rtr.cfg", text }], ctx);
}

const pkt = textPacket;

const lines = (r: ImportResult) => r.diagnostics.map((d) => [d.code, d.line]);

const RUNNING = `Building configuration...

Current configuration : 4242 bytes
!
! Last configuration change at 10:12:01 UTC Mon Mar 3 2025
version 17.9
hostname lyon-rtr
!
banner motd ^C
 Authorized access only. permit ip any any
 access-list 1 permit any
^C
!
object-group network DC-SERVERS
 description data center
 host 10.20.1.10
 10.20.2.0 255.255.255.0
 group-object MORE
object-group network MORE
 range 10.20.9.1 10.20.9.3
object-group service WEB
 tcp eq www
 tcp eq 443
 tcp-udp eq domain
!
interface GigabitEthernet0/0/0
 description uplink
 ip address 192.0.2.2 255.255.255.0
 ip access-group EDGE-IN in
 ipv6 traffic-filter EDGE6 in
 negotiation auto
!
interface GigabitEthernet0/1/0
 ip address 10.11.0.1 255.255.0.0
 ip access-group 101 in
!
router ospf 1
 network 10.11.0.0 0.0.255.255 area 0
!
ip access-list extended EDGE-IN
 10 remark web to the data center
 20 permit object-group WEB any object-group DC-SERVERS
 30 permit tcp any any established
 40 remark admin
 50 permit tcp host 198.51.100.7 10.20.0.0 0.0.255.255 range 22 23 log
 60 deny   ip any any log
 70 frobnicate the packets
!
ipv6 access-list EDGE6
 sequence 10 permit tcp any 2001:DB8:20::/48 eq 443
 sequence 20 permit icmp any any echo-request
!
access-list 101 remark branch users
access-list 101 permit tcp 10.11.0.0 0.0.255.255 any eq www 443
access-list 101 permit udp 10.11.0.0 0.0.255.255 host 10.20.1.10 eq domain
access-list 101 permit icmp 10.11.0.0 0.0.255.255 any echo
access-list 101 deny   ip any any
access-list 10 permit 10.99.0.0 0.0.0.255
line vty 0 4
 access-class 10 in
 transport input ssh
!
end
`;

describe("cisco-ios importer: a running configuration", () => {
  const zones = {
    internet: ["0.0.0.0/0", "::/0"],
    branch: ["10.11.0.0/16"],
    dc: ["10.20.0.0/16", "2001:db8:20::/48"],
  };
  const ctx = context(zones, { internet: "GigabitEthernet0/0/0", branch: "Gi0/1/0", dc: "Tunnel100" });
  const r = read(RUNNING, ctx);

  it("reports the line it cannot read inside an ACL, by line number, and every other command as ignored", () => {
    const notIgnored = r.diagnostics.filter((d) => d.code !== "config-ignored");
    expect(notIgnored.map((d) => [d.code, d.line])).toEqual([["config-syntax", 47]]);
    expect(notIgnored[0]!.message).toBe(`Cannot read access-list line "70 frobnicate the packets"`);
    expect(notIgnored[0]!.column).toBe(5);
    const ignored = r.diagnostics.filter((d) => d.code === "config-ignored");
    // Building..., Current configuration, version, hostname, interface settings, router ospf, line vty.
    expect(ignored.map((d) => d.line)).toEqual([1, 3, 6, 7, 26, 33, 37, 59]);
    expect(ignored.every((d) => d.severity === "info")).toBe(true);
    expect(ignored.find((d) => d.line === 37)!.message).toBe(
      `"router ospf" ignored (with the 1 line under it): it does not filter traffic`,
    );
  });

  it("lists every ACL with its implicit deny as the fall-through", () => {
    expect(r.lists?.map((l) => [l.name, l.fallThrough, l.source?.line])).toEqual([
      ["EDGE-IN", "drop", 40],
      ["EDGE6", "drop", 49],
      ["101", "drop", 53],
      ["10", "drop", 58],
    ]);
  });

  it("filters what enters each interface with the ACL bound there", () => {
    const a = r.accepted;
    // From the internet: EDGE-IN (object-groups, nested, range).
    expect(a.contains(pkt("203.0.113.5", "10.20.1.10", 6, 80))).toBe(true);
    expect(a.contains(pkt("203.0.113.5", "10.20.9.3", 17, 53))).toBe(true);
    expect(a.contains(pkt("203.0.113.5", "10.20.9.4", 17, 53))).toBe(false);
    expect(a.contains(pkt("203.0.113.5", "10.20.2.7", 6, 8080))).toBe(false);
    expect(a.contains(pkt("198.51.100.7", "10.20.77.1", 6, 23))).toBe(true);
    // From the branch: access-list 101, "eq www 443" is two ports.
    expect(a.contains(pkt("10.11.3.3", "203.0.113.9", 6, 443))).toBe(true);
    expect(a.contains(pkt("10.11.3.3", "203.0.113.9", 6, 22))).toBe(false);
    expect(a.contains(pkt("10.11.3.3", "10.20.1.10", 17, 53))).toBe(true);
    expect(a.contains(pkt("10.11.3.3", "10.20.1.11", 1, 0, 0, 8, 0))).toBe(true);
    expect(a.contains(pkt("10.11.3.3", "10.20.1.11", 1, 0, 0, 0, 0))).toBe(false);
    // IPv6 from the internet: EDGE6 and its implicit neighbor discovery permits.
    expect(a.contains(pkt("2001:db8:99::1", "2001:db8:20::5", 6, 443))).toBe(true);
    expect(a.contains(pkt("2001:db8:99::1", "2001:db8:20::5", 58, 0, 0, 135, 0))).toBe(true);
    expect(a.contains(pkt("2001:db8:99::1", "2001:db8:20::5", 6, 22))).toBe(false);
  });

  it("lets through what enters an interface without an ACL (Tunnel100) unfiltered", () => {
    expect(r.accepted.contains(pkt("10.20.5.5", "203.0.113.9", 47))).toBe(true);
  });

  it("keeps every entry as a rule with its source line, list and remark", () => {
    const edge = r.rules.filter((x) => x.list === "EDGE-IN");
    expect(edge.map((x) => [x.source.line, x.action, x.label])).toEqual([
      [42, "accept", "web to the data center"],
      [43, "accept", "web to the data center"],
      [45, "accept", "admin"],
      [46, "drop", "admin"],
    ]);
    // "established" lets through no new connection.
    expect(edge[1]!.match.isEmpty()).toBe(true);
    expect(r.rules.filter((x) => x.list === "101")[0]!.label).toBe("branch users");
    const implicit = r.rules.filter((x) => x.list === "EDGE6").map((x) => x.source.text);
    expect(implicit.slice(2)).toEqual([
      "(implicit) permit icmp any any nd-na",
      "(implicit) permit icmp any any nd-ns",
    ]);
  });
});

describe("cisco-ios importer: entries", () => {
  const acl = (entries: string) => read(`ip access-list extended T\n${entries}\n`);

  it("models a non-contiguous wildcard exactly", () => {
    const a = acl(" permit ip 10.0.0.7 0.255.0.0 any").accepted;
    expect(a.contains(pkt("10.5.0.7", "1.1.1.1", 6, 1))).toBe(true);
    expect(a.contains(pkt("10.200.0.7", "1.1.1.1", 6, 1))).toBe(true);
    expect(a.contains(pkt("10.5.1.7", "1.1.1.1", 6, 1))).toBe(false);
  });

  it("reads port operators on both sides", () => {
    const a = acl(
      [
        " permit tcp any neq 25 host 1.1.1.1 lt 1024",
        " permit udp any range 1000 1010 host 1.1.1.2 gt 60000",
      ].join("\n"),
    ).accepted;
    expect(a.contains(pkt("2.2.2.2", "1.1.1.1", 6, 1023, 26))).toBe(true);
    expect(a.contains(pkt("2.2.2.2", "1.1.1.1", 6, 1023, 25))).toBe(false);
    expect(a.contains(pkt("2.2.2.2", "1.1.1.1", 6, 1024, 26))).toBe(false);
    expect(a.contains(pkt("2.2.2.2", "1.1.1.2", 17, 60001, 1005))).toBe(true);
    expect(a.contains(pkt("2.2.2.2", "1.1.1.2", 17, 60000, 1005))).toBe(false);
  });

  it("reads ICMP names with implied codes, and numbers", () => {
    const a = acl([" permit icmp any any port-unreachable", " permit icmp any any 11 1"].join("\n")).accepted;
    expect(a.contains(pkt("2.2.2.2", "1.1.1.1", 1, 0, 0, 3, 3))).toBe(true);
    expect(a.contains(pkt("2.2.2.2", "1.1.1.1", 1, 0, 0, 3, 1))).toBe(false);
    expect(a.contains(pkt("2.2.2.2", "1.1.1.1", 1, 0, 0, 11, 1))).toBe(true);
    expect(a.contains(pkt("2.2.2.2", "1.1.1.1", 1, 0, 0, 11, 0))).toBe(false);
  });

  it("reads established, fragments and ack as matching no new connection, and syn as every one", () => {
    const r = acl(
      [
        " permit tcp any any established",
        " permit ip any any fragments",
        " permit tcp any any ack",
        " permit tcp any host 1.1.1.1 syn",
      ].join("\n"),
    );
    expect(r.rules.map((x) => x.match.isEmpty())).toEqual([true, true, true, false]);
    expect(r.accepted.contains(pkt("2.2.2.2", "1.1.1.1", 6, 80))).toBe(true);
    expect(r.accepted.contains(pkt("2.2.2.2", "1.1.1.3", 6, 80))).toBe(false);
  });

  it("reports conditions it cannot model and reads the entry without them", () => {
    const r = acl(" permit ip any any dscp ef time-range OFFICE log-input");
    expect(r.diagnostics.map((d) => [d.code, d.line, d.column, d.message])).toEqual([
      ["config-unsupported", 2, 20, `Condition "dscp" ignored: read as matching every value`],
      ["config-unsupported", 2, 28, "Time range ignored: the entry is read as always active"],
    ]);
    expect(space.family(4).isSubsetOf(r.accepted)).toBe(true);
  });

  it("reads standard ACLs, numbered and named", () => {
    const r = read(
      [
        "access-list 10 permit 10.1.1.0 0.0.0.255",
        "access-list 10 permit host 10.2.2.2",
        "access-list 10 deny any log",
        "ip access-list standard MGMT",
        " permit 10.3.3.3",
        "interface Vlan10",
        " ip access-group 10 in",
        "interface Vlan20",
        " ip access-group MGMT out",
      ].join("\n"),
      context({ a: ["10.0.0.0/8"], b: ["192.168.0.0/16"] }, { a: "Vlan10", b: "Vlan20" }),
    );
    expect(r.diagnostics).toEqual([]);
    const a = r.accepted;
    expect(a.contains(pkt("10.1.1.9", "192.168.1.1", 6, 1))).toBe(false); // in 10 ok, out MGMT refuses
    expect(a.contains(pkt("10.3.3.3", "192.168.1.1", 6, 1))).toBe(false); // in 10 refuses
    expect(a.contains(pkt("192.168.1.1", "10.1.1.9", 6, 1))).toBe(true); // nothing filters b → a
    const r2 = read("access-list 10 permit 10.1.1.0 0.0.0.255\naccess-list 10 permit host 10.2.2.2\n");
    expect(r2.accepted.contains(pkt("10.2.2.2", "8.8.8.8", 17, 53))).toBe(true);
    expect(r2.accepted.contains(pkt("10.2.2.3", "8.8.8.8", 17, 53))).toBe(false);
  });

  it("reads IPv6 ACLs: implicit neighbor discovery unless an explicit deny comes first", () => {
    const nd = pkt("2001:db8::1", "2001:db8::2", 58, 0, 0, 136, 0);
    expect(read("ipv6 access-list A\n permit tcp any any eq 22\n").accepted.contains(nd)).toBe(true);
    expect(
      read("ipv6 access-list A\n permit tcp any any eq 22\n deny ipv6 any any\n").accepted.contains(nd),
    ).toBe(false);
  });

  it("reads service groups with source ports, bare ports and protocols, nested", () => {
    const r = read(
      [
        "object-group service INNER",
        " tcp source range 1 1023 eq 80",
        " esp",
        "object-group service SVC",
        " tcp smtp",
        " udp source 53",
        " icmp echo",
        " group-object INNER",
        "ip access-list extended T",
        " permit object-group SVC any any",
      ].join("\n"),
    );
    expect(r.diagnostics).toEqual([]);
    const a = r.accepted;
    expect(a.contains(pkt("1.1.1.1", "2.2.2.2", 6, 25))).toBe(true);
    expect(a.contains(pkt("1.1.1.1", "2.2.2.2", 17, 9999, 53))).toBe(true);
    expect(a.contains(pkt("1.1.1.1", "2.2.2.2", 1, 0, 0, 8, 0))).toBe(true);
    expect(a.contains(pkt("1.1.1.1", "2.2.2.2", 6, 80, 1000))).toBe(true);
    expect(a.contains(pkt("1.1.1.1", "2.2.2.2", 6, 80, 2000))).toBe(false);
    expect(a.contains(pkt("1.1.1.1", "2.2.2.2", 50))).toBe(true);
  });
});

describe("cisco-ios importer: where ACLs apply", () => {
  it("reads several unbound ACLs as their union, and says so", () => {
    const r = read(
      "ip access-list extended A\n permit tcp any any eq 22\nip access-list extended B\n permit udp any any\n",
    );
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([["config-unsupported", 3]]);
    expect(r.accepted.contains(pkt("1.1.1.1", "2.2.2.2", 6, 22))).toBe(true);
    expect(r.accepted.contains(pkt("1.1.1.1", "2.2.2.2", 17, 9))).toBe(true);
  });

  it("lets everything through an interface whose ACL is not defined, and says so", () => {
    const r = read("interface Gi1\n ip access-group NOPE in\n", context({ a: ["10.0.0.0/8"] }, { a: "Gi1" }));
    expect(r.diagnostics.map((d) => [d.code, d.line, d.message])).toEqual([
      ["config-ignored", 2, `ACL "NOPE" is not defined: the device lets every packet through`],
    ]);
    expect(r.accepted.contains(pkt("10.1.1.1", "10.2.2.2", 6, 1))).toBe(true);
  });

  it("uses the one bound ACL for every packet when the point gives no interfaces", () => {
    const r = read(
      "ip access-list extended A\n permit tcp any any eq 22\ninterface Gi1\n ip access-group A in\n",
    );
    expect(r.accepted.contains(pkt("1.1.1.1", "2.2.2.2", 6, 22))).toBe(true);
    expect(r.accepted.contains(pkt("1.1.1.1", "2.2.2.2", 6, 23))).toBe(false);
    // No IPv6 filter is bound: IPv6 passes.
    expect(r.accepted.contains(pkt("2001:db8::1", "2001:db8::2", 6, 23))).toBe(true);
  });

  it("never throws on garbage and reports each line it cannot read", () => {
    const r = read(
      "\u0000\u0001 {{{\nip access-list extended X\n permit tcp any\n permit 999 any any\n}}}\n",
    );
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ["config-syntax", 1],
      ["config-syntax", 3],
      ["config-syntax", 4],
      ["config-syntax", 5],
    ]);
  });
});

describe("cisco-ios importer: IOS XE groups, order and what it leaves out", () => {
  it("reads ip port, protocol and ip address groups, and addrgroup / portgroup in entries", () => {
    const r = read(
      [
        "object-group ip port WEB",
        " eq 80",
        " range 8080 8081",
        "object-group protocol TU",
        " protocol-object tcp",
        " protocol-object udp",
        "object-group network NETS",
        " 10.9.0.0/16",
        "ip access-list extended A",
        " 10 permit tcp any addrgroup NETS portgroup WEB",
        " 20 permit object-group TU 10.1.0.0/24 any",
        " 30 deny ip any any",
      ].join("\n"),
    );
    expect(r.diagnostics.filter((d) => d.code !== "config-ignored")).toEqual([]);
    expect(r.accepted.contains(pkt("1.1.1.1", "10.9.3.3", 6, 8081))).toBe(true);
    expect(r.accepted.contains(pkt("1.1.1.1", "10.9.3.3", 6, 8082))).toBe(false);
    expect(r.accepted.contains(pkt("10.1.0.200", "2.2.2.2", 17, 9))).toBe(true);
    expect(r.accepted.contains(pkt("10.1.0.200", "2.2.2.2", 1, 0, 0, 8))).toBe(false);
  });

  it("keeps entries in sequence-number order, unnumbered ones 10 after the highest", () => {
    const r = read(
      [
        "ip access-list extended A",
        " 20 permit tcp any any eq 22",
        " 10 deny tcp host 10.0.0.1 any",
        " permit udp any any",
      ].join("\n"),
    );
    expect(r.rules.map((x) => x.source.line)).toEqual([3, 2, 4]);
    expect(r.accepted.contains(pkt("10.0.0.1", "2.2.2.2", 6, 22))).toBe(false);
  });

  it("reports zone-based firewall, NAT, non-IP numbered lists and interface features as unsupported", () => {
    const r = read(
      [
        "zone security inside",
        "zone-pair security in-out source inside destination outside",
        " service-policy type inspect POL",
        "access-list 700 permit 0000.1111.2222 0000.0000.0000",
        "interface Gi0/0",
        " zone-member security inside",
        " ip nat inside",
        " ip address 10.0.0.1 255.255.255.0",
        "ip route 0.0.0.0 0.0.0.0 10.0.0.2",
      ].join("\n"),
    );
    expect(lines(r)).toEqual([
      ["config-unsupported", 1],
      ["config-unsupported", 2],
      ["config-unsupported", 4],
      ["config-ignored", 5],
      ["config-unsupported", 6],
      ["config-unsupported", 7],
      ["config-ignored", 9],
    ]);
  });
});

describe("cisco-ios importer: removing ACLs", () => {
  it("removes an ACL defined above at its `no` line, and reads one defined again after it afresh", () => {
    const r = read(
      [
        "no ip access-list extended A",
        "ip access-list extended A",
        " permit tcp any any eq 22",
        "no ip access-list extended A",
        "ip access-list extended A",
        " permit tcp any any eq 443",
        "access-list 10 permit any",
        "no access-list 10",
      ].join("\n"),
    );
    expect(r.rules.map((x) => x.source.line)).toEqual([6]);
    expect(r.lists?.map((l) => l.name)).toEqual(["A"]);
    expect(lines(r)).toEqual([
      ["config-ignored", 1],
      ["config-ignored", 4],
      ["config-ignored", 8],
    ]);
    expect(r.accepted.contains(pkt("1.1.1.1", "2.2.2.2", 6, 22))).toBe(false);
  });
});

describe("cisco-ios importer: text encodings", () => {
  it("reads a configuration saved as UTF-16 and read as UTF-8, and non-breaking spaces as spaces", () => {
    const config =
      "hostname r1\ninterface Gi0/0\n\u00a0ip access-group A in\nip access-list extended A\n permit ip any any\n";
    const utf16 = "\ufffd\ufffd" + [...config].map((ch) => `${ch}\u0000`).join("");
    for (const text of [config, utf16]) {
      const r = read(text);
      expect(r.rules.map((x) => [x.list, x.source.line])).toEqual([["A", 5]]);
      expect(r.diagnostics.filter((d) => d.code !== "config-ignored")).toEqual([]);
    }
  });
});

describe("cisco-ios importer: conditions it cannot model in a deny", () => {
  it("reads a deny with such a condition as matching nothing, so it hides no opening", () => {
    const r = read(
      [
        "ip access-list extended A",
        " deny ip any any dscp ef",
        " deny tcp any any eq 22 time-range NIGHT",
        " deny igmp any any host-query",
        " permit ip any any",
        "access-list 10 deny any time-range NIGHT",
        "access-list 10 permit any",
      ].join("\n"),
    );
    const a = r.rules.filter((x) => x.list === "A");
    expect(a.slice(0, 3).every((x) => x.match.isEmpty())).toBe(true);
    expect(r.rules.find((x) => x.list === "10" && x.action === "drop")!.match.isEmpty()).toBe(true);
    expect(
      r.diagnostics.filter((d) => d.message.endsWith("so it hides no opening")).map((d) => d.message),
    ).toEqual([
      'Condition "dscp" not modelled: this deny is read as matching nothing, so it hides no opening',
      "Time range not modelled: this deny is read as never active, so it hides no opening",
      'IGMP type "host-query" not modelled: this deny is read as matching nothing, so it hides no opening',
      "Time range not modelled: this deny is read as never active, so it hides no opening",
    ]);
  });
});
