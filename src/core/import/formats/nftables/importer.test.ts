// The nftables importer on hand-written, real-world-style rulesets: syntax variants, semantics, diagnostics.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAddress } from "../../../net/address.js";
import { parsePrefix, type Prefix } from "../../../net/prefix.js";
import { PROTO } from "../../../net/protocol.js";
import { PacketSpace } from "../../../space/packet-set.js";
import { makePacket, type Packet } from "../../../space/packet.js";
import { prefixMatch } from "../../match.js";
import type { ImportContext, ImportHost, ImportResult } from "../../model.js";
import { nftablesImporter } from "./importer.js";

const space = new PacketSpace();
const ZONES: Record<string, Prefix[]> = {
  lan: ["10.0.0.0/8", "fd00::/8"].map(parsePrefix),
  dmz: ["192.0.2.0/24", "2001:db8:2::/48"].map(parsePrefix),
  wan: ["198.51.100.0/24", "203.0.113.0/24", "2001:db8:ff::/48"].map(parsePrefix),
};

function context(role: "network" | "host", hosts: readonly ImportHost[] = []): ImportContext {
  return {
    space,
    role,
    hosts,
    interfaces: { wan: "eth0", lan: "eth1", dmz: "eth2" },
    zoneSpace: (zone, dir) => (ZONES[zone] ? prefixMatch(space, dir, ZONES[zone]!) : space.none()),
  };
}

function run(text: string, role: "network" | "host" = "network", hosts: readonly ImportHost[] = []) {
  return nftablesImporter.import([{ name: "nft.conf", text }], context(role, hosts));
}

function packet(
  proto: number,
  src: string,
  dst: string,
  extra: Partial<Pick<Packet, "dport" | "icmpType" | "icmpCode">> = {},
): Packet {
  return makePacket({ src: parseAddress(src), dst: parseAddress(dst), proto, sport: 40000, ...extra });
}
const tcp = (src: string, dst: string, dport: number) => packet(PROTO.tcp, src, dst, { dport });
const udp = (src: string, dst: string, dport: number) => packet(PROTO.udp, src, dst, { dport });

/** [code, line] of every diagnostic, in order. */
function icmpPacket(family: 4 | 6, type: number) {
  return family === 4
    ? packet(PROTO.icmp, "10.0.0.1", "192.0.2.1", { icmpType: type })
    : packet(PROTO.icmpv6, "fd00::1", "2001:db8::1", { icmpType: type });
}

function problems(r: ImportResult): [string, number][] {
  return r.diagnostics.map((d) => [d.code, d.line]);
}

const HOST: ImportHost = { name: "srv", addresses: ["10.0.0.100", "fd00::100"].map(parsePrefix) };

