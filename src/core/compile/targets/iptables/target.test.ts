// The iptables target on the example and the fixture (goldens, proofs, determinism), its options, and the
// hard cases of rendering: protocol lists, ICMP exclusions, the ICMP type 255 refusal.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { GENERATED_TODAY, generatePolicy } from "../../../../../bench/generate-policy.js";
import { expectGolden } from "../../../../../test/support/golden.js";
import { ACME, loadFolder, loadText } from "../../../../../test/support/policies.js";
import { iptablesImporter } from "../../../import/formats/iptables/importer.js";
import { PacketSpace } from "../../../space/packet-set.js";
import { loadPolicy, type LoadedPolicy } from "../../../policy/load.js";
import { compilePoint } from "../../compile.js";
import { irListAccepts } from "../../ir-set.js";
import type { IrRule } from "../../ir.js";
import { iptablesTarget } from "./target.js";
import { portChunks } from "./services.js";
import { networkIr, testContext } from "./test-support.js";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const GOLDEN = join(HERE, "golden");
const FIXTURE = readFileSync(join(HERE, "fixtures/policy.yaml"), "utf8");

function compileAll(loaded: LoadedPolicy) {
  return loaded.resolved.points
    .filter((p) => p.point.target.value === "iptables")
    .map((p) => compilePoint(loaded.intent, p));
}

function goldenText(files: readonly { name: string; text: string }[]): string {
  return files.map((f) => `==> ${f.name} <==\n${f.text}`).join("\n");
}

