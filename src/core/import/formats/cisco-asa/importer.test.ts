import { describe, expect, it } from "vitest";
import { PacketSpace } from "../../../space/packet-set.js";
import type { ImportResult } from "../../model.js";
import { textPacket, zoneContext } from "../../../../../test/support/import-context.js";
import { ciscoAsaImporter } from "./importer.js";

const space = new PacketSpace();

const context = (zones: Record<string, string[]> = {}, interfaces: Record<string, string> = {}) =>
  zoneContext(space, zones, interfaces);

function read(text: string, ctx = context()): ImportResult {
  return ciscoAsaImporter.import([{ name: "asa.cfg", text }], ctx);
}

const pkt = textPacket;

const RUNNING = `: Saved
:
: Serial Number: JAD00000000
: Hardware:   ASA5516, 8192 MB RAM, CPU Atom C2000 series 2416 MHz, 1 CPU (8 cores)
:
ASA Version 9.8(4)32
!
hostname dc-fw
names
name 10.20.50.30 HSM description hardware security module
!
interface GigabitEthernet1/1
 nameif outside
 security-level 0
 ip address 10.20.0.2 255.255.255.0
!
interface GigabitEthernet1/2
 nameif pci
 security-level 90
 ip address 10.20.50.1 255.255.255.0
!
interface GigabitEthernet1/3
 nameif mgmt
 security-level 100
!
object network APP-1
 host 10.20.10.11
object network APP-2
 host 10.20.10.12
object network CDE
 subnet 10.20.50.0 255.255.255.0
object network CDE6
 subnet 2001:db8:20:50::/64
object network SPARE
 range 10.20.9.1 10.20.9.3
object network PORTAL
 fqdn www.example.com
object service PG
 service tcp destination eq 5432
object-group network APPS
 description shop apps
 network-object object APP-1
 network-object object APP-2
 network-object host 10.20.30.10
object-group network ALL-APPS
 group-object APPS
 network-object object SPARE
object-group service WEB tcp
 port-object eq www
 port-object range 8000 8099
object-group service MIXED
 service-object tcp destination eq 9443
 service-object udp source eq domain
 service-object object PG
object-group protocol TUNNELS
 protocol-object gre
 protocol-object esp
object-group icmp-type PINGS
 icmp-object echo
 icmp-object time-exceeded
access-list OUTSIDE_IN remark shop apps to payments
access-list OUTSIDE_IN extended permit object-group MIXED object-group ALL-APPS object CDE log
access-list OUTSIDE_IN extended permit tcp object-group APPS object CDE object-group WEB
access-list OUTSIDE_IN remark monitoring
access-list OUTSIDE_IN extended permit icmp any4 host HSM object-group PINGS
access-list OUTSIDE_IN extended permit icmp6 any6 object CDE6 echo
access-list OUTSIDE_IN extended permit object-group TUNNELS any4 any4
access-list OUTSIDE_IN line 7 extended permit tcp any4 any4 eq 3389 inactive
access-list OUTSIDE_IN extended permit tcp any4 object PORTAL eq https
access-list OUTSIDE_IN extended permit udp any4 host 10.20.50.5 eq snmp time-range BUSINESS
access-list OUTSIDE_IN extended deny ip any any log disable
access-list GLOBAL extended permit tcp any any eq ssh
access-list VPN-SPLIT standard permit 10.8.0.0 255.255.0.0
access-group OUTSIDE_IN in interface outside
access-group GLOBAL global
route outside 0.0.0.0 0.0.0.0 10.20.0.1 1
crypto map VPN 10 match address VPN-SPLIT
: end
`;

