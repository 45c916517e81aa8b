// The names nft reads and prints for protocols, ICMP types and codes, ports, conntrack states: both ways.

/**
 * IP protocol names as nft prints them (it asks the system's /etc/protocols; these are Debian netbase's),
 * plus the keywords nft's own grammar knows. Upper-case aliases of netbase are accepted too, lowercased.
 */
const PROTOCOLS: readonly (readonly [string, number])[] = [
  ["ip", 0],
  ["hopopt", 0],
  ["icmp", 1],
  ["igmp", 2],
  ["ggp", 3],
  ["ipencap", 4],
  ["ip-encap", 4],
  ["st", 5],
  ["tcp", 6],
  ["egp", 8],
  ["igp", 9],
  ["pup", 12],
  ["udp", 17],
  ["hmp", 20],
  ["xns-idp", 22],
  ["rdp", 27],
  ["iso-tp4", 29],
  ["dccp", 33],
  ["xtp", 36],
  ["ddp", 37],
  ["idpr-cmtp", 38],
  ["ipv6", 41],
  ["ipv6-route", 43],
  ["ipv6-frag", 44],
  ["idrp", 45],
  ["rsvp", 46],
  ["gre", 47],
  ["esp", 50],
  ["ipsec-esp", 50],
  ["ah", 51],
  ["ipsec-ah", 51],
  ["skip", 57],
  ["ipv6-icmp", 58],
  ["icmpv6", 58],
  ["ipv6-nonxt", 59],
  ["ipv6-opts", 60],
  ["rspf", 73],
  ["vmtp", 81],
  ["eigrp", 88],
  ["ospf", 89],
  ["ospfigp", 89],
  ["ax.25", 93],
  ["ipip", 94],
  ["etherip", 97],
  ["encap", 98],
  ["pim", 103],
  ["ipcomp", 108],
  ["comp", 108],
  ["vrrp", 112],
  ["l2tp", 115],
  ["isis", 124],
  ["sctp", 132],
  ["fc", 133],
  ["mobility-header", 135],
  ["udplite", 136],
  ["mpls-in-ip", 137],
  ["manet", 138],
  ["hip", 139],
  ["shim6", 140],
  ["wesp", 141],
  ["rohc", 142],
  ["ethernet", 143],
];

/**
 * Protocol words nft's grammar knows without /etc/protocols, so a file using them loads on any system.
 * Every other protocol is written as its number.
 */
export const PORTABLE_PROTOCOL_NAMES: ReadonlyMap<number, string> = new Map([
  [1, "icmp"],
  [6, "tcp"],
  [17, "udp"],
  [33, "dccp"],
  [50, "esp"],
  [51, "ah"],
  [58, "icmpv6"],
  [108, "comp"],
  [132, "sctp"],
  [136, "udplite"],
]);

const ICMP_TYPES: readonly (readonly [string, number])[] = [
  ["echo-reply", 0],
  ["destination-unreachable", 3],
  ["source-quench", 4],
  ["redirect", 5],
  ["echo-request", 8],
  ["router-advertisement", 9],
  ["router-solicitation", 10],
  ["time-exceeded", 11],
  ["parameter-problem", 12],
  ["timestamp-request", 13],
  ["timestamp-reply", 14],
  ["info-request", 15],
  ["info-reply", 16],
  ["address-mask-request", 17],
  ["address-mask-reply", 18],
];

const ICMPV6_TYPES: readonly (readonly [string, number])[] = [
  ["destination-unreachable", 1],
  ["packet-too-big", 2],
  ["time-exceeded", 3],
  ["parameter-problem", 4],
  ["echo-request", 128],
  ["echo-reply", 129],
  ["mld-listener-query", 130],
  ["mld-listener-report", 131],
  ["mld-listener-done", 132],
  ["mld-listener-reduction", 132],
  ["nd-router-solicit", 133],
  ["nd-router-advert", 134],
  ["nd-neighbor-solicit", 135],
  ["nd-neighbor-advert", 136],
  ["nd-redirect", 137],
  ["router-renumbering", 138],
  ["ind-neighbor-solicit", 141],
  ["ind-neighbor-advert", 142],
  ["mld2-listener-report", 143],
];

const ICMP_CODES: readonly (readonly [string, number])[] = [
  ["net-unreachable", 0],
  ["host-unreachable", 1],
  ["prot-unreachable", 2],
  ["port-unreachable", 3],
  ["frag-needed", 4],
  ["net-prohibited", 9],
  ["host-prohibited", 10],
  ["admin-prohibited", 13],
];

const ICMPV6_CODES: readonly (readonly [string, number])[] = [
  ["no-route", 0],
  ["admin-prohibited", 1],
  ["addr-unreachable", 3],
  ["port-unreachable", 4],
  ["policy-fail", 5],
  ["reject-route", 6],
];

