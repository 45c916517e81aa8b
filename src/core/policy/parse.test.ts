import { describe, expect, it } from "vitest";
import { formatPrefix } from "../net/prefix.js";
import type { Diagnostic } from "./diagnostics.js";
import { parsePolicy } from "./parse.js";
import { resolvePolicy } from "./resolve.js";

/** A YAML file from lines, so that line N of the file is argument N. */
const yaml = (...lines: string[]): string => lines.join("\n") + "\n";
const parseOne = (text: string, path = "p.yaml") => parsePolicy([{ path, text }]);
/** "LINE:COL severity code: message", compact and exact. */
const show = (ds: readonly Diagnostic[]) =>
  ds.map(
    (d) =>
      `${d.file === "p.yaml" ? "" : d.file + ":"}${d.line}:${d.column} ${d.severity} ${d.code}: ${d.message}`,
  );

const FULL_EXAMPLE = yaml(
  "version: 1",
  "metadata: { organization: acme, contacts: [sec@example.com] }",
  "zones:",
  '  internet: { networks: ["0.0.0.0/0", "::/0"] }',
  '  corp:     { networks: ["10.10.0.0/16", "2001:db8:10::/48"], description: Offices }',
  '  servers: ["10.20.0.0/16"]',
  '  pci: ["10.30.0.0/16"]',
  '  mgmt: ["192.168.77.0/24"]',
  "services:                       # protocol + destination ports; may name other services",
  '  https: ["tcp/443"]',
  '  dns:   ["udp/53", "tcp/53"]',
  '  web:   ["http", "https"]',
  '  ping:  ["icmp", "icmpv6"]',
  '  gre:   ["proto/47"]',
  "assets:",
  '  db-1: { addresses: ["10.30.0.5"], zone: pci, owner: fin, criticality: critical, data: [cardholder], tags: [], description: "...", k8s: { namespace: shop, labels: { app: db } } }',
  '  web-1: { addresses: ["10.20.0.10", "2001:db8:10::10"] }',
  '  jump-1: { addresses: ["192.168.77.5"], zone: mgmt }',
  "groups:",
  '  admins: ["asset:jump-1", "zone:mgmt", "192.168.77.0/28", "group:other"]',
  '  other: ["10.10.1.0/24"]',
  "applications:",
  '  shop: { owner: shop-team, description: "...", tiers: { web: ["asset:web-1"], db: ["asset:db-1"] } }',
  "flows:",
  "  - name: shop-to-db",
  "    from: app:shop/web           # a reference or a list of them",
  "    to: asset:db-1",
  '    services: [postgres, "tcp/6432"]   # a string or a list; omitted = every service',
  "    owner: shop-team",
  "    justification: Orders are stored in the database",
  "    ticket: CHG-1234",
  "    expires: 2027-06-30",
  "    log: true",
  "    description: ...",
  "denies:",
  '  - { name: no-telnet, from: any, to: any, services: ["tcp/23"] }',
  "enforcement:",
  "  edge-fw: { target: nftables, zones: all }",
  "  core-fw: { target: iptables, zones: [corp, servers, pci], role: network, interfaces: { corp: eth1 }, options: { table: rampart }, description: ... }",
  "assertions:",
  "  - { from: zone:internet, to: asset:db-1, service: postgres, expect: deny }",
);

