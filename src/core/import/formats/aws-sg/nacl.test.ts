import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAddress } from "../../../net/address.js";
import { parsePrefix, prefixContains } from "../../../net/prefix.js";
import { PacketSpace } from "../../../space/packet-set.js";
import { standaloneContext } from "../../standalone.js";
import { textPacket as pkt, zoneContext } from "../../../../../test/support/import-context.js";
import { awsSgImporter } from "./importer.js";
import { hostContext } from "./test-support.js";

const NACLS = `{
  "NetworkAcls": [
    {
      "Associations": [{ "NetworkAclId": "acl-1", "SubnetId": "subnet-a" }],
      "Entries": [
        { "CidrBlock": "0.0.0.0/0", "Egress": false, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32767 },
        { "CidrBlock": "0.0.0.0/0", "Egress": false, "Protocol": "6", "RuleAction": "allow", "RuleNumber": 200,
          "PortRange": { "From": 443, "To": 443 } },
        { "CidrBlock": "10.9.0.0/16", "Egress": false, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 100 },
        { "CidrBlock": "0.0.0.0/0", "Egress": false, "Protocol": "1", "RuleAction": "allow", "RuleNumber": 300,
          "IcmpTypeCode": { "Type": 8, "Code": -1 } },
        { "Ipv6CidrBlock": "::/0", "Egress": true, "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 101 },
        { "CidrBlock": "0.0.0.0/0", "Egress": true, "Protocol": "17", "RuleAction": "allow", "RuleNumber": 100,
          "PortRange": { "From": 53, "To": 53 } },
        { "CidrBlock": "0.0.0.0/0", "Egress": true, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32767 }
      ],
      "IsDefault": false,
      "NetworkAclId": "acl-1",
      "VpcId": "vpc-1"
    }
  ]
}`;

const lineOf = (needle: string) => NACLS.split("\n").findIndex((l) => l.includes(needle)) + 1;

describe("aws-sg importer: network ACLs", () => {
  const space = new PacketSpace();
  const r = awsSgImporter.import([{ name: "nacls.json", text: NACLS }], standaloneContext(space));

  it("reads each direction as a list ordered by rule number, the * rule as its fall-through", () => {
    expect(r.lists?.map((l) => [l.name, l.fallThrough])).toEqual([
      ["acl-1 ingress", "drop"],
      ["acl-1 egress", "drop"],
    ]);
    expect(r.rules.map((x) => [x.list, x.label, x.action])).toEqual([
      ["acl-1 ingress", "rule 100", "drop"],
      ["acl-1 ingress", "rule 200", "accept"],
      ["acl-1 ingress", "rule 300", "accept"],
      ["acl-1 egress", "rule 100", "accept"],
      ["acl-1 egress", "rule 101", "accept"],
    ]);
    expect(r.rules[0]!.source.line).toBe(lineOf('"10.9.0.0/16"'));
  });

  it("matches the remote side: the source of ingress rules, the destination of egress ones", () => {
    const ingress = r.rules.filter((x) => x.list === "acl-1 ingress");
    const first = (p: ReturnType<typeof pkt>) => ingress.find((x) => x.match.contains(p))?.label;
    expect(first(pkt("10.9.1.1", "10.0.0.5", 6, 443))).toBe("rule 100");
    expect(first(pkt("10.8.1.1", "10.0.0.5", 6, 443))).toBe("rule 200");
    expect(first(pkt("10.8.1.1", "10.0.0.5", 6, 444))).toBeUndefined();
    expect(first(pkt("10.8.1.1", "10.0.0.5", 1, 0, 0, 8, 3))).toBe("rule 300");
    const egress = r.rules.filter((x) => x.list === "acl-1 egress");
    expect(egress[0]!.match.contains(pkt("10.0.0.5", "8.8.8.8", 17, 53))).toBe(true);
    expect(egress[0]!.match.contains(pkt("8.8.8.8", "10.0.0.5", 17, 53, 53))).toBe(true);
    expect(egress[1]!.match.contains(pkt("2001:db8::1", "2001:db8::2", 6, 80))).toBe(true);
  });

  it("lets through what either list allows, and says that is an over-approximation", () => {
    expect(r.accepted.contains(pkt("10.8.1.1", "10.0.0.5", 6, 443))).toBe(true);
    expect(r.accepted.contains(pkt("10.9.1.1", "10.0.0.5", 6, 443))).toBe(false);
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ["config-unsupported", lineOf('      "NetworkAclId"')],
    ]);
  });

  it("reports malformed entries and files that describe neither groups nor ACLs", () => {
    const bad = awsSgImporter.import(
      [
        {
          name: "bad.json",
          text: `{"NetworkAcl": {"NetworkAclId": "acl-2", "Entries": [
  {"CidrBlock": "0.0.0.0/0", "Egress": false, "Protocol": "6", "RuleAction": "maybe", "RuleNumber": 5},
  {"CidrBlock": "0.0.0.0/0", "Egress": false, "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 99999}
]}}`,
        },
        { name: "logs.json", text: `{"FlowLogs": []}` },
      ],
      standaloneContext(space),
    );
    expect(bad.diagnostics.map((d) => [d.file, d.code, d.line])).toEqual([
      ["bad.json", "config-unsupported", 1],
      ["bad.json", "config-syntax", 2],
      ["bad.json", "config-syntax", 3],
      ["logs.json", "config-unsupported", 1],
    ]);
    expect(bad.rules).toEqual([]);
  });
});

