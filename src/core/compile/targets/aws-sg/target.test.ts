import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { expectGolden } from "../../../../../test/support/golden.js";
import { ACME, loadFolder, loadText } from "../../../../../test/support/policies.js";
import type { LoadedPolicy } from "../../../policy/load.js";
import { summarize } from "../../../space/summarize.js";
import { compilePoint } from "../../compile.js";
import { awsSgTarget } from "./target.js";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const FIXTURE = readFileSync(join(HERE, "fixtures/policy.yaml"), "utf8");

function compiled(policy: LoadedPolicy, name: string) {
  const point = policy.intent.resolved.points.find((p) => p.point.name === name);
  if (!point) throw new Error(`No point "${name}"`);
  return compilePoint(policy.intent, point);
}

function expectProven(c: ReturnType<typeof compilePoint>) {
  const why =
    c.proof && !c.proof.equivalent
      ? `allowed, not intended: ${summarize(c.proof.allowedNotIntended, 5).join("; ")}; intended, not allowed: ${summarize(c.proof.intendedNotAllowed, 5).join("; ")}`
      : "";
  expect(c.status, why).toBe("proven");
  expect(c.proof!.imported.diagnostics).toEqual([]);
}

function file(c: ReturnType<typeof compilePoint>, suffix: string): string {
  const f = c.files.find((x) => x.name.endsWith(suffix));
  if (!f) throw new Error(`No ${suffix} file`);
  return f.text;
}

describe("aws-sg target on the acme example", () => {
  const acme = loadFolder(ACME);
  const c = compiled(acme, "aws-vpc");

  it("is proven for the aws-vpc point", () => {
    expectProven(c);
    expect(c.stats.objects).toBe(3);
  });

  it("matches the golden files", () => {
    expectGolden(join(HERE, "golden/acme/aws-vpc.sg.json.golden"), file(c, ".sg.json"));
    expectGolden(join(HERE, "golden/acme/aws-vpc.tf.golden"), file(c, ".tf"));
  });

  it("tags each group with the asset it protects", () => {
    const doc = JSON.parse(file(c, ".sg.json")) as {
      SecurityGroups: { Tags: { Key: string; Value: string }[] }[];
    };
    const assets = doc.SecurityGroups.map((g) => g.Tags.find((t) => t.Key === "rampart:asset")?.Value);
    expect(assets).toEqual(["shop-catalog", "shop-search", "k8s-prometheus"]);
  });
});