describe("parsePolicy", () => {
  it("reads the full example with no diagnostics", () => {
    const { policy, diagnostics } = parseOne(FULL_EXAMPLE);
    expect(show(diagnostics)).toEqual([]);
    expect(policy.zones.map((z) => [z.name, z.networks.map((n) => formatPrefix(n.prefix))])).toEqual([
      ["internet", ["0.0.0.0/0", "::/0"]],
      ["corp", ["10.10.0.0/16", "2001:db8:10::/48"]],
      ["servers", ["10.20.0.0/16"]],
      ["pci", ["10.30.0.0/16"]],
      ["mgmt", ["192.168.77.0/24"]],
    ]);
    expect(policy.zones[1]).toMatchObject({
      description: "Offices",
      loc: { file: "p.yaml", line: 5, column: 3 },
    });
    expect(policy.services.map((s) => [s.name, s.entries.map((e) => e.value)])).toEqual([
      ["https", ["tcp/443"]],
      ["dns", ["udp/53", "tcp/53"]],
      ["web", ["http", "https"]],
      ["ping", ["icmp", "icmpv6"]],
      ["gre", ["proto/47"]],
    ]);
    expect(policy.assets[0]).toMatchObject({
      name: "db-1",
      zone: { value: "pci", loc: { line: 16, column: 43 } },
      owner: "fin",
      criticality: "critical",
      data: ["cardholder"],
      tags: [],
      description: "...",
      k8s: { namespace: "shop", labels: { app: "db" } },
    });
    expect(policy.assets[1]).not.toHaveProperty("zone");
    expect(policy.groups[0]?.members.map((m) => m.value)).toEqual([
      "asset:jump-1",
      "zone:mgmt",
      "192.168.77.0/28",
      "group:other",
    ]);
    expect(policy.applications[0]).toMatchObject({ name: "shop", owner: "shop-team", description: "..." });
    expect(policy.applications[0]?.tiers.map((t) => [t.name, t.members.map((m) => m.value)])).toEqual([
      ["web", ["asset:web-1"]],
      ["db", ["asset:db-1"]],
    ]);
    const flow = policy.flows[0]!;
    expect(flow).toMatchObject({
      kind: "flow",
      name: "shop-to-db",
      loc: { line: 25, column: 11 },
      owner: "shop-team",
      justification: "Orders are stored in the database",
      ticket: "CHG-1234",
      expires: { value: "2027-06-30", loc: { line: 32, column: 14 } },
      log: true,
      description: "...",
    });
    expect(flow.from).toEqual([{ value: "app:shop/web", loc: { file: "p.yaml", line: 26, column: 11 } }]);
    expect(flow.to.map((r) => r.value)).toEqual(["asset:db-1"]);
    expect(flow.services.map((s) => [s.value, s.loc.column])).toEqual([
      ["postgres", 16],
      ["tcp/6432", 26],
    ]);
    expect(policy.denies).toMatchObject([{ kind: "deny", name: "no-telnet", log: false }]);
    expect(policy.denies[0]?.services.map((s) => s.value)).toEqual(["tcp/23"]);
    expect(policy.enforcement[0]).toMatchObject({
      name: "edge-fw",
      zones: "all",
      role: "network",
      options: {},
    });
    expect(policy.enforcement[1]).toMatchObject({
      name: "core-fw",
      target: { value: "iptables" },
      role: "network",
      interfaces: { corp: "eth1" },
      options: { table: "rampart" },
      description: "...",
    });
    expect(policy.enforcement[1]?.zones).toMatchObject([
      { value: "corp" },
      { value: "servers" },
      { value: "pci" },
    ]);
    expect(policy.assertions).toMatchObject([{ expect: { value: "deny" }, loc: { line: 41, column: 5 } }]);
    expect(policy.assertions[0]?.services.map((s) => s.value)).toEqual(["postgres"]);
  });

  it("resolves the full example with no diagnostics", () => {
    const { policy } = parseOne(FULL_EXAMPLE);
    const { resolved, diagnostics } = resolvePolicy(policy, { today: "2026-01-15" });
    expect(show(diagnostics)).toEqual([]);
    expect(resolved.flows.map((f) => f.expired)).toEqual([false]);
  });

  it("accepts an empty file, a comment-only file and empty sections", () => {
    const { policy, diagnostics } = parsePolicy([
      { path: "a.yaml", text: "" },
      { path: "b.yaml", text: "# nothing yet\n" },
      { path: "c.yaml", text: yaml("zones:", "flows:", "assertions: []") },
    ]);
    expect(diagnostics).toEqual([]);
    expect(policy.zones).toEqual([]);
    expect(policy.flows).toEqual([]);
  });

  it("merges the sections of several files in order", () => {
    const { policy, diagnostics } = parsePolicy([
      {
        path: "a.yaml",
        text: yaml("zones:", '  corp: ["10.0.0.0/8"]', "flows:", "  - { name: f1, from: any, to: any }"),
      },
      {
        path: "b.yaml",
        text: yaml("zones:", '  dmz: ["192.0.2.0/24"]', "flows:", "  - { name: f2, from: any, to: any }"),
      },
    ]);
    expect(diagnostics).toEqual([]);
    expect(policy.zones.map((z) => [z.name, z.loc.file])).toEqual([
      ["corp", "a.yaml"],
      ["dmz", "b.yaml"],
    ]);
    expect(policy.flows.map((f) => f.name)).toEqual(["f1", "f2"]);
  });

  it("keeps the first of a name defined in two files and reports the second, naming the first", () => {
    const { policy, diagnostics } = parsePolicy([
      { path: "a.yaml", text: yaml("zones:", '  corp: ["10.0.0.0/8"]', "groups:", "  g: []") },
      { path: "b.yaml", text: yaml("groups:", "  g: []", "zones:", '  corp: ["172.16.0.0/12"]') },
    ]);
    expect(show(diagnostics)).toEqual([
      'b.yaml:2:3 error duplicate-name: Group "g" is already defined at a.yaml:4:3',
      'b.yaml:4:3 error duplicate-name: Zone "corp" is already defined at a.yaml:2:3',
    ]);
    expect(policy.zones.map((z) => formatPrefix(z.networks[0]!.prefix))).toEqual(["10.0.0.0/8"]);
    expect(policy.groups).toHaveLength(1);
  });

  it("reports a key written twice in one map at the second and keeps the first", () => {
    const { policy, diagnostics } = parseOne(
      yaml("zones:", '  corp: ["10.0.0.0/8"]', '  corp: ["172.16.0.0/12"]', "metadata: { a: 1, a: 2 }"),
    );
    expect(show(diagnostics)).toEqual([
      '3:3 error duplicate-name: Duplicate key "corp"; the first is on line 2',
      '4:19 error duplicate-name: Duplicate key "a"; the first is on line 4',
    ]);
    expect(policy.zones.map((z) => z.networks[0]?.text)).toEqual(["10.0.0.0/8"]);
  });

  it("requires rule names to be unique across flows and denies", () => {
    const { policy, diagnostics } = parseOne(
      yaml(
        "flows:",
        "  - { name: web, from: any, to: any }",
        "denies:",
        "  - { name: web, from: any, to: any }",
        "  - { name: other, from: any, to: any }",
      ),
    );
    expect(show(diagnostics)).toEqual([
      '4:13 error duplicate-name: Rule name "web" is already used by the flow at p.yaml:2:13',
    ]);
    expect(policy.flows.map((f) => f.name)).toEqual(["web"]);
    expect(policy.denies.map((f) => f.name)).toEqual(["other"]);
  });

  it("reports every syntax error of a file, uses nothing from it, and still reads the other files", () => {
    const { policy, diagnostics } = parsePolicy([
      { path: "a.yaml", text: yaml("zones:", '  corp: ["10.0.0.0/8"]') },
      { path: "b.yaml", text: yaml("zones:", "\tdmz: []", "groups: admins: []", "flows: 'open") },
    ]);
    expect(show(diagnostics)).toEqual([
      "b.yaml:2:1 error yaml-syntax: Tabs are not allowed as indentation",
      "b.yaml:3:9 error yaml-syntax: Nested mappings are not allowed in compact mappings",
      "b.yaml:5:1 error yaml-syntax: Missing closing 'quote",
    ]);
    expect(policy.zones.map((z) => z.name)).toEqual(["corp"]);
  });

  it("turns YAML warnings into yaml-syntax warnings and keeps the file", () => {
    const { policy, diagnostics } = parseOne(yaml("zones:", '  corp: !net ["10.0.0.0/8"]'));
    expect(show(diagnostics)).toEqual(["2:9 warning yaml-syntax: Unresolved tag: !net"]);
    expect(policy.zones).toHaveLength(1);
  });

  it("follows aliases and reports an alias with no anchor", () => {
    const { policy, diagnostics } = parseOne(
      yaml("groups:", '  a: &nets ["10.0.0.0/8"]', "  b: *nets", "  c: *nope"),
    );
    expect(show(diagnostics)).toEqual(['4:6 error yaml-syntax: Unresolved alias "*nope"']);
    expect(policy.groups.map((g) => [g.name, g.members.map((m) => m.value)])).toEqual([
      ["a", ["10.0.0.0/8"]],
      ["b", ["10.0.0.0/8"]],
      ["c", []],
    ]);
  });

  it("accepts version as a number or string and metadata as a map, and checks their types", () => {
    expect(parseOne(yaml('version: "1.0"', "metadata: { a: { b: [1] } }")).diagnostics).toEqual([]);
    expect(show(parseOne(yaml("version: [1]", "metadata: just text")).diagnostics)).toEqual([
      '1:10 error invalid-type: Expected a number or string for "version", got a list',
      '2:11 error invalid-type: Expected a map for "metadata", got the string "just text"',
    ]);
  });

  it("rejects a file that is not a map of sections", () => {
    expect(show(parseOne(yaml("- zones", "- flows")).diagnostics)).toEqual([
      "1:1 error invalid-type: Expected a map of sections (zones, flows ...) in the file, got a list",
    ]);
  });
});

