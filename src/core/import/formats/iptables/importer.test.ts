// The iptables importer on real-world files and snippets: a host's iptables-save with Docker and fail2ban,
// forwarding rules with interfaces, syntax variants, ipsets, and everything it cannot read.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { expectGolden } from "../../../../../test/support/golden.js";
import { parseAddress } from "../../../net/address.js";
import { parsePrefix } from "../../../net/prefix.js";
import { PROTO } from "../../../net/protocol.js";
import { formatDiagnostic } from "../../../policy/diagnostics.js";
import { makePacket } from "../../../space/packet.js";
import { PacketSpace } from "../../../space/packet-set.js";
import { summarize } from "../../../space/summarize.js";
import { prefixMatch } from "../../match.js";
import type { ConfigFile, ImportContext, ImportResult } from "../../model.js";
import { iptablesImporter } from "./importer.js";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const fixture = (name: string): ConfigFile => ({
  name,
  text: readFileSync(join(HERE, "fixtures", name), "utf8"),
});

const ZONES: Record<string, string[]> = {
  lan: ["10.1.0.0/16", "2001:db8:1::/48"],
  dmz: ["10.2.0.0/16", "2001:db8:2::/48"],
  vpn: ["10.8.0.0/16"],
};

/** A point with zones lan, dmz, vpn and wan (everything else) on eth1, eth2, ppp0 and eth0. */
function context(role: "network" | "host" = "network", hosts: string[] = []): ImportContext {
  const space = new PacketSpace();
  const zone = (z: string, dir: "src" | "dst") => {
    if (z !== "wan") return prefixMatch(space, dir, (ZONES[z] ?? []).map(parsePrefix));
    const inner = Object.values(ZONES).flat().map(parsePrefix);
    return space.all().minus(prefixMatch(space, dir, inner));
  };
  return {
    space,
    role,
    hosts: hosts.map((a, i) => ({ name: `h${i}`, addresses: [parsePrefix(a)] })),
    interfaces: { lan: "eth1", dmz: "eth2", vpn: "ppp0", wan: "eth0" },
    zoneSpace: zone,
  };
}

function run(text: string, ctx = context(), name = "rules.v4"): ImportResult {
  return iptablesImporter.import([{ name, text }], ctx);
}

/** Whether one new connection passes: `allows(r, "tcp", "10.1.0.5", "10.2.0.9", 443)`. */
function allows(
  r: ImportResult,
  proto: keyof typeof PROTO,
  src: string,
  dst: string,
  port = 0,
  extra: { sport?: number; code?: number } = {},
): boolean {
  const number = PROTO[proto];
  const icmp = number === PROTO.icmp || number === PROTO.icmpv6;
  return r.accepted.contains(
    makePacket({
      src: parseAddress(src),
      dst: parseAddress(dst),
      proto: number,
      sport: extra.sport ?? 40000,
      dport: port,
      icmpType: icmp ? port : 0,
      icmpCode: extra.code ?? 0,
    }),
  );
}

