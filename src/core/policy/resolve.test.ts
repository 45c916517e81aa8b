import { describe, expect, it } from "vitest";
import { formatPrefix } from "../net/prefix.js";
import type { Diagnostic } from "./diagnostics.js";
import { parsePolicy } from "./parse.js";
import { resolvePolicy } from "./resolve.js";
import type { AddressTerm } from "./types.js";

/** A YAML file from lines, so that line N of the file is argument N. */
const yaml = (...lines: string[]): string => lines.join("\n") + "\n";
const show = (ds: readonly Diagnostic[]) =>
  ds.map((d) => `${d.line}:${d.column} ${d.severity} ${d.code}: ${d.message}`);
const terms = (ts: readonly AddressTerm[]) =>
  ts.map((t) => [formatPrefix(t.prefix), ...t.except.map((e) => `-${formatPrefix(e)}`)].join(" "));

/** Parses (which must be clean) and resolves. */
function resolveYaml(text: string, today = "2026-03-01") {
  const parsed = parsePolicy([{ path: "p.yaml", text }]);
  expect(show(parsed.diagnostics)).toEqual([]);
  return resolvePolicy(parsed.policy, { today });
}

const ZONES = [
  "zones:",
  '  internet: ["0.0.0.0/0", "::/0"]',
  '  corp: ["10.10.0.0/16", "2001:db8:10::/48"]',
  '  pci: ["10.10.5.0/24"]',
  '  servers: ["10.20.0.0/16"]',
];

describe("resolvePolicy zones", () => {
  it("gives each zone its exact space by longest-prefix match", () => {
    const { resolved, diagnostics } = resolveYaml(yaml(...ZONES));
    expect(diagnostics).toEqual([]);
    expect(Object.fromEntries([...resolved.zones].map(([name, ts]) => [name, terms(ts)]))).toEqual({
      internet: ["0.0.0.0/0 -10.10.0.0/16 -10.20.0.0/16", "::/0 -2001:db8:10::/48"],
      corp: ["10.10.0.0/16 -10.10.5.0/24", "2001:db8:10::/48"],
      pci: ["10.10.5.0/24"],
      servers: ["10.20.0.0/16"],
    });
  });

  it("reports a network listed in two zones and keeps it in the first", () => {
    const { resolved, diagnostics } = resolveYaml(
      yaml("zones:", '  a: ["10.0.0.0/8", "10.0.0.0/8"]', '  b: ["192.0.2.0/24", "10.0.0.0/8"]'),
    );
    expect(show(diagnostics)).toEqual([
      '2:21 warning duplicate-network: Network 10.0.0.0/8 is listed twice in zone "a"',
      '3:23 error duplicate-network: Network 10.0.0.0/8 is already in zone "a" (p.yaml:2:7); an address belongs to one zone',
    ]);
    expect(terms(resolved.zones.get("a")!)).toEqual(["10.0.0.0/8"]);
    expect(terms(resolved.zones.get("b")!)).toEqual(["192.0.2.0/24"]);
  });
});