describe("nftables importer: a Debian host firewall", () => {
  const conf = `#!/usr/sbin/nft -f

flush ruleset

define ADMIN = { 10.0.0.5, 10.0.0.6 }

table inet filter {
	set blocked {
		type ipv4_addr
		flags interval
		elements = { 10.9.0.0/16, 10.8.0.1-10.8.0.9 }
	}

	chain input {
		type filter hook input priority filter; policy drop;
		ct state vmap { established : accept, related : accept, invalid : drop }
		iifname "lo" accept
		ip saddr @blocked drop
		ip saddr $ADMIN tcp dport ssh accept
		tcp dport { http, https } accept comment "web"
		meta l4proto ipv6-icmp icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, echo-request } accept
		icmp type echo-request limit rate 5/second accept
		counter reject with icmpx type admin-prohibited
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
	}
	chain output {
		type filter hook output priority filter; policy accept;
	}
}
`;
  const r = run(conf, "host", [HOST]);

  it("lets through exactly what the input chain accepts", () => {
    expect(r.accepted.contains(tcp("10.0.0.5", "10.0.0.100", 22))).toBe(true);
    expect(r.accepted.contains(tcp("10.0.0.7", "10.0.0.100", 22))).toBe(false);
    expect(r.accepted.contains(tcp("203.0.113.9", "10.0.0.100", 443))).toBe(true);
    expect(r.accepted.contains(tcp("10.9.1.1", "10.0.0.100", 443))).toBe(false);
    expect(r.accepted.contains(tcp("10.8.0.5", "10.0.0.100", 80))).toBe(false);
    expect(r.accepted.contains(tcp("10.8.0.10", "10.0.0.100", 80))).toBe(true);
    expect(r.accepted.contains(packet(PROTO.icmpv6, "fd00::1", "fd00::100", { icmpType: 135 }))).toBe(true);
    expect(r.accepted.contains(packet(PROTO.icmpv6, "fd00::1", "fd00::100", { icmpType: 1 }))).toBe(false);
    // conntrack calls an echo reply with no request before it invalid, and the vmap drops it.
    expect(r.accepted.contains(packet(PROTO.icmpv6, "fd00::1", "fd00::100", { icmpType: 129 }))).toBe(false);
  });

  it("reads loopback as the host's traffic to itself, and output as open", () => {
    expect(r.accepted.contains(tcp("10.0.0.100", "10.0.0.100", 5555))).toBe(true);
    expect(r.accepted.contains(tcp("10.0.0.100", "192.0.2.1", 5555))).toBe(true);
    expect(r.accepted.contains(tcp("192.0.2.1", "10.0.0.100", 5555))).toBe(false);
  });

  it("reports the rate limit and the unused forward chain, with their lines", () => {
    expect(problems(r)).toEqual([
      ["config-unsupported", 22],
      ["config-ignored", 25],
    ]);
    // Read without the limit: every echo request passes.
    expect(r.accepted.contains(packet(PROTO.icmp, "198.51.100.1", "10.0.0.100", { icmpType: 8 }))).toBe(true);
  });

  it("lists every rule with its chain, line, action and comment", () => {
    const web = r.rules.find((x) => x.label === "web")!;
    expect(web.source).toEqual({
      file: "nft.conf",
      line: 20,
      text: 'tcp dport { http, https } accept comment "web"',
    });
    expect(web.list).toBe("inet filter input");
    expect(web.action).toBe("accept");
    expect(r.rules.map((x) => x.action)).toEqual([
      "other",
      "accept",
      "drop",
      "accept",
      "accept",
      "accept",
      "accept",
      "drop",
    ]);
  });
});

describe("nftables importer: a router with jumps, families and interfaces", () => {
  const conf = `table ip filter {
  chain forward {
    type filter hook forward priority 0; policy drop;
    ct state established,related accept
    iifname "eth1" oifname "eth0" jump lan_out
    iifname "eth0" goto wan_in
  }
  chain lan_out {
    tcp dport 25 drop
    ip daddr 203.0.113.0/24 return
    accept
  }
  chain wan_in {
    ip daddr 192.0.2.10 tcp dport { 80, 443 } accept
  }
}
table ip6 filter6 {
  chain forward {
    type filter hook forward priority 0; policy accept;
    ip6 saddr 2001:db8::/32 drop
  }
}
`;
  const r = run(conf);

  it("follows jump, return and goto", () => {
    expect(problems(r)).toEqual([]);
    expect(r.accepted.contains(tcp("10.1.1.1", "198.51.100.1", 80))).toBe(true);
    expect(r.accepted.contains(tcp("10.1.1.1", "198.51.100.1", 25))).toBe(false);
    expect(r.accepted.contains(tcp("10.1.1.1", "203.0.113.1", 80))).toBe(false);
    expect(r.accepted.contains(tcp("198.51.100.1", "192.0.2.10", 443))).toBe(true);
    expect(r.accepted.contains(tcp("198.51.100.1", "192.0.2.10", 22))).toBe(false);
    expect(r.accepted.contains(tcp("192.0.2.1", "198.51.100.1", 443))).toBe(false);
  });

  it("applies an ip table to IPv4 only and an ip6 table to IPv6 only", () => {
    expect(r.accepted.contains(tcp("fd00::1", "2001:db8:ff::1", 25))).toBe(true);
    expect(r.accepted.contains(tcp("2001:db8:ff::1", "fd00::1", 25))).toBe(false);
    const lanOut = r.rules.filter((x) => x.list === "ip filter lan_out");
    expect(lanOut.map((x) => x.action)).toEqual(["drop", "other", "accept"]);
    expect(lanOut[0]!.match.contains(tcp("fd00::1", "2001:db8:ff::1", 25))).toBe(false);
  });
});

