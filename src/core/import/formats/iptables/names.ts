// The names iptables accepts for protocols (its own and Debian's /etc/protocols), ICMP and ICMPv6 types
// (libxt_icmp, libip6t_icmp6) and common ports (/etc/services), so configurations written with words read
// the same as iptables-save's numbers.

/** Protocol words; "all" and "ip" (0) mean every protocol. */
const PROTOCOLS: Readonly<Record<string, number>> = {
  all: 0,
  ip: 0,
  hopopt: 0,
  icmp: 1,
  igmp: 2,
  ggp: 3,
  ipencap: 4,
  st: 5,
  tcp: 6,
  egp: 8,
  igp: 9,
  pup: 12,
  udp: 17,
  hmp: 20,
  "xns-idp": 22,
  rdp: 27,
  "iso-tp4": 29,
  dccp: 33,
  xtp: 36,
  ddp: 37,
  "idpr-cmtp": 38,
  ipv6: 41,
  "ipv6-route": 43,
  "ipv6-frag": 44,
  idrp: 45,
  rsvp: 46,
  gre: 47,
  esp: 50,
  ah: 51,
  skip: 57,
  "ipv6-icmp": 58,
  icmpv6: 58,
  "ipv6-nonxt": 59,
  "ipv6-opts": 60,
  rspf: 73,
  vmtp: 81,
  eigrp: 88,
  ospf: 89,
  ospfigp: 89,
  "ax.25": 93,
  ipip: 94,
  etherip: 97,
  encap: 98,
  pim: 103,
  ipcomp: 108,
  vrrp: 112,
  l2tp: 115,
  isis: 124,
  sctp: 132,
  fc: 133,
  "mobility-header": 135,
  mh: 135,
  "ipv6-mh": 135,
  udplite: 136,
  "mpls-in-ip": 137,
  manet: 138,
  hip: 139,
  shim6: 140,
  wesp: 141,
  rohc: 142,
  ethernet: 143,
};

/** A protocol by word or number (0-255); undefined when it is neither. */
export function protocolNumber(text: string): number | undefined {
  if (/^[0-9]{1,3}$/.test(text)) {
    const n = Number(text);
    return n <= 255 ? n : undefined;
  }
  return PROTOCOLS[text.toLowerCase()];
}

/** An ICMP type with a code range, as the icmp and icmp6 matches hold it. */
export interface IcmpSpec {
  readonly type: number;
  readonly codeLo: number;
  readonly codeHi: number;
}

type IcmpTable = Readonly<Record<string, readonly [number, number?]>>;

const ICMP4: IcmpTable = {
  any: [255],
  "echo-reply": [0],
  pong: [0],
  "destination-unreachable": [3],
  "network-unreachable": [3, 0],
  "host-unreachable": [3, 1],
  "protocol-unreachable": [3, 2],
  "port-unreachable": [3, 3],
  "fragmentation-needed": [3, 4],
  "source-route-failed": [3, 5],
  "network-unknown": [3, 6],
  "host-unknown": [3, 7],
  "network-prohibited": [3, 9],
  "host-prohibited": [3, 10],
  "tos-network-unreachable": [3, 11],
  "tos-host-unreachable": [3, 12],
  "communication-prohibited": [3, 13],
  "host-precedence-violation": [3, 14],
  "precedence-cutoff": [3, 15],
  "source-quench": [4],
  redirect: [5],
  "network-redirect": [5, 0],
  "host-redirect": [5, 1],
  "tos-network-redirect": [5, 2],
  "tos-host-redirect": [5, 3],
  "echo-request": [8],
  ping: [8],
  "router-advertisement": [9],
  "router-solicitation": [10],
  "time-exceeded": [11],
  "ttl-exceeded": [11],
  "ttl-zero-during-transit": [11, 0],
  "ttl-zero-during-reassembly": [11, 1],
  "parameter-problem": [12],
  "ip-header-bad": [12, 0],
  "required-option-missing": [12, 1],
  "timestamp-request": [13],
  "timestamp-reply": [14],
  "address-mask-request": [17],
  "address-mask-reply": [18],
};

const ICMP6: IcmpTable = {
  "destination-unreachable": [1],
  "no-route": [1, 0],
  "communication-prohibited": [1, 1],
  "beyond-scope": [1, 2],
  "address-unreachable": [1, 3],
  "port-unreachable": [1, 4],
  "failed-policy": [1, 5],
  "reject-route": [1, 6],
  "packet-too-big": [2],
  "time-exceeded": [3],
  "ttl-exceeded": [3],
  "ttl-zero-during-transit": [3, 0],
  "ttl-zero-during-reassembly": [3, 1],
  "parameter-problem": [4],
  "bad-header": [4, 0],
  "unknown-header-type": [4, 1],
  "unknown-option": [4, 2],
  "echo-request": [128],
  ping: [128],
  "echo-reply": [129],
  pong: [129],
  "mld-listener-query": [130],
  "mld-listener-report": [131],
  "mld-listener-done": [132],
  "mld-listener-reduction": [132],
  "router-solicitation": [133],
  "router-advertisement": [134],
  "neighbour-solicitation": [135],
  "neighbor-solicitation": [135],
  "neighbour-advertisement": [136],
  "neighbor-advertisement": [136],
  redirect: [137],
};

/** "8", "3/4", "echo-request" or "port-unreachable"; undefined when it is none of them. */
export function icmpSpec(family: 4 | 6, text: string): IcmpSpec | undefined {
  const num = /^([0-9]{1,3})(?:\/([0-9]{1,3}))?$/.exec(text);
  if (num) {
    const type = Number(num[1]);
    const code = num[2] === undefined ? undefined : Number(num[2]);
    if (type > 255 || (code !== undefined && code > 255)) return undefined;
    return { type, codeLo: code ?? 0, codeHi: code ?? 255 };
  }
  const entry = (family === 4 ? ICMP4 : ICMP6)[text.toLowerCase()];
  if (!entry) return undefined;
  return { type: entry[0], codeLo: entry[1] ?? 0, codeHi: entry[1] ?? 255 };
}

/** Common /etc/services names; iptables looks them up there, iptables-save writes numbers. */
const SERVICES: Readonly<Record<string, number>> = {
  "ftp-data": 20,
  ftp: 21,
  ssh: 22,
  telnet: 23,
  smtp: 25,
  domain: 53,
  bootps: 67,
  bootpc: 68,
  tftp: 69,
  http: 80,
  www: 80,
  kerberos: 88,
  pop3: 110,
  sunrpc: 111,
  ntp: 123,
  "netbios-ns": 137,
  "netbios-dgm": 138,
  "netbios-ssn": 139,
  imap: 143,
  imap2: 143,
  snmp: 161,
  "snmp-trap": 162,
  bgp: 179,
  ldap: 389,
  https: 443,
  "microsoft-ds": 445,
  isakmp: 500,
  syslog: 514,
  submission: 587,
  ldaps: 636,
  imaps: 993,
  pop3s: 995,
  openvpn: 1194,
  "ms-sql-s": 1433,
  mysql: 3306,
  "ms-wbt-server": 3389,
  "ipsec-nat-t": 4500,
  postgresql: 5432,
  "http-alt": 8080,
};

/** A port by number (0-65535) or service name; undefined when it is neither. */
export function portNumber(text: string): number | undefined {
  if (/^[0-9]{1,5}$/.test(text)) {
    const n = Number(text);
    return n <= 65535 ? n : undefined;
  }
  return SERVICES[text.toLowerCase()];
}