describe("cisco-asa importer: a running configuration", () => {
  const zones = {
    servers: ["10.20.0.0/16"],
    pci: ["10.20.50.0/24", "2001:db8:20:50::/64"],
    mgmt: ["10.99.0.0/24"],
  };
  const r = read(RUNNING, context(zones, { servers: "outside", pci: "pci", mgmt: "GigabitEthernet1/3" }));

  it("reports what it does not model, by line, and unrelated commands as ignored", () => {
    const ignored = r.diagnostics.filter((d) => d.code === "config-ignored");
    expect(ignored.length).toBeGreaterThan(0);
    expect(ignored.every((d) => d.severity === "info" && /ignored/.test(d.message))).toBe(true);
    const rest = r.diagnostics.filter((d) => d.code !== "config-ignored");
    expect(rest.map((d) => [d.code, d.line, d.message])).toEqual([
      ["config-unsupported", 37, `FQDN object "PORTAL" is read as matching no address`],
      ["config-unsupported", 70, "Time range ignored: the entry is read as always active"],
    ]);
  });

  it("applies the interface list, then the global one, on the way in", () => {
    const a = r.accepted;
    expect(a.contains(pkt("10.20.10.11", "10.20.50.5", 6, 9443))).toBe(true); // MIXED
    expect(a.contains(pkt("10.20.9.2", "10.20.50.5", 6, 5432))).toBe(true); // PG through nested groups
    expect(a.contains(pkt("10.20.30.10", "10.20.50.5", 6, 8050))).toBe(true); // WEB port group
    expect(a.contains(pkt("10.20.30.10", "10.20.50.5", 6, 443))).toBe(false);
    expect(a.contains(pkt("10.20.1.1", "10.20.50.30", 1, 0, 0, 11, 0))).toBe(true); // name HSM, PINGS
    expect(a.contains(pkt("10.20.1.1", "10.20.50.31", 1, 0, 0, 8, 0))).toBe(false);
    expect(a.contains(pkt("10.20.1.1", "10.20.50.9", 47))).toBe(true); // TUNNELS
    // The explicit deny ends OUTSIDE_IN before the global list: ssh from outside is refused.
    expect(a.contains(pkt("10.20.1.1", "10.20.50.9", 6, 22))).toBe(false);
    // pci and mgmt have no list of their own: the global list decides.
    expect(a.contains(pkt("10.20.50.9", "10.20.1.1", 6, 22))).toBe(true);
    expect(a.contains(pkt("10.99.0.5", "10.20.50.9", 6, 443))).toBe(false);
    expect(a.contains(pkt("10.99.0.5", "10.20.50.9", 6, 22))).toBe(true);
  });

  it("refuses what would leave by the interface it came in on without intra-interface", () => {
    expect(r.accepted.contains(pkt("10.20.1.1", "10.20.2.2", 47))).toBe(false);
    const hairpin = read(
      `${RUNNING}same-security-traffic permit intra-interface\n`,
      context(zones, { servers: "outside" }),
    );
    expect(hairpin.accepted.contains(pkt("10.20.1.1", "10.20.2.2", 47))).toBe(true);
  });

  it("keeps inactive entries as rules that decide nothing, with their remarks", () => {
    const rules = r.rules.filter((x) => x.list === "OUTSIDE_IN");
    expect(rules.map((x) => [x.source.line, x.action, x.label ?? ""])).toEqual([
      [62, "accept", "shop apps to payments"],
      [63, "accept", "shop apps to payments"],
      [65, "accept", "monitoring"],
      [66, "accept", "monitoring"],
      [67, "accept", "monitoring"],
      [68, "other", "monitoring"],
      [69, "accept", "monitoring"],
      [70, "accept", "monitoring"],
      [71, "drop", "monitoring"],
    ]);
    expect(rules[5]!.match.isEmpty()).toBe(true);
  });
});