/** Service names people write for ports (nft resolves them through /etc/services; these are common ones). */
const SERVICES: readonly (readonly [string, number])[] = [
  ["ftp-data", 20],
  ["ftp", 21],
  ["ssh", 22],
  ["telnet", 23],
  ["smtp", 25],
  ["domain", 53],
  ["bootps", 67],
  ["bootpc", 68],
  ["tftp", 69],
  ["http", 80],
  ["www", 80],
  ["kerberos", 88],
  ["pop3", 110],
  ["sunrpc", 111],
  ["auth", 113],
  ["ntp", 123],
  ["netbios-ns", 137],
  ["netbios-dgm", 138],
  ["netbios-ssn", 139],
  ["imap2", 143],
  ["imap", 143],
  ["snmp", 161],
  ["snmp-trap", 162],
  ["bgp", 179],
  ["ldap", 389],
  ["https", 443],
  ["microsoft-ds", 445],
  ["isakmp", 500],
  ["syslog", 514],
  ["submission", 587],
  ["ldaps", 636],
  ["domain-s", 853],
  ["imaps", 993],
  ["pop3s", 995],
  ["openvpn", 1194],
  ["ms-sql-s", 1433],
  ["radius", 1812],
  ["radius-acct", 1813],
  ["nfs", 2049],
  ["mysql", 3306],
  ["ms-wbt-server", 3389],
  ["ipsec-nat-t", 4500],
  ["sip", 5060],
  ["sip-tls", 5061],
  ["postgresql", 5432],
  ["amqp", 5672],
  ["x11", 6000],
  ["redis", 6379],
  ["http-alt", 8080],
  ["mongodb", 27017],
];

const CT_STATES = ["new", "established", "related", "invalid", "untracked"] as const;
export type CtState = (typeof CT_STATES)[number];

/** Kinds of values a match compares with, each with its own names and bounds. */
export type NumberKind = "protocol" | "port" | "icmp-type" | "icmpv6-type" | "icmp-code" | "icmpv6-code";

const TABLES: Record<NumberKind, { names: ReadonlyMap<string, number>; max: number }> = {
  protocol: { names: new Map(PROTOCOLS), max: 255 },
  port: { names: new Map(SERVICES), max: 65535 },
  "icmp-type": { names: new Map(ICMP_TYPES), max: 255 },
  "icmpv6-type": { names: new Map(ICMPV6_TYPES), max: 255 },
  "icmp-code": { names: new Map(ICMP_CODES), max: 255 },
  "icmpv6-code": { names: new Map(ICMPV6_CODES), max: 255 },
};

function parseOne(kind: NumberKind, text: string): number | undefined {
  const t = text.toLowerCase();
  const table = TABLES[kind];
  if (/^[0-9]+$/.test(t)) {
    const n = Number(t);
    return n <= table.max ? n : undefined;
  }
  if (/^0x[0-9a-f]+$/.test(t)) {
    const n = parseInt(t.slice(2), 16);
    return n <= table.max ? n : undefined;
  }
  return table.names.get(t);
}

/**
 * A number, a name, or a range "a-b" of either (names may contain "-", so every split is tried).
 * Undefined when the text is none of these or the range is reversed.
 */
export function parseNumberRange(kind: NumberKind, text: string): { lo: number; hi: number } | undefined {
  const whole = parseOne(kind, text);
  if (whole !== undefined) return { lo: whole, hi: whole };
  for (let i = text.indexOf("-"); i > 0; i = text.indexOf("-", i + 1)) {
    const lo = parseOne(kind, text.slice(0, i));
    const hi = parseOne(kind, text.slice(i + 1));
    if (lo !== undefined && hi !== undefined && lo <= hi) return { lo, hi };
  }
  return undefined;
}

/** The highest value of a kind: 65535 for ports, 255 for the rest. */
export function kindMax(kind: NumberKind): number {
  return TABLES[kind].max;
}

export function parseCtState(text: string): CtState | undefined {
  const t = text.toLowerCase();
  return CT_STATES.find((s) => s === t);
}

const ICMP_TYPE_NAMES: ReadonlyMap<number, string> = new Map(ICMP_TYPES.map(([n, v]) => [v, n]));
const ICMPV6_TYPE_NAMES: ReadonlyMap<number, string> = new Map(
  ICMPV6_TYPES.filter(([n]) => n !== "mld-listener-reduction").map(([n, v]) => [v, n]),
);

/** The name nft gives an ICMP (IPv4) or ICMPv6 type, when it has one. */
export function icmpTypeName(icmpv6: boolean, type: number): string | undefined {
  return (icmpv6 ? ICMPV6_TYPE_NAMES : ICMP_TYPE_NAMES).get(type);
}
