// The protocol, port and ICMP part of an IR rule as iptables matches: each part is one kernel rule's
// `-p` and matches, and their union is exactly the rule's services.

import type { Family } from "../../../net/address.js";
import { hasPorts, PROTO } from "../../../net/protocol.js";
import { type IrRule, type NumRange, rangeValues } from "../../ir.js";
import { protocolWord } from "./text.js";

/** One kernel rule's service matches. */
export interface ServicePart {
  /** The `-p` word; absent: every protocol. */
  readonly proto?: string;
  /** `! -p`: every protocol but this one. */
  readonly negate?: boolean;
  /** Match fragments written after `-p`, e.g. "-m tcp --dport 22". */
  readonly matches: readonly string[];
  /**
   * The part's packets except these: written as a jump to a chain that returns them and decides the rest,
   * for what one rule cannot say (`-p` takes one protocol and `-p 0` means all; iptables-restore takes at
   * most 255 words a line).
   */
  readonly except?: readonly ServicePart[];
}

export interface PlannedServices {
  /** The parts whose union is exactly the rule's services. */
  readonly parts: readonly ServicePart[];
  /** Parts of the rule iptables cannot match exactly; they are left out and reported. */
  readonly refused: readonly string[];
}

const ALL = 256;
/** multiport takes 15 ports, a range counting as two. */
const MULTIPORT_SLOTS = 15;
/** Negated ICMP matches in one rule, well inside iptables-restore's 255 words a line. */
const NEGATIONS_MAX = 32;

export function planServices(rule: IrRule): PlannedServices {
  if (rule.icmpTypes || rule.icmpCodes) return icmpPlan(rule);
  if (rule.dstPorts || rule.srcPorts) {
    const protos = (rule.protocols ? rangeValues(rule.protocols) : [PROTO.tcp, PROTO.udp, PROTO.sctp]).filter(
      hasPorts,
    );
    const parts = protos.flatMap((p) => portParts(rule.family, p, rule.dstPorts, rule.srcPorts));
    return { parts, refused: [] };
  }
  if (!rule.protocols) return { parts: [{ matches: [] }], refused: [] };
  return { parts: protocolParts(rule.family, rule.protocols), refused: [] };
}

function protocolParts(family: Family, ranges: readonly NumRange[]): ServicePart[] {
  const values = new Set(rangeValues(ranges));
  const missing = complement(values);
  if (missing.length === 0) return [{ matches: [] }];
  // `-p 0` means every protocol, so protocol 0 can only be reached by leaving the protocol open.
  if (!values.has(0)) return [...values].sort((a, b) => a - b).map((p) => proto(family, p));
  if (missing.length === 1) return [{ ...proto(family, missing[0]!), negate: true }];
  return [{ matches: [], except: missing.map((p) => proto(family, p)) }];
}

function proto(family: Family, p: number): ServicePart {
  return { proto: protocolWord(family, p), matches: [] };
}

function complement(values: ReadonlySet<number>): number[] {
  const out: number[] = [];
  for (let v = 0; v < ALL; v++) if (!values.has(v)) out.push(v);
  return out;
}

function isFull(ranges: readonly NumRange[] | undefined, max: number): boolean {
  return ranges === undefined || (ranges.length === 1 && ranges[0]!.lo === 0 && ranges[0]!.hi === max);
}

function portText(r: NumRange): string {
  return r.lo === r.hi ? String(r.lo) : `${r.lo}:${r.hi}`;
}