describe("nftables importer: command scripts and nft's own listing", () => {
  it("applies add, insert and delete commands in order", () => {
    const r = run(`add table inet t
add chain inet t fwd { type filter hook forward priority 0 ; policy drop ; }
add set inet t web { type ipv4_addr ; }
add element inet t web { 192.0.2.10, 192.0.2.11 }
add rule inet t fwd ip daddr @web tcp dport 443 accept
insert rule inet t fwd tcp dport 443 ip saddr 10.6.6.6 drop
add rule inet t fwd udp dport >= 1024 ip daddr 192.0.2.53 accept
delete element inet t web { 192.0.2.11 }
`);
    expect(problems(r)).toEqual([]);
    expect(r.accepted.contains(tcp("10.0.0.1", "192.0.2.10", 443))).toBe(true);
    expect(r.accepted.contains(tcp("10.0.0.1", "192.0.2.11", 443))).toBe(false);
    expect(r.accepted.contains(tcp("10.6.6.6", "192.0.2.10", 443))).toBe(false);
    expect(r.accepted.contains(udp("10.0.0.1", "192.0.2.53", 5000))).toBe(true);
    expect(r.accepted.contains(udp("10.0.0.1", "192.0.2.53", 53))).toBe(false);
  });

  it("reads nft list ruleset output: counters, wrapped set elements, typeof, ranges", () => {
    const r = run(`table inet rampart {
	set admins {
		typeof ip saddr
		flags interval
		auto-merge
		elements = { 10.0.0.0-10.0.0.15, 10.1.0.0/16,
			     10.2.0.1 }
	}

	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related counter packets 12 bytes 3400 accept
		ip saddr @admins ip daddr 192.0.2.0/24 tcp dport 22 counter packets 0 bytes 0 log prefix "ssh: " accept comment "admin-ssh"
		ip6 saddr fd00::1-fd00::ff meta l4proto { tcp, udp } th dport 53 counter packets 0 bytes 0 accept
		icmp type echo-request icmp code net-unreachable counter packets 0 bytes 0 accept
	}
}
`);
    expect(problems(r)).toEqual([]);
    expect(r.accepted.contains(tcp("10.0.0.15", "192.0.2.1", 22))).toBe(true);
    expect(r.accepted.contains(tcp("10.0.0.16", "192.0.2.1", 22))).toBe(false);
    expect(r.accepted.contains(tcp("10.2.0.1", "192.0.2.1", 22))).toBe(true);
    expect(r.accepted.contains(udp("fd00::ff", "fd00::1", 53))).toBe(true);
    expect(r.accepted.contains(udp("fd00::100", "fd00::1", 53))).toBe(false);
    expect(r.accepted.contains(packet(PROTO.sctp, "fd00::1", "fd00::2", { dport: 53 }))).toBe(false);
    expect(
      r.accepted.contains(packet(PROTO.icmp, "10.0.0.1", "10.0.0.2", { icmpType: 8, icmpCode: 0 })),
    ).toBe(true);
    expect(
      r.accepted.contains(packet(PROTO.icmp, "10.0.0.1", "10.0.0.2", { icmpType: 8, icmpCode: 1 })),
    ).toBe(false);
    expect(r.rules[1]!.label).toBe("admin-ssh");
  });

  it("accepts comments, line continuations, semicolons and redefined variables", () => {
    const r = run(`define PORTS = { 22, 80 } # ssh and web
redefine PORTS = { $PORTS, 443 }
table inet t { chain c { type filter hook forward priority 0; policy drop; tcp dport $PORTS \\
    accept; udp dport 53 accept } }
`);
    expect(problems(r)).toEqual([]);
    for (const port of [22, 80, 443])
      expect(r.accepted.contains(tcp("10.0.0.1", "192.0.2.1", port))).toBe(true);
    expect(r.accepted.contains(udp("10.0.0.1", "192.0.2.1", 53))).toBe(true);
  });

  it("reads included files given alongside, and reports others", () => {
    const r = nftablesImporter.import(
      [
        { name: "/etc/nftables.conf", text: 'include "/etc/nftables.d/rules.nft"\ninclude "missing.nft"\n' },
        {
          name: "/etc/nftables.d/rules.nft",
          text: "table inet t {\n chain c {\n  type filter hook forward priority 0; policy drop\n  tcp dport 22 accept\n }\n}\n",
        },
      ],
      context("network"),
    );
    expect(r.diagnostics.map((d) => [d.code, d.file, d.line])).toEqual([
      ["config-unsupported", "/etc/nftables.conf", 2],
    ]);
    expect(r.accepted.contains(tcp("10.0.0.1", "192.0.2.1", 22))).toBe(true);
  });
});

