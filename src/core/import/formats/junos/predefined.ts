// The predefined `junos-*` applications Rampart models: their protocol, ports and ICMP types (junos-defaults).

import type { Range } from "../../match.js";

/** One term of an application: a protocol (absent: every protocol) and optional port or ICMP constraints. */
export interface AppTerm {
  readonly proto?: number;
  readonly dstPorts?: Range;
  readonly srcPorts?: Range;
  readonly icmpType?: number;
  readonly icmpCode?: number;
}

export interface PredefinedApp {
  readonly terms: readonly AppTerm[];
  /** The application layer gateway it runs, when that ALG admits connections of its own (pinholes). */
  readonly alg?: string;
}

const TCP = 6;
const UDP = 17;
const ICMP = 1;
const ICMP6 = 58;

const port = (proto: number, lo: number, hi = lo): AppTerm => ({ proto, dstPorts: { lo, hi } });
const one = (term: AppTerm, alg?: string): PredefinedApp => ({ terms: [term], ...(alg && { alg }) });
const icmp6 = (icmpType: number, icmpCode?: number): PredefinedApp =>
  one({ proto: ICMP6, icmpType, ...(icmpCode !== undefined && { icmpCode }) });

/**
 * The predefined applications (and the few predefined application-sets) Rampart knows. Names not listed
 * here are reported as unsupported. `junos-ping` and `junos-pingv6` are protocol-only in the junos-defaults
 * of current releases (every ICMP type); `junos-icmp-ping` is echo request only.
 */
