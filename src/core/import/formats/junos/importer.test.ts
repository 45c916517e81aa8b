import { describe, expect, it } from "vitest";
import { junosImporter } from "./importer.js";
import { codes, icmp, loadJunos as load, proto, tcp, testContext as context, udp } from "./testing.js";

const BASIC_SET = `
set security zones security-zone trust interfaces ge-0/0/1.0
set security zones security-zone untrust interfaces ge-0/0/0.0
set security zones security-zone dmz
set security zones security-zone trust address-book address lan 10.1.0.0/16
set security zones security-zone trust address-book address admin 10.1.99.5/32
set security address-book global address web1 172.16.1.10/32
set security address-book global address web6 2001:db8::80/128
set security policies from-zone trust to-zone untrust policy no-admin-out match source-address admin destination-address any application any
set security policies from-zone trust to-zone untrust policy no-admin-out then deny
set security policies from-zone trust to-zone untrust policy web-out match source-address lan
set security policies from-zone trust to-zone untrust policy web-out match destination-address any
set security policies from-zone trust to-zone untrust policy web-out match application [ junos-http junos-https ]
set security policies from-zone trust to-zone untrust policy web-out then permit
set security policies from-zone trust to-zone untrust policy web-out then log session-init
set security policies from-zone untrust to-zone dmz policy to-web match source-address any destination-address web1 application junos-https
set security policies from-zone untrust to-zone dmz policy to-web then permit
set security policies default-policy deny-all
`;

const BASIC_BRACES = `
## Last commit: 2025-01-01 10:00:00 UTC by admin
version 21.4R3.15;
security {
    address-book {
        global {
            address web1 172.16.1.10/32;
            address web6 2001:db8::80/128;
        }
    }
    policies {
        from-zone trust to-zone untrust {
            policy no-admin-out {
                match {
                    source-address admin;
                    destination-address any;
                    application any;
                }
                then {
                    deny;
                }
            }
            /* Staff browse the web */
            policy web-out {
                match {
                    source-address lan;
                    destination-address any;
                    application [ junos-http junos-https ];
                }
                then {
                    permit;
                    log {
                        session-init;
                    }
                }
            }
        }
        from-zone untrust to-zone dmz {
            policy to-web {
                match {
                    source-address any;
                    destination-address web1;
                    application junos-https;
                }
                then {
                    permit;
                }
            }
        }
        default-policy {
            deny-all;
        }
    }
    zones {
        security-zone trust {
            address-book {
                address lan 10.1.0.0/16;
                address admin 10.1.99.5/32;
            }
            interfaces {
                ge-0/0/1.0 {
                    host-inbound-traffic {
                        system-services {
                            ping;
                            ssh;
                        }
                    }
                }
            }
        }
        security-zone untrust {
            interfaces {
                ge-0/0/0.0;
            }
        }
        security-zone dmz;
    }
}
`;