describe("nftables importer: what iptables-nft leaves in the ruleset", () => {
  // Written by iptables 1.8.9 (nf_tables) and listed by nft 1.0.6.
  const listed = `table ip filter {
	chain FORWARD {
		type filter hook forward priority filter; policy drop;
		ct state related,established counter packets 0 bytes 0 accept
		ip saddr 10.0.0.0/8 tcp dport 22 counter packets 0 bytes 0 accept
		meta l4proto tcp tcp dport { 80, 443 } counter packets 0 bytes 0 accept
		iifname "eth0" counter packets 0 bytes 0 log prefix "x "
		counter packets 0 bytes 0 jump CUSTOM
		tcp flags syn / syn,ack,rst,fin tcp option maxseg size 1300-1500 counter packets 0 bytes 0 accept
	}

	chain CUSTOM {
		udp dport 53 counter packets 0 bytes 0 accept
	}
}
table ip6 filter {
	chain FORWARD {
		type filter hook forward priority filter; policy accept;
		meta l4proto ipv6-icmp icmpv6 type echo-request counter packets 0 bytes 0 accept
	}
}# Warning: table ip filter is managed by iptables-nft, do not touch!
# Warning: table ip6 filter is managed by iptables-nft, do not touch!
`;
  const r = run(listed);

  it("reads the chains and reports only the TCP flag match, once", () => {
    expect(problems(r)).toEqual([["config-unsupported", 9]]);
    expect(r.accepted.contains(tcp("10.1.1.1", "192.0.2.1", 22))).toBe(true);
    expect(r.accepted.contains(tcp("198.51.100.1", "192.0.2.1", 443))).toBe(true);
    expect(r.accepted.contains(udp("198.51.100.1", "192.0.2.1", 53))).toBe(true);
    expect(r.accepted.contains(udp("198.51.100.1", "192.0.2.1", 54))).toBe(false);
    expect(r.accepted.contains(udp("2001:db8:ff::1", "fd00::1", 54))).toBe(true);
    expect(r.rules.filter((x) => x.list === "ip filter FORWARD").map((x) => x.action)).toEqual([
      "accept",
      "accept",
      "accept",
      "other",
      "other",
      "accept",
    ]);
  });
});