describe("parsePolicy unknown keys", () => {
  it("suggests the closest key", () => {
    const { diagnostics } = parseOne(
      yaml(
        "zone:",
        "  corp: { networks: [], descripton: x }",
        "flows:",
        "  - name: shop-to-db",
        "    from: any",
        "    to: any",
        "    justifcation: x",
        "assets:",
        "  db: { adresses: [] }",
        "enforcement:",
        "  fw: { target: nftables, zones: all, interface: {} }",
        "applications:",
        "  shop: { tier: {} }",
      ),
    );
    expect(show(diagnostics)).toEqual([
      '1:1 error unknown-key: Unknown key "zone" at the top level; did you mean "zones"?',
      '7:5 error unknown-key: Unknown key "justifcation" in flow "shop-to-db"; did you mean "justification"?',
      '9:3 error missing-key: Missing required key "addresses" in asset "db"',
      '9:9 error unknown-key: Unknown key "adresses" in asset "db"; did you mean "addresses"?',
      '11:39 error unknown-key: Unknown key "interface" in enforcement point "fw"; did you mean "interfaces"?',
      '13:3 error missing-key: Missing required key "tiers" in application "shop"',
      '13:11 error unknown-key: Unknown key "tier" in application "shop"; did you mean "tiers"?',
    ]);
  });

  it("lists the allowed keys when nothing is close", () => {
    const { diagnostics } = parseOne(yaml("zones:", "  corp: { networks: [], colour: red }"));
    expect(show(diagnostics)).toEqual([
      '2:25 error unknown-key: Unknown key "colour" in zone "corp"; expected one of "networks", "description"',
    ]);
  });

  it("names an unnamed list item by its position", () => {
    const { diagnostics } = parseOne(
      yaml(
        "assertions:",
        "  - { from: any, to: any, expect: deny }",
        "  - { from: any, to: any, expect: deny, why: x }",
      ),
    );
    expect(show(diagnostics)).toEqual([
      '3:41 error unknown-key: Unknown key "why" in assertion #2; expected one of "name", "from", "to", "service", "services", "expect"',
    ]);
  });
});