describe("junos importer: zone-pair policies", () => {
  it("lets through what the first matching policy permits, within its zone pair", () => {
    const r = load(BASIC_SET);
    expect(r.diagnostics).toEqual([]);
    expect(r.accepted.contains(tcp("10.1.2.3", "8.8.8.8", 443))).toBe(true);
    expect(r.accepted.contains(tcp("10.1.2.3", "8.8.8.8", 22))).toBe(false);
    // The deny above the permit wins for the admin host.
    expect(r.accepted.contains(tcp("10.1.99.5", "8.8.8.8", 443))).toBe(false);
    // 10.2.0.0/16 is in trust but not in "lan".
    expect(r.accepted.contains(tcp("10.2.0.1", "8.8.8.8", 443))).toBe(false);
    // The policy is for trust to untrust only: trust to dmz falls to the default deny.
    expect(r.accepted.contains(tcp("10.1.2.3", "172.16.1.10", 443))).toBe(false);
    expect(r.accepted.contains(tcp("8.8.8.8", "172.16.1.10", 443))).toBe(true);
  });

  it("reads the curly-brace form to the same meaning, with policies placed at their blocks", () => {
    const braces = load(BASIC_BRACES);
    expect(braces.diagnostics.filter((d) => d.code !== "config-ignored")).toEqual([]);
    const set = junosImporter.import([{ name: "a", text: BASIC_SET }], context(braces.space));
    expect(braces.accepted.equals(set.accepted)).toBe(true);
    const web = braces.rules.find((x) => x.label === "web-out")!;
    expect(web.source).toEqual({ file: "srx.conf", line: 24, text: "policy web-out {" });
  });

  it("describes each policy as a rule of its zone pair, in order", () => {
    const r = load(BASIC_SET);
    expect(r.rules.map((x) => [x.list, x.label, x.action, x.source.line])).toEqual([
      ["from-zone trust to-zone untrust", "no-admin-out", "drop", 9],
      ["from-zone trust to-zone untrust", "web-out", "accept", 11],
      ["from-zone untrust to-zone dmz", "to-web", "accept", 16],
    ]);
    const web = r.rules[1]!;
    expect(web.match.contains(tcp("10.1.99.5", "8.8.8.8", 80))).toBe(true);
    expect(web.match.contains(tcp("10.1.2.3", "172.16.1.10", 80))).toBe(false);
  });

  it("evaluates global policies after the zone pairs' own, then the default policy", () => {
    const r = load(`
set security zones security-zone trust address-book address lan 10.1.0.0/16
set security policies from-zone trust to-zone untrust policy block-ssh match source-address any destination-address any application junos-ssh
set security policies from-zone trust to-zone untrust policy block-ssh then reject
set security policies global policy allow-ssh match source-address any destination-address any application junos-ssh
set security policies global policy allow-ssh match from-zone any to-zone [ untrust dmz ]
set security policies global policy allow-ssh then permit
set security policies default-policy permit-all
`);
    expect(r.diagnostics).toEqual([]);
    expect(r.accepted.contains(tcp("10.1.2.3", "8.8.8.8", 22))).toBe(false);
    expect(r.accepted.contains(tcp("10.1.2.3", "172.16.1.1", 22))).toBe(true);
    // Anything else between known zones passes by the default policy.
    expect(r.accepted.contains(udp("8.8.8.8", "10.1.2.3", 53))).toBe(true);
    expect(r.rules.map((x) => x.list)).toEqual(["from-zone trust to-zone untrust", "global"]);
  });

  it("applies insert, delete and deactivate as Junos does", () => {
    const r = load(`
set security policies from-zone trust to-zone untrust policy allow-all match source-address any destination-address any application any
set security policies from-zone trust to-zone untrust policy allow-all then permit
set security policies from-zone trust to-zone untrust policy no-dns match source-address any destination-address any application junos-dns-udp
set security policies from-zone trust to-zone untrust policy no-dns then deny
insert security policies from-zone trust to-zone untrust policy no-dns before policy allow-all
set security policies from-zone trust to-zone untrust policy no-web match source-address any destination-address any application junos-http
set security policies from-zone trust to-zone untrust policy no-web then deny
deactivate security policies from-zone trust to-zone untrust policy no-web
set security policies from-zone trust to-zone untrust policy no-smtp match source-address any destination-address any application junos-smtp
set security policies from-zone trust to-zone untrust policy no-smtp then deny
delete security policies from-zone trust to-zone untrust policy no-smtp
insert security policies from-zone trust to-zone untrust policy allow-all after policy no-such
`);
    expect(r.rules.map((x) => x.label)).toEqual(["no-dns", "allow-all"]);
    expect(r.accepted.contains(udp("10.1.2.3", "8.8.8.8", 53))).toBe(false);
    expect(r.accepted.contains(tcp("10.1.2.3", "8.8.8.8", 80))).toBe(true);
    expect(codes(r)).toEqual(["9:config-ignored", "13:config-unsupported"]);
    expect(r.accepted.contains(tcp("10.1.2.3", "8.8.8.8", 25))).toBe(true);
  });

  it("follows edit and top, and skips CLI prompts, banners and comments", () => {
    const r = load(`
# saved from the CLI
{primary:node0}[edit]
admin@srx# edit security policies from-zone trust to-zone untrust

[edit security policies from-zone trust to-zone untrust]
admin@srx# set policy p match source-address any destination-address any application junos-ntp
admin@srx# set policy p then permit
admin@srx# top
admin@srx# set security policies default-policy deny-all
`);
    expect(r.diagnostics).toEqual([]);
    expect(r.accepted.contains(udp("10.9.9.9", "8.8.8.8", 123))).toBe(true);
  });
});