export const PREDEFINED: Readonly<Record<string, PredefinedApp>> = {
  any: { terms: [{}] },
  "junos-bgp": one(port(TCP, 179)),
  "junos-bootpc": one(port(UDP, 68)),
  "junos-bootps": one(port(UDP, 67)),
  "junos-chargen": one(port(UDP, 19)),
  "junos-cifs": { terms: [port(TCP, 139), port(TCP, 445)] },
  "junos-cvspserver": one(port(TCP, 2401)),
  "junos-dhcp-client": one(port(UDP, 68)),
  "junos-dhcp-relay": one(port(UDP, 67)),
  "junos-dhcp-server": one(port(UDP, 67)),
  "junos-discard": one(port(UDP, 9)),
  "junos-dns-tcp": one(port(TCP, 53)),
  "junos-dns-udp": one(port(UDP, 53)),
  "junos-echo": one(port(UDP, 7)),
  "junos-finger": one(port(TCP, 79)),
  "junos-ftp": one(port(TCP, 21), "FTP"),
  "junos-ftp-data": one(port(TCP, 20)),
  "junos-gopher": one(port(TCP, 70)),
  "junos-gre": one({ proto: 47 }),
  "junos-http": one(port(TCP, 80)),
  "junos-http-ext": one(port(TCP, 7001)),
  "junos-https": one(port(TCP, 443)),
  "junos-icmp-all": one({ proto: ICMP }),
  "junos-icmp-ping": one({ proto: ICMP, icmpType: 8 }),
  "junos-icmp6-all": one({ proto: ICMP6 }),
  "junos-icmp6-dst-unreach-addr": icmp6(1, 3),
  "junos-icmp6-dst-unreach-admin": icmp6(1, 1),
  "junos-icmp6-dst-unreach-beyond": icmp6(1, 2),
  "junos-icmp6-dst-unreach-port": icmp6(1, 4),
  "junos-icmp6-dst-unreach-route": icmp6(1, 0),
  "junos-icmp6-echo-reply": icmp6(129),
  "junos-icmp6-echo-request": icmp6(128),
  "junos-icmp6-packet-too-big": icmp6(2),
  "junos-icmp6-param-prob-header": icmp6(4, 0),
  "junos-icmp6-param-prob-nexthdr": icmp6(4, 1),
  "junos-icmp6-param-prob-option": icmp6(4, 2),
  "junos-icmp6-time-exceed-reassembly": icmp6(3, 1),
  "junos-icmp6-time-exceed-transit": icmp6(3, 0),
  "junos-ident": one(port(TCP, 113)),
  "junos-ike": one(port(UDP, 500)),
  "junos-ike-nat": one(port(UDP, 4500)),
  "junos-imap": one(port(TCP, 143)),
  "junos-imaps": one(port(TCP, 993)),
  "junos-irc": one(port(TCP, 6660, 6669)),
  "junos-l2tp": one(port(UDP, 1701)),
  "junos-ldap": one(port(TCP, 389)),
  "junos-ldp-tcp": one(port(TCP, 646)),
  "junos-ldp-udp": one(port(UDP, 646)),
  "junos-lpr": one(port(TCP, 515)),
  "junos-mail": one(port(TCP, 25)),
  "junos-ms-rpc-tcp": one(port(TCP, 135), "MS-RPC"),
  "junos-ms-rpc-udp": one(port(UDP, 135), "MS-RPC"),
  "junos-ms-sql": one(port(TCP, 1433)),
  "junos-nbds": one(port(UDP, 138)),
  "junos-nbname": one(port(UDP, 137)),
  "junos-netbios-session": one(port(TCP, 139)),
  "junos-nfsd-tcp": one(port(TCP, 2049)),
  "junos-nfsd-udp": one(port(UDP, 2049)),
  "junos-nntp": one(port(TCP, 119)),
  "junos-ntalk": one(port(UDP, 518)),
  "junos-ntp": one(port(UDP, 123)),
  "junos-ospf": one({ proto: 89 }),
  "junos-ping": one({ proto: ICMP }),
  "junos-pingv6": one({ proto: ICMP6 }),
  "junos-pop3": one(port(TCP, 110)),
  "junos-pptp": one(port(TCP, 1723), "PPTP"),
  "junos-printer": one(port(TCP, 515)),
  "junos-radacct": one(port(UDP, 1813)),
  "junos-radius": one(port(UDP, 1812)),
  "junos-rip": one(port(UDP, 520)),
  "junos-rsh": one(port(TCP, 514), "RSH"),
  "junos-rtsp": one(port(TCP, 554), "RTSP"),
  "junos-sctp-any": one({ proto: 132 }),
  "junos-sip": { terms: [port(UDP, 5060), port(TCP, 5060)], alg: "SIP" },
  "junos-smb": { terms: [port(TCP, 139), port(TCP, 445)] },
  "junos-smb-session": one(port(TCP, 445)),
  "junos-smtp": one(port(TCP, 25)),
  "junos-smtps": one(port(TCP, 465)),
  "junos-snmp-agentx": one(port(TCP, 705)),
  "junos-sqlnet-v2": one(port(TCP, 1521), "SQLNET"),
  "junos-ssh": one(port(TCP, 22)),
  "junos-sun-rpc-tcp": one(port(TCP, 111), "SUN-RPC"),
  "junos-sun-rpc-udp": one(port(UDP, 111), "SUN-RPC"),
  "junos-syslog": one(port(UDP, 514)),
  "junos-tacacs": one(port(TCP, 49)),
  "junos-tacacs-ds": one(port(TCP, 65)),
  "junos-talk": one(port(UDP, 517), "TALK"),
  "junos-tcp-any": one({ proto: TCP }),
  "junos-telnet": one(port(TCP, 23)),
  "junos-tftp": one(port(UDP, 69), "TFTP"),
  "junos-udp-any": one({ proto: UDP }),
  "junos-vnc": one(port(TCP, 5800)),
  "junos-who": one(port(UDP, 513)),
  "junos-whois": one(port(TCP, 43)),
  "junos-winframe": one(port(TCP, 1494)),
  "junos-x-windows": one(port(TCP, 6000, 6063)),
  "junos-xnm-clear-text": one(port(TCP, 3221)),
  "junos-xnm-ssl": one(port(TCP, 3220)),
};

/** ALGs (`application-protocol`) that admit connections of their own beyond the one the policy matched. */
export const PINHOLE_ALGS: ReadonlySet<string> = new Set([
  "ftp",
  "tftp",
  "pptp",
  "rsh",
  "rtsp",
  "sip",
  "sqlnet",
  "sqlnet-v2",
  "sun-rpc",
  "ms-rpc",
  "talk",
  "h323",
  "mgcp-ca",
  "mgcp-ua",
  "sccp",
  "q931",
  "ras",
]);