describe("resolvePolicy references", () => {
  const policy = yaml(
    ...ZONES,
    "assets:",
    '  db-1: { addresses: ["10.10.5.5", "2001:db8:10::5"] }',
    '  web-1: { addresses: ["10.20.0.10"], zone: servers }',
    "groups:",
    '  admins: ["asset:db-1", "group:ops", "192.0.2.0/28"]',
    '  ops: ["198.51.100.7", "asset:web-1"]',
    "applications:",
    '  shop: { tiers: { web: ["asset:web-1"], db: ["asset:db-1", "group:ops"] } }',
    "flows:",
    "  - name: f",
    "    from: [zone:pci, asset:web-1, group:admins, app:shop, app:shop/web, any, 192.0.2.9, 2001:db8::/32]",
    "    to: any",
  );

  it("resolves every kind of reference to the union of its terms", () => {
    const { resolved, diagnostics } = resolveYaml(policy);
    expect(diagnostics).toEqual([]);
    const flow = resolved.flows[0]!;
    expect(terms(flow.from)).toEqual([
      "10.10.5.0/24", // zone:pci
      "10.20.0.10", // asset:web-1 (again in group:ops and app:shop, kept once)
      "10.10.5.5", // group:admins → asset:db-1
      "2001:db8:10::5",
      "198.51.100.7", // → group:ops
      "192.0.2.0/28",
      "0.0.0.0/0", // any
      "::/0",
      "192.0.2.9",
      "2001:db8::/32",
    ]);
    expect(terms(flow.to)).toEqual(["0.0.0.0/0", "::/0"]);
  });

  it("resolves references given later through the API, without repeating definition problems", () => {
    const { resolved } = resolveYaml(yaml(...ZONES, "groups:", '  g: ["10.0.0.1/8", "zone:pci"]'));
    const loc = { file: "<command line>", line: 1, column: 1 };
    const r = resolved.resolveReferences([
      { value: "group:g", loc },
      { value: "app:shop", loc },
    ]);
    expect(terms(r.terms)).toEqual(["10.10.5.0/24"]);
    expect(r.diagnostics.map((d) => `${d.file} ${d.code}: ${d.message}`)).toEqual([
      '<command line> unknown-reference: Unknown application "shop"',
    ]);
    const s = resolved.resolveServices([{ value: "https", loc }]);
    expect(s).toEqual({
      atoms: [{ kind: "ports", proto: 6, ranges: [{ lo: 443, hi: 443 }] }],
      diagnostics: [],
    });
  });

  it("reports unknown names and kinds with a did-you-mean, at each place they are written", () => {
    const { diagnostics } = resolveYaml(
      yaml(
        ...ZONES,
        "assets:",
        '  db-1: { addresses: ["10.10.5.5"] }',
        "groups:",
        "  admins: []",
        "applications:",
        "  shop: { tiers: { web: [] } }",
        "flows:",
        "  - name: f",
        "    from: [zone:corpp, asset:db1, group:admin, app:shopp, app:shop/wb]",
        "    to: [host:x, zon:corp, corp, anyy, something, zone:corpp]",
      ),
    );
    expect(show(diagnostics)).toEqual([
      '14:12 error unknown-reference: Unknown zone "corpp"; did you mean "corp"?',
      '14:24 error unknown-reference: Unknown asset "db1"; did you mean "db-1"?',
      '14:35 error unknown-reference: Unknown group "admin"; did you mean "admins"?',
      '14:48 error unknown-reference: Unknown application "shopp"; did you mean "shop"?',
      '14:59 error unknown-reference: Application "shop" has no tier "wb"; did you mean "web"?',
      '15:10 error unknown-reference: Unknown reference kind "host" in "host:x"; expected zone:NAME, asset:NAME, group:NAME, app:NAME, app:NAME/TIER, any, or an IP address or CIDR',
      '15:18 error unknown-reference: Unknown reference kind "zon" in "zon:corp"; did you mean "zone:corp"?',
      '15:28 error unknown-reference: Unknown reference "corp"; did you mean "zone:corp"?',
      '15:34 error unknown-reference: Unknown reference "anyy"; did you mean "any"?',
      '15:40 error unknown-reference: Unknown reference "something"; expected zone:NAME, asset:NAME, group:NAME, app:NAME, app:NAME/TIER, any, or an IP address or CIDR',
      '15:51 error unknown-reference: Unknown zone "corpp"; did you mean "corp"?',
    ]);
  });

  it("checks literal addresses", () => {
    const { resolved, diagnostics } = resolveYaml(
      yaml(
        "flows:",
        '  - { name: f, from: ["10.0.0.1/8", "10.0.0.300", "2001:db8::/129", "10.0.0.0/8"], to: any }',
      ),
    );
    expect(show(diagnostics)).toEqual([
      '2:23 error host-bits: "10.0.0.1/8" has host bits set; the network is 10.0.0.0/8',
      '2:37 error invalid-cidr: "10.0.0.300" is not an IP address or CIDR',
      '2:51 error invalid-cidr: "2001:db8::/129" has a prefix length outside 0-128',
    ]);
    expect(terms(resolved.flows[0]!.from)).toEqual(["10.0.0.0/8"]);
  });

  it("reports a problem inside a definition once, however often it is used, and even when unused", () => {
    const { diagnostics } = resolveYaml(
      yaml(
        "groups:",
        '  used: ["zone:nowhere"]',
        '  unused: ["10.0.0.1/8"]',
        "applications:",
        '  idle: { tiers: { web: ["asset:ghost"] } }',
        "flows:",
        "  - { name: a, from: group:used, to: group:used }",
        "  - { name: b, from: group:used, to: any }",
      ),
    );
    expect(show(diagnostics)).toEqual([
      '2:10 error unknown-reference: Unknown zone "nowhere"',
      '3:12 error host-bits: "10.0.0.1/8" has host bits set; the network is 10.0.0.0/8',
      '5:26 error unknown-reference: Unknown asset "ghost"',
    ]);
  });

  it("reports a cycle of groups once, naming it, and still resolves the rest", () => {
    const { resolved, diagnostics } = resolveYaml(
      yaml(
        "groups:",
        '  a: ["group:b", "10.0.0.0/8"]',
        '  b: ["group:a", "192.0.2.0/24"]',
        '  self: ["group:self"]',
        "flows:",
        "  - { name: f, from: group:a, to: [group:b, group:a] }",
      ),
    );
    expect(show(diagnostics)).toEqual([
      "3:7 error reference-cycle: Reference cycle: group:a -> group:b -> group:a",
      "4:10 error reference-cycle: Reference cycle: group:self -> group:self",
    ]);
    expect(terms(resolved.flows[0]!.from)).toEqual(["192.0.2.0/24", "10.0.0.0/8"]);
  });

  it("follows groups nested thousands deep without overflowing the stack", () => {
    const depth = 5_000;
    const groups = Array.from({ length: depth }, (_, i) => `  g${i}: ["group:g${i + 1}"]`);
    const { resolved, diagnostics } = resolveYaml(
      yaml(
        "groups:",
        ...groups,
        '  g5000: ["192.0.2.1"]',
        "flows:",
        "  - { name: f, from: group:g0, to: any }",
      ),
    );
    expect(diagnostics).toEqual([]);
    expect(terms(resolved.flows[0]!.from)).toEqual(["192.0.2.1"]);
  });

  it("reports a cycle through an application tier", () => {
    const { diagnostics } = resolveYaml(
      yaml("groups:", '  g: ["app:shop"]', "applications:", '  shop: { tiers: { web: ["group:g"] } }'),
    );
    expect(show(diagnostics)).toEqual([
      "4:26 error reference-cycle: Reference cycle: group:g -> app:shop -> app:shop/web -> group:g",
    ]);
  });
});

