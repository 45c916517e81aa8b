// A small policy with firewall rulesets written by hand, to check the kernel harness itself: a correct
// ruleset must agree with the evaluator on every packet, and a wrong one must be caught.

export const FIXTURE_POLICY = `
zones:
  internet: { networks: ["0.0.0.0/0", "::/0"] }
  dmz: { networks: ["172.16.10.0/24", "2001:db8:172:10::/64"] }
  lan: { networks: ["10.1.0.0/16", "2001:db8:1::/48"] }
assets:
  web: { addresses: ["172.16.10.11", "2001:db8:172:10::11"], zone: dmz, owner: web-team }
flows:
  - { name: internet-to-web, from: zone:internet, to: asset:web, services: ["tcp/80,443", udp/443] }
  - { name: lan-out, from: zone:lan, to: zone:internet, services: [any] }
  - { name: ping-dmz, from: any, to: zone:dmz, services: [icmp/8, icmpv6/128] }
  - { name: lan-tunnels, from: zone:lan, to: zone:dmz, services: [gre, esp, sctp/2905] }
  - { name: lan-timestamp, from: zone:lan, to: asset:web, services: [icmp/13/0] }
denies:
  - { name: no-telnet, from: any, to: any, services: [tcp/23] }
enforcement:
  fw: { target: nftables, zones: all }
`;

/** What the policy means, by hand; "internet" is every address in neither dmz nor lan. */
export function fixtureNftables(options: { forgetIpv6Ping?: boolean } = {}): string {
  return `
table inet fixture {
  set inside4 { type ipv4_addr; flags interval; elements = { 172.16.10.0/24, 10.1.0.0/16 } }
  set inside6 { type ipv6_addr; flags interval; elements = { 2001:db8:172:10::/64, 2001:db8:1::/48 } }
  chain forward {
    type filter hook forward priority 0; policy drop;
    ct state established,related accept
    tcp dport 23 drop
    ip saddr != @inside4 ip daddr 172.16.10.11 tcp dport { 80, 443 } accept
    ip saddr != @inside4 ip daddr 172.16.10.11 udp dport 443 accept
    ip6 saddr != @inside6 ip6 daddr 2001:db8:172:10::11 tcp dport { 80, 443 } accept
    ip6 saddr != @inside6 ip6 daddr 2001:db8:172:10::11 udp dport 443 accept
    ip saddr 10.1.0.0/16 ip daddr != @inside4 accept
    ip6 saddr 2001:db8:1::/48 ip6 daddr != @inside6 accept
    ip daddr 172.16.10.0/24 icmp type echo-request accept
    ${options.forgetIpv6Ping ? "" : "ip6 daddr 2001:db8:172:10::/64 icmpv6 type echo-request accept"}
    ip saddr 10.1.0.0/16 ip daddr 172.16.10.0/24 meta l4proto { gre, esp } accept
    ip6 saddr 2001:db8:1::/48 ip6 daddr 2001:db8:172:10::/64 meta l4proto { gre, esp } accept
    ip saddr 10.1.0.0/16 ip daddr 172.16.10.0/24 sctp dport 2905 accept
    ip6 saddr 2001:db8:1::/48 ip6 daddr 2001:db8:172:10::/64 sctp dport 2905 accept
    ip saddr 10.1.0.0/16 ip daddr 172.16.10.11 icmp type timestamp-request icmp code 0 accept
  }
}
`;
}

function iptablesRules(family: 4 | 6): string {
  const v4 = family === 4;
  const [dmz, lan, web] = v4
    ? ["172.16.10.0/24", "10.1.0.0/16", "172.16.10.11"]
    : ["2001:db8:172:10::/64", "2001:db8:1::/48", "2001:db8:172:10::11"];
  const ping = v4 ? "-p icmp --icmp-type 8" : "-p ipv6-icmp --icmpv6-type 128";
  const lines = [
    "*filter",
    ":INPUT ACCEPT [0:0]",
    ":FORWARD DROP [0:0]",
    ":OUTPUT ACCEPT [0:0]",
    ":LAN_OUT - [0:0]",
    ":TO_WEB - [0:0]",
    "-A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
    "-A FORWARD -p tcp --dport 23 -j DROP",
    `-A FORWARD -d ${web} -j TO_WEB`,
    `-A FORWARD -s ${lan} -j LAN_OUT`,
    `-A FORWARD -d ${dmz} ${ping} -j ACCEPT`,
    `-A FORWARD -s ${lan} -d ${dmz} -p gre -j ACCEPT`,
    `-A FORWARD -s ${lan} -d ${dmz} -p esp -j ACCEPT`,
    `-A FORWARD -s ${lan} -d ${dmz} -p sctp --dport 2905 -j ACCEPT`,
    ...(v4 ? [`-A FORWARD -s ${lan} -d ${web} -p icmp --icmp-type 13/0 -j ACCEPT`] : []),
    `-A TO_WEB -s ${dmz} -j RETURN`,
    `-A TO_WEB -s ${lan} -j RETURN`,
    "-A TO_WEB -p tcp -m multiport --dports 80,443 -j ACCEPT",
    "-A TO_WEB -p udp --dport 443 -j ACCEPT",
    `-A LAN_OUT -d ${dmz} -j RETURN`,
    `-A LAN_OUT -d ${lan} -j RETURN`,
    "-A LAN_OUT -j ACCEPT",
    "COMMIT",
  ];
  return lines.join("\n") + "\n";
}

export function fixtureIptables(): { name: string; text: string }[] {
  return [
    { name: "fw.rules.v4", text: iptablesRules(4) },
    { name: "fw.rules.v6", text: iptablesRules(6) },
  ];
}
