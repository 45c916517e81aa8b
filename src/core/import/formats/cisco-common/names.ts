// The names IOS and ASA accept for protocols, ports and ICMP messages, as they show them in configurations.

/** Port names of TCP (and SCTP) and UDP, IOS and ASA together (they agree where they overlap). */
const TCP_PORTS: Readonly<Record<string, number>> = {
  aol: 5190,
  bgp: 179,
  chargen: 19,
  cifs: 3020,
  "citrix-ica": 1494,
  cmd: 514,
  ctiqbe: 2748,
  daytime: 13,
  discard: 9,
  drip: 3949,
  domain: 53,
  echo: 7,
  exec: 512,
  finger: 79,
  ftp: 21,
  "ftp-data": 20,
  gopher: 70,
  h323: 1720,
  hostname: 101,
  http: 80,
  https: 443,
  ident: 113,
  imap4: 143,
  irc: 194,
  kerberos: 88,
  klogin: 543,
  kshell: 544,
  ldap: 389,
  ldaps: 636,
  login: 513,
  lotusnotes: 1352,
  lpd: 515,
  msrpc: 135,
  "netbios-ssn": 139,
  nfs: 2049,
  nntp: 119,
  "onep-plain": 15001,
  "onep-tls": 15002,
  "pcanywhere-data": 5631,
  "pim-auto-rp": 496,
  pop2: 109,
  pop3: 110,
  pptp: 1723,
  rsh: 514,
  rtsp: 554,
  sip: 5060,
  smtp: 25,
  sqlnet: 1521,
  ssh: 22,
  sunrpc: 111,
  tacacs: 49,
  talk: 517,
  telnet: 23,
  time: 37,
  uucp: 540,
  whois: 43,
  www: 80,
};

const UDP_PORTS: Readonly<Record<string, number>> = {
  biff: 512,
  bootpc: 68,
  bootps: 67,
  cifs: 3020,
  discard: 9,
  dnsix: 195,
  domain: 53,
  echo: 7,
  http: 80,
  isakmp: 500,
  kerberos: 88,
  "mobile-ip": 434,
  nameserver: 42,
  "netbios-dgm": 138,
  "netbios-ns": 137,
  "netbios-ss": 139,
  "non500-isakmp": 4500,
  nfs: 2049,
  ntp: 123,
  "pcanywhere-status": 5632,
  "pim-auto-rp": 496,
  radius: 1645,
  "radius-acct": 1646,
  rip: 520,
  ripv6: 521,
  "secureid-udp": 5510,
  sip: 5060,
  snmp: 161,
  snmptrap: 162,
  sunrpc: 111,
  syslog: 514,
  tacacs: 49,
  talk: 517,
  tftp: 69,
  time: 37,
  vxlan: 4789,
  who: 513,
  www: 80,
  xdmcp: 177,
};

/** A port by number or by the name the protocol's table gives it; undefined when neither. */
export function portNumber(text: string, proto: "tcp" | "udp" | "tcp-udp"): number | undefined {
  const t = text.toLowerCase();
  if (/^[0-9]{1,5}$/.test(t)) return Number(t) <= 65535 ? Number(t) : undefined;
  if (proto === "tcp") return TCP_PORTS[t];
  if (proto === "udp") return UDP_PORTS[t];
  return TCP_PORTS[t] !== undefined && TCP_PORTS[t] === UDP_PORTS[t] ? TCP_PORTS[t] : undefined;
}

/** Protocol keywords: IOS IPv4 ("ahp"), IOS IPv6, ASA ("ah", "icmp6"). Every protocol ("ip") is separate. */
const PROTOCOLS: Readonly<Record<"ios4" | "ios6" | "asa", Readonly<Record<string, number>>>> = {
  ios4: {
    ahp: 51,
    eigrp: 88,
    esp: 50,
    gre: 47,
    icmp: 1,
    igmp: 2,
    ipinip: 4,
    nos: 94,
    ospf: 89,
    pcp: 108,
    pim: 103,
    sctp: 132,
    tcp: 6,
    udp: 17,
  },
  ios6: { ahp: 51, esp: 50, hbh: 0, icmp: 58, pcp: 108, sctp: 132, tcp: 6, udp: 17 },
  asa: {
    ah: 51,
    eigrp: 88,
    esp: 50,
    gre: 47,
    icmp: 1,
    icmp6: 58,
    igmp: 2,
    igrp: 9,
    ipinip: 4,
    ipsec: 50,
    nos: 94,
    ospf: 89,
    pcp: 108,
    pim: 103,
    pptp: 47,
    sctp: 132,
    snp: 109,
    tcp: 6,
    udp: 17,
  },
};