describe("nftables importer: semantics of matches", () => {
  const base = (rules: string, policy = "drop") =>
    `table inet t {\n chain c {\n  type filter hook forward priority 0; policy ${policy};\n${rules}\n }\n}\n`;

  it("requires every base chain on the hook to accept", () => {
    const r =
      run(`table inet a { chain f { type filter hook forward priority -10; policy accept; tcp dport 23 drop; } }
table inet b { chain f { type filter hook forward priority 0; policy drop; tcp dport { 22, 23 } accept; } }`);
    expect(r.accepted.contains(tcp("10.0.0.1", "192.0.2.1", 22))).toBe(true);
    expect(r.accepted.contains(tcp("10.0.0.1", "192.0.2.1", 23))).toBe(false);
    expect(r.accepted.contains(tcp("10.0.0.1", "192.0.2.1", 80))).toBe(false);
  });

  it("reads conntrack states for new connections", () => {
    expect(run(base("ct state new,invalid,untracked accept")).accepted.isAll()).toBe(true);
    expect(run(base("ct state new accept")).accepted.contains(tcp("10.0.0.1", "192.0.2.1", 22))).toBe(true);
    // conntrack calls ICMP that cannot start a connection (an echo reply, an error with no connection
    // behind it) invalid: a rule dropping invalid packets drops exactly those.
    const notInvalid = run(base("ct state invalid drop", "accept")).accepted;
    expect(notInvalid.contains(icmpPacket(4, 8))).toBe(true);
    expect(notInvalid.contains(icmpPacket(4, 0))).toBe(false);
    expect(notInvalid.contains(icmpPacket(4, 3))).toBe(false);
    expect(notInvalid.contains(icmpPacket(6, 128))).toBe(true);
    expect(notInvalid.contains(icmpPacket(6, 1))).toBe(false);
    expect(notInvalid.contains(tcp("10.0.0.1", "192.0.2.1", 22))).toBe(true);
    expect(notInvalid.contains(icmpPacket(6, 135))).toBe(true);
    const onlyNew = run(base("ct state != new drop", "accept")).accepted;
    expect(onlyNew.contains(icmpPacket(6, 135))).toBe(false);
    expect(onlyNew.union(run(base("ct state untracked accept")).accepted).equals(notInvalid)).toBe(true);
    expect(run(base("ct state established,related accept")).accepted.isEmpty()).toBe(true);
    expect(
      run(base("ct state vmap { new : jump x }\n }\n chain x {\n  tcp dport 22 accept")).accepted.contains(
        tcp("10.0.0.1", "192.0.2.1", 22),
      ),
    ).toBe(true);
  });

  it("negates and compares", () => {
    const r = run(
      base("ip saddr != 10.0.0.0/8 drop\n  tcp dport < 1024 accept\n  meta l4proto != { tcp, udp } accept"),
    );
    expect(r.accepted.contains(tcp("10.0.0.1", "192.0.2.1", 1023))).toBe(true);
    expect(r.accepted.contains(tcp("10.0.0.1", "192.0.2.1", 1024))).toBe(false);
    expect(r.accepted.contains(tcp("192.0.2.1", "10.0.0.1", 80))).toBe(false);
    expect(r.accepted.contains(packet(PROTO.gre, "10.0.0.1", "192.0.2.1"))).toBe(true);
    // IPv6 is not an IPv4 address outside 10.0.0.0/8: the first rule leaves it alone.
    expect(r.accepted.contains(tcp("fd00::1", "2001:db8:2::1", 80))).toBe(true);
  });

  it("expands verdict maps on ports, with jumps", () => {
    const r = run(
      base(
        "tcp dport vmap { 22 : accept, 23 : drop, 80 : jump web }\n }\n chain web {\n  ip daddr 192.0.2.80 accept",
      ),
    );
    expect(problems(r)).toEqual([]);
    expect(r.accepted.contains(tcp("10.0.0.1", "192.0.2.1", 22))).toBe(true);
    expect(r.accepted.contains(tcp("10.0.0.1", "192.0.2.80", 80))).toBe(true);
    expect(r.accepted.contains(tcp("10.0.0.1", "192.0.2.81", 80))).toBe(false);
    expect(r.rules[0]!.action).toBe("other");
  });

  it("maps interfaces to the zones behind them", () => {
    const r = run(
      base(
        'iifname "eth0" oifname "eth2" tcp dport 443 accept\n  iifname "eth1*" accept\n  iifname "lo" accept',
      ),
    );
    expect(problems(r)).toEqual([]);
    expect(r.accepted.contains(tcp("198.51.100.7", "192.0.2.1", 443))).toBe(true);
    expect(r.accepted.contains(tcp("198.51.100.7", "10.0.0.1", 443))).toBe(false);
    expect(r.accepted.contains(udp("10.3.3.3", "198.51.100.7", 53))).toBe(true);
    expect(r.accepted.contains(tcp("192.0.2.1", "192.0.2.2", 443))).toBe(false);
  });

  it("reports an interface the point does not know", () => {
    const r = run(base('iifname "ppp0" drop'));
    expect(r.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([["config-unsupported", 4, 9]]);
    expect(r.diagnostics[0]!.message).toContain('"ppp0"');
  });

  it("reads protocol names and numbers, and warns where IPv6 extension headers break the model", () => {
    const r = run(
      base(
        "meta l4proto { gre, 50 } accept\n  th dport 53 accept\n  ip6 nexthdr tcp accept\n  meta l4proto ah accept",
      ),
    );
    expect(problems(r)).toEqual([
      ["config-unsupported", 5],
      ["config-unsupported", 6],
      ["config-unsupported", 7],
    ]);
    expect(r.accepted.contains(packet(PROTO.esp, "fd00::1", "fd00::2"))).toBe(true);
    expect(r.accepted.contains(udp("10.0.0.1", "10.0.0.2", 53))).toBe(true);
  });

  it("reads an unmodelled condition out of an accept, and makes a drop with one match nothing", () => {
    const r = run(base("meta mark 0x1 drop\n  tcp dport 22 meta mark 0x2 accept"));
    expect(problems(r)).toEqual([
      ["config-unsupported", 4],
      ["config-unsupported", 5],
    ]);
    expect(r.accepted.contains(tcp("10.0.0.1", "10.0.0.2", 22))).toBe(true);
    expect(r.rules[0]!.match.isEmpty()).toBe(true);
  });

  it("reports NAT, dormant tables and tables of other families", () => {
    const r = run(`table ip nat {
 chain pre { type nat hook prerouting priority dstnat; policy accept; tcp dport 8080 dnat to 192.0.2.10:80 }
 chain post { type nat hook postrouting priority srcnat; policy accept; oifname "eth0" masquerade }
}
table inet old { flags dormant; chain c { type filter hook forward priority 0; policy drop; } }
table netdev edge { chain in { type filter hook ingress device "eth0" priority 0; policy drop; } }
table bridge br { chain c { type filter hook forward priority 0; policy drop; } }
`);
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ["config-unsupported", 2],
      ["config-ignored", 3],
      ["config-ignored", 5],
      ["config-unsupported", 6],
      ["config-ignored", 7],
    ]);
    expect(r.accepted.isAll()).toBe(true);
  });

  it("combines input and output chains over the protected hosts", () => {
    const other: ImportHost = { name: "b", addresses: [parsePrefix("10.0.0.200")] };
    const r = run(
      `table inet h {
 chain input { type filter hook input priority 0; policy drop; tcp dport 22 accept }
 chain output { type filter hook output priority 0; policy drop; tcp dport { 22, 443 } accept }
}`,
      "host",
      [HOST, other],
    );
    expect(r.accepted.contains(tcp("10.0.0.100", "10.0.0.200", 22))).toBe(true);
    expect(r.accepted.contains(tcp("10.0.0.100", "10.0.0.200", 443))).toBe(false);
    expect(r.accepted.contains(tcp("10.0.0.100", "198.51.100.1", 443))).toBe(true);
    expect(r.accepted.contains(tcp("198.51.100.1", "198.51.100.2", 80))).toBe(true);
  });
});