describe("resolvePolicy assets", () => {
  it("requires an asset's zone to exist and its addresses to lie inside that zone", () => {
    const { diagnostics } = resolveYaml(
      yaml(
        ...ZONES,
        "assets:",
        '  ok: { addresses: ["10.10.1.0/24", "2001:db8:10::1"], zone: corp }',
        '  typo: { addresses: ["10.10.1.1"], zone: corpp }',
        '  moved: { addresses: ["10.20.0.5"], zone: pci }',
        '  inner: { addresses: ["10.10.5.5"], zone: corp }',
        '  wide: { addresses: ["10.10.0.0/16"], zone: corp }',
        '  outer: { addresses: ["10.10.0.0/16"], zone: internet }',
      ),
    );
    expect(show(diagnostics)).toEqual([
      '8:43 error unknown-reference: Unknown zone "corpp"; did you mean "corp"?',
      '9:24 error address-outside-zone: Address "10.20.0.5" of asset "moved" is not inside its zone "pci"; it is in zone "servers"',
      '10:24 error address-outside-zone: Address "10.10.5.5" of asset "inner" is not inside its zone "corp"; it is in zone "pci"',
      '11:23 error address-outside-zone: Address "10.10.0.0/16" of asset "wide" is not inside its zone "corp"; it is not entirely inside any one zone',
      '12:24 error address-outside-zone: Address "10.10.0.0/16" of asset "outer" is not inside its zone "internet"; it is not entirely inside any one zone',
    ]);
  });

  it("says when an address is in no zone at all", () => {
    const { diagnostics } = resolveYaml(
      yaml("zones:", '  corp: ["10.0.0.0/8"]', "assets:", '  x: { addresses: ["192.0.2.1"], zone: corp }'),
    );
    expect(show(diagnostics)).toEqual([
      '4:20 error address-outside-zone: Address "192.0.2.1" of asset "x" is not inside its zone "corp"; it is in no zone',
    ]);
  });

  it("accepts an address spread over several networks of its zone", () => {
    const { diagnostics } = resolveYaml(
      yaml(
        "zones:",
        '  corp: ["10.0.0.0/25", "10.0.0.128/25"]',
        "assets:",
        '  x: { addresses: ["10.0.0.0/24"], zone: corp }',
      ),
    );
    expect(diagnostics).toEqual([]);
  });
});

