// Junos keywords with numeric meanings: protocol names, port names, ICMP and ICMPv6 type and code names.

/** `protocol` keywords of applications and firewall filters (the rest are written as numbers). */
export const JUNOS_PROTOCOLS: Readonly<Record<string, number>> = {
  icmp: 1,
  igmp: 2,
  ipip: 4,
  tcp: 6,
  egp: 8,
  udp: 17,
  rsvp: 46,
  gre: 47,
  esp: 50,
  ah: 51,
  icmp6: 58,
  icmpv6: 58,
  ospf: 89,
  pim: 103,
  vrrp: 112,
  sctp: 132,
};

const PROTOCOL_NAMES = new Map(
  Object.entries(JUNOS_PROTOCOLS)
    .filter(([name]) => name !== "icmpv6")
    .map(([name, n]) => [n, name]),
);

/** The keyword the target writes for a protocol, when Junos has one. */
export function junosProtocolName(proto: number): string | undefined {
  return PROTOCOL_NAMES.get(proto);
}

/** Port names Junos accepts in `destination-port` and `source-port`. */
export const JUNOS_PORTS: Readonly<Record<string, number>> = {
  afs: 1483,
  bgp: 179,
  biff: 512,
  bootpc: 68,
  bootps: 67,
  cmd: 514,
  cvspserver: 2401,
  dhcp: 67,
  domain: 53,
  eklogin: 2105,
  ekshell: 2106,
  exec: 512,
  finger: 79,
  ftp: 21,
  "ftp-data": 20,
  http: 80,
  https: 443,
  ident: 113,
  imap: 143,
  "kerberos-sec": 88,
  klogin: 543,
  kpasswd: 761,
  "krb-prop": 754,
  krbupdate: 760,
  kshell: 544,
  ldap: 389,
  ldp: 646,
  login: 513,
  "mobileip-agent": 434,
  "mobilip-mn": 435,
  msdp: 639,
  "netbios-dgm": 138,
  "netbios-ns": 137,
  "netbios-ssn": 139,
  nfsd: 2049,
  nntp: 119,
  ntalk: 518,
  ntp: 123,
  pop3: 110,
  pptp: 1723,
  printer: 515,
  radacct: 1813,
  radius: 1812,
  rip: 520,
  rkinit: 2108,
  smtp: 25,
  snmp: 161,
  snmptrap: 162,
  snpp: 444,
  socks: 1080,
  ssh: 22,
  sunrpc: 111,
  syslog: 514,
  tacacs: 49,
  "tacacs-ds": 65,
  talk: 517,
  telnet: 23,
  tftp: 69,
  timed: 525,
  who: 513,
  xdmcp: 177,
};

export const ICMP_TYPES: Readonly<Record<string, number>> = {
  "echo-reply": 0,
  unreachable: 3,
  "source-quench": 4,
  redirect: 5,
  "echo-request": 8,
  "router-advertisement": 9,
  "router-solicit": 10,
  "time-exceeded": 11,
  "parameter-problem": 12,
  timestamp: 13,
  "timestamp-reply": 14,
  "info-request": 15,
  "info-reply": 16,
  "mask-request": 17,
  "mask-reply": 18,
};

export const ICMP6_TYPES: Readonly<Record<string, number>> = {
  "destination-unreachable": 1,
  "packet-too-big": 2,
  "time-exceeded": 3,
  "parameter-problem": 4,
  "echo-request": 128,
  "echo-reply": 129,
  "membership-query": 130,
  "membership-report": 131,
  "membership-termination": 132,
  "router-solicit": 133,
  "router-advertisement": 134,
  "neighbor-solicit": 135,
  "neighbor-advertisement": 136,
  redirect: 137,
  "router-renumbering": 138,
  "node-information-request": 139,
  "node-information-reply": 140,
};

/** ICMP code names; the same name never means two numbers, whatever the type. */
export const ICMP_CODES: Readonly<Record<string, number>> = {
  "network-unreachable": 0,
  "host-unreachable": 1,
  "protocol-unreachable": 2,
  "port-unreachable": 3,
  "fragmentation-needed": 4,
  "source-route-failed": 5,
  "destination-network-unknown": 6,
  "destination-host-unknown": 7,
  "source-host-isolated": 8,
  "destination-network-prohibited": 9,
  "destination-host-prohibited": 10,
  "network-unreachable-for-tos": 11,
  "host-unreachable-for-tos": 12,
  "communication-prohibited-by-filtering": 13,
  "host-precedence-violation": 14,
  "precedence-cutoff-in-effect": 15,
  "redirect-for-network": 0,
  "redirect-for-host": 1,
  "redirect-for-tos-and-net": 2,
  "redirect-for-tos-and-host": 3,
  "ttl-eq-zero-during-transit": 0,
  "ttl-eq-zero-during-reassembly": 1,
  "ip-header-bad": 0,
  "required-option-missing": 1,
};

/** A number in [0, max], or a keyword of the table; undefined otherwise. */
export function numberOrKeyword(
  text: string,
  table: Readonly<Record<string, number>>,
  max: number,
): number | undefined {
  if (/^[0-9]+$/.test(text)) {
    const n = Number(text);
    return n <= max ? n : undefined;
  }
  return Object.hasOwn(table, text) ? table[text] : undefined;
}

/** "80", "http", "1024-65535" or "0-http": an inclusive port range; undefined when it is not one. */
export function parsePortRange(text: string): { lo: number; hi: number } | undefined {
  const single = numberOrKeyword(text, JUNOS_PORTS, 65535);
  if (single !== undefined) return { lo: single, hi: single };
  const dash = text.indexOf("-", 1);
  // Port names contain dashes ("ftp-data"), so try every split point.
  for (let i = dash; i > 0; i = text.indexOf("-", i + 1)) {
    const lo = numberOrKeyword(text.slice(0, i), JUNOS_PORTS, 65535);
    const hi = numberOrKeyword(text.slice(i + 1), JUNOS_PORTS, 65535);
    if (lo !== undefined && hi !== undefined && lo <= hi) return { lo, hi };
  }
  return undefined;
}