describe("nftables importer: broken input", () => {
  it("reports what it cannot read, with lines and columns, and goes on", () => {
    const r = run(`table inet t {
  chain c {
    type filter hook forward priority 0; policy drop;
    ip saddr 10.0.0.300 drop
    frobnicate the packets
    tcp dport 22 accept
    jump nowhere
  }
  bogus thing
}
add rule inet t missing accept
comment "unterminated
`);
    expect(r.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ["config-syntax", 4, 14],
      ["config-unsupported", 5, 5],
      ["config-syntax", 7, 10],
      ["config-syntax", 9, 3],
      ["config-syntax", 11, 17],
      ["config-syntax", 12, 1],
      ["config-syntax", 12, 9],
    ]);
    expect(r.accepted.contains(tcp("10.0.0.1", "192.0.2.1", 22))).toBe(true);
    expect(r.accepted.contains(tcp("10.0.0.1", "192.0.2.1", 23))).toBe(false);
  });

  it("never throws on arbitrary text", () => {
    const words = [
      "table",
      "inet",
      "t",
      "{",
      "}",
      "chain",
      "c",
      ";",
      "\n",
      "ip",
      "saddr",
      "@s",
      "$v",
      "accept",
      "vmap",
      ":",
      ",",
      '"x',
      "tcp",
      "dport",
      "jump",
      "type",
      "hook",
      "forward",
      "policy",
      "drop",
      "define",
      "=",
      "set",
      "elements",
      "ct",
      "state",
      "!=",
      "-",
      "10.0.0.1",
    ];
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...words), fc.string({ maxLength: 6 })), { maxLength: 60 }),
        (parts) => {
          const r = run(parts.join(" "));
          expect(r.accepted.space).toBe(space);
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });
});