describe("resolvePolicy services", () => {
  it("resolves rule services, every service when omitted, and reports unknown ones at their place", () => {
    const { resolved, diagnostics } = resolveYaml(
      yaml(
        "services:",
        '  web: ["http", "https"]',
        '  broken: ["tcp/99999"]',
        "flows:",
        "  - { name: a, from: any, to: any, services: [web, icmp] }",
        "  - { name: b, from: any, to: any }",
        "  - { name: c, from: any, to: any, services: [htps, broken] }",
        "assertions:",
        "  - { from: any, to: any, service: broken, expect: deny }",
      ),
    );
    expect(show(diagnostics)).toEqual([
      '3:12 error port-range: Port 99999 in "tcp/99999" is outside 0-65535',
      '7:47 error unknown-reference: Unknown service "htps"; did you mean "https"?',
    ]);
    expect(resolved.flows[0]!.services).toHaveLength(3);
    expect(resolved.flows[0]!.services).toEqual(
      expect.arrayContaining([
        { kind: "ports", proto: 6, ranges: [{ lo: 80, hi: 80 }] },
        { kind: "ports", proto: 6, ranges: [{ lo: 443, hi: 443 }] },
        { kind: "protocol", proto: 1 },
      ]),
    );
    expect(resolved.flows[1]!.services).toEqual([{ kind: "any" }]);
    expect(resolved.assertions[0]!.services).toEqual([]);
  });
});

describe("resolvePolicy expiry", () => {
  const policy = yaml(
    "flows:",
    "  - { name: old, from: any, to: any, expires: 2026-02-28 }",
    "  - { name: today, from: any, to: any, expires: 2026-03-01 }",
    "  - { name: open, from: any, to: any }",
    "denies:",
    "  - { name: gone, from: any, to: any, expires: 2025-12-31 }",
  );

  it("marks rules past their date as expired, keeps them, and warns at the date", () => {
    const { resolved, diagnostics } = resolveYaml(policy, "2026-03-01");
    expect(show(diagnostics)).toEqual([
      '2:47 warning flow-expired: Flow "old" expired on 2026-02-28 and allows nothing',
      '6:48 warning flow-expired: Deny "gone" expired on 2025-12-31 and blocks nothing',
    ]);
    expect(resolved.flows.map((f) => [f.rule.name, f.expired])).toEqual([
      ["old", true],
      ["today", false],
      ["open", false],
    ]);
    expect(resolved.denies.map((f) => f.expired)).toEqual([true]);
  });

  it("treats a flow as valid through the whole of its last day", () => {
    const { resolved, diagnostics } = resolveYaml(policy, "2025-06-01");
    expect(diagnostics).toEqual([]);
    expect(resolved.flows.every((f) => !f.expired)).toBe(true);
  });

  it("rejects a malformed today as a bug", () => {
    const { policy: p } = parsePolicy([]);
    expect(() => resolvePolicy(p, { today: "2026-3-1" })).toThrow(RangeError);
  });
});

