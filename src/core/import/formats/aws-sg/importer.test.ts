import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { expectGolden } from "../../../../../test/support/golden.js";
import { hostAccepts, prefixMatch } from "../../match.js";
import { awsSgImporter } from "./importer.js";
import { allows, describeImport, files, hostContext, lineOf } from "./test-support.js";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const SAMPLE_NAME = "describe-security-groups.json";
const SAMPLE = readFileSync(join(HERE, "fixtures", SAMPLE_NAME), "utf8");

describe("aws-sg importer on describe-security-groups output", () => {
  const r = awsSgImporter.import(files([SAMPLE_NAME, SAMPLE]), hostContext());

  it("matches the golden listing of rules and diagnostics", () => {
    expectGolden(join(HERE, "golden/describe-security-groups.txt.golden"), describeImport(r));
  });

  it("allows what a group's CIDR rules allow, to the host its tag names", () => {
    expect(allows(r, "tcp", "198.51.100.7", "10.0.1.10", 443)).toBe(true);
    expect(allows(r, "tcp", "2001:db8:ff::1", "2001:db8:1::10", 443)).toBe(true);
    expect(allows(r, "tcp", "198.51.100.7", "10.0.1.10", 80)).toBe(false);
    expect(allows(r, "icmp", "10.9.9.9", "10.0.1.10", 3, 4)).toBe(true);
    expect(allows(r, "icmp", "192.0.2.1", "10.0.1.10", 8)).toBe(false);
    expect(allows(r, "esp", "203.0.113.9", "10.0.2.20")).toBe(true);
    expect(allows(r, "icmpv6", "2001:db8:5::1", "2001:db8:1::10", 128)).toBe(false);
  });

  it("allows a connection between two protected hosts only when both groups do", () => {
    // app-1's egress allows tcp/8080 to the web group, and web-1's ingress allows it from the app group.
    expect(allows(r, "tcp", "10.0.2.20", "10.0.1.10", 8080)).toBe(true);
    expect(allows(r, "tcp", "10.0.2.20", "10.0.1.10", 443)).toBe(false);
    // web-1 may only open udp/53 to the resolver: its https to the outside is dropped by its egress.
    expect(allows(r, "udp", "10.0.1.10", "10.0.0.2", 53)).toBe(true);
    expect(allows(r, "tcp", "10.0.1.10", "198.51.100.7", 443)).toBe(false);
  });

  it("leaves hosts without a group unfiltered, and says so", () => {
    expect(allows(r, "tcp", "192.0.2.1", "10.0.3.30", 5432)).toBe(true);
    expect(r.diagnostics.map((d) => d.message)).toContain(
      'No security group is tagged for host "db-1"; its traffic is treated as unfiltered',
    );
  });

  it("reports what it cannot model, each at its line", () => {
    const at = (needle: string) => lineOf(SAMPLE, needle);
    const unsupported = r.diagnostics
      .filter((d) => d.code === "config-unsupported")
      .map((d) => [d.line, d.message.split(";")[0]]);
    expect(unsupported).toEqual([
      [1, 'No security group is tagged for host "db-1"'],
      [
        at('"OwnerId"') + 1,
        'Security group "default" has no "rampart:asset" tag, so where it applies is unknown',
      ],
      [at("pl-0a1b2c3d4e5f60718"), 'Prefix list "pl-0a1b2c3d4e5f60718" is not modelled'],
      [
        at("sg-0c0c0c0c0c0c0c0c0"),
        'Security group "sg-0c0c0c0c0c0c0c0c0" is referenced, but the hosts carrying it are unknown',
      ],
    ]);
  });

  it("gives each rule its line, list and description", () => {
    const https = r.rules.find(
      (rule) => rule.label === "HTTPS from anywhere" && rule.source.text.includes("0.0.0.0/0"),
    );
    expect(https).toMatchObject({
      action: "accept",
      list: "web ingress",
      source: {
        file: SAMPLE_NAME,
        line: lineOf(SAMPLE, '"CidrIp": "0.0.0.0/0",'),
        text: '"CidrIp": "0.0.0.0/0",',
      },
    });
  });
});

describe("aws-sg importer rules and accepted set", () => {
  it("accepts exactly what its rules' matches allow together, host by host", () => {
    // The accepted set is built from each permission at once, each rule's match only when read: they agree.
    const context = hostContext("host", ["web-1", "app-1"]);
    const space = context.space;
    const r = awsSgImporter.import(files([SAMPLE_NAME, SAMPLE]), context);
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const allowed = (dir: string) =>
      space.unionAll(r.rules.filter((x) => x.list.endsWith(` ${dir}`)).map((x) => x.match));
    const filters = context.hosts.map((h) => ({
      addresses: h.addresses,
      ingress: allowed("ingress").intersect(prefixMatch(space, "dst", h.addresses)),
      egress: allowed("egress").intersect(prefixMatch(space, "src", h.addresses)),
    }));
    expect(r.rules.length).toBeGreaterThan(5);
    expect(r.accepted.equals(hostAccepts(space, filters))).toBe(true);
  });
});

const group = (
  permissions: string,
  egress = "[]",
  tags = '[{ "Key": "rampart:asset", "Value": "web-1" }]',
) => `{
  "GroupId": "sg-1",
  "GroupName": "g",
  "IpPermissions": ${permissions},
  "IpPermissionsEgress": ${egress},
  "Tags": ${tags}
}`;

function importJson(text: string) {
  return awsSgImporter.import(files(["sg.json", text]), hostContext("host", ["web-1"]));
}