describe("aws-sg importer: groups read without hosts", () => {
  it("reads describe-security-group-rules output into each group's lists, in a standalone context", () => {
    const text = `{"SecurityGroupRules": [
  {"GroupId": "sg-1", "IsEgress": false, "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIpv4": "10.0.0.0/8"},
  {"GroupId": "sg-1", "IsEgress": true, "IpProtocol": "-1", "FromPort": -1, "ToPort": -1, "CidrIpv6": "::/0"}
]}`;
    const space = new PacketSpace();
    const r = awsSgImporter.import([{ name: "rules.json", text }], standaloneContext(space));
    expect(r.rules.map((x) => [x.list, x.source.line, x.action])).toEqual([
      ["sg-1 ingress", 2, "accept"],
      ["sg-1 egress", 3, "accept"],
    ]);
    expect(r.lists?.map((l) => [l.name, l.fallThrough])).toEqual([
      ["sg-1 ingress", "drop"],
      ["sg-1 egress", "drop"],
    ]);
    expect(r.rules[0]!.match.contains(pkt("10.1.1.1", "192.0.2.1", 6, 22))).toBe(true);
    expect(r.rules[0]!.match.contains(pkt("11.1.1.1", "192.0.2.1", 6, 22))).toBe(false);
    expect(r.accepted.isEmpty()).toBe(true);
  });

  it("gives the lists of the groups it evaluated for hosts", () => {
    const text = `{"SecurityGroups": [{"GroupId": "sg-9", "GroupName": "web",
  "Tags": [{"Key": "rampart:asset", "Value": "web-1"}],
  "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]}`;
    const r = awsSgImporter.import([{ name: "sg.json", text }], hostContext("host", ["web-1"]));
    expect(r.lists?.map((l) => [l.name, l.fallThrough])).toEqual([["web ingress", "drop"]]);
  });
});

