import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { inNetns, oracleCommand, oracleNetns, withNetns } from "../test/support/oracles.js";
import { loadText } from "../test/support/policies.js";
import { type Prefix, parsePrefix, formatPrefix } from "../src/core/net/prefix.js";
import type { AddressTerm } from "../src/core/policy/types.js";
import {
  benchCapirca,
  CAPIRCA_MEASUREMENTS,
  capircaPolicy,
  findAclgen,
  runAclgen,
  writeFiles,
} from "./capirca.js";
import { spanPrefixes, termSpans } from "./capirca-policy.js";
import { aclgenConfig } from "./capirca-proof.js";
import type { Measurement } from "./timing.js";

const POLICY = `
zones:
  internet: { networks: [0.0.0.0/0, "::/0"] }
  corp: { networks: [10.1.0.0/16, "2001:db8:1::/48"] }
  dc: { networks: [10.2.0.0/16, "2001:db8:2::/48"] }
  pci: { networks: [10.2.5.0/24] }
  ot: { networks: [10.9.0.0/16] }
assets:
  web: { addresses: [10.2.0.10, "2001:db8:2::10"], zone: dc }
  db: { addresses: [10.2.5.20], zone: pci }
flows:
  - { name: corp-to-web, from: zone:corp, to: asset:web, services: ["tcp/80,443", udp/443, icmp/8, icmpv6/128] }
  - { name: corp-to-dc, from: zone:corp, to: zone:dc, log: true }
  - { name: dc-to-ot, from: zone:dc, to: zone:ot, services: [gre, tcp/1000-2000, udp/1000-2000] }
  - { name: old, from: zone:ot, to: zone:corp, expires: 2020-01-01 }
  - { name: unreachable, from: zone:corp, to: asset:web, services: [icmp/3/4] }
  - { name: odd-protocol, from: zone:corp, to: asset:web, services: [proto/253] }
  - { name: internet-to-web, from: zone:internet, to: asset:web, services: [https] }
denies:
  - { name: no-telnet, from: any, to: any, services: [tcp/23] }
  - { name: no-pci, from: zone:corp, to: zone:pci }
enforcement:
  edge: { target: nftables, zones: all }
  core: { target: iptables, zones: [corp, dc, pci] }
  cloud: { target: aws-sg, role: host, zones: [dc, corp], hosts: [zone:dc] }
`;

/**
 * What Capirca can write exactly: no ICMP code in nftables, no unnamed protocol, and no flow of every service
 * (Capirca accepts only what conntrack calls new, so not the ICMP errors such a flow allows).
 */
const EXPRESSIBLE = POLICY.split("\n")
  .filter((l) => !/name: (corp-to-dc|unreachable|odd-protocol),/.test(l))
  .join("\n");
const loaded = loadText(POLICY);
const policy = capircaPolicy(loaded.resolved, loaded.resolved.points);
const file = (path: string) => policy.files.find((f) => f.path === path)!.text;
/** The terms of a .pol file, per header, as [name, body] pairs. */
function terms(pol: string): [string, string][][] {
  return pol
    .split("header {")
    .slice(1)
    .map((h) => [...h.matchAll(/^term (\S+) \{\n([^}]*)\}/gm)].map((m) => [m[1]!, m[2]!]));
}
/** The prefixes of a definition token of NETWORK.net. */
function token(name: string): string[] {
  const m = new RegExp(`^${name} = ([^]*?)(?:\\n\\n|\\n$)`, "m").exec(file("def/NETWORK.net"));
  return m![1]!.split(/\s+/).filter((s) => s !== "");
}