describe("iptables target on the example and the fixture", () => {
  const acme = loadFolder(ACME);
  const fixture = loadText(FIXTURE);

  it("loads the fixture without errors", () => {
    expect(fixture.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });

  for (const [label, loaded] of [
    ["acme", acme],
    ["fixture", fixture],
  ] as const) {
    it(`proves every iptables point of ${label} and matches its golden files`, () => {
      const compiled = compileAll(loaded);
      expect(compiled.length).toBeGreaterThan(0);
      for (const c of compiled) {
        expect(c.status, c.point.point.name).toBe("proven");
        expect(c.diagnostics).toEqual([]);
        expect(c.proof!.imported.diagnostics).toEqual([]);
        expectGolden(join(GOLDEN, `${label}-${c.point.point.name}.txt`), goldenText(c.files));
      }
    });
  }

  it("renders byte-identical output twice", () => {
    for (const loaded of [acme, fixture]) {
      const a = compileAll(loaded).map((c) => goldenText(c.files));
      const b = compileAll(loaded).map((c) => goldenText(c.files));
      expect(a).toEqual(b);
    }
  });

  it("writes what the fixture asks for: ipsets, logging, long names cut, no expired flow", () => {
    const gw = compileAll(fixture).find((c) => c.point.point.name === "gw")!;
    const v4 = gw.files.find((f) => f.name === "gw.rules.v4")!.text;
    const ipset = gw.files.find((f) => f.name === "gw.ipset")!.text;
    expect(ipset).toContain("create rampart-fwd4-1 hash:net family inet");
    expect(v4).toContain("-m set --match-set rampart-fwd4-1 src");
    expect(v4).toContain('-j LOG --log-prefix "ACCEPT wan-to-web "');
    expect(v4).toContain('-j LOG --log-prefix "DROP no-lab-web-admin "');
    expect(v4).not.toContain("old-migration");
    const comments = [...v4.matchAll(/--comment (\S+)/g)].map((m) => m[1]!);
    expect(Math.max(...comments.map((c) => c.length))).toBeLessThanOrEqual(255);
    const prefixes = [...v4.matchAll(/--log-prefix "([^"]*)"/g)].map((m) => m[1]!);
    expect(Math.max(...prefixes.map((p) => p.length))).toBeLessThanOrEqual(29);
    expect(gw.stats.objects).toBe(
      ipset.split("\n").filter((l) => l.startsWith("create ") && !l.includes("-t ")).length,
    );
  });

  it("names its chains after the chain option and leaves ipsets out when told", () => {
    const tight = compileAll(fixture).find((c) => c.point.point.name === "gw-tight")!;
    expect(tight.files.map((f) => f.name)).toEqual(["gw-tight.rules.v4", "gw-tight.rules.v6"]);
    expect(tight.files[0]!.text).toContain(":CORE-FWD - [0:0]");
    expect(tight.files[0]!.text).not.toContain("RAMPART");
  });

  it("hooks INPUT and OUTPUT for the host role, with loopback and link-local ICMPv6", () => {
    const hosts = compileAll(fixture).find((c) => c.point.point.name === "dmz-hosts")!;
    const v6 = hosts.files.find((f) => f.name.endsWith(".v6"))!.text;
    expect(v6).toContain("-A INPUT -j RAMPART-IN");
    expect(v6).toContain("-A OUTPUT -j RAMPART-OUT");
    expect(v6).toContain("-A RAMPART-IN -s ::1/128 -d ::1/128");
    expect(v6).toContain("-A RAMPART-OUT -s fe80::/10 -d ff02::/16 -p ipv6-icmp");
    expect(v6).not.toMatch(/^(-A |:)FORWARD/m);
  });
});

describe("iptables target on a large generated policy", () => {
  it("proves fw-dc, whose packet sets number past 2^21 nodes, with ipsets and sub-chains", () => {
    // Past 2^21 nodes the overlap test once took deny-26 (smb and tftp into staging) for one that cuts into
    // no flow, so it was left out and flow f658 let tcp/445 through to 10.14.1.39.
    const policy = loadPolicy(generatePolicy({ flows: 4000, assets: 1000, seed: 1 }), {
      today: GENERATED_TODAY,
    });
    const dc = compilePoint(
      policy.intent,
      policy.resolved.points.find((p) => p.point.name === "fw-dc")!,
    );
    expect(policy.intent.space.bdd.nodeCount).toBeGreaterThan(1 << 21);
    expect(dc.status).toBe("proven");
    const v4 = dc.files.find((f) => f.name === "fw-dc.rules.v4")!.text;
    expect(v4).toContain(
      "-A RAMPART-FWD -s 10.9.0.0/16 -d 10.14.0.0/16 -p tcp -m tcp --dport 445 -m comment --comment deny-26-dangerous -j DROP\n",
    );
    expect(v4).toMatch(/^:RAMPART-FWD-1 - \[0:0\]$/m);
    expect(dc.files.map((f) => f.name)).toContain("fw-dc.ipset");
  });
});

describe("iptables options", () => {
  const base = (options: string) =>
    loadText(
      `zones: { a: [10.0.0.0/8], b: [10.1.0.0/16] }\nflows: [{ name: f, from: zone:a, to: zone:b }]\n` +
        `enforcement: { p: { target: iptables, zones: all, options: ${options} } }\n`,
    );

  it("warns about unknown options and bad values and uses the defaults", () => {
    const loaded = base("{ chains: X, chain: INPUT, ipset: yes, ipsetThreshold: 0, ndp: 1 }");
    const c = compilePoint(loaded.intent, loaded.resolved.points[0]!);
    const messages = c.diagnostics.map((d) => `${d.code} ${d.severity}: ${d.message}`);
    expect(messages).toEqual([
      'target-option warning: Unknown iptables option "chains"; did you mean "chain"?',
      'target-option warning: Option "chain" is "INPUT", which iptables reserves; the chains are named after "RAMPART"',
      'target-option warning: Option "ipset" must be true or false; "yes" is ignored',
      'target-option warning: Option "ipsetThreshold" must be a whole number from 1 to 65536; "0" is ignored and 8 is used',
      'target-option warning: Option "ndp" must be true or false; "1" is ignored',
    ]);
    expect(c.diagnostics.every((d) => d.line === loaded.resolved.points[0]!.point.loc.line)).toBe(true);
    expect(c.status).toBe("proven");
    expect(c.files[0]!.text).toContain(":RAMPART-FWD - [0:0]");
  });

  it("rejects a chain stem too long for derived chain and set names", () => {
    const loaded = base("{ chain: ABCDEFGHIJKLMNOPQ }");
    const c = compilePoint(loaded.intent, loaded.resolved.points[0]!);
    expect(c.diagnostics.map((d) => d.message)).toEqual([
      'Option "chain" is "ABCDEFGHIJKLMNOPQ": it must be 1-16 letters, digits, "_" or "-", starting with a letter; the chains are named after "RAMPART"',
    ]);
  });
});

describe("iptables rendering of hard cases", () => {
  const rule = (r: Partial<IrRule>): IrRule => ({
    action: "accept",
    family: 4,
    origin: { kind: "flow", name: "edge" },
    log: false,
    ...r,
  });

  it("splits port lists at 15 multiport slots, a range counting two", () => {
    const ports = Array.from({ length: 12 }, (_, i) => ({ lo: i * 10, hi: i * 10 + (i % 2) }));
    const chunks = portChunks(ports);
    expect(chunks.map((c) => c.reduce((n, r) => n + (r.lo === r.hi ? 1 : 2), 0))).toEqual([15, 3]);
    expect(chunks.flat()).toEqual(ports);
  });

  it("writes every protocol but several (protocol 0 included) through a chain of RETURN rules", () => {
    const rules = [
      rule({
        protocols: [
          { lo: 0, hi: 5 },
          { lo: 7, hi: 16 },
          { lo: 18, hi: 255 },
        ],
        log: true,
      }),
      rule({
        protocols: [
          { lo: 0, hi: 5 },
          { lo: 7, hi: 255 },
        ],
        action: "drop",
        family: 6,
      }),
      rule({ protocols: [{ lo: 1, hi: 2 }] }),
    ];
    const out = iptablesTarget.render(networkIr(rules));
    expectGolden(join(GOLDEN, "ir-protocols.txt"), goldenText(out.files));
    const space = new PacketSpace();
    const imported = iptablesImporter.import(out.files, testContext(space, "network"));
    expect(imported.diagnostics).toEqual([]);
    expect(imported.accepted.equals(irListAccepts(space, rules))).toBe(true);
  });

  it("writes ICMP types and codes plainly or as exclusions, whichever is shorter", () => {
    const rules = [
      rule({
        protocols: [{ lo: 1, hi: 1 }],
        icmpTypes: [
          { lo: 0, hi: 7 },
          { lo: 9, hi: 255 },
        ],
      }),
      rule({
        protocols: [{ lo: 1, hi: 1 }],
        icmpTypes: [{ lo: 3, hi: 3 }],
        icmpCodes: [
          { lo: 0, hi: 3 },
          { lo: 5, hi: 255 },
        ],
      }),
      rule({ protocols: [{ lo: 1, hi: 1 }], icmpTypes: [{ lo: 11, hi: 12 }], icmpCodes: [{ lo: 0, hi: 1 }] }),
      rule({
        family: 6,
        protocols: [{ lo: 58, hi: 58 }],
        icmpTypes: [
          { lo: 0, hi: 1 },
          { lo: 3, hi: 255 },
        ],
      }),
      rule({ family: 6, protocols: [{ lo: 58, hi: 58 }], icmpTypes: [{ lo: 128, hi: 129 }] }),
      // More exclusions than one rule should carry: a chain of RETURN rules instead.
      rule({ family: 6, protocols: [{ lo: 58, hi: 58 }], icmpTypes: [{ lo: 0, hi: 219 }], action: "drop" }),
    ];
    const out = iptablesTarget.render(networkIr(rules));
    expectGolden(join(GOLDEN, "ir-icmp.txt"), goldenText(out.files));
    const space = new PacketSpace();
    const imported = iptablesImporter.import(out.files, testContext(space, "network"));
    expect(imported.accepted.equals(irListAccepts(space, rules))).toBe(true);
  });

  it("refuses ICMP type 255 narrowed by code, naming the flow, and never lets more through", () => {
    const narrowed = {
      protocols: [{ lo: 1, hi: 1 }],
      icmpTypes: [{ lo: 254, hi: 255 }],
      icmpCodes: [{ lo: 3, hi: 3 }],
    };
    for (const action of ["accept", "drop"] as const) {
      const odd = rule({ ...narrowed, action, origin: { kind: "flow", name: "odd-icmp" } });
      // An accept is left out (less passes); a drop takes every code of type 255 (less passes again).
      const rules = action === "accept" ? [odd] : [odd, rule({})];
      const out = iptablesTarget.render(networkIr(rules));
      expect(out.diagnostics.map((d) => [d.code, d.severity])).toEqual([["target-refused", "error"]]);
      expect(out.diagnostics[0]!.message).toContain('Flow "odd-icmp"');
      const space = new PacketSpace();
      const accepted = iptablesImporter.import(out.files, testContext(space, "network")).accepted;
      const want = irListAccepts(space, rules);
      expect(accepted.isSubsetOf(want)).toBe(true);
      expect(accepted.equals(want)).toBe(false);
    }
  });

  it("reports the refusal through compilePoint, which cannot count it as refused", () => {
    const loaded = loadText(
      `zones: { a: [10.0.0.0/8], b: [10.1.0.0/16] }\n` +
        `flows: [{ name: odd-icmp, from: zone:a, to: zone:b, services: ["icmp/255/3"] }]\n` +
        `enforcement: { p: { target: iptables, zones: all } }\n`,
    );
    const c = compilePoint(loaded.intent, loaded.resolved.points[0]!);
    expect(c.diagnostics.map((d) => d.code)).toEqual(["target-refused"]);
    expect(c.diagnostics[0]!.message).toContain('Flow "odd-icmp"');
    expect(c.status).toBe("refused");
    expect(c.proof!.allowedNotIntended.isEmpty()).toBe(true);
  });
});