/** Diagnostics other than the note that a single file leaves the other family unfiltered. */
const problems = (r: ImportResult) => r.diagnostics.filter((d) => !d.message.startsWith("No IPv"));
const where = (r: ImportResult) => r.diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`);

function describeImport(r: ImportResult): string {
  const rules = r.rules.map(
    (rule) =>
      `${rule.source.file}:${rule.source.line} [${rule.list}] ${rule.action}${rule.label ? ` "${rule.label}"` : ""}\n` +
      summarize(rule.match, 6)
        .map((l) => `    ${l}`)
        .join("\n"),
  );
  return [
    "# accepted",
    ...summarize(r.accepted, 30),
    "",
    "# rules",
    ...rules,
    "",
    "# diagnostics",
    ...r.diagnostics.map(formatDiagnostic),
    "",
  ].join("\n");
}

const table = (...lines: string[]) => `*filter\n${lines.join("\n")}\nCOMMIT\n`;

describe("iptables importer on a real host's iptables-save, ip6tables-save and ipset save", () => {
  const files = [fixture("web-1.rules.v4"), fixture("web-1.rules.v6"), fixture("blocklist.ipset")];
  const r = iptablesImporter.import(files, context("host", ["198.51.100.10", "2001:db8:5::10"]));
  const web = "198.51.100.10";

  it("reads what it lets in, chain by chain", () => {
    expect(allows(r, "tcp", "192.0.2.5", web, 22)).toBe(true);
    expect(allows(r, "tcp", "203.0.113.7", web, 22)).toBe(false);
    expect(allows(r, "tcp", "8.8.8.8", web, 22)).toBe(false);
    expect(allows(r, "tcp", "8.8.8.8", web, 443)).toBe(true);
    expect(allows(r, "tcp", "203.0.113.5", web, 443)).toBe(false);
    expect(allows(r, "tcp", "203.0.113.70", web, 443)).toBe(true);
    expect(allows(r, "tcp", "198.18.1.1", web, 80)).toBe(false);
    expect(allows(r, "icmp", "8.8.8.8", web, 8)).toBe(true);
    expect(allows(r, "udp", "1.1.1.1", web, 123, { sport: 123 })).toBe(true);
    expect(allows(r, "udp", "1.1.1.1", web, 123)).toBe(false);
    expect(allows(r, "tcp", "10.0.0.15", web, 9100)).toBe(true);
    expect(allows(r, "tcp", "10.0.0.21", web, 9100)).toBe(false);
    expect(allows(r, "tcp", web, web, 5432)).toBe(true);
    expect(allows(r, "tcp", web, "8.8.8.8", 25)).toBe(true);
    expect(allows(r, "tcp", "2001:db8:ad::1", "2001:db8:5::10", 22)).toBe(true);
    expect(allows(r, "tcp", "2001:db8:ae::1", "2001:db8:5::10", 22)).toBe(false);
    expect(allows(r, "icmpv6", "2001:db8:ae::1", "2001:db8:5::10", 135)).toBe(true);
  });

  it("reports the nat table, the rate limit and the unmapped docker0, each with its line", () => {
    expect(where(r)).toEqual([
      "2:1 config-ignored",
      "29:51 config-unsupported",
      "33:18 config-unsupported",
      "34:18 config-unsupported",
      "35:18 config-unsupported",
      "35:31 config-unsupported",
    ]);
  });

  it("matches its golden listing", () => {
    expectGolden(join(HERE, "golden/web-1.txt"), describeImport(r));
  });
});

describe("iptables importer on forwarding rules", () => {
  const text = table(
    ":INPUT ACCEPT [0:0]",
    ":FORWARD DROP [0:0]",
    ":OUTPUT ACCEPT [0:0]",
    ":lan-to-dmz - [0:0]",
    ":log-drop - [0:0]",
    "-A FORWARD -m state --state ESTABLISHED,RELATED -j ACCEPT",
    "-A FORWARD -i eth1 -o eth2 -j lan-to-dmz",
    "-A FORWARD -i eth2 -o eth0 -p udp --dport 53 -j ACCEPT",
    "-A FORWARD -i ppp+ -o eth2 -p tcp --dport ssh -j ACCEPT",
    "-A lan-to-dmz -p tcp --dport 1024: -j RETURN",
    "-A lan-to-dmz -p tcp -j ACCEPT",
    "-A lan-to-dmz -p udp -g log-and-drop",
    "-A lan-to-dmz -p icmp --icmp-type echo-request -j ACCEPT",
    ":log-and-drop - [0:0]",
    '-A log-and-drop -j LOG --log-prefix "fw drop "',
    "-A log-and-drop -j DROP",
  );
  const r = run(text);

  it("maps interfaces to zones and follows jumps, RETURN and goto", () => {
    expect(problems(r)).toEqual([]);
    expect(allows(r, "tcp", "10.1.0.5", "10.2.0.9", 22)).toBe(true);
    expect(allows(r, "tcp", "10.1.0.5", "10.2.0.9", 8080)).toBe(false);
    expect(allows(r, "icmp", "10.1.0.5", "10.2.0.9", 8)).toBe(true);
    expect(allows(r, "udp", "10.1.0.5", "10.2.0.9", 53)).toBe(false);
    expect(allows(r, "udp", "10.2.0.9", "9.9.9.9", 53)).toBe(true);
    expect(allows(r, "udp", "10.2.0.9", "10.1.0.5", 53)).toBe(false);
    expect(allows(r, "tcp", "10.8.3.3", "10.2.0.9", 22)).toBe(true);
  });

  it("gives every rule its chain, action, line and comment", () => {
    const summary = r.rules.map((x) => `${x.list}:${x.source.line}:${x.action}`);
    expect(summary).toEqual([
      "FORWARD:7:accept",
      "FORWARD:8:other",
      "FORWARD:9:accept",
      "FORWARD:10:accept",
      "lan-to-dmz:11:other",
      "lan-to-dmz:12:accept",
      "lan-to-dmz:13:other",
      "lan-to-dmz:14:accept",
      "log-and-drop:16:other",
      "log-and-drop:17:drop",
    ]);
  });

  it("reports an interface no zone is mapped to, and treats it as the rule's safe side", () => {
    const u = run(
      table(":FORWARD DROP [0:0]", "-A FORWARD -i eth9 -p tcp -j ACCEPT", "-A FORWARD -o eth9 -j DROP"),
    );
    expect(problems(u).map(formatDiagnostic)).toEqual([
      'rules.v4:3:12: warning config-unsupported: Interface "eth9" is not mapped to any zone of the enforcement point (interfaces:), so its traffic is unknown',
      'rules.v4:4:12: warning config-unsupported: Interface "eth9" is not mapped to any zone of the enforcement point (interfaces:), so its traffic is unknown',
    ]);
    expect(allows(u, "tcp", "10.1.0.5", "10.2.0.9", 22)).toBe(true);
    expect(allows(u, "udp", "10.1.0.5", "10.2.0.9", 22)).toBe(false);
  });
});

describe("iptables importer syntax variants", () => {
  it("reads long options, old-style negation, masks, host bits, lists and open port ranges", () => {
    const r = run(
      table(
        ":FORWARD DROP [0:0]",
        "-A FORWARD --source 10.1.0.0/255.255.0.0 --destination 10.2.0.9/16 --protocol tcp --destination-port :1023 --jump ACCEPT",
        "-A FORWARD -s ! 10.1.0.0/16 -d 10.2.0.0/16 -p udp --dport 5000: -j ACCEPT",
        "-A FORWARD -s 10.8.0.1,10.8.0.2 -p tcp -m multiport ! --dports 1:100,200 -j ACCEPT",
        "-A FORWARD -m iprange --dst-range 10.2.5.1-10.2.5.3 -p sctp -j ACCEPT",
      ),
    );
    expect(problems(r)).toEqual([]);
    expect(allows(r, "tcp", "10.1.9.9", "10.2.7.7", 1023)).toBe(true);
    expect(allows(r, "tcp", "10.1.9.9", "10.2.7.7", 1024)).toBe(false);
    expect(allows(r, "udp", "10.9.0.1", "10.2.0.1", 5000)).toBe(true);
    expect(allows(r, "udp", "10.1.0.1", "10.2.0.1", 5000)).toBe(false);
    expect(allows(r, "tcp", "10.8.0.2", "1.2.3.4", 150)).toBe(true);
    expect(allows(r, "tcp", "10.8.0.2", "1.2.3.4", 50)).toBe(false);
    expect(allows(r, "tcp", "10.8.0.3", "1.2.3.4", 150)).toBe(false);
    expect(allows(r, "sctp", "1.1.1.1", "10.2.5.3", 9)).toBe(true);
    expect(allows(r, "sctp", "1.1.1.1", "10.2.5.4", 9)).toBe(false);
  });

  it("reads counters, quoted comments with escapes, ICMP names and protocol words", () => {
    const r = run(
      table(
        ":FORWARD DROP [10:600]",
        '[5:300] -A FORWARD -p icmp -m icmp --icmp-type port-unreachable -m comment --comment "errors \\"only\\"" -j ACCEPT',
        "-A FORWARD -p gre -m comment --comment tunnels -j ACCEPT",
        "-A FORWARD -p ALL -s 10.9.9.9 -j ACCEPT",
      ),
    );
    expect(problems(r)).toEqual([]);
    expect(r.rules.map((x) => x.label)).toEqual(['errors "only"', "tunnels", undefined]);
    expect(allows(r, "icmp", "1.1.1.1", "2.2.2.2", 3, { code: 3 })).toBe(true);
    expect(allows(r, "icmp", "1.1.1.1", "2.2.2.2", 3, { code: 4 })).toBe(false);
    expect(allows(r, "gre", "1.1.1.1", "2.2.2.2")).toBe(true);
    expect(allows(r, "esp", "10.9.9.9", "2.2.2.2")).toBe(true);
  });

  it("reads conntrack states of a connection's first packet, --syn and --tcp-flags", () => {
    const r = run(
      table(
        ":FORWARD DROP [0:0]",
        "-A FORWARD -p tcp ! --syn -j ACCEPT",
        "-A FORWARD -p tcp --tcp-flags SYN,RST,ACK,FIN SYN --dport 22 -j ACCEPT",
        "-A FORWARD -m conntrack --ctdir REPLY -j ACCEPT",
        "-A FORWARD -m conntrack --ctstate NEW -p udp -j ACCEPT",
      ),
    );
    expect(problems(r)).toEqual([]);
    expect(allows(r, "tcp", "1.1.1.1", "2.2.2.2", 22)).toBe(true);
    expect(allows(r, "tcp", "1.1.1.1", "2.2.2.2", 23)).toBe(false);
    expect(allows(r, "udp", "1.1.1.1", "2.2.2.2", 23)).toBe(true);
  });

  it("applies -I, -D, -R, -F, -P, -N, -X and a second *filter as iptables-restore does", () => {
    const r = run(
      [
        "*filter",
        "-A FORWARD -p tcp --dport 1 -j ACCEPT",
        "COMMIT",
        "*filter",
        "-P FORWARD DROP",
        "-N extra",
        "-A FORWARD -p tcp --dport 2 -j ACCEPT",
        "-A FORWARD -p tcp --dport 3 -j ACCEPT",
        "-I FORWARD 1 -p tcp --dport 4 -j ACCEPT",
        "-D FORWARD -p tcp --dport 3 -j ACCEPT",
        "-R FORWARD 2 -p tcp --dport 5 -j ACCEPT",
        "-A extra -j ACCEPT",
        "-F extra",
        "-X extra",
        "COMMIT",
      ].join("\n"),
    );
    expect(problems(r)).toEqual([]);
    const ports = [1, 2, 3, 4, 5].filter((p) => allows(r, "tcp", "1.1.1.1", "2.2.2.2", p));
    expect(ports).toEqual([4, 5]);
  });

  it("reads a file named ip6tables-save output, or by its addresses, as IPv6", () => {
    const body = table(":FORWARD DROP [0:0]", "-A FORWARD -s 2001:db8:1::/48 -j ACCEPT");
    for (const name of ["router.rules.v6", "ip6tables.txt", "dump"]) {
      const r = run(body, context(), name);
      expect(r.diagnostics.map((d) => d.message)).toEqual([
        "No IPv4 rules file was given; IPv4 is taken as unfiltered (the kernel's default ACCEPT policies)",
      ]);
      expect(allows(r, "tcp", "2001:db8:1::1", "2001:db8:2::1", 1)).toBe(true);
      expect(allows(r, "tcp", "2001:db8:3::1", "2001:db8:2::1", 1)).toBe(false);
    }
  });

  it("says when nothing tells the family", () => {
    const r = run(table(":FORWARD DROP [0:0]", "-A FORWARD -p tcp -j ACCEPT"), context(), "rules");
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      'Cannot tell whether "rules" holds IPv4 or IPv6 rules; it is read as IPv4 (name it .v4 or .v6)',
      "No IPv6 rules file was given; IPv6 is taken as unfiltered (the kernel's default ACCEPT policies)",
    ]);
  });
});

describe("iptables importer on what it cannot read", () => {
  it("reports each problem with its line and column and never throws", () => {
    const text = [
      "# a hand-edited file",
      "-A FORWARD -j ACCEPT",
      "*filter",
      ":FORWARD DROP [0:0]",
      "-A FORWARD -p tcp --dport 22 -m recent --rcheck --seconds 60 -j ACCEPT",
      "-A FORWARD -p tcp --frobnicate 3 -j ACCEPT",
      "-A NOCHAIN -j ACCEPT",
      "-A FORWARD -j nowhere",
      "-A FORWARD -s 10.0.0.0/33 -j ACCEPT",
      "-A FORWARD -s 2001:db8::1 -j ACCEPT",
      "-A FORWARD -p udp -j NFQUEUE --queue-num 1",
      '-A FORWARD -m comment --comment "unterminated -j ACCEPT',
      "-A FORWARD -p tcp -m multiport --dports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16 -j ACCEPT",
      "-A FORWARD ! -p all -j ACCEPT",
      "-A FORWARD -s gateway.example.net -j DROP",
      "-A FORWARD -m set --match-set missing src -j ACCEPT",
      "bogus line",
    ].join("\n");
    const r = run(text);
    expect(r.diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`)).toEqual([
      "1:1 config-unsupported No IPv6 rules file was given; IPv6 is taken as unfiltered (the kernel's default ACCEPT policies)",
      "2:1 config-syntax Line outside a table (*filter ... COMMIT)",
      '5:33 config-unsupported The match "recent" is not modelled',
      '6:19 config-syntax Unknown option "--frobnicate"',
      '7:4 config-syntax Chain "NOCHAIN" does not exist',
      '8:15 config-syntax Chain or target "nowhere" does not exist',
      '9:15 config-syntax "10.0.0.0/33" has a prefix length outside 0-32',
      '10:15 config-syntax "2001:db8::1" is not an IPv4 address',
      '11:22 config-unsupported Target "NFQUEUE" is not modelled; what it takes counts as accepted',
      '12:33 config-syntax Unterminated quote " in the line',
      '13:41 config-syntax multiport takes at most 15 ports; "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16" has more',
      "14:17 config-syntax Rule would never match protocol",
      '15:15 config-unsupported The host name "gateway.example.net" is not modelled',
      '16:19 config-unsupported Set "missing" is not defined in the given ipset files',
      '17:1 config-syntax Unknown command "bogus"',
      "17:1 config-syntax The file ends without COMMIT; iptables-restore would not load it",
    ]);
    // The unsupported match is dropped from the accepting rule, the queue counts as accepting.
    expect(allows(r, "tcp", "1.1.1.1", "2.2.2.2", 22)).toBe(true);
    expect(allows(r, "udp", "1.1.1.1", "2.2.2.2", 22)).toBe(true);
    expect(allows(r, "tcp", "1.1.1.1", "2.2.2.2", 23)).toBe(true);
  });

  it("reports a loop of jumps, and jumps to a built-in chain, even where nothing reaches them", () => {
    const r = run(
      table(
        ":FORWARD DROP [0:0]",
        ":a - [0:0]",
        ":b - [0:0]",
        "-A FORWARD -j ACCEPT",
        "-A FORWARD -j a",
        "-A a -j b",
        "-A b -j a",
        "-A b -j INPUT",
      ),
    );
    expect(problems(r).map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([
      '8:9 Jumping to "a" makes a loop',
      '9:9 Cannot jump to built-in chain "INPUT"',
    ]);
    expect(allows(r, "tcp", "1.1.1.1", "2.2.2.2", 1)).toBe(true);
  });

  it("never throws on arbitrary bytes", () => {
    const junk = [
      "*filter\n-A FORWARD -p",
      "-A\n*\nCOMMIT",
      ":\n*filter\n:X ACCEPT\n",
      "\u0000\u0001\n*filter\n-A FORWARD !",
    ];
    for (const text of junk) expect(() => run(text)).not.toThrow();
  });
});