describe("nftables importer: concatenations, counters, rule lists", () => {
  const conf = `table inet filter {
  set allowed {
    type ipv4_addr . inet_proto . inet_service
    flags interval
    elements = { 10.0.0.0/8 . tcp . 22, 192.0.2.1-192.0.2.9 . udp . 1000-2000 counter packets 0 bytes 0 }
  }
  map ports {
    type ipv4_addr . inet_service : verdict
    elements = { 198.51.100.7 . 443 : accept, 198.51.100.8 . 443 : drop }
  }
  map marks {
    type inet_service : mark
    elements = { 22 : 1, 80 : 2 }
  }
  chain forward {
    type filter hook forward priority filter; policy drop;
    ip saddr . meta l4proto . th dport @allowed counter packets 17 bytes 1700 accept
    ip daddr . tcp dport vmap @ports
    ip saddr . tcp dport { 203.0.113.0/24 . 8080 } jump web
  }
  chain web {
    ip daddr 10.9.9.9 accept
  }
}
`;
  const r = run(conf);

  it("matches each element's values together, with prefixes, ranges and verdict maps", () => {
    expect(r.accepted.contains(tcp("10.1.2.3", "8.8.8.8", 22))).toBe(true);
    expect(r.accepted.contains(tcp("10.1.2.3", "8.8.8.8", 23))).toBe(false);
    expect(r.accepted.contains(udp("10.1.2.3", "8.8.8.8", 22))).toBe(false);
    expect(r.accepted.contains(udp("192.0.2.5", "8.8.8.8", 1500))).toBe(true);
    expect(r.accepted.contains(udp("192.0.2.10", "8.8.8.8", 1500))).toBe(false);
    expect(r.accepted.contains(tcp("1.1.1.1", "198.51.100.7", 443))).toBe(true);
    expect(r.accepted.contains(tcp("1.1.1.1", "198.51.100.8", 443))).toBe(false);
    expect(r.accepted.contains(tcp("203.0.113.5", "10.9.9.9", 8080))).toBe(true);
    expect(r.accepted.contains(tcp("203.0.113.5", "10.9.9.8", 8080))).toBe(false);
  });

  it("reports a data map once, at its declaration, and nothing else", () => {
    expect(r.diagnostics.map((d) => `${d.line} ${d.code} ${d.message}`)).toEqual([
      '11 config-ignored Map "marks" maps to values, not verdicts: it decides nothing by itself (rules using it are reported)',
    ]);
  });

  it("gives counters as hits, and every chain as a list with its fall-through", () => {
    expect(r.rules.map((x) => x.hits)).toEqual([17, undefined, undefined, undefined]);
    expect(r.lists).toEqual([
      {
        name: "inet filter forward",
        fallThrough: "drop",
        source: { file: "nft.conf", line: 15, text: "chain forward" },
      },
      {
        name: "inet filter web",
        fallThrough: "next",
        source: { file: "nft.conf", line: 21, text: "chain web" },
      },
    ]);
  });
});