describe("aws-sg target on its fixture", () => {
  const policy = loadText(FIXTURE);
  const c = compiled(policy, "vpc-sg");

  it("loads without errors", () => {
    expect(policy.ok).toBe(true);
  });

  it("is proven", () => expectProven(c));

  it("matches the golden files", () => {
    expectGolden(join(HERE, "golden/fixture/vpc-sg.sg.json.golden"), file(c, ".sg.json"));
    expectGolden(join(HERE, "golden/fixture/vpc-sg.tf.golden"), file(c, ".tf"));
  });

  it("renders byte-identical output twice", () => {
    const again = awsSgTarget.render(c.ir!);
    expect(again.files).toEqual(c.files);
  });

  it("warns that logging needs VPC Flow Logs, naming the flow", () => {
    const logs = c.diagnostics.filter((d) => d.message.includes("logging"));
    expect(logs.map((d) => d.message)).toEqual([expect.stringContaining('Flow "web-to-app"')]);
    expect(logs[0]!.severity).toBe("warning");
  });

  it("warns when a group exceeds AWS's default rule quota", () => {
    const quota = c.diagnostics.filter((d) => d.message.includes("by default"));
    expect(quota.map((d) => d.message)).toEqual([
      expect.stringContaining('"rampart-vpc-sg-web-1" has 82 inbound IPv6 rules'),
    ]);
  });

  it("leaves egress empty when a host opens no connection", () => {
    const doc = JSON.parse(file(c, ".sg.json")) as {
      SecurityGroups: { GroupName: string; IpPermissionsEgress: unknown[] }[];
    };
    const vpn = doc.SecurityGroups.find((g) => g.GroupName === "rampart-vpc-sg-vpn-gw")!;
    expect(vpn.IpPermissionsEgress).toEqual([]);
    expect(file(c, ".tf")).not.toContain("vpn-gw_out_");
  });

  it("writes named forms for TCP, UDP, ICMP and ICMPv6 and numbers for the rest", () => {
    const protocols = new Set([...file(c, ".sg.json").matchAll(/"IpProtocol": "([^"]+)"/g)].map((m) => m[1]));
    expect([...protocols].sort()).toEqual(["-1", "47", "50", "icmp", "icmpv6", "tcp", "udp"]);
  });

  it("shortens a long flow name with a hash, within AWS's 255 characters", () => {
    const descriptions = [...file(c, ".sg.json").matchAll(/"Description": "([^"]+)"/g)].map((m) => m[1]!);
    const long = descriptions.filter((d) => d.startsWith("the-reporting-job"));
    expect(long.length).toBeGreaterThan(0);
    for (const d of long) {
      expect(d.length).toBe(255);
      expect(d).toMatch(/-[0-9a-f]{8}$/);
    }
  });

  it("writes a CIDR two flows need once, naming both", () => {
    expect(file(c, ".sg.json")).toContain('"Description": "office-to-web, office-dashboard"');
  });

  it("leaves the expired flow out", () => {
    expect(file(c, ".sg.json")).not.toContain("old-migration");
  });
});

const SMALL = (extra: string, options = "{ vpc: vpc-0123456789abcdef0 }") => `
zones:
  vpc: ["10.0.0.0/16", "2001:db8::/56"]
  lan: ["192.168.0.0/24"]
assets:
  pool: { addresses: ["10.0.1.0/24"], zone: vpc }
  other: { addresses: ["10.0.2.5"], zone: vpc }
flows:
${extra}
enforcement:
  sg: { target: aws-sg, role: host, zones: [vpc, lan], hosts: [zone:vpc], options: ${options} }
`;

describe("aws-sg target edge cases", () => {
  it("writes every other protocol when a deny cuts a protocol out of an any-protocol flow", () => {
    const policy = loadText(`${SMALL("  - { name: lan-any, from: zone:lan, to: asset:pool }")}
denies:
  - { name: no-tcp, from: any, to: any, services: [tcp] }
`);
    const c = compiled(policy, "sg");
    expectProven(c);
    const doc = JSON.parse(file(c, ".sg.json")) as {
      SecurityGroups: { IpPermissions: { IpProtocol: string }[] }[];
    };
    const protos = doc.SecurityGroups[0]!.IpPermissions.map((p) => p.IpProtocol);
    expect(protos).toHaveLength(255);
    expect(protos).not.toContain("tcp");
    expect(protos).not.toContain("-1");
    expect(protos).toContain("udp");
  });

  it("spells out ICMP codes one by one for a type with several codes", () => {
    const policy = loadText(
      SMALL(
        '  - { name: unreachables, from: zone:lan, to: asset:pool, services: ["icmp/3/0", "icmp/3/1", "icmp/3/4"] }',
      ),
    );
    const c = compiled(policy, "sg");
    expectProven(c);
    const tf = file(c, ".tf");
    expect(tf.match(/ip_protocol *= "icmp"/g)).toHaveLength(3);
    expect(tf).toContain("from_port         = 3\n  to_port           = 4\n");
  });

  it("refuses, naming the flow, a flow to only part of a protected asset", () => {
    const policy = loadText(
      SMALL('  - { name: one-pod, from: zone:lan, to: "10.0.1.7", services: [https] }'),
    );
    const c = compiled(policy, "sg");
    const refused = c.diagnostics.filter((d) => d.code === "target-refused" && d.severity === "error");
    expect(refused.map((d) => d.message)).toEqual([
      expect.stringMatching(/^Flow "one-pod" cannot be written .*every address of "pool"/),
    ]);
    // Nothing is widened: the proof finds only the refused connections missing.
    expect(c.proof!.allowedNotIntended.isEmpty()).toBe(true);
    expect(c.proof!.intendedNotAllowed.isEmpty()).toBe(false);
    expect(c.status).toBe("refused");
  });

  it("writes a rule for an asset with an address outside the point's zones", () => {
    // The group covers both addresses; the one outside the zones is none of this point's business.
    const policy = loadText(`
zones:
  vpc: ["10.0.0.0/16"]
  lan: ["192.168.0.0/24"]
  dc: ["172.16.0.0/16"]
assets:
  split: { addresses: ["10.0.1.5", "172.16.0.5"] }
flows:
  - { name: lan-to-split, from: zone:lan, to: asset:split, services: [https] }
enforcement:
  sg: { target: aws-sg, role: host, zones: [vpc, lan], hosts: ["asset:split"], options: { vpc: vpc-0123456789abcdef0 } }
`);
    const c = compiled(policy, "sg");
    expectProven(c);
    expect(c.stats).toEqual({ rules: 1, objects: 1 });
  });

  it("refuses, naming the flow, SCTP ports, which security groups cannot match", () => {
    const policy = loadText(
      SMALL('  - { name: sigtran, from: zone:lan, to: asset:pool, services: ["sctp/2905"] }'),
    );
    const c = compiled(policy, "sg");
    expect(c.diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([
      expect.stringMatching(/^Flow "sigtran" cannot be written .*ports of protocol 132/),
    ]);
    expect(c.proof!.allowedNotIntended.isEmpty()).toBe(true);
    expect(c.status).toBe("refused");
  });

  it("writes SCTP on every port as protocol 132", () => {
    const c = compiled(
      loadText(SMALL("  - { name: sctp-all, from: zone:lan, to: asset:pool, services: [sctp] }")),
      "sg",
    );
    expectProven(c);
    expect(file(c, ".sg.json")).toContain('"IpProtocol": "132"');
  });

  describe("AWS's hard ceiling of 1,000 rules per group and direction", () => {
    // Sources one address apart never merge into a shorter prefix: each is a rule of its own.
    const sources = (n: number) =>
      Array.from({ length: n }, (_, i) => `"192.168.${Math.floor((2 * i) / 256)}.${(2 * i) % 256}"`);
    const policyWith = (n: number) =>
      loadText(`
zones:
  vpc: ["10.0.0.0/16"]
  lan: ["192.168.0.0/16"]
assets:
  pool: { addresses: ["10.0.1.0/24"], zone: vpc }
  other: { addresses: ["10.0.2.5"], zone: vpc }
flows:
  - { name: many, from: [${sources(n).join(", ")}], to: asset:pool, services: [ssh] }
  - { name: pool-out, from: asset:pool, to: zone:lan, services: [https] }
  - { name: to-other, from: zone:lan, to: asset:other, services: [https] }
enforcement:
  sg: { target: aws-sg, role: host, zones: [vpc, lan], hosts: [zone:vpc], options: { vpc: vpc-0123456789abcdef0 } }
`);
    const groupsOf = (c: ReturnType<typeof compilePoint>) =>
      (
        JSON.parse(file(c, ".sg.json")) as {
          SecurityGroups: {
            GroupName: string;
            IpPermissions: { IpRanges: unknown[] }[];
            IpPermissionsEgress: unknown[];
          }[];
        }
      ).SecurityGroups;

    it("refuses a direction above it, naming the asset and the count, and writes the rest", () => {
      const c = compiled(policyWith(1001), "sg");
      const errors = c.diagnostics.filter((d) => d.severity === "error").map((d) => d.message);
      expect(errors).toEqual([
        'Asset "pool" needs 1001 inbound IPv4 rules in security group "rampart-sg-pool"; AWS allows at most 1000 (rules per group times groups per interface), so they are left out: narrow the flows or split the asset',
      ]);
      const [pool, other] = groupsOf(c);
      expect(pool!.IpPermissions).toEqual([]);
      expect(pool!.IpPermissionsEgress).toHaveLength(1);
      expect(other!.IpPermissions).toHaveLength(1);
      // The proof runs on what is written: only the refused inbound traffic of "pool" is missing.
      expect(c.proof!.allowedNotIntended.isEmpty()).toBe(true);
      const missing = c.proof!.intendedNotAllowed;
      expect(missing.isEmpty()).toBe(false);
      expect(missing.isSubsetOf(c.scope!.hostDst)).toBe(true);
      expect(c.status).toBe("refused");
    });

    it("writes a group of exactly 1000 rules, with the default-quota warning only", () => {
      const c = compiled(policyWith(1000), "sg");
      expectProven(c);
      expect(c.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      expect(c.diagnostics.map((d) => d.message)).toContainEqual(
        expect.stringContaining('"rampart-sg-pool" has 1000 inbound IPv4 rules'),
      );
      expect(groupsOf(c)[0]!.IpPermissions[0]!.IpRanges).toHaveLength(1000);
    });
  });

  it("does not compile a network-role point", () => {
    const policy = loadText(`
zones: { a: ["10.0.0.0/8"], b: ["192.168.0.0/16"] }
flows: [{ name: a-to-b, from: zone:a, to: zone:b, services: [https] }]
enforcement: { sg: { target: aws-sg, zones: [a, b] } }
`);
    const c = compiled(policy, "sg");
    expect(c.status).toBe("not-compiled");
    expect(c.diagnostics.map((d) => d.message)).toEqual([
      'Target "aws-sg" has no role "network"; enforcement point "sg" is not compiled',
    ]);
  });

  it("checks its options and writes a placeholder VPC when none is given", () => {
    const flows = "  - { name: f, from: zone:lan, to: asset:pool, services: [https] }";
    const c = compiled(loadText(SMALL(flows, "{ vpcs: vpc-1, region: Paris, account: 42 }")), "sg");
    expectProven(c);
    const warnings = c.diagnostics.filter((d) => d.code === "target-option").map((d) => d.message);
    expect(warnings).toEqual([
      'Unknown aws-sg option "vpcs"; did you mean "vpc"?',
      'Option "region" is "Paris", which does not look like an AWS region id such as "eu-central-1"',
      'Option "account" must be a string such as "123456789012"; it is ignored',
      'Option "vpc" is not set for enforcement point "sg"; the output uses "vpc-00000000"',
    ]);
    expect(file(c, ".tf")).toContain('vpc_id      = "vpc-00000000"');
    expect(file(c, ".sg.json")).toContain('"OwnerId": "000000000000"');
  });
});