describe("aws-sg importer JSON variants", () => {
  const tcp443 =
    '[{ "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{ "CidrIp": "0.0.0.0/0" }] }]';

  it("reads a bare list of groups and a single group", () => {
    for (const text of [`[${group(tcp443)}]`, group(tcp443)]) {
      const r = importJson(text);
      expect(allows(r, "tcp", "192.0.2.1", "10.0.1.10", 443)).toBe(true);
      expect(allows(r, "tcp", "192.0.2.1", "10.0.1.10", 444)).toBe(false);
    }
  });

  it("treats protocol numbers 6, 17, 1 and 58 like tcp, udp, icmp and icmpv6", () => {
    const r = importJson(
      group(`[
        { "IpProtocol": "6", "FromPort": 22, "ToPort": 22, "IpRanges": [{ "CidrIp": "10.0.0.0/8" }] },
        { "IpProtocol": "17", "FromPort": 500, "ToPort": 501, "IpRanges": [{ "CidrIp": "10.0.0.0/8" }] },
        { "IpProtocol": "1", "FromPort": 8, "ToPort": 0, "IpRanges": [{ "CidrIp": "10.0.0.0/8" }] },
        { "IpProtocol": "58", "FromPort": -1, "ToPort": -1, "Ipv6Ranges": [{ "CidrIpv6": "::/0" }] }
      ]`),
    );
    expect(r.diagnostics).toEqual([]);
    expect(allows(r, "tcp", "10.1.1.1", "10.0.1.10", 22)).toBe(true);
    expect(allows(r, "tcp", "10.1.1.1", "10.0.1.10", 23)).toBe(false);
    expect(allows(r, "udp", "10.1.1.1", "10.0.1.10", 501)).toBe(true);
    expect(allows(r, "icmp", "10.1.1.1", "10.0.1.10", 8, 0)).toBe(true);
    expect(allows(r, "icmp", "10.1.1.1", "10.0.1.10", 8, 1)).toBe(false);
    expect(allows(r, "icmpv6", "2001:db8:9::1", "2001:db8:1::10", 135, 7)).toBe(true);
  });

  it("allows every port for protocols other than TCP and UDP, noting ignored ports", () => {
    const r = importJson(
      group(
        '[{ "IpProtocol": "132", "FromPort": 2905, "ToPort": 2905, "IpRanges": [{ "CidrIp": "10.0.0.0/8" }] }]',
      ),
    );
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([["config-ignored", 4]]);
    expect(allows(r, "sctp", "10.1.1.1", "10.0.1.10", 80)).toBe(true);
  });

  it("reads a CIDR with host bits as its network, like AWS", () => {
    const r = importJson(
      group(
        '[{ "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{ "CidrIp": "10.1.2.3/16" }] }]',
      ),
    );
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([
      [
        "config-ignored",
        '"10.1.2.3/16" has host bits set; the network is 10.1.0.0/16; AWS stores the network',
      ],
    ]);
    expect(allows(r, "tcp", "10.1.200.1", "10.0.1.10", 22)).toBe(true);
  });

  it("reports malformed permissions with their lines and leaves them out", () => {
    const text = group(`[
        { "IpProtocol": "tcp", "IpRanges": [{ "CidrIp": "0.0.0.0/0" }] },
        { "IpProtocol": "tcp", "FromPort": 90, "ToPort": 80, "IpRanges": [{ "CidrIp": "0.0.0.0/0" }] },
        { "IpProtocol": "icmp", "FromPort": -1, "ToPort": 3, "IpRanges": [{ "CidrIp": "0.0.0.0/0" }] },
        { "IpProtocol": "bogus", "IpRanges": [{ "CidrIp": "0.0.0.0/0" }] },
        { "IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "IpRanges": [{ "CidrIp": "::/0" }], "Colour": "red" },
        { "IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "IpRanges": [{ "CidrIp": "10.0.0.300/8" }] }
      ]`);
    const r = importJson(text);
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ["config-syntax", 5],
      ["config-syntax", 6],
      ["config-syntax", 7],
      ["config-syntax", 8],
      ["config-syntax", 9],
      ["config-ignored", 9],
      ["config-syntax", 10],
    ]);
    expect(r.rules).toEqual([]);
    expect(allows(r, "tcp", "192.0.2.1", "10.0.1.10", 443)).toBe(false);
  });

  it("reports broken JSON at its line and column without throwing", () => {
    const r = importJson('{\n  "SecurityGroups": [\n    { "GroupId": "sg-1", }\n  ]\n}');
    expect(r.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ["config-unsupported", 1, 1],
      ["config-syntax", 3, 26],
    ]);
    expect(r.diagnostics[1]!.message).toBe("Cannot parse JSON: Expected a quoted key");
  });

  it("leaves out a group tagged for a host the point does not protect", () => {
    const r = importJson(group(tcp443, "[]", '[{ "Key": "rampart:asset", "Value": "mail-1" }]'));
    expect(r.diagnostics.map((d) => d.message)).toContain(
      'Security group "g" is tagged for "mail-1", which is not a host this point protects; it is left out',
    );
  });

  it("takes the union of every group of a host", () => {
    const second = group(
      '[{ "IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "IpRanges": [{ "CidrIp": "10.0.0.0/8" }] }]',
    ).replace('"sg-1"', '"sg-2"');
    const r = importJson(`[${group(tcp443)}, ${second}]`);
    expect(allows(r, "tcp", "192.0.2.1", "10.0.1.10", 443)).toBe(true);
    expect(allows(r, "udp", "10.1.1.1", "10.0.1.10", 53)).toBe(true);
    expect(allows(r, "udp", "192.0.2.1", "10.0.1.10", 53)).toBe(false);
  });

  it("lets nothing through for a network-role point, and says why", () => {
    const r = awsSgImporter.import(files(["sg.json", group(tcp443)]), hostContext("network"));
    expect(r.accepted.isEmpty()).toBe(true);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["config-unsupported"]);
  });
});