/** A protocol by keyword or number 0-255 in one dialect; undefined when neither. */
export function protocolNumber(text: string, dialect: "ios4" | "ios6" | "asa"): number | undefined {
  const t = text.toLowerCase();
  if (/^[0-9]{1,3}$/.test(t)) return Number(t) <= 255 ? Number(t) : undefined;
  return PROTOCOLS[dialect][t];
}

/** An ICMP message: a type, and a code when the name implies one. */
export interface IcmpMessage {
  readonly type: number;
  readonly code?: number;
}

const ICMP4: Readonly<Record<string, readonly [number, number?]>> = {
  "administratively-prohibited": [3, 13],
  "alternate-address": [6],
  "conversion-error": [31],
  "dod-host-prohibited": [3, 10],
  "dod-net-prohibited": [3, 9],
  echo: [8],
  "echo-reply": [0],
  "general-parameter-problem": [12, 0],
  "host-isolated": [3, 8],
  "host-precedence-unreachable": [3, 14],
  "host-redirect": [5, 1],
  "host-tos-redirect": [5, 3],
  "host-tos-unreachable": [3, 12],
  "host-unknown": [3, 7],
  "host-unreachable": [3, 1],
  "information-reply": [16],
  "information-request": [15],
  "mask-reply": [18],
  "mask-request": [17],
  "mobile-redirect": [32],
  "net-redirect": [5, 0],
  "net-tos-redirect": [5, 2],
  "net-tos-unreachable": [3, 11],
  "net-unreachable": [3, 0],
  "network-unknown": [3, 6],
  "no-room-for-option": [12, 2],
  "option-missing": [12, 1],
  "packet-too-big": [3, 4],
  "parameter-problem": [12],
  "port-unreachable": [3, 3],
  "precedence-unreachable": [3, 15],
  "protocol-unreachable": [3, 2],
  "reassembly-timeout": [11, 1],
  redirect: [5],
  "router-advertisement": [9],
  "router-solicitation": [10],
  "source-quench": [4],
  "source-route-failed": [3, 5],
  "time-exceeded": [11],
  "timestamp-reply": [14],
  "timestamp-request": [13],
  traceroute: [30],
  "ttl-exceeded": [11, 0],
  unreachable: [3],
};

const ICMP6: Readonly<Record<string, readonly [number, number?]>> = {
  "beyond-scope": [1, 2],
  "destination-unreachable": [1],
  echo: [128],
  "echo-reply": [129],
  "echo-request": [128],
  header: [4, 0],
  "hop-limit": [3, 0],
  "mld-query": [130],
  "mld-reduction": [132],
  "mld-report": [131],
  mldv2: [143],
  "membership-query": [130],
  "membership-reduction": [132],
  "membership-report": [131],
  "nd-na": [136],
  "nd-ns": [135],
  "neighbor-advertisement": [136],
  "neighbor-redirect": [137],
  "neighbor-solicitation": [135],
  "next-header": [4, 1],
  "no-admin": [1, 1],
  "no-route": [1, 0],
  "packet-too-big": [2],
  "parameter-option": [4, 2],
  "parameter-problem": [4],
  "port-unreachable": [1, 4],
  "reassembly-timeout": [3, 1],
  redirect: [137],
  "renum-command": [138],
  "renum-result": [138, 1],
  "renum-seq-number": [138, 255],
  "router-advertisement": [134],
  "router-renumbering": [138],
  "router-solicitation": [133],
  "time-exceeded": [3],
  unreachable: [1],
};

/** An ICMP (family 4) or ICMPv6 (family 6) message name as IOS and ASA write them. */
export function icmpMessage(text: string, family: 4 | 6): IcmpMessage | undefined {
  const m = (family === 4 ? ICMP4 : ICMP6)[text.toLowerCase()];
  if (!m) return undefined;
  return m[1] === undefined ? { type: m[0] } : { type: m[0], code: m[1] };
}

/** A number 0-255 (an ICMP type or code); undefined otherwise. */
export function byteNumber(text: string): number | undefined {
  return /^[0-9]{1,3}$/.test(text) && Number(text) <= 255 ? Number(text) : undefined;
}