describe("parsePolicy values", () => {
  it("reports values of the wrong type, saying what was expected", () => {
    const { diagnostics } = parseOne(
      yaml(
        "zones: [corp]",
        "groups:",
        "  g: { members: [] }",
        "  h: [[nested]]",
        "flows:",
        "  - name: f",
        "    from: { zone: corp }",
        "    to: any",
        "    log: yes",
        "    owner:",
        "    description: [a]",
        "  - just text",
        "denies: { no-telnet: {} }",
      ),
    );
    expect(show(diagnostics)).toEqual([
      '1:8 error invalid-type: Expected a map for the "zones" section, got a list',
      '3:6 error invalid-type: Expected a list of strings for group "g", got a map',
      '4:7 error invalid-type: Expected a string for each entry of group "h", got a list',
      '7:11 error invalid-type: Expected a string or a list of strings for "from" in flow "f", got a map',
      '9:10 error invalid-type: Expected true or false for "log" in flow "f", got the string "yes"',
      '10:5 error invalid-type: Expected a string for "owner" in flow "f", got nothing',
      '11:18 error invalid-type: Expected a string for "description" in flow "f", got a list',
      '12:5 error invalid-type: Expected a map for flow #2 in "flows", got the string "just text"',
      '13:9 error invalid-type: Expected a list for the "denies" section, got a map',
    ]);
  });

  it("reports words outside their fixed set with a did-you-mean", () => {
    const { diagnostics } = parseOne(
      yaml(
        "assets:",
        '  db: { addresses: ["10.0.0.1"], criticality: hight }',
        "  ws: { addresses: [], criticality: severe }",
        "enforcement:",
        "  fw: { target: nftables, zones: corp, role: hosts }",
        "assertions:",
        "  - { from: any, to: any, expect: allowed }",
      ),
    );
    expect(show(diagnostics)).toEqual([
      '2:47 error invalid-value: Invalid value "hight" for "criticality" in asset "db"; did you mean "high"?',
      '3:37 error invalid-value: Invalid value "severe" for "criticality" in asset "ws"; expected one of "low", "medium", "high", "critical"',
      '5:34 error invalid-value: Invalid value "corp" for "zones" in enforcement point "fw"; expected "all" or a list of zone names',
      '5:46 error invalid-value: Invalid value "hosts" for "role" in enforcement point "fw"; did you mean "host"?',
      '7:35 error invalid-value: Invalid value "allowed" for "expect" in assertion #1; did you mean "allow"?',
    ]);
  });

  it("checks that expires is a real calendar date", () => {
    const rule = (n: number, expires: string) =>
      `  - { name: f${n}, from: any, to: any, expires: ${expires} }`;
    const { policy, diagnostics } = parseOne(
      yaml("flows:", rule(1, "2027-02-30"), rule(2, "2028-02-29"), rule(3, "tomorrow"), rule(4, "2027-6-30")),
    );
    expect(show(diagnostics)).toEqual([
      '2:46 error invalid-value: Invalid date "2027-02-30" for "expires" in flow "f1"; expected a real date as YYYY-MM-DD',
      '4:46 error invalid-value: Invalid date "tomorrow" for "expires" in flow "f3"; expected a real date as YYYY-MM-DD',
      '5:46 error invalid-value: Invalid date "2027-6-30" for "expires" in flow "f4"; expected a real date as YYYY-MM-DD',
    ]);
    expect(policy.flows.map((f) => f.expires?.value)).toEqual([
      undefined,
      "2028-02-29",
      undefined,
      undefined,
    ]);
  });

  it("accepts an explicit YAML timestamp as the expiry date", () => {
    const { policy, diagnostics } = parseOne(
      yaml("flows:", "  - { name: f, from: any, to: any, expires: !!timestamp 2027-06-30 }"),
    );
    expect(diagnostics).toEqual([]);
    expect(policy.flows[0]?.expires).toEqual({
      value: "2027-06-30",
      loc: { file: "p.yaml", line: 2, column: 57 },
    });
  });

  it("takes numbers where strings are expected, as written", () => {
    const { policy, diagnostics } = parseOne(
      yaml("flows:", "  - { name: 42, from: any, to: any, ticket: 0123, owner: 7, services: [53] }"),
    );
    expect(diagnostics).toEqual([]);
    expect(policy.flows[0]).toMatchObject({ name: "42", ticket: "0123", owner: "7" });
    expect(policy.flows[0]?.services.map((s) => s.value)).toEqual(["53"]);
  });

  it("takes one reference or service where a list is allowed", () => {
    const { policy } = parseOne(
      yaml("flows:", "  - { name: f, from: zone:a, to: [zone:b, zone:c], services: https }"),
    );
    expect(policy.flows[0]?.from.map((r) => r.value)).toEqual(["zone:a"]);
    expect(policy.flows[0]?.to.map((r) => r.value)).toEqual(["zone:b", "zone:c"]);
    expect(policy.flows[0]?.services.map((r) => r.value)).toEqual(["https"]);
  });

  it("leaves services empty when omitted, meaning every service", () => {
    const { policy } = parseOne(yaml("flows:", "  - { name: f, from: any, to: any }"));
    expect(policy.flows[0]?.services).toEqual([]);
    expect(policy.flows[0]?.log).toBe(false);
  });

  it("requires name, from and to on rules and drops rules that lack them", () => {
    const { policy, diagnostics } = parseOne(
      yaml("flows:", "  - { from: any, to: any }", "denies:", "  - name: d", "    to: any"),
    );
    expect(show(diagnostics)).toEqual([
      '2:5 error missing-key: Missing required key "name" in flow #1',
      '4:5 error missing-key: Missing required key "from" in deny "d"',
    ]);
    expect(policy.flows).toEqual([]);
    expect(policy.denies).toEqual([]);
  });

  it("accepts service or services on assertions, but not both", () => {
    const { policy, diagnostics } = parseOne(
      yaml(
        "assertions:",
        "  - { name: a, from: any, to: any, service: ssh, expect: deny }",
        "  - { from: any, to: any, services: [ssh, https], expect: allow }",
        "  - { from: any, to: any, expect: allow }",
        "  - { from: any, to: any, service: ssh, services: [x], expect: allow }",
      ),
    );
    expect(show(diagnostics)).toEqual([
      '5:41 error invalid-value: Use "service" or "services", not both, in assertion #4',
    ]);
    expect(policy.assertions.map((a) => [a.name, a.services.map((s) => s.value), a.expect.value])).toEqual([
      ["a", ["ssh"], "deny"],
      [undefined, ["ssh", "https"], "allow"],
      [undefined, [], "allow"],
      [undefined, ["ssh"], "allow"],
    ]);
  });

  it("requires target and zones on enforcement points and defaults role to network", () => {
    const { policy, diagnostics } = parseOne(
      yaml(
        "enforcement:",
        "  a: { target: nftables }",
        "  b: { target: iptables, zones: [corp], role: host }",
      ),
    );
    expect(show(diagnostics)).toEqual([
      '2:3 error missing-key: Missing required key "zones" in enforcement point "a"',
    ]);
    expect(policy.enforcement.map((p) => [p.name, p.role])).toEqual([["b", "host"]]);
  });

  it("rejects names that cannot be written in a reference", () => {
    const { diagnostics } = parseOne(
      yaml(
        "zones:",
        '  "a b": []',
        "groups:",
        "  x/y: []",
        "applications:",
        "  app: { tiers: { 'w:1': [] } }",
      ),
    );
    expect(show(diagnostics)).toEqual([
      '2:3 error invalid-value: Invalid zone name "a b": names cannot contain spaces, ":" or "/"',
      '4:3 error invalid-value: Invalid group name "x/y": names cannot contain spaces, ":" or "/"',
      '6:19 error invalid-value: Invalid tier name "w:1": names cannot contain spaces, ":" or "/"',
    ]);
  });

  it("accepts Kubernetes assets known only by their selector", () => {
    const { policy, diagnostics } = parseOne(
      yaml("assets:", "  api: { k8s: { namespace: shop } }", "  bad: { k8s: { labels: { app: x } } }"),
    );
    expect(show(diagnostics)).toEqual([
      '3:10 error missing-key: Missing required key "namespace" in "k8s" in asset "bad"',
    ]);
    expect(policy.assets[0]).toMatchObject({ addresses: [], k8s: { namespace: "shop", labels: {} } });
    expect(policy.assets[1]).not.toHaveProperty("k8s");
  });
});

