// ClassBench filter lines read into vendor-shaped filters: `@SA/len DA/len sp : sp dp : dp proto/mask [flags/mask]`.

import { type Address, tryParseAddress } from "../../../net/address.js";
import { ADDRESS_BITS } from "../../../net/address.js";
import { type Prefix, prefixOf } from "../../../net/prefix.js";

/** One filter as the file writes it. */
export interface ClassBenchFilter {
  readonly src: Prefix;
  readonly dst: Prefix;
  readonly sport: { readonly lo: number; readonly hi: number };
  readonly dport: { readonly lo: number; readonly hi: number };
  /** The protocol value and mask: a packet's protocol p matches when (p & mask) === (value & mask). */
  readonly proto: { readonly value: number; readonly mask: number };
  /** TCP flags value and mask (0/0 when absent: any). */
  readonly flags: { readonly value: number; readonly mask: number };
  /** True when an address had host bits set (the filter uses the network). */
  readonly hostBits: boolean;
}

/** Why a line is not a filter, and the 1-based column where the problem starts. */
export interface ClassBenchLineError {
  readonly message: string;
  readonly column: number;
}

const REST =
  /^\s*([0-9]+)\s*:\s*([0-9]+)\s+([0-9]+)\s*:\s*([0-9]+)\s+(0x[0-9a-f]+)\/(0x[0-9a-f]+)(?:\s+(0x[0-9a-f]+)\/(0x[0-9a-f]+))?\s*$/i;

function readPrefix(text: string): { prefix: Prefix; hostBits: boolean } | string {
  const slash = text.indexOf("/");
  const address: Address | undefined = slash < 0 ? undefined : tryParseAddress(text.slice(0, slash));
  if (!address) return `"${text}" is not an address/length`;
  const lenText = text.slice(slash + 1);
  const max = ADDRESS_BITS[address.family];
  if (!/^[0-9]{1,3}$/.test(lenText) || Number(lenText) > max)
    return `"${text}" has a prefix length outside 0-${max}`;
  const prefix = prefixOf(address, Number(lenText));
  return { prefix, hostBits: prefix.value !== address.value };
}

/** Reads one filter line (starting with "@"); a string result is what is wrong with it. */
export function parseClassBenchLine(line: string): ClassBenchFilter | ClassBenchLineError {
  const start = line.indexOf("@");
  if (start < 0) return { message: 'Expected a filter starting with "@"', column: 1 };
  const body = line.slice(start + 1);
  const m = /^(\S+)\s+(\S+)(.*)$/.exec(body);
  if (!m) return { message: "Expected source and destination prefixes", column: start + 2 };
  const src = readPrefix(m[1]!);
  if (typeof src === "string") return { message: `Invalid source prefix: ${src}`, column: start + 2 };
  const dstColumn = start + 2 + body.indexOf(m[2]!, m[1]!.length);
  const dst = readPrefix(m[2]!);
  if (typeof dst === "string") return { message: `Invalid destination prefix: ${dst}`, column: dstColumn };
  if (src.prefix.family !== dst.prefix.family)
    return { message: "Source and destination prefixes are of different families", column: dstColumn };
  const restColumn = dstColumn + m[2]!.length + (/^\s*/.exec(m[3]!)?.[0].length ?? 0);
  const r = REST.exec(m[3]!);
  if (!r)
    return {
      message: 'Expected "sp : sp dp : dp proto/mask [flags/mask]" after the prefixes',
      column: restColumn,
    };
  const [sl, sh, dl, dh] = [r[1], r[2], r[3], r[4]].map(Number) as [number, number, number, number];
  for (const [lo, hi, name] of [
    [sl, sh, "source"],
    [dl, dh, "destination"],
  ] as const)
    if (hi > 65535 || lo > hi)
      return {
        message: `Invalid ${name} port range "${lo} : ${hi}": expected lo ≤ hi ≤ 65535`,
        column: restColumn,
      };
  const proto = { value: parseInt(r[5]!, 16), mask: parseInt(r[6]!, 16) };
  if (proto.value > 255 || proto.mask > 255)
    return { message: `Invalid protocol "${r[5]}/${r[6]}": expected 0x00-0xFF`, column: restColumn };
  const flags =
    r[7] === undefined ? { value: 0, mask: 0 } : { value: parseInt(r[7], 16), mask: parseInt(r[8]!, 16) };
  return {
    src: src.prefix,
    dst: dst.prefix,
    sport: { lo: sl, hi: sh },
    dport: { lo: dl, hi: dh },
    proto,
    flags,
    hostBits: src.hostBits || dst.hostBits,
  };
}

export function isLineError(r: ClassBenchFilter | ClassBenchLineError): r is ClassBenchLineError {
  return "message" in r;
}
