// An IR rule's protocols, ports and ICMP fields as Cisco service lines: one protocol each, one port range
// each side, one ICMP type and code, since neither IOS nor ASA entries take lists or ranges of those.

import { hasIcmp, hasPorts, PROTO } from "../../../net/protocol.js";
import { type IrRule, type NumRange, rangeValues } from "../../ir.js";

/** One protocol with at most one port range each side, or one ICMP type (and code). */
export interface ServiceLine {
  /** Absent: every protocol. */
  readonly proto?: number;
  readonly srcPorts?: NumRange;
  readonly dstPorts?: NumRange;
  readonly icmpType?: number;
  readonly icmpCode?: number;
}

const ALL_VALUES = [{ lo: 0, hi: 255 }];

/**
 * The lines whose union is exactly the rule's services. Mirrors `irRuleSet`: a port condition leaves out the
 * protocols without ports, an ICMP condition every protocol but the family's ICMP.
 */
export function serviceLines(rule: IrRule): ServiceLine[] {
  const icmpProto = rule.family === 4 ? PROTO.icmp : PROTO.icmpv6;
  const hasPortFields = rule.dstPorts !== undefined || rule.srcPorts !== undefined;
  const hasIcmpFields = rule.icmpTypes !== undefined || rule.icmpCodes !== undefined;
  if (!rule.protocols && !hasPortFields && !hasIcmpFields) return [{}];
  const protos = rule.protocols ? rangeValues(rule.protocols) : [PROTO.tcp, PROTO.udp, PROTO.sctp, icmpProto];
  const out: ServiceLine[] = [];
  for (const proto of protos) {
    if (hasPortFields && !hasPorts(proto)) continue;
    if (hasIcmpFields && proto !== icmpProto) continue;
    if (hasPortFields) out.push(...portLines(proto, rule));
    else if (hasIcmpFields) out.push(...icmpLines(proto, rule));
    else out.push({ proto });
  }
  return out;
}

function portLines(proto: number, rule: IrRule): ServiceLine[] {
  const out: ServiceLine[] = [];
  for (const s of rule.srcPorts ?? [undefined])
    for (const d of rule.dstPorts ?? [undefined])
      out.push({ proto, ...(s && { srcPorts: s }), ...(d && { dstPorts: d }) });
  return out;
}

function icmpLines(proto: number, rule: IrRule): ServiceLine[] {
  if (!hasIcmp(proto)) return [];
  const out: ServiceLine[] = [];
  for (const icmpType of rangeValues(rule.icmpTypes ?? ALL_VALUES)) {
    if (!rule.icmpCodes) out.push({ proto, icmpType });
    else for (const icmpCode of rangeValues(rule.icmpCodes)) out.push({ proto, icmpType, icmpCode });
  }
  return out;
}

/** True when the range is every port, so no port condition is needed. */
export function isAllPorts(r: NumRange | undefined): boolean {
  return r === undefined || (r.lo <= 0 && r.hi >= 65535);
}

/**
 * Folds pairs of lines that differ only by TCP and UDP into one "tcp-udp" line (both IOS and ASA service groups
 * have it), keeping the order of first appearance.
 */
export function mergeTcpUdp(lines: readonly ServiceLine[]): (ServiceLine & { tcpUdp?: boolean })[] {
  const key = (l: ServiceLine) => `${l.srcPorts?.lo}-${l.srcPorts?.hi}/${l.dstPorts?.lo}-${l.dstPorts?.hi}`;
  const udp = new Set(lines.filter((l) => l.proto === PROTO.udp).map(key));
  const tcp = new Set(lines.filter((l) => l.proto === PROTO.tcp).map(key));
  const out: (ServiceLine & { tcpUdp?: boolean })[] = [];
  for (const l of lines) {
    const both = (l.proto === PROTO.tcp || l.proto === PROTO.udp) && udp.has(key(l)) && tcp.has(key(l));
    if (!both) out.push(l);
    else if (l.proto === PROTO.tcp) out.push({ ...l, tcpUdp: true });
  }
  return out;
}