describe("iptables importer with ipsets", () => {
  it("runs create, add, nomatch, swap, rename and destroy like ipset restore", () => {
    const sets = [
      "create a hash:net family inet",
      "create a-t hash:net family inet",
      "add a-t 10.0.0.0/8",
      "add a-t 10.5.0.0/16 nomatch",
      "add a-t 10.5.5.0/24",
      "add a-t 192.168.1.1-192.168.1.2",
      "swap a-t a",
      "destroy a-t",
      "create b hash:ip family inet6",
      "add b 2001:db8::1",
      "rename b c",
    ].join("\n");
    const rules = table(
      ":FORWARD DROP [0:0]",
      "-A FORWARD -m set --match-set a src -j ACCEPT",
      "-A FORWARD -m set ! --match-set a dst -p udp -j ACCEPT",
    );
    const v6 = table(":FORWARD DROP [0:0]", "-A FORWARD -m set --match-set c dst -j ACCEPT");
    const ctx = context();
    const r = iptablesImporter.import(
      [
        { name: "sets.ipset", text: sets },
        { name: "fw.v4", text: rules },
        { name: "fw.v6", text: v6 },
      ],
      ctx,
    );
    expect(problems(r)).toEqual([]);
    expect(allows(r, "tcp", "10.1.1.1", "1.1.1.1", 1)).toBe(true);
    expect(allows(r, "tcp", "10.5.1.1", "1.1.1.1", 1)).toBe(false);
    expect(allows(r, "tcp", "10.5.5.1", "1.1.1.1", 1)).toBe(true);
    expect(allows(r, "tcp", "192.168.1.2", "1.1.1.1", 1)).toBe(true);
    expect(allows(r, "tcp", "192.168.1.3", "1.1.1.1", 1)).toBe(false);
    expect(allows(r, "udp", "1.1.1.1", "10.5.1.1", 1)).toBe(true);
    expect(allows(r, "udp", "1.1.1.1", "10.1.1.1", 1)).toBe(false);
    expect(allows(r, "tcp", "2001:db8::2", "2001:db8::1", 1)).toBe(true);
    expect(allows(r, "tcp", "2001:db8::1", "2001:db8::2", 1)).toBe(false);
  });

  it("reports ipset lines it cannot run and sets of the other family", () => {
    const r = iptablesImporter.import(
      [
        {
          name: "x.ipset",
          text: "create s hash:net family inet6\nadd s 10.0.0.0/8\nadd nosuch 1.2.3.4\nflip s\n",
        },
        { name: "x.v4", text: table("-A FORWARD -m set --match-set s src -j DROP") },
      ],
      context(),
    );
    expect(r.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.message}`)).toEqual([
      'x.ipset:2:7 "10.0.0.0/8" is not an address or network of set "s"\'s family',
      'x.ipset:3:5 Set "nosuch" does not exist',
      'x.ipset:4:1 Unknown ipset command "flip"',
      "x.v4:1:1 No IPv6 rules file was given; IPv6 is taken as unfiltered (the kernel's default ACCEPT policies)",
      'x.v4:2:19 Set "s" holds IPv6 addresses',
    ]);
  });
});

describe("iptables importer for the host role", () => {
  it("combines INPUT and OUTPUT over the hosts, and reads -i lo as the host's own traffic", () => {
    const ctx = context("host", ["10.2.0.10", "10.2.0.11"]);
    const r = run(
      table(
        ":INPUT DROP [0:0]",
        ":OUTPUT DROP [0:0]",
        "-A INPUT -i lo -j ACCEPT",
        "-A INPUT -p tcp --dport 443 -j ACCEPT",
        "-A OUTPUT -o lo -j ACCEPT",
        "-A OUTPUT -p udp --dport 53 -j ACCEPT",
      ),
      ctx,
    );
    expect(allows(r, "tcp", "10.1.0.5", "10.2.0.10", 443)).toBe(true);
    expect(allows(r, "tcp", "10.1.0.5", "10.2.0.10", 22)).toBe(false);
    expect(allows(r, "udp", "10.2.0.11", "9.9.9.9", 53)).toBe(true);
    expect(allows(r, "tcp", "10.2.0.11", "9.9.9.9", 53)).toBe(false);
    expect(allows(r, "tcp", "10.2.0.10", "10.2.0.10", 5432)).toBe(true);
    // Between two protected hosts, both the sender's OUTPUT and the receiver's INPUT decide.
    expect(allows(r, "tcp", "10.2.0.10", "10.2.0.11", 443)).toBe(false);
    expect(allows(r, "tcp", "1.1.1.1", "2.2.2.2", 1)).toBe(true);
  });
});

describe("iptables importer on what real files add", () => {
  it("gives each chain as a rule list: built-in chains fall through to their policy, user chains return", () => {
    const r = run(table(":INPUT ACCEPT [0:0]", ":FORWARD DROP [0:0]", ":mine - [0:0]", "-A FORWARD -j mine"));
    expect(r.lists?.map((l) => `${l.name}:${l.fallThrough}`)).toEqual([
      "INPUT:accept",
      "FORWARD:drop",
      "OUTPUT:accept",
      "mine:next",
    ]);
    expect(r.lists?.map((l) => l.source?.line)).toEqual([2, 3, undefined, 4]);
    const both = iptablesImporter.import(
      [
        { name: "rules.v4", text: table(":FORWARD DROP [0:0]") },
        { name: "rules.v6", text: table(":FORWARD ACCEPT [0:0]", "-A FORWARD -j DROP") },
      ],
      context(),
    );
    expect(
      both.lists?.filter((l) => l.name.startsWith("FORWARD")).map((l) => `${l.name}:${l.fallThrough}`),
    ).toEqual(["FORWARD:drop", "FORWARD (IPv6):accept"]);
    expect(both.rules.map((x) => x.list)).toEqual(["FORWARD (IPv6)"]);
  });

  it("reads iptables-save -c counters, and -c PACKETS BYTES, as the rule's hits", () => {
    const r = run(
      table(
        ":FORWARD DROP [10:1000]",
        "[42:8800] -A FORWARD -p tcp --dport 22 -j ACCEPT",
        "-A FORWARD -c 7 700 -p tcp --dport 80 -j ACCEPT",
        "-A FORWARD -p tcp --dport 443 -j ACCEPT",
      ),
    );
    expect(r.rules.map((x) => x.hits)).toEqual([42, 7, undefined]);
    expect(allows(r, "tcp", "1.1.1.1", "2.2.2.2", 80)).toBe(true);
  });

  it("reads a file of bare iptables commands (aerleon's output) and iptables lines of a shell script", () => {
    const aerleon = run(
      [
        "# Iptables INPUT Policy",
        "-P FORWARD DROP",
        "-N F_web",
        "-A FORWARD -j F_web",
        "-A F_web -p tcp --dport 443 -j ACCEPT",
      ].join("\n"),
    );
    expect(aerleon.diagnostics.filter((d) => d.code !== "config-unsupported" || d.line !== 1)).toEqual([]);
    expect(allows(aerleon, "tcp", "1.1.1.1", "2.2.2.2", 443)).toBe(true);
    expect(allows(aerleon, "tcp", "1.1.1.1", "2.2.2.2", 80)).toBe(false);
    const script = run(
      [
        "/sbin/iptables -P FORWARD DROP",
        "iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE",
        "iptables -A FORWARD -p tcp --dport 25 -j ACCEPT",
      ].join("\n"),
      context(),
      "firewall.v4",
    );
    expect(script.diagnostics.map((d) => `${d.line} ${d.code}`)).toContain("2 config-ignored");
    expect(allows(script, "tcp", "1.1.1.1", "2.2.2.2", 25)).toBe(true);
    expect(allows(script, "tcp", "1.1.1.1", "2.2.2.2", 26)).toBe(false);
  });

  it("reads ipset commands and rules in one file (aerleon's ipset output), and aerleon's family comment", () => {
    const r = run(
      [
        "create -exist web-src hash:net family inet6 hashsize 4 maxelem 4",
        "add -exist web-src 2001:db8:1::/48",
        "# inet6",
        "-P FORWARD DROP",
        "-A FORWARD -p tcp -m set --match-set web-src src --dport 443 -j ACCEPT",
      ].join("\n"),
      context(),
      "aerleon.ips",
    );
    expect(r.diagnostics.map((d) => `${d.line} ${d.message}`)).toEqual([
      "1 No IPv4 rules file was given; IPv4 is taken as unfiltered (the kernel's default ACCEPT policies)",
    ]);
    expect(r.rules.map((x) => `${x.source.line} ${x.action}`)).toEqual(["5 accept"]);
    expect(allows(r, "tcp", "2001:db8:1::5", "2001:db8:2::1", 443)).toBe(true);
    expect(allows(r, "tcp", "2001:db8:3::5", "2001:db8:2::1", 443)).toBe(false);
  });

  it("reads conntrack's original and reply addresses and ports as the first packet's", () => {
    const r = run(
      table(
        ":FORWARD DROP [0:0]",
        "-A FORWARD -m conntrack --ctstate NEW --ctproto 17 --ctorigsrcport 68 --ctorigdstport 67 -j ACCEPT",
        "-A FORWARD -p tcp -m conntrack --ctorigdst 10.2.0.0/16 --ctreplsrcport 22 -j ACCEPT",
      ),
    );
    expect(r.diagnostics.filter((d) => d.code !== "config-unsupported" || d.line !== 1)).toEqual([]);
    expect(allows(r, "udp", "1.1.1.1", "2.2.2.2", 67, { sport: 68 })).toBe(true);
    expect(allows(r, "udp", "1.1.1.1", "2.2.2.2", 67, { sport: 69 })).toBe(false);
    expect(allows(r, "tcp", "1.1.1.1", "10.2.3.4", 22)).toBe(true);
    expect(allows(r, "tcp", "1.1.1.1", "10.3.3.4", 22)).toBe(false);
  });

  it("reads ufw rule files: their family from the chain names, ufw's own chains as unsupported jumps", () => {
    const after6 = run(
      table(
        ":ufw6-after-input - [0:0]",
        "-A ufw6-after-input -p udp --dport 137 -j ufw6-skip-to-policy-input",
      ),
      context(),
      "after6.rules",
    );
    expect(after6.diagnostics.map((d) => `${d.line} ${d.code} ${d.message}`)).toEqual([
      "1 config-unsupported No IPv4 rules file was given; IPv4 is taken as unfiltered (the kernel's default ACCEPT policies)",
      '3 config-unsupported Chain "ufw6-skip-to-policy-input" is made by ufw itself, not in the files read; what it takes counts as accepted',
    ]);
    expect(after6.rules.map((x) => x.action)).toEqual(["other"]);
  });
});