/** Port ranges in groups that fit one multiport match. */
export function portChunks(ranges: readonly NumRange[]): NumRange[][] {
  const chunks: NumRange[][] = [];
  let current: NumRange[] = [];
  let slots = 0;
  for (const r of ranges) {
    const need = r.lo === r.hi ? 1 : 2;
    if (slots + need > MULTIPORT_SLOTS) {
      chunks.push(current);
      current = [];
      slots = 0;
    }
    current.push(r);
    slots += need;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function portParts(
  family: Family,
  p: number,
  dst: readonly NumRange[] | undefined,
  src: readonly NumRange[] | undefined,
): ServicePart[] {
  const word = protocolWord(family, p);
  const dstChunks: (NumRange[] | undefined)[] = isFull(dst, 65535) ? [undefined] : portChunks(dst!);
  const srcChunks: (NumRange[] | undefined)[] = isFull(src, 65535) ? [undefined] : portChunks(src!);
  const parts: ServicePart[] = [];
  for (const s of srcChunks)
    for (const d of dstChunks) parts.push({ proto: word, matches: portMatches(word, s, d) });
  return parts;
}

/** A single port or range goes in the protocol's own match, as iptables-save writes it; lists in multiport. */
function portMatches(word: string, src?: NumRange[], dst?: NumRange[]): string[] {
  const single: string[] = [];
  const multi: string[] = [];
  if (src?.length === 1) single.push(`--sport ${portText(src[0]!)}`);
  else if (src) multi.push(`-m multiport --sports ${src.map(portText).join(",")}`);
  if (dst?.length === 1) single.push(`--dport ${portText(dst[0]!)}`);
  else if (dst) multi.push(`-m multiport --dports ${dst.map(portText).join(",")}`);
  return [...(single.length > 0 ? [`-m ${word} ${single.join(" ")}`] : []), ...multi];
}

/** Every (type, code) pair of the rule, as single-type or type/code atoms, plainly or as exclusions. */
function icmpPlan(rule: IrRule): PlannedServices {
  const family = rule.family;
  const icmp = family === 4 ? PROTO.icmp : PROTO.icmpv6;
  if (rule.protocols && !rangeValues(rule.protocols).includes(icmp)) return { parts: [], refused: [] };
  const word = protocolWord(family, icmp);
  const atom = (text: string): ServicePart => ({ proto: word, matches: [icmpMatch(family, false, text)] });
  /** `base` without the atoms: negated matches in the rule itself, or a chain when there are many. */
  const without = (base: readonly string[], atoms: readonly string[]): ServicePart =>
    atoms.length <= NEGATIONS_MAX
      ? { proto: word, matches: [...base, ...atoms.map((a) => icmpMatch(family, true, a))] }
      : { proto: word, matches: base, except: atoms.map(atom) };
  const types = rule.icmpTypes ? rangeValues(rule.icmpTypes) : allValues();
  if (isFull(rule.icmpCodes, 255)) {
    if (types.length === ALL) return { parts: [{ proto: word, matches: [] }], refused: [] };
    const missing = complement(new Set(types));
    // In IPv4 only exclusion can include type 255 and only listing can leave it out: `--icmp-type 255`
    // means any type.
    const exclude = family === 4 ? types.includes(255) : missing.length < types.length;
    if (exclude) return { parts: [without([], missing.map(String))], refused: [] };
    return { parts: types.map((t) => atom(String(t))), refused: [] };
  }
  const codes = rangeValues(rule.icmpCodes!);
  const missing = complement(new Set(codes));
  const parts: ServicePart[] = [];
  const refused: string[] = [];
  for (const t of types) {
    // The IPv4 icmp match reads type 255 as "any type", so type 255 cannot be narrowed to some codes.
    if (family === 4 && t === 255) {
      refused.push(type255(rule.action));
      // Never let more through than the IR: a drop takes every code of type 255 instead of some.
      if (rule.action === "drop") parts.push(without([], allValues().slice(0, 255).map(String)));
      continue;
    }
    if (missing.length < codes.length)
      parts.push(
        without(
          [icmpMatch(family, false, String(t))],
          missing.map((c) => `${t}/${c}`),
        ),
      );
    else parts.push(...codes.map((c) => atom(`${t}/${c}`)));
  }
  return { parts, refused };
}

function icmpMatch(family: Family, negate: boolean, atom: string): string {
  const [module, option] = family === 4 ? ["icmp", "--icmp-type"] : ["icmp6", "--icmpv6-type"];
  return `-m ${module} ${negate ? "! " : ""}${option} ${atom}`;
}

function type255(action: IrRule["action"]): string {
  const why = "ICMP type 255 cannot be matched by code (the IPv4 icmp match reads type 255 as any type)";
  return action === "accept" ? `${why}; that part is left out` : `${why}; every code of it is dropped`;
}

function allValues(): number[] {
  return complement(new Set());
}