describe("aws-sg importer: network ACL lists against a plain evaluator", () => {
  const entryArb = fc.record({
    number: fc.integer({ min: 1, max: 200 }),
    allow: fc.boolean(),
    net: fc.constantFrom("0.0.0.0/0", "10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24"),
    proto: fc.constantFrom("-1", "6", "17"),
    lo: fc.integer({ min: 0, max: 3 }),
    span: fc.integer({ min: 0, max: 2 }),
  });
  const packetArb = fc.record({
    src: fc.constantFrom("10.1.2.3", "10.1.9.9", "10.7.0.1", "192.0.2.1"),
    proto: fc.constantFrom(6, 17, 1),
    port: fc.integer({ min: 0, max: 6 }),
  });

  it("decides each packet as the lowest-numbered matching ingress entry does, else drops it", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(entryArb, { selector: (e) => e.number, maxLength: 6 }),
        fc.array(packetArb, { maxLength: 10 }),
        (entries, packets) => {
          const json = {
            NetworkAcls: [
              {
                NetworkAclId: "acl-p",
                Entries: entries.map((e) => ({
                  RuleNumber: e.number,
                  Egress: false,
                  RuleAction: e.allow ? "allow" : "deny",
                  CidrBlock: e.net,
                  Protocol: e.proto,
                  ...(e.proto !== "-1" && { PortRange: { From: e.lo, To: e.lo + e.span } }),
                })),
              },
            ],
          };
          const space = new PacketSpace();
          const r = awsSgImporter.import(
            [{ name: "p.json", text: JSON.stringify(json, null, 1) }],
            standaloneContext(space),
          );
          const list = r.rules.filter((x) => x.list === "acl-p ingress");
          for (const p of packets) {
            const packet = pkt(p.src, "10.1.2.200", p.proto, p.port);
            const expected = [...entries]
              .sort((a, b) => a.number - b.number)
              .find(
                (e) =>
                  prefixContains(parsePrefix(e.net), parseAddress(p.src)) &&
                  (e.proto === "-1" ||
                    (Number(e.proto) === p.proto && e.lo <= p.port && p.port <= e.lo + e.span)),
              );
            const got = list.find((x) => x.match.contains(packet));
            expect(got?.action ?? "drop").toBe(
              expected === undefined ? "drop" : expected.allow ? "accept" : "drop",
            );
            if (expected) expect(got?.label).toBe(`rule ${expected.number}`);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("aws-sg importer: network ACLs placed by the interface map", () => {
  it("applies the ingress list to packets entering a mapped subnet's zone, the egress list to those leaving it", () => {
    const space = new PacketSpace();
    const ctx = zoneContext(space, { app: ["10.0.0.0/24"], out: ["0.0.0.0/0"] }, { app: "subnet-a" });
    const r = awsSgImporter.import([{ name: "nacls.json", text: NACLS }], ctx);
    // Entering: ingress allows 443 from anywhere but 10.9/16.
    expect(r.accepted.contains(pkt("192.0.2.9", "10.0.0.5", 6, 443))).toBe(true);
    expect(r.accepted.contains(pkt("10.9.0.1", "10.0.0.5", 6, 443))).toBe(false);
    expect(r.accepted.contains(pkt("192.0.2.9", "10.0.0.5", 6, 22))).toBe(false);
    // Leaving: egress allows DNS over UDP and all IPv6, nothing else of IPv4.
    expect(r.accepted.contains(pkt("10.0.0.5", "192.0.2.9", 17, 53))).toBe(true);
    expect(r.accepted.contains(pkt("10.0.0.5", "192.0.2.9", 6, 443))).toBe(false);
    // Within the subnet, and between other addresses, no list applies.
    expect(r.accepted.contains(pkt("10.0.0.5", "10.0.0.6", 6, 22))).toBe(true);
    expect(r.accepted.contains(pkt("192.0.2.9", "198.51.100.1", 6, 22))).toBe(true);
    expect(r.diagnostics).toEqual([]);
  });

  it("lets a host's connection through only when both its network ACL and its security groups allow it", () => {
    const ctx = hostContext("host", ["web-1"]);
    const sg = `{"SecurityGroups": [{"GroupId": "sg-9", "GroupName": "web",
  "Tags": [{"Key": "rampart:asset", "Value": "web-1"}],
  "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
  "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]}`;
    const r = awsSgImporter.import(
      [
        { name: "sg.json", text: sg },
        { name: "nacls.json", text: NACLS },
      ],
      ctx,
    );
    expect(r.accepted.contains(pkt("192.0.2.9", "10.0.1.10", 6, 443))).toBe(true);
    // The group allows 22, the network ACL does not.
    expect(r.accepted.contains(pkt("192.0.2.9", "10.0.1.10", 6, 22))).toBe(false);
    expect(r.lists?.map((l) => l.name)).toEqual([
      "web ingress",
      "web egress",
      "acl-1 ingress",
      "acl-1 egress",
    ]);
  });
});
