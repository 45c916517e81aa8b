// An IR rule's protocols, ports and ICMP types as Junos custom applications: one single-term application
// per combination, named after what it matches ("tcp-443", "udp-53-from-53", "icmp-3-code-4", "proto-gre").

import { hasIcmp, hasPorts, PROTO } from "../../../net/protocol.js";
import { junosProtocolName } from "../../../import/formats/junos/keywords.js";
import { type IrRule, type NumRange, rangeValues } from "../../ir.js";

/** One application: a protocol (absent: every protocol, the predefined `any`) and its constraints. */
export interface AppSpec {
  readonly proto?: number;
  readonly dst?: NumRange;
  readonly src?: NumRange;
  readonly icmpType?: number;
  readonly icmpCode?: number;
}

const EVERY_ICMP_TYPE: readonly NumRange[] = [{ lo: 0, hi: 255 }];

/** The applications whose union is exactly the rule's services. */
export function ruleApplications(rule: IrRule): AppSpec[] {
  if (!rule.protocols) return [{}];
  const icmpProto = rule.family === 4 ? PROTO.icmp : PROTO.icmpv6;
  const out: AppSpec[] = [];
  for (const proto of rangeValues(rule.protocols)) {
    if (hasPorts(proto) && (rule.dstPorts || rule.srcPorts)) {
      for (const dst of rule.dstPorts ?? [undefined])
        for (const src of rule.srcPorts ?? [undefined])
          out.push({ proto, ...(dst && { dst }), ...(src && { src }) });
    } else if (proto === icmpProto && (rule.icmpTypes || rule.icmpCodes)) {
      // Junos matches one ICMP type (and one code) per application: ranges are written value by value.
      for (const icmpType of rangeValues(rule.icmpTypes ?? EVERY_ICMP_TYPE))
        for (const icmpCode of rule.icmpCodes ? rangeValues(rule.icmpCodes) : [undefined])
          out.push({ proto, icmpType, ...(icmpCode !== undefined && { icmpCode }) });
    } else out.push({ proto });
  }
  return out;
}

function rangeText(r: NumRange): string {
  return r.lo === r.hi ? `${r.lo}` : `${r.lo}-${r.hi}`;
}

function protoWord(proto: number): string {
  return junosProtocolName(proto) ?? `${proto}`;
}

/** The application's name; "any" is the predefined application that matches every packet. */
export function applicationName(a: AppSpec): string {
  if (a.proto === undefined) return "any";
  const p = protoWord(a.proto);
  if (a.dst || a.src)
    return `${p}${a.dst ? `-${rangeText(a.dst)}` : ""}${a.src ? `-from-${rangeText(a.src)}` : ""}`;
  if (a.icmpType !== undefined)
    return `${p}-${a.icmpType}${a.icmpCode !== undefined ? `-code-${a.icmpCode}` : ""}`;
  if (hasPorts(a.proto) || hasIcmp(a.proto)) return `${p}-all`;
  return `proto-${p}`;
}

/** The attributes after `set applications application NAME`. */
export function applicationBody(a: AppSpec): string {
  const parts = [`protocol ${protoWord(a.proto!)}`];
  if (a.dst) parts.push(`destination-port ${rangeText(a.dst)}`);
  if (a.src) parts.push(`source-port ${rangeText(a.src)}`);
  const v6 = a.proto === PROTO.icmpv6;
  if (a.icmpType !== undefined) parts.push(`${v6 ? "icmp6-type" : "icmp-type"} ${a.icmpType}`);
  if (a.icmpCode !== undefined) parts.push(`${v6 ? "icmp6-code" : "icmp-code"} ${a.icmpCode}`);
  return parts.join(" ");
}

/** Orders applications by protocol, then ports, then ICMP type and code. */
export function compareApplications(a: AppSpec, b: AppSpec): number {
  const key = (x: AppSpec) => [
    x.proto ?? -1,
    x.dst?.lo ?? -1,
    x.dst?.hi ?? -1,
    x.src?.lo ?? -1,
    x.src?.hi ?? -1,
    x.icmpType ?? -1,
    x.icmpCode ?? -1,
  ];
  const ka = key(a);
  const kb = key(b);
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
  return 0;
}