describe("junos importer: addresses and applications", () => {
  it("resolves nested address-sets, named books attached to zones, ranges, wildcards and exclusions", () => {
    const r = load(`
set security address-book corp address h1 10.1.1.1/32
set security address-book corp address r1 range-address 10.2.0.10 to 10.2.0.20
set security address-book corp address w1 wildcard-address 10.3.0.5/255.255.0.255
set security address-book corp address-set inner address h1
set security address-book corp address-set outer address-set inner
set security address-book corp address-set outer address r1
set security address-book corp address-set outer address w1
set security address-book corp attach zone trust
set security policies from-zone trust to-zone untrust policy p match source-address outer destination-address any application junos-https
set security policies from-zone trust to-zone untrust policy p then permit
set security policies from-zone untrust to-zone trust policy q match source-address any destination-address outer destination-address-excluded application junos-ssh
set security policies from-zone untrust to-zone trust policy q then permit
`);
    expect(r.diagnostics).toEqual([]);
    const out = (src: string) => r.accepted.contains(tcp(src, "8.8.8.8", 443));
    expect([out("10.1.1.1"), out("10.2.0.15"), out("10.2.0.21"), out("10.3.77.5"), out("10.3.77.6")]).toEqual(
      [true, true, false, true, false],
    );
    expect(r.accepted.contains(tcp("8.8.8.8", "10.9.9.9", 22))).toBe(true);
    expect(r.accepted.contains(tcp("8.8.8.8", "10.1.1.1", 22))).toBe(false);
    expect(r.accepted.contains(tcp("2001:4860::8888", "2001:db8::1", 22))).toBe(true);
  });

  it("matches any-ipv4 and any-ipv6 by family", () => {
    const r = load(`
set security policies from-zone trust to-zone untrust policy v6 match source-address any-ipv6 destination-address any-ipv6 application junos-https
set security policies from-zone trust to-zone untrust policy v6 then permit
`);
    expect(r.accepted.contains(tcp("2001:db8::5", "2001:4860::8888", 443))).toBe(true);
    expect(r.accepted.contains(tcp("10.0.0.5", "8.8.8.8", 443))).toBe(false);
  });

  it("reads custom applications with terms, port names, ICMP keywords and source ports", () => {
    const r = load(`
set applications application web-alt protocol tcp destination-port 8000-8080
set applications application dns-from-53 term t1 protocol udp destination-port domain source-port 53
set applications application dns-from-53 term t2 protocol tcp destination-port domain
set applications application unreach protocol icmp icmp-type unreachable icmp-code port-unreachable
set applications application gre protocol gre
set applications application-set mixed application web-alt
set applications application-set mixed application dns-from-53
set applications application-set all-of-it application-set mixed
set applications application-set all-of-it application unreach
set applications application-set all-of-it application gre
set security policies from-zone trust to-zone untrust policy p match source-address any destination-address any application all-of-it
set security policies from-zone trust to-zone untrust policy p then permit
`);
    expect(r.diagnostics).toEqual([]);
    const a = (p: ReturnType<typeof tcp>) => r.accepted.contains(p);
    expect(a(tcp("10.1.1.1", "8.8.8.8", 8080))).toBe(true);
    expect(a(tcp("10.1.1.1", "8.8.8.8", 8081))).toBe(false);
    expect(a(udp("10.1.1.1", "8.8.8.8", 53, 53))).toBe(true);
    expect(a(udp("10.1.1.1", "8.8.8.8", 53, 5353))).toBe(false);
    expect(a(tcp("10.1.1.1", "8.8.8.8", 53))).toBe(true);
    expect(a(icmp("10.1.1.1", "8.8.8.8", 3, 3))).toBe(true);
    expect(a(icmp("10.1.1.1", "8.8.8.8", 3, 1))).toBe(false);
    expect(a(proto("10.1.1.1", "8.8.8.8", 47))).toBe(true);
  });

  it("knows the common predefined applications and reports the others and pinhole ALGs", () => {
    const r = load(`
set security policies from-zone trust to-zone untrust policy p match source-address any destination-address any
set security policies from-zone trust to-zone untrust policy p match application [ junos-dns-udp junos-icmp-ping junos-ftp junos-made-up ]
set security policies from-zone trust to-zone untrust policy p then permit
`);
    expect(r.accepted.contains(udp("10.1.1.1", "8.8.8.8", 53))).toBe(true);
    expect(r.accepted.contains(icmp("10.1.1.1", "8.8.8.8", 8))).toBe(true);
    expect(r.accepted.contains(icmp("10.1.1.1", "8.8.8.8", 0))).toBe(false);
    expect(r.accepted.contains(tcp("10.1.1.1", "8.8.8.8", 21))).toBe(true);
    expect(r.diagnostics.map((d) => [d.line, d.code, d.message])).toEqual([
      [3, "config-unsupported", expect.stringContaining('"junos-ftp" runs the FTP ALG')],
      [
        3,
        "config-unsupported",
        'Predefined application "junos-made-up" is not modelled; it matches nothing here',
      ],
    ]);
  });

  it("reports undefined names and incomplete policies, which match nothing", () => {
    const r = load(`
set security policies from-zone trust to-zone untrust policy p match source-address nobody destination-address any application nothing-app
set security policies from-zone trust to-zone untrust policy p then permit
set security policies from-zone trust to-zone untrust policy q match source-address any destination-address any application any
`);
    expect(r.accepted.isEmpty()).toBe(true);
    expect(r.diagnostics.map((d) => `${d.line}:${d.column}:${d.code}`)).toEqual([
      "2:85:config-syntax",
      "2:128:config-syntax",
      "4:1:config-syntax",
    ]);
    expect(r.diagnostics[2]!.message).toBe('Policy "q" has no then action; it matches nothing');
  });

  it("reads DNS names, host bits and IPv6 drop mode with a diagnostic or as Junos does", () => {
    const r = load(`
set security zones security-zone untrust address-book address g dns-name dns.google
set security zones security-zone untrust address-book address n 8.8.8.8/24
set security policies from-zone trust to-zone untrust policy p match source-address any destination-address [ g n ] application any
set security policies from-zone trust to-zone untrust policy p then permit
set security policies from-zone trust to-zone untrust policy v6 match source-address any destination-address any-ipv6 application any
set security policies from-zone trust to-zone untrust policy v6 then permit
set security forwarding-options family inet6 mode drop
`);
    expect(codes(r)).toEqual(["2:config-unsupported", "3:config-unsupported"]);
    expect(r.accepted.contains(tcp("10.1.1.1", "8.8.8.200", 80))).toBe(true);
    expect(r.accepted.contains(tcp("2001:db8::1", "2001:4860::1", 80))).toBe(false);
  });
});