describe("parsePolicy networks", () => {
  it("takes a zone as a plain list of networks or as a map", () => {
    const { policy, diagnostics } = parseOne(
      yaml("zones:", '  a: ["10.0.0.0/8", "2001:db8::/32"]', '  b: { networks: ["192.0.2.1"] }'),
    );
    expect(diagnostics).toEqual([]);
    expect(policy.zones.map((z) => z.networks.map((n) => formatPrefix(n.prefix)))).toEqual([
      ["10.0.0.0/8", "2001:db8::/32"],
      ["192.0.2.1"],
    ]);
  });

  it("reports bad CIDRs and host bits, and drops those entries", () => {
    const { policy, diagnostics } = parseOne(
      yaml(
        "zones:",
        '  corp: ["10.0.0.1/8", "10.0.0.0/33", "10.0.0.256", "172.16.0.0/12"]',
        "assets:",
        '  db: { addresses: ["2001:db8::1/32", "corp"] }',
        "  ws: { addresses: 10.0.0.5 }",
        "  z: { zone: corp }",
      ),
    );
    expect(show(diagnostics)).toEqual([
      '2:10 error host-bits: "10.0.0.1/8" has host bits set; the network is 10.0.0.0/8',
      '2:24 error invalid-cidr: "10.0.0.0/33" has a prefix length outside 0-32',
      '2:39 error invalid-cidr: "10.0.0.256" is not an IP address or CIDR',
      '4:21 error host-bits: "2001:db8::1/32" has host bits set; the network is 2001:db8::/32',
      '4:39 error invalid-cidr: "corp" is not an IP address or CIDR',
      '5:20 error invalid-type: Expected a list of strings for "addresses" in asset "ws", got the string "10.0.0.5"',
      '6:3 error missing-key: Missing required key "addresses" in asset "z"',
    ]);
    expect(policy.zones[0]?.networks.map((n) => n.text)).toEqual(["172.16.0.0/12"]);
    expect(policy.assets[0]?.addresses).toEqual([]);
  });
});