describe("resolvePolicy enforcement", () => {
  it("expands all to every zone and reports unknown zone names", () => {
    const { resolved, diagnostics } = resolveYaml(
      yaml(
        ...ZONES,
        "enforcement:",
        "  edge: { target: nftables, zones: all }",
        "  core: { target: iptables, zones: [corp, pcii, corp, servers, dmz] }",
      ),
    );
    expect(show(diagnostics)).toEqual([
      '8:43 error unknown-reference: Unknown zone "pcii"; did you mean "pci"?',
      '8:64 error unknown-reference: Unknown zone "dmz"',
    ]);
    expect(resolved.points.map((p) => [p.point.name, p.zones])).toEqual([
      ["edge", ["internet", "corp", "pci", "servers"]],
      ["core", ["corp", "servers"]],
    ]);
  });
});

describe("resolvePolicy assertions", () => {
  it("resolves both sides and the services", () => {
    const { resolved, diagnostics } = resolveYaml(
      yaml(...ZONES, "assertions:", "  - { from: zone:internet, to: zone:pci, service: ssh, expect: deny }"),
    );
    expect(diagnostics).toEqual([]);
    const a = resolved.assertions[0]!;
    expect(terms(a.from)).toEqual(["0.0.0.0/0 -10.10.0.0/16 -10.20.0.0/16", "::/0 -2001:db8:10::/48"]);
    expect(terms(a.to)).toEqual(["10.10.5.0/24"]);
    expect(a.services).toEqual([{ kind: "ports", proto: 6, ranges: [{ lo: 22, hi: 22 }] }]);
  });
});

describe("resolvePolicy on a broken policy", () => {
  it("reports the problems of parsing and of resolution together, all at once", () => {
    const parsed = parsePolicy([
      {
        path: "p.yaml",
        text: yaml(
          "zones:",
          '  corp: ["10.0.0.0/8", "10.0.0.1/8"]',
          '  lab: ["10.0.0.0/8"]',
          "assets:",
          '  db: { addresses: ["192.0.2.1"], zone: corp, owner: [x] }',
          "groups:",
          '  a: ["group:a", "zone:labb"]',
          "flows:",
          "  - { name: f, from: group:a, to: asset:dbb, services: [postgress], expires: 2020-01-01 }",
          "  - { name: g, from: any, to: any, exipres: 2020-01-01 }",
          "enforcement:",
          "  fw: { target: nftables, zones: [corp, labs] }",
        ),
      },
    ]);
    const { diagnostics } = resolvePolicy(parsed.policy, { today: "2026-03-01" });
    const all = [...parsed.diagnostics, ...diagnostics].sort(
      (x, y) => x.line - y.line || x.column - y.column,
    );
    expect(show(all)).toEqual([
      '2:24 error host-bits: "10.0.0.1/8" has host bits set; the network is 10.0.0.0/8',
      '3:9 error duplicate-network: Network 10.0.0.0/8 is already in zone "corp" (p.yaml:2:10); an address belongs to one zone',
      '5:21 error address-outside-zone: Address "192.0.2.1" of asset "db" is not inside its zone "corp"; it is in no zone',
      '5:54 error invalid-type: Expected a string for "owner" in asset "db", got a list',
      "7:7 error reference-cycle: Reference cycle: group:a -> group:a",
      '7:18 error unknown-reference: Unknown zone "labb"; did you mean "lab"?',
      '9:35 error unknown-reference: Unknown asset "dbb"; did you mean "db"?',
      '9:57 error unknown-reference: Unknown service "postgress"; did you mean "postgres"?',
      '9:78 warning flow-expired: Flow "f" expired on 2020-01-01 and allows nothing',
      '10:36 error unknown-key: Unknown key "exipres" in flow "g"; did you mean "expires"?',
      '12:41 error unknown-reference: Unknown zone "labs"; did you mean "lab"?',
    ]);
  });
});
