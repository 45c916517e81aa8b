// One IR rule as nft rule text: address, protocol, port and ICMP matches, counter, log, verdict, comment.

import { hasPorts, PROTO } from "../../../net/protocol.js";
import { IPV6_EXTENSIONS } from "../../../import/formats/nftables/conditions.js";
import { icmpTypeName, PORTABLE_PROTOCOL_NAMES } from "../../../import/formats/nftables/symbols.js";
import { type IrRule, type NumRange, rangeValues } from "../../ir.js";
import { deviceName } from "../../names.js";
import { addressUse, normalizeRanges, portUse, type SetPlanner } from "./named-sets.js";

/** Longest comment nft keeps. */
export const COMMENT_MAX = 128;
/** Longest log prefix the kernel keeps. */
const LOG_PREFIX_MAX = 127;
/** Characters a quoted nft string may hold: printable ASCII except the quote and the backslash. */
const STRING_CHARS = /[ !#-[\]-~]/;
/** A log prefix also expands `$variables`, so it may not hold "$". */
const PREFIX_CHARS = /[ !#%-[\]-~]/;

function list(items: readonly string[]): string {
  return items.length === 1 ? items[0]! : `{ ${items.join(", ")} }`;
}

function rangeText(r: NumRange, name?: (v: number) => string | undefined): string {
  if (r.lo === r.hi) return name?.(r.lo) ?? String(r.lo);
  return `${r.lo}-${r.hi}`;
}

function protocolList(ranges: readonly NumRange[]): string {
  return list(normalizeRanges(ranges).map((r) => rangeText(r, (v) => PORTABLE_PROTOCOL_NAMES.get(v))));
}

/** Splits protocol ranges into those in `set` and the rest. */
function splitProtocols(ranges: readonly NumRange[], set: ReadonlySet<number>): [NumRange[], NumRange[]] {
  const inside: NumRange[] = [];
  const outside: NumRange[] = [];
  for (const v of rangeValues(ranges)) {
    const target = set.has(v) ? inside : outside;
    const last = target[target.length - 1];
    if (last && last.hi === v - 1) target[target.length - 1] = { lo: last.lo, hi: v };
    else target.push({ lo: v, hi: v });
  }
  return [inside, outside];
}

/** The comment a rule carries: the flow's name, or says it is a deny or a reply. */
export function ruleComment(r: IrRule): string {
  const prefix = r.origin.kind === "flow" ? "" : `${r.origin.kind} `;
  return prefix + deviceName(r.origin.name, COMMENT_MAX - prefix.length, STRING_CHARS);
}

function logPrefix(r: IrRule): string {
  const head = `rampart ${r.action} `;
  return `${head}${deviceName(r.origin.name, LOG_PREFIX_MAX - head.length - 2, PREFIX_CHARS)}: `;
}

/**
 * The protocol part of a rule: one or more alternatives (IPv6 extension-header protocols need
 * `ip6 nexthdr`), each a list of matches. Empty alternatives list: the rule matches nothing.
 */
function protocolParts(r: IrRule, planner: SetPlanner): string[][] {
  if (r.icmpTypes || r.icmpCodes) {
    const proto = r.family === 4 ? PROTO.icmp : PROTO.icmpv6;
    if (r.protocols && !rangeValues(r.protocols).includes(proto)) return [];
    const kw = r.family === 4 ? "icmp" : "icmpv6";
    const parts: string[] = [];
    const name = (v: number) => icmpTypeName(r.family === 6, v);
    if (r.icmpTypes)
      parts.push(`${kw} type ${list(normalizeRanges(r.icmpTypes).map((t) => rangeText(t, name)))}`);
    if (r.icmpCodes) parts.push(`${kw} code ${list(normalizeRanges(r.icmpCodes).map((c) => rangeText(c)))}`);
    return [parts];
  }
  if (r.dstPorts || r.srcPorts) {
    const all = r.protocols ? rangeValues(normalizeRanges(r.protocols)) : [PROTO.tcp, PROTO.udp, PROTO.sctp];
    const protos = all.filter(hasPorts);
    if (protos.length === 0) return [];
    const single = protos.length === 1 ? PORTABLE_PROTOCOL_NAMES.get(protos[0]!)! : undefined;
    const parts = single ? [] : [`meta l4proto ${list(protos.map((p) => PORTABLE_PROTOCOL_NAMES.get(p)!))}`];
    const head = single ?? "th";
    const sport = portUse(r, "srcPorts", head);
    const dport = portUse(r, "dstPorts", head);
    if (sport) parts.push(`${head} sport ${planner.reference(sport)}`);
    if (dport) parts.push(`${head} dport ${planner.reference(dport)}`);
    return [parts];
  }
  if (!r.protocols) return [[]];
  if (r.protocols.length === 0) return [];
  if (r.family === 4) return [[`meta l4proto ${protocolList(r.protocols)}`]];
  // The kernel skips IPv6 extension headers to find `meta l4proto`; those protocols are the first header.
  const [ext, upper] = splitProtocols(r.protocols, IPV6_EXTENSIONS);
  const out: string[][] = [];
  if (upper.length > 0) out.push([`meta l4proto ${protocolList(upper)}`]);
  if (ext.length > 0) out.push([`ip6 nexthdr ${protocolList(ext)}`]);
  return out;
}

/** The nft rules (usually one) carrying out an IR rule exactly; none when the rule matches nothing. */
export function ruleLines(r: IrRule, planner: SetPlanner): string[] {
  if (r.src?.length === 0 || r.dst?.length === 0) return [];
  if (r.dstPorts?.length === 0 || r.srcPorts?.length === 0) return [];
  if (r.icmpTypes?.length === 0 || r.icmpCodes?.length === 0) return [];
  const fam = r.family === 4 ? "ip" : "ip6";
  const addresses: string[] = [];
  const src = addressUse(r, "src");
  const dst = addressUse(r, "dst");
  if (src) addresses.push(`${fam} saddr ${planner.reference(src)}`);
  if (dst) addresses.push(`${fam} daddr ${planner.reference(dst)}`);
  const tail = [
    "counter",
    ...(r.log ? [`log prefix "${logPrefix(r)}"`] : []),
    r.action,
    `comment "${ruleComment(r)}"`,
  ];
  return protocolParts(r, planner).map((proto) => {
    // A rule needs its family stated unless an address or ICMP match implies it.
    const implied = addresses.length > 0 || proto.some((p) => p.startsWith("icmp"));
    const family = implied ? [] : [`meta nfproto ipv${r.family}`];
    return [...family, ...addresses, ...proto, ...tail].join(" ");
  });
}
