import { describe, expect, it } from "vitest";
import { textPacket } from "../../../../../test/support/import-context.js";
import { PacketSpace } from "../../../space/packet-set.js";
import type { ConfigFile } from "../../model.js";
import { standaloneContext } from "../../standalone.js";
import { capircaImporter, listAccepts } from "./importer.js";

const NET = `# networks
RFC1918 = 10.0.0.0/8      # non-public
          172.16.0.0/12
          192.168.0.0/16
INTERNAL = RFC1918
WEB = 10.1.1.1/32 2001:db8::80/128
WEB_V4 = 10.1.1.1/32
DMZ = 10.9.0.0/16
DMZ_ADMIN = 10.9.9.0/24
LOOP_A = LOOP_B
LOOP_B = LOOP_A
`;

const SVC = `SSH = 22/tcp
DNS = 53/tcp 53/udp
WEB_SERVICES = HTTP HTTPS
HTTP = 80/tcp
HTTPS = 443/tcp
HIGH = 1024-65535/tcp
`;

function load(pol: string, extra: ConfigFile[] = []) {
  const space = new PacketSpace();
  const files = [
    { name: "policies/pol/test.pol", text: pol },
    { name: "def/NETWORK.net", text: NET },
    { name: "def/SERVICES.svc", text: SVC },
    ...extra,
  ];
  return { space, result: capircaImporter.import(files, standaloneContext(space)) };
}

const tcp = (src: string, dst: string, dport: number, sport = 40000) => textPacket(src, dst, 6, dport, sport);
const udp = (src: string, dst: string, dport: number) => textPacket(src, dst, 17, dport);

function header(target: string): string {
  return `header {\n  comment:: "test"\n  target:: ${target}\n}\n`;
}