describe("parsePolicy with many problems", () => {
  it("reports all of them at once, in file order", () => {
    const { policy, diagnostics } = parsePolicy([
      {
        path: "a.yaml",
        text: yaml(
          "zonez: {}",
          "zones:",
          '  corp: { networks: ["10.0.0.1/8"], desc: x }',
          "assets:",
          "  db: { addresses: [], criticality: critcal, owner: [a] }",
          "flows:",
          "  - name: f",
          "    from: any",
          "    justifcation: x",
          "    log: 1",
        ),
      },
      {
        path: "b.yaml",
        text: yaml(
          "zones:",
          "  corp: []",
          "flows:",
          "  - { name: f, from: any, to: any, expires: 2027-13-01 }",
          "enforcement:",
          "  fw: { target: nftables, zones: everything }",
        ),
      },
    ]);
    expect(show(diagnostics)).toEqual([
      'a.yaml:1:1 error unknown-key: Unknown key "zonez" at the top level; did you mean "zones"?',
      'a.yaml:3:22 error host-bits: "10.0.0.1/8" has host bits set; the network is 10.0.0.0/8',
      'a.yaml:3:37 error unknown-key: Unknown key "desc" in zone "corp"; expected one of "networks", "description"',
      'a.yaml:5:37 error invalid-value: Invalid value "critcal" for "criticality" in asset "db"; did you mean "critical"?',
      'a.yaml:5:53 error invalid-type: Expected a string for "owner" in asset "db", got a list',
      'a.yaml:7:5 error missing-key: Missing required key "to" in flow "f"',
      'a.yaml:9:5 error unknown-key: Unknown key "justifcation" in flow "f"; did you mean "justification"?',
      'a.yaml:10:10 error invalid-type: Expected true or false for "log" in flow "f", got the number 1',
      'b.yaml:2:3 error duplicate-name: Zone "corp" is already defined at a.yaml:3:3',
      'b.yaml:4:45 error invalid-value: Invalid date "2027-13-01" for "expires" in flow "f"; expected a real date as YYYY-MM-DD',
      'b.yaml:6:34 error invalid-value: Invalid value "everything" for "zones" in enforcement point "fw"; expected "all" or a list of zone names',
    ]);
    expect(policy.flows.map((f) => f.loc.file)).toEqual(["b.yaml"]);
  });

  it("never throws, whatever the input", () => {
    const inputs = [
      "{",
      "- - -",
      "zones: !!binary aGVsbG8=",
      "? [a]\n: b",
      "flows: [1, [2], {name: {}}]",
      "\u0000",
    ];
    for (const text of inputs) expect(() => parseOne(text)).not.toThrow();
  });
});
