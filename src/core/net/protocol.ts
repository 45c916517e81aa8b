// IP protocol numbers and names, and which protocols carry ports or ICMP type/code.

export const PROTO = {
  icmp: 1,
  igmp: 2,
  tcp: 6,
  udp: 17,
  gre: 47,
  esp: 50,
  ah: 51,
  icmpv6: 58,
  ospf: 89,
  pim: 103,
  vrrp: 112,
  sctp: 132,
} as const;

const byName: ReadonlyMap<string, number> = new Map(Object.entries(PROTO));
const byNumber: ReadonlyMap<number, string> = new Map(Object.entries(PROTO).map(([k, v]) => [v, k]));

/** Protocols whose packets carry source and destination ports. */
export const PORT_PROTOCOLS: readonly number[] = [PROTO.tcp, PROTO.udp, PROTO.sctp];
/** Protocols whose packets carry an ICMP type and code. */
export const ICMP_PROTOCOLS: readonly number[] = [PROTO.icmp, PROTO.icmpv6];

export function hasPorts(proto: number): boolean {
  return proto === PROTO.tcp || proto === PROTO.udp || proto === PROTO.sctp;
}

export function hasIcmp(proto: number): boolean {
  return proto === PROTO.icmp || proto === PROTO.icmpv6;
}

/** A protocol by name ("tcp") or number ("6", 0-255); undefined when neither. */
export function tryParseProtocol(text: string | number): number | undefined {
  if (typeof text === "number") return Number.isInteger(text) && text >= 0 && text <= 255 ? text : undefined;
  const t = text.trim().toLowerCase();
  if (/^[0-9]{1,3}$/.test(t)) {
    const n = Number(t);
    return n <= 255 ? n : undefined;
  }
  if (t === "ipv6-icmp") return PROTO.icmpv6;
  return byName.get(t);
}

export function protocolName(proto: number): string {
  return byNumber.get(proto) ?? String(proto);
}

export function knownProtocolNames(): string[] {
  return [...byName.keys()];
}