describe("cisco-asa importer: semantics", () => {
  it("reads any as both families and any4, any6 as one", () => {
    const r = read("access-list A extended permit tcp any any6 eq 22\naccess-group A global\n");
    expect(r.accepted.contains(pkt("2001:db8::1", "2001:db8::2", 6, 22))).toBe(true);
    expect(r.accepted.contains(pkt("10.0.0.1", "10.0.0.2", 6, 22))).toBe(false);
  });

  it("lets traffic from a higher security level to a lower one where no list applies", () => {
    const text = [
      "interface Gi0/0",
      " nameif outside",
      " security-level 0",
      "interface Gi0/1",
      " nameif inside",
      "interface Gi0/2",
      " nameif dmz",
      " security-level 50",
      "interface Gi0/3",
      " nameif dmz2",
      " security-level 50",
      "access-list DMZ extended permit udp any any eq 53",
      "access-group DMZ in interface dmz",
    ].join("\n");
    const zones = { o: ["0.0.0.0/1"], i: ["192.168.0.0/16"], d: ["172.16.0.0/16"], d2: ["172.17.0.0/16"] };
    const ctx = context(zones, { o: "outside", i: "inside", d: "dmz", d2: "dmz2" });
    const a = read(text, ctx).accepted;
    expect(a.contains(pkt("192.168.1.1", "8.8.8.8", 6, 443))).toBe(true);
    expect(a.contains(pkt("8.8.8.8", "192.168.1.1", 6, 443))).toBe(false);
    expect(a.contains(pkt("172.16.0.1", "8.8.8.8", 17, 53))).toBe(true);
    expect(a.contains(pkt("172.16.0.1", "8.8.8.8", 6, 443))).toBe(false);
    // Equal levels need inter-interface, whatever the list says.
    expect(a.contains(pkt("172.16.0.1", "172.17.0.1", 17, 53))).toBe(false);
    const inter = read(`${text}\nsame-security-traffic permit inter-interface\n`, ctx).accepted;
    expect(inter.contains(pkt("172.16.0.1", "172.17.0.1", 17, 53))).toBe(true);
  });

  it("applies an outbound list on the interface a packet leaves by", () => {
    const text = [
      "access-list OUT extended permit tcp any any eq 443",
      "access-list IN extended permit ip any any",
      "access-group IN in interface a",
      "access-group OUT out interface b",
    ].join("\n");
    const ctx = context({ a: ["10.1.0.0/16"], b: ["10.2.0.0/16"] }, { a: "a", b: "b" });
    const a = read(text, ctx).accepted;
    expect(a.contains(pkt("10.1.0.1", "10.2.0.1", 6, 443))).toBe(true);
    expect(a.contains(pkt("10.1.0.1", "10.2.0.1", 6, 80))).toBe(false);
  });

  it("reads several lists and no binding as their union, and says so", () => {
    const r = read(
      "access-list A extended permit tcp any any eq 22\naccess-list B extended permit udp any any\n",
    );
    expect(r.diagnostics.map((d) => d.code)).toEqual(["config-unsupported"]);
    expect(r.accepted.contains(pkt("1.1.1.1", "2.2.2.2", 17, 5))).toBe(true);
  });

  it("reports unknown objects and malformed entries, never throwing", () => {
    const r = read(
      [
        "object-group network G",
        " network-object host 10.1.1.1",
        " network-object 10.2.0.0 255.0.255.0",
        " group-object MISSING",
        "access-list A extended permit tcp object-group G any eq 22",
        "access-list A extended permit tcp object-group NOPE any",
        "access-list A extended permit tcp any any eq",
        "access-list A extended allow tcp any any",
        "}}} \u0000",
        "access-group A global",
      ].join("\n"),
    );
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ["config-syntax", 3],
      ["config-syntax", 4],
      ["config-syntax", 6],
      ["config-syntax", 7],
      ["config-syntax", 8],
      ["config-syntax", 9],
    ]);
    expect(r.accepted.contains(pkt("10.1.1.1", "2.2.2.2", 6, 22))).toBe(true);
  });
});

describe("cisco-asa importer: rule lists and what it leaves out", () => {
  it("lists each access-list with its implicit deny, at its first line", () => {
    const r = read(
      [
        "hostname fw",
        "access-list A extended permit tcp any any eq 22",
        "access-list B remark web",
        "access-list B extended permit tcp any any eq 443",
        "access-list A extended deny ip any any",
      ].join("\n"),
    );
    expect(r.lists?.map((l) => [l.name, l.fallThrough, l.source?.line])).toEqual([
      ["A", "drop", 2],
      ["B", "drop", 3],
    ]);
    expect(r.rules.map((x) => [x.list, x.source.line])).toEqual([
      ["A", 2],
      ["A", 5],
      ["B", 4],
    ]);
  });

  it("reports non-filtering commands as ignored, NAT and standard lists by their state", () => {
    const r = read(
      [
        "hostname fw",
        "interface GigabitEthernet0/0",
        " nameif outside",
        " ip address 192.0.2.1 255.255.255.0",
        "nat (inside,outside) dynamic interface",
        "access-list RT standard permit 10.0.0.0 255.0.0.0",
        "access-group CP in interface outside control-plane",
      ].join("\n"),
    );
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ["config-ignored", 1],
      ["config-ignored", 2],
      ["config-unsupported", 5],
      ["config-ignored", 6],
      ["config-ignored", 7],
    ]);
  });
});

describe("cisco-asa importer: time ranges", () => {
  it("reads a permit with a time range as always active and a deny with one as never active", () => {
    const r = read(
      [
        "access-list A extended deny tcp any any eq 22 time-range NIGHT",
        "access-list A extended permit tcp any any eq 80 time-range DAY",
        "access-list A extended permit tcp any any eq 22",
        "access-group A global",
      ].join("\n"),
    );
    expect(r.rules.map((x) => [x.action, x.match.isEmpty()])).toEqual([
      ["drop", true],
      ["accept", false],
      ["accept", false],
    ]);
    expect(r.accepted.contains(pkt("1.1.1.1", "2.2.2.2", 6, 22))).toBe(true);
    expect(r.accepted.contains(pkt("1.1.1.1", "2.2.2.2", 6, 80))).toBe(true);
  });
});