describe("nftables importer: nft -j JSON", () => {
  const json = JSON.stringify(
    {
      nftables: [
        { metainfo: { version: "1.0.6", json_schema_version: 1 } },
        { table: { family: "inet", name: "filter", handle: 1 } },
        {
          chain: {
            family: "inet",
            table: "filter",
            name: "fwd",
            handle: 1,
            type: "filter",
            hook: "forward",
            prio: 0,
            policy: "drop",
          },
        },
        {
          rule: {
            family: "inet",
            table: "filter",
            chain: "fwd",
            handle: 2,
            comment: "ssh from lan",
            expr: [
              {
                match: {
                  op: "==",
                  left: { payload: { protocol: "ip", field: "saddr" } },
                  right: { prefix: { addr: "10.0.0.0", len: 8 } },
                },
              },
              {
                match: {
                  op: "==",
                  left: { payload: { protocol: "tcp", field: "dport" } },
                  right: { set: [22, { range: [2200, 2299] }] },
                },
              },
              { counter: { packets: 5, bytes: 300 } },
              { accept: null },
            ],
          },
        },
        {
          rule: {
            family: "inet",
            table: "filter",
            chain: "fwd",
            handle: 3,
            expr: [
              { match: { op: "!=", left: { ct: { key: "state" } }, right: ["established", "related"] } },
              { match: { op: "==", left: { meta: { key: "mark" } }, right: 7 } },
              { drop: null },
            ],
          },
        },
      ],
    },
    null,
    2,
  );
  const r = nftablesImporter.import([{ name: "ruleset.json", text: json }], context("network"));
  const line = (needle: string) => json.split("\n").findIndex((l) => l.includes(needle)) + 1;

  it("reads rules as the text form reads them", () => {
    expect(r.accepted.contains(tcp("10.1.1.1", "192.0.2.1", 22))).toBe(true);
    expect(r.accepted.contains(tcp("10.1.1.1", "192.0.2.1", 2250))).toBe(true);
    expect(r.accepted.contains(tcp("10.1.1.1", "192.0.2.1", 2300))).toBe(false);
    expect(r.accepted.contains(tcp("11.1.1.1", "192.0.2.1", 22))).toBe(false);
  });

  it("points rules, lists and diagnostics at the JSON objects, and shows each rule as nft text", () => {
    const ssh = r.rules[0]!;
    expect(ssh.source.line).toBe(line('"rule"'));
    expect(ssh.source.text).toBe(
      'add rule inet filter fwd ip saddr 10.0.0.0/8 tcp dport { 22, 2200-2299 } counter packets 5 bytes 300 accept comment "ssh from lan"',
    );
    expect(ssh.label).toBe("ssh from lan");
    expect(ssh.hits).toBe(5);
    expect(r.lists?.[0]).toMatchObject({ name: "inet filter fwd", fallThrough: "drop" });
    expect(r.lists?.[0]?.source?.line).toBe(line('"chain"'));
    const mark = r.diagnostics.find((d) => d.message.includes("meta mark"))!;
    expect(mark.code).toBe("config-unsupported");
    expect(mark.line).toBe(
      json.split("\n").findIndex((l, k) => k > line('"comment"') && l.includes('"rule"')) + 1,
    );
  });

  it("reports malformed JSON and unknown objects with their position", () => {
    const bad = nftablesImporter.import(
      [{ name: "bad.json", text: '{"nftables": [{"table": {"family": "ip"' }],
      context("network"),
    );
    expect(bad.diagnostics.map((d) => d.code)).toEqual(["config-syntax"]);
    const odd = nftablesImporter.import(
      [{ name: "odd.json", text: '{"nftables": [\n{"frobnicate": {}}\n]}' }],
      context("network"),
    );
    expect(odd.diagnostics.map((d) => `${d.line} ${d.code} ${d.message}`)).toEqual([
      '2 config-syntax Unknown nft JSON object "frobnicate"',
    ]);
  });
});

describe("nftables importer: catch-all elements", () => {
  it("reads `*` in a verdict map as every other value, and in a set as every value", () => {
    const r = run(`table inet f {
  chain fwd {
    type filter hook forward priority 0; policy accept;
    tcp dport vmap { 22 : accept, * : drop }
    udp dport { 53, * } accept
  }
}
`);
    expect(r.diagnostics).toEqual([]);
    expect(r.accepted.contains(tcp("10.0.0.1", "192.0.2.1", 22))).toBe(true);
    expect(r.accepted.contains(tcp("10.0.0.1", "192.0.2.1", 23))).toBe(false);
    expect(r.accepted.contains(udp("10.0.0.1", "192.0.2.1", 9999))).toBe(true);
  });
});

describe("nftables importer: chain bindings", () => {
  it("reads `jump { ... }` as an anonymous chain the rule jumps to", () => {
    const r = run(`table inet f {
  chain fwd {
    type filter hook forward priority 0; policy drop;
    meta l4proto { tcp, udp } th dport 53 jump {
      ip saddr 10.0.0.0/8 counter accept
      ip6 saddr fd00::/8 accept
    }
  }
}
`);
    expect(r.diagnostics).toEqual([]);
    expect(r.accepted.contains(udp("10.1.1.1", "192.0.2.1", 53))).toBe(true);
    expect(r.accepted.contains(udp("11.1.1.1", "192.0.2.1", 53))).toBe(false);
    expect(r.accepted.contains(udp("10.1.1.1", "192.0.2.1", 54))).toBe(false);
    expect(r.lists?.map((l) => `${l.name} ${l.fallThrough}`)).toEqual([
      "inet f fwd drop",
      "inet f fwd#1 next",
    ]);
  });
});

describe("nftables importer: flag lists", () => {
  it("reads `ct state != established | related` like `ct state != established,related`", () => {
    const conf = (v: string) => `table ip f {
  chain fwd {
    type filter hook forward priority 0; policy accept;
    ct state != ${v} drop
  }
}
`;
    const bar = run(conf("established | related"));
    const comma = run(conf("established,related"));
    expect(bar.diagnostics).toEqual([]);
    expect(bar.accepted.equals(comma.accepted)).toBe(true);
  });
});