describe("address sets", () => {
  it("expand a prefix minus its exceptions into the fewest prefixes", () => {
    const spans = termSpans([{ prefix: parsePrefix("10.0.0.0/8"), except: [parsePrefix("10.1.0.0/16")] }]);
    expect(spanPrefixes(4, spans[4]).map(formatPrefix)).toEqual([
      "10.0.0.0/16",
      "10.2.0.0/15",
      "10.4.0.0/14",
      "10.8.0.0/13",
      "10.16.0.0/12",
      "10.32.0.0/11",
      "10.64.0.0/10",
      "10.128.0.0/9",
    ]);
    expect(spans[6]).toEqual([]);
  });

  it("cover exactly the addresses of the terms (property, against the packet-set engine)", () => {
    const { intent } = loaded;
    const prefix = fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 32 })).map(([v, l]) => {
        const value = BigInt(v) & ~((1n << BigInt(32 - l)) - 1n);
        return { family: 4, value, length: l } as Prefix;
      }),
      fc
        .tuple(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), fc.integer({ min: 0, max: 128 }))
        .map(([v, l]) => {
          const value = v & ~((1n << BigInt(128 - l)) - 1n);
          return { family: 6, value, length: l } as Prefix;
        }),
    );
    const term = fc.tuple(prefix, fc.array(prefix, { maxLength: 4 })).map(([p, except]): AddressTerm => ({
      prefix: p,
      except: except.filter((e) => e.family === p.family && e.length >= p.length),
    }));
    fc.assert(
      fc.property(fc.array(term, { maxLength: 5 }), (list) => {
        const spans = termSpans(list);
        const prefixes = [...spanPrefixes(4, spans[4]), ...spanPrefixes(6, spans[6])];
        const expanded = intent.addresses(
          prefixes.map((p) => ({ prefix: p, except: [] })),
          "src",
        );
        expect(expanded.equals(intent.addresses(list, "src"))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe("capircaPolicy", () => {
  it("writes one policy per network-role nftables or iptables point, and the files aclgen renders", () => {
    expect(policy.files.map((f) => f.path)).toEqual([
      "def/NETWORK.net",
      "def/SERVICES.svc",
      "policies/pol/edge.pol",
      "policies/pol/core.pol",
    ]);
    expect(policy.points).toEqual([
      { name: "edge", target: "nftables", output: "edge.nft" },
      { name: "core", target: "iptables", output: "core" },
    ]);
    expect(file("policies/pol/edge.pol")).toMatch(
      /target:: nftables inet input[^]*target:: nftables inet6 input/,
    );
    expect(file("policies/pol/core.pol")).toMatch(
      /FORWARD DROP inet\n[^]*target:: iptables FORWARD DROP inet6/,
    );
    expect(policy.terms).toBe(
      terms(file("policies/pol/edge.pol")).flat().length + terms(file("policies/pol/core.pol")).flat().length,
    );
  });

  it("puts the denies first, leaves expired flows out, and keeps a point's rules to its zones", () => {
    for (const header of [...terms(file("policies/pol/edge.pol")), ...terms(file("policies/pol/core.pol"))]) {
      const kinds = header.map(([name]) => name[0]);
      expect(kinds.join("")).toMatch(/^d*f*$/);
      expect(header.some(([, body]) => body.includes('"flow old"'))).toBe(false);
    }
    expect(file("policies/pol/edge.pol")).toContain('"flow internet-to-web"');
    expect(file("policies/pol/core.pol")).not.toContain('"flow internet-to-web"');
    expect(file("policies/pol/core.pol")).not.toContain('"flow dc-to-ot"');
  });

  it("writes a zone minus its nested zone exactly, in the family the term is for", () => {
    const [v4, v6] = terms(file("policies/pol/edge.pol"));
    const dst = (header: [string, string][], flow: string) =>
      token(
        /destination-address:: (\S+)/.exec(header.find(([, b]) => b.includes(`"flow ${flow}"`))![1])![1]!,
      );
    expect(dst(v4!, "corp-to-dc")).toEqual([
      "10.2.0.0/22",
      "10.2.4.0/24",
      "10.2.6.0/23",
      "10.2.8.0/21",
      "10.2.16.0/20",
      "10.2.32.0/19",
      "10.2.64.0/18",
      "10.2.128.0/17",
    ]);
    expect(dst(v6!, "corp-to-dc")).toEqual(["2001:db8:2::/48"]);
    expect(v6!.some(([, b]) => b.includes('"flow dc-to-ot"'))).toBe(false); // ot has no IPv6
  });

  it("splits services into terms Capirca renders exactly, working around its nftables bugs", () => {
    const [v4, v6] = terms(file("policies/pol/edge.pol"));
    const body = (header: [string, string][], flow: string) =>
      header.filter(([, b]) => b.includes(`"flow ${flow}"`)).map(([, b]) => b.replace(/ {2}comment.*\n/, ""));
    const services = file("def/SERVICES.svc");
    expect(services).toMatch(/^SVC\d+ = 80\/tcp\n\s+443\/tcp$/m);
    expect(services).toMatch(/^SVC\d+ = 1000-2000\/tcp\n\s+1000-2000\/udp$/m);
    const web4 = body(v4!, "corp-to-web");
    expect(web4).toHaveLength(3);
    expect(web4[0]).toMatch(/protocol:: tcp\n {2}source-port:: ANY_PORT\n {2}destination-port:: SVC\d+\n/);
    expect(web4[2]).toContain("protocol:: icmp\n  icmp-type:: echo-request echo-request\n");
    const web6 = body(v6!, "corp-to-web");
    expect(web6[0]).toContain("source-port:: ANY_PORT");
    expect(web6[2]).toContain("protocol:: icmpv6\n  icmp-type:: echo-request echo-request\n");
    expect(body(v4!, "dc-to-ot")[0]).toContain("protocol:: gre\n");
    expect(body(v4!, "corp-to-dc")[0]).toMatch(
      /destination-address:: NET\d+\n {2}logging:: true\n {2}action:: accept\n$/,
    );
    const [core4] = terms(file("policies/pol/core.pol"));
    expect(body(core4!, "unreachable")[0]).toContain(
      "protocol:: icmp\n  icmp-type:: unreachable\n  icmp-code:: 4\n",
    );
    expect(body(core4!, "corp-to-web")[0]).not.toContain("source-port");
  });

  it("reports what Capirca cannot express instead of widening it", () => {
    expect(policy.untranslated.map((u) => u.message)).toEqual([
      'edge (nftables): flow "unreachable": icmp/3/4: Capirca\'s nftables has no ICMP codes',
      'edge (nftables): flow "odd-protocol": protocol 253: not in Capirca\'s protocol table',
      'core (iptables): flow "odd-protocol": protocol 253: not in Capirca\'s protocol table',
    ]);
    expect(file("policies/pol/edge.pol")).not.toContain('"flow odd-protocol"');
  });
});

describe("aclgenConfig", () => {
  it("moves Capirca's nftables base chains to the forward hook, and nothing else", () => {
    const text =
      "table ip filtering_policies {\n    chain root0 {\n        type filter hook input priority 0; policy drop;\n";
    expect(aclgenConfig("nftables", "fw.nft", text)).toEqual([
      { name: "fw.nft", text: text.replace("hook input", "hook forward") },
    ]);
  });

  it("turns Capirca's iptables output into one iptables-restore file per family", () => {
    const text = [
      "# Iptables FORWARD Policy",
      "# $Id:$",
      "# inet",
      "-P FORWARD DROP",
      "-N F_f1",
      "-A FORWARD -j F_f1",
      "# Iptables FORWARD Policy",
      "# inet6",
      "-P FORWARD DROP",
      "",
    ].join("\n");
    expect(aclgenConfig("iptables", "fw", text)).toEqual([
      { name: "fw.rules.v4", text: "*filter\n-P FORWARD DROP\n-N F_f1\n-A FORWARD -j F_f1\nCOMMIT\n" },
      { name: "fw.rules.v6", text: "*filter\n-P FORWARD DROP\nCOMMIT\n" },
    ]);
  });
});

const aclgen = oracleCommand("aclgen");
const nft = oracleCommand("nft");
const netns = oracleNetns();
const restore = netns.available ? oracleCommand("iptables-restore") : netns;
const tmp = mkdtempSync(join(tmpdir(), "rampart-capirca-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!aclgen.available)(`aclgen${aclgen.available ? "" : ` (${aclgen.reason})`}`, () => {
  it("renders the translated policy to nftables and iptables files", () => {
    const dir = join(tmp, "render");
    writeFiles(dir, policy.files);
    const run = runAclgen(findAclgen()!, dir);
    expect(run.message).toBe("");
    expect(run.ok).toBe(true);
    const nftText = readFileSync(join(dir, "out", "edge.nft"), "utf8");
    expect(nftText).toMatch(/^table ip filtering_policies \{$[^]*^table ip6 filtering_policies \{$/m);
    expect(nftText).toContain("tcp sport 0-65535 tcp dport { 80, 443 } ct state new accept");
    const ipt = readFileSync(join(dir, "out", "core"), "utf8");
    expect(ipt).toMatch(/^-P FORWARD DROP$/m);
    expect(ipt).toMatch(/^# inet6$/m);
    expect(ipt).toContain("-p icmp --icmp-type 3/4 -s 10.1.0.0/16 -d 10.2.0.10/32");
  });

  it.skipIf(!nft.available)(
    `writes nftables that nft accepts${nft.available ? "" : ` (${nft.reason})`}`,
    () => {
      const r = spawnSync("nft", ["-c", "-f", join(tmp, "render", "out", "edge.nft")], { encoding: "utf8" });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
    },
  );

  it.skipIf(!restore.available)(
    `writes iptables that iptables-restore accepts, once split by family${restore.available ? "" : ` (${restore.reason})`}`,
    async () => {
      const text = readFileSync(join(tmp, "render", "out", "core"), "utf8");
      const files = aclgenConfig("iptables", "core", text);
      expect(files.map((f) => f.name)).toEqual(["core.rules.v4", "core.rules.v6"]);
      await withNetns((ns) => {
        for (const f of files) {
          const cmd = f.name.endsWith(".v6") ? "ip6tables-restore" : "iptables-restore";
          expect(inNetns(ns, cmd, ["--test"], f.text)).toEqual({ status: 0, stdout: "", stderr: "" });
        }
      });
    },
  );

  it("is timed beside Rampart, each measurement emitted in order", () => {
    const out: Measurement[] = [];
    const messages: string[] = [];
    const dir = join(tmp, "bench");
    benchCapirca(
      { intent: loaded.intent, loadMs: 5, aclgen: findAclgen(), dir, progress: (m) => messages.push(m) },
      (m) => out.push(m),
    );
    expect(out.map((m) => m.name)).toEqual(CAPIRCA_MEASUREMENTS);
    const value = (name: string) => out.find((m) => m.name === name)!.value;
    expect(value("capirca.aclgen_ms")).toBeGreaterThan(0);
    expect(value("capirca.terms")).toBe(policy.terms);
    expect(value("capirca.untranslated")).toBe(3);
    expect(value("compile.speedup_vs_aclgen")).toBeGreaterThan(value("compile.speedup_vs_aclgen_with_load"));
    // corp-to-dc allows every service, ICMP errors included, which Capirca's `ct state new` never accepts;
    // everything else Capirca renders exactly.
    expect(value("capirca.nftables_equivalent")).toBe(0);
    expect(value("capirca.nftables_equivalent_expressible")).toBe(1);
    expect(value("capirca.iptables_equivalent")).toBe(0);
    expect(value("capirca.iptables_equivalent_expressible")).toBe(1);
    expect(messages).toContainEqual(
      expect.stringMatching(/^ {2}intended, not allowed: icmp\/0-7,9-12,14,16,18-255 /),
    );
    expect(existsSync(join(dir, "out", "edge.nft"))).toBe(true);
    expect(existsSync(join(dir, "rampart", "edge"))).toBe(true);
    expect(messages.some((m) => m.startsWith("running aclgen on"))).toBe(true);
  });

  it("proves aclgen's output equivalent to a policy it can express", () => {
    const out: Measurement[] = [];
    benchCapirca({ intent: loadText(EXPRESSIBLE).intent, loadMs: 0, aclgen: findAclgen() }, (m) =>
      out.push(m),
    );
    const value = (name: string) => out.find((m) => m.name === name)!.value;
    expect(value("capirca.untranslated")).toBe(0);
    expect(value("capirca.nftables_equivalent")).toBe(1);
    expect(value("capirca.iptables_equivalent")).toBe(1);
    expect(value("capirca.import_diagnostics")).toBe(0);
  });

  it("finds where aclgen's output differs from the policy, and whether only what it cannot express does", () => {
    const extra = "  - { name: ot-unreachable, from: zone:ot, to: asset:web, services: [icmp/3/4] }\n";
    const wider = loadText(EXPRESSIBLE.replace("denies:\n", `${extra}denies:\n`));
    const out: Measurement[] = [];
    const messages: string[] = [];
    benchCapirca(
      { intent: wider.intent, loadMs: 0, aclgen: findAclgen(), progress: (m) => messages.push(m) },
      (m) => out.push(m),
    );
    const value = (name: string) => out.find((m) => m.name === name)!.value;
    expect(value("capirca.nftables_equivalent")).toBe(0);
    expect(value("capirca.nftables_equivalent_expressible")).toBe(1);
    expect(value("capirca.iptables_equivalent")).toBe(1); // ot is none of core's business
    expect(messages).toContain("aclgen's edge.nft differs from the intent");
    expect(messages.find((m) => m.includes("intended, not allowed"))).toMatch(
      /^ {2}intended, not allowed: icmp\/3\/4 from 10\.9\.0\.0\/16 to 10\.2\.0\.10 \(flows: ot-unreachable; config: none\)$/,
    );
  });
});

describe.skipIf(!aclgen.available)(
  `benchCapirca with aclgen${aclgen.available ? "" : ` (${aclgen.reason})`}`,
  () => {
    it("proves only the targets the policy has points for", () => {
      const nftOnly = loadText(POLICY.replace(/ {2}core:.*\n/, ""));
      const names: string[] = [];
      benchCapirca({ intent: nftOnly.intent, loadMs: 0, aclgen: findAclgen() }, (m) => names.push(m.name));
      expect(names).toEqual(CAPIRCA_MEASUREMENTS.filter((n) => !n.startsWith("capirca.iptables_")));
    });
  },
);

describe("benchCapirca", () => {
  it("skips with a message when aclgen is not installed", () => {
    const out: Measurement[] = [];
    const messages: string[] = [];
    benchCapirca(
      { intent: loaded.intent, loadMs: 0, aclgen: undefined, progress: (m) => messages.push(m) },
      (m) => out.push(m),
    );
    expect(out).toEqual([]);
    expect(messages).toEqual([
      "skipping the Capirca comparison: aclgen is not installed (Debian: apt install python3-capirca)",
    ]);
  });

  it("skips with a message when no point is for nftables or iptables", () => {
    const hostOnly = loadText(POLICY.replace(/ {2}edge:.*\n {2}core:.*\n/, ""));
    const messages: string[] = [];
    benchCapirca(
      { intent: hostOnly.intent, loadMs: 0, aclgen: "/bin/false", progress: (m) => messages.push(m) },
      () => {
        throw new Error("nothing should be emitted");
      },
    );
    expect(messages).toEqual([
      "skipping the Capirca comparison: the policy has no network-role nftables or iptables point",
    ]);
  });

  it("finds aclgen on PATH only where it is", () => {
    expect(findAclgen("/nonexistent")).toBeUndefined();
    expect(findAclgen("")).toBeUndefined();
  });
});