describe("capirca importer", () => {
  it("reads nested network names and multi-line definitions", () => {
    const { result } = load(
      `${header("juniper edge inet")}term t {\n  source-address:: INTERNAL\n  action:: accept\n}\n`,
    );
    expect(result.diagnostics).toEqual([]);
    expect(result.accepted.contains(tcp("192.168.4.4", "8.8.8.8", 443))).toBe(true);
    expect(result.accepted.contains(tcp("172.31.0.1", "8.8.8.8", 443))).toBe(true);
    expect(result.accepted.contains(tcp("8.8.4.4", "10.0.0.1", 443))).toBe(false);
  });

  it("subtracts source-exclude from source-address exactly", () => {
    const { result } = load(
      `${header("juniper f inet")}term t {\n  source-address:: DMZ\n  source-exclude:: DMZ_ADMIN\n  action:: accept\n}\n`,
    );
    expect(result.accepted.contains(tcp("10.9.1.1", "1.1.1.1", 22))).toBe(true);
    expect(result.accepted.contains(tcp("10.9.9.1", "1.1.1.1", 22))).toBe(false);
  });

  it("takes ports over every protocol of the term, as Capirca's TranslatePorts does", () => {
    // SSH is 22/tcp only; Capirca applies the term's collected ports to each of its protocols.
    const { result } = load(
      `${header("juniper f inet")}term t {\n  destination-port:: SSH DNS\n  protocol:: tcp udp\n  action:: accept\n}\n`,
    );
    expect(result.accepted.contains(tcp("1.1.1.1", "2.2.2.2", 22))).toBe(true);
    expect(result.accepted.contains(udp("1.1.1.1", "2.2.2.2", 22))).toBe(true);
    expect(result.accepted.contains(udp("1.1.1.1", "2.2.2.2", 53))).toBe(true);
    expect(result.accepted.contains(udp("1.1.1.1", "2.2.2.2", 54))).toBe(false);
  });

  it("evaluates terms first match, with the filter's implicit deny", () => {
    const pol =
      `${header("cisco edge")}` +
      `term no-ssh {\n  destination-address:: WEB\n  destination-port:: SSH\n  protocol:: tcp\n  action:: deny\n}\n` +
      `term web {\n  destination-address:: WEB\n  protocol:: tcp\n  action:: accept\n}\n`;
    const { result } = load(pol);
    expect(result.lists).toEqual([
      {
        name: "cisco:edge",
        fallThrough: "drop",
        source: { file: "policies/pol/test.pol", line: 1, text: "header {" },
      },
    ]);
    expect(result.accepted.contains(tcp("1.1.1.1", "10.1.1.1", 443))).toBe(true);
    expect(result.accepted.contains(tcp("1.1.1.1", "10.1.1.1", 22))).toBe(false);
    expect(result.accepted.contains(tcp("1.1.1.1", "10.1.1.2", 443))).toBe(false);
    expect(result.rules.map((r) => [r.action, r.source.line, r.source.text])).toEqual([
      ["drop", 5, "term no-ssh {"],
      ["accept", 11, "term web {"],
    ]);
  });

  it("reads the default of each iptables and nftables header", () => {
    const pol =
      `${header("iptables INPUT ACCEPT")}term a {\n  action:: deny\n  protocol:: udp\n}\n` +
      `${header("iptables my-chain")}term b {\n  action:: accept\n}\n` +
      `${header("nftables mixed OUTPUT")}term c {\n  action:: next\n}\n` +
      `${header("speedway FORWARD")}term d {\n  action:: reject\n}\n`;
    const { result } = load(pol);
    expect(result.lists?.map((l) => [l.name, l.fallThrough])).toEqual([
      ["iptables:INPUT", "accept"],
      ["iptables:my-chain", "next"],
      ["nftables:mixed-output", "drop"],
      ["speedway:FORWARD", "drop"],
    ]);
    expect(result.rules.map((r) => r.action)).toEqual(["drop", "accept", "other", "drop"]);
  });

  it("matches only the filter's address families", () => {
    const { space, result } = load(
      `${header("juniper f inet6")}term t {\n  destination-address:: WEB\n  action:: accept\n}\n` +
        `${header("juniper g inet")}term u {\n  destination-address:: WEB\n  action:: accept\n}\n`,
    );
    const [v6, v4] = result.lists!;
    const six = listAccepts(space, result.rules, v6!);
    const four = listAccepts(space, result.rules, v4!);
    expect(six.contains(tcp("2001:db8::1", "2001:db8::80", 80))).toBe(true);
    expect(six.contains(tcp("1.1.1.1", "10.1.1.1", 80))).toBe(false);
    expect(four.contains(tcp("1.1.1.1", "10.1.1.1", 80))).toBe(true);
    expect(four.contains(tcp("2001:db8::1", "2001:db8::80", 80))).toBe(false);
  });

  it("makes a term whose addresses have none of the filter's family match nothing", () => {
    const { result } = load(
      `${header("juniper f inet6")}term t {\n  destination-address:: WEB_V4\n  action:: accept\n}\n`,
    );
    expect(result.rules[0]!.match.isEmpty()).toBe(true);
  });

  it("looks ICMP types up in the family of each ICMP protocol", () => {
    const { result } = load(
      `${header("nftables mixed INPUT")}term t {\n  protocol:: icmp icmpv6\n  icmp-type:: echo-request\n  action:: accept\n}\n`,
    );
    const ping4 = textPacket("1.1.1.1", "2.2.2.2", 1, 0, 0, 8);
    const reply4 = textPacket("1.1.1.1", "2.2.2.2", 1, 0, 0, 0);
    const ping6 = textPacket("2001:db8::1", "2001:db8::2", 58, 0, 0, 128);
    const icmp1in6 = textPacket("2001:db8::1", "2001:db8::2", 1, 0, 0, 8);
    expect(result.accepted.contains(ping4)).toBe(true);
    expect(result.accepted.contains(reply4)).toBe(false);
    expect(result.accepted.contains(ping6)).toBe(true);
    expect(result.accepted.contains(icmp1in6)).toBe(false);
  });

  it("splices #include files in place, keeping their own file and line", () => {
    const inc = {
      name: "policies/includes/deny.inc",
      text: "\nterm deny-internal {\n  source-address:: INTERNAL\n  action:: deny\n}\n",
    };
    const pol = `${header("juniper f inet")}#include 'includes/deny.inc'\nterm rest {\n  action:: accept\n}\n`;
    const { result } = load(pol, [inc]);
    expect(result.rules.map((r) => `${r.source.file}:${r.source.line}`)).toEqual([
      "policies/includes/deny.inc:2",
      "policies/pol/test.pol:6",
    ]);
    expect(result.accepted.contains(tcp("10.0.0.1", "1.1.1.1", 80))).toBe(false);
    expect(result.accepted.contains(tcp("1.0.0.1", "1.1.1.1", 80))).toBe(true);
  });

  it("keeps comment as label, expiration as expires, and ignores counter, logging and owner", () => {
    const pol =
      `${header("juniper f inet")}term t {\n  comment:: "Web for\n    everyone"\n  owner:: alice\n  counter:: web\n` +
      `  logging:: true\n  expiration:: 2024-12-31\n  protocol:: tcp\n  destination-port:: WEB_SERVICES\n  action:: accept\n}\n`;
    const { result } = load(pol);
    expect(result.diagnostics).toEqual([]);
    expect(result.rules[0]).toMatchObject({
      label: "Web for everyone",
      expires: "2024-12-31",
      list: "juniper:f",
    });
    expect(result.accepted.contains(tcp("1.1.1.1", "2.2.2.2", 443))).toBe(true);
  });

  it("reads an established term as matching no new connection, and says so", () => {
    const { result } = load(
      `${header("juniper f inet")}term t {\n  protocol:: tcp\n  option:: tcp-established\n  action:: accept\n}\n`,
    );
    expect(result.rules[0]!.match.isEmpty()).toBe(true);
    expect(result.diagnostics.map((d) => [d.line, d.code])).toEqual([[7, "config-ignored"]]);
  });

  it("reports unknown keywords, undefined names and unsupported keywords at their lines, never throwing", () => {
    const pol =
      `${header("juniper f inet")}term t {\n  source-address:: NOPE\n  destination-port:: NOSVC\n  protocol:: tcp\n` +
      `  frobnicate:: yes\n  source-interface:: eth0\n  action:: accept\n}\n` +
      `term broken {\n  action accept\n}\n}\nterm\n`;
    const { result } = load(pol);
    const seen = result.diagnostics.map((d) => `${d.line}:${d.severity}:${d.code}`);
    expect(seen).toEqual(
      expect.arrayContaining([
        "6:error:config-syntax",
        "7:error:config-syntax",
        "9:error:config-syntax",
        "10:warning:config-unsupported",
      ]),
    );
    expect(result.diagnostics.find((d) => d.line === 6)?.message).toContain('Undefined network "NOPE"');
    expect(result.diagnostics.find((d) => d.line === 9)?.message).toContain('Unknown keyword "frobnicate"');
  });

  it("reports a definition cycle and an undefined nested name in the definition files", () => {
    const { result } = load(
      `${header("juniper f inet")}term t {\n  source-address:: LOOP_A\n  action:: accept\n}\n`,
    );
    expect(
      result.diagnostics.some((d) => d.file === "def/NETWORK.net" && /refers to itself/.test(d.message)),
    ).toBe(true);
  });

  it("skips terms not rendered for the filter's target (platform, platform-exclude)", () => {
    const pol =
      `${header("juniper f inet")}term only-cisco {\n  platform:: cisco\n  action:: deny\n}\n` +
      `term not-juniper {\n  platform-exclude:: juniper\n  action:: deny\n}\n` +
      `term all {\n  action:: accept\n}\n`;
    const { result } = load(pol);
    expect(result.rules.map((r) => r.source.text)).toEqual(["term all {"]);
  });

  it("reads Aerleon's YAML policies like .pol ones, with YAML includes", () => {
    const pol = [
      "filters:",
      "  - header:",
      "      comment: Inbound.",
      "      targets:",
      "        juniper: edge inet",
      "    terms:",
      "      - include: includes/deny.yaml",
      "      - name: web",
      "        destination-address: WEB",
      "        destination-port: WEB_SERVICES",
      "        protocol: tcp",
      "        expiration: 2030-01-01",
      "        action: accept",
      "",
    ].join("\n");
    const inc = {
      name: "policies/includes/deny.yaml",
      text: "terms:\n  - name: no-internal\n    source-address: INTERNAL\n    action: deny\n",
    };
    const { result } = load(pol, [inc]);
    const yaml = capircaImporter.import(
      [
        { name: "policies/pol/edge.yaml", text: pol },
        inc,
        { name: "def/NETWORK.net", text: NET },
        { name: "def/SERVICES.svc", text: SVC },
      ],
      standaloneContext(new PacketSpace()),
    );
    expect(result.rules).toEqual([]); // the YAML text is no .pol
    expect(yaml.diagnostics).toEqual([]);
    expect(yaml.lists?.map((l) => [l.name, l.fallThrough])).toEqual([["juniper:edge", "drop"]]);
    expect(
      yaml.rules.map((r) => [r.action, `${r.source.file}:${r.source.line}`, r.source.text, r.expires]),
    ).toEqual([
      ["drop", "policies/includes/deny.yaml:2", "- name: no-internal", undefined],
      ["accept", "policies/pol/edge.yaml:8", "- name: web", "2030-01-01"],
    ]);
    expect(yaml.accepted.contains(tcp("1.1.1.1", "10.1.1.1", 443))).toBe(true);
    expect(yaml.accepted.contains(tcp("10.0.0.1", "10.1.1.1", 443))).toBe(false);
    expect(yaml.accepted.contains(tcp("1.1.1.1", "10.1.1.1", 22))).toBe(false);
  });

  it("reads Aerleon's YAML definitions", () => {
    const yaml = {
      name: "def/naming.yaml",
      text: "networks:\n  LAB:\n    values:\n      - address: 10.5.0.0/16\n      - name: OTHER\n  OTHER:\n    values:\n      - address: 10.6.0.0/16\nservices:\n  SSH2:\n    - port: 22\n      protocol: tcp\n",
    };
    const space = new PacketSpace();
    const result = capircaImporter.import(
      [
        {
          name: "p.pol",
          text: `${header("juniper f inet")}term t {\n  source-address:: LAB\n  destination-port:: SSH2\n  protocol:: tcp\n  action:: accept\n}\n`,
        },
        yaml,
      ],
      standaloneContext(space),
    );
    expect(result.diagnostics).toEqual([]);
    expect(result.accepted.contains(tcp("10.6.1.1", "1.1.1.1", 22))).toBe(true);
    expect(result.accepted.contains(tcp("10.6.1.1", "1.1.1.1", 23))).toBe(false);
  });
});
