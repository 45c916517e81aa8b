// Packets typed by a user (command-line options or JSON lines) checked and turned into core packets.

import { type Address, formatAddress, tryParseAddress } from "../core/net/address.js";
import { hasIcmp, hasPorts, PROTO, protocolName, tryParseProtocol } from "../core/net/protocol.js";
import { makePacket, type Packet } from "../core/space/packet.js";

/** A packet as written: addresses and protocol as text (or a protocol number), the rest as numbers. */
export interface PacketInput {
  readonly src?: unknown;
  readonly dst?: unknown;
  readonly proto?: unknown;
  readonly sport?: unknown;
  readonly dport?: unknown;
  readonly type?: unknown;
  readonly code?: unknown;
}

/** A packet as JSON: the same shape a packets file takes, so an example can be fed back to `explain`. */
export interface PacketJson {
  readonly src: string;
  readonly dst: string;
  /** The protocol's name when it has one, else its number. */
  readonly proto: string | number;
  readonly sport?: number;
  readonly dport?: number;
  readonly type?: number;
  readonly code?: number;
}

export type PacketField = keyof PacketInput;
export type PacketResult = { ok: true; packet: Packet } | { ok: false; message: string };

/** Echo request: what "ping" sends, the most common ICMP question. */
const ECHO_REQUEST: Readonly<Record<number, number>> = { [PROTO.icmp]: 8, [PROTO.icmpv6]: 128 };

/**
 * Checks a packet input. `label` names a field in messages (`--dport` on the command line, `"dport"` in a
 * file). The destination port is required for protocols with ports; the source port defaults to 0, the ICMP
 * type to echo request and the code to 0.
 */
export function parsePacketInput(input: PacketInput, label: (f: PacketField) => string): PacketResult {
  const fail = (message: string): PacketResult => ({ ok: false, message });
  const src = address(input.src, label("src"));
  if (typeof src === "string") return fail(src);
  const dst = address(input.dst, label("dst"));
  if (typeof dst === "string") return fail(dst);
  if (src.family !== dst.family)
    return fail(
      `Cannot make packet: ${label("src")} is IPv${src.family} but ${label("dst")} is IPv${dst.family}`,
    );
  if (input.proto === undefined || input.proto === null) return fail(`Missing ${label("proto")}`);
  const proto =
    typeof input.proto === "string" || typeof input.proto === "number"
      ? tryParseProtocol(input.proto)
      : undefined;
  if (proto === undefined)
    return fail(
      `Invalid ${label("proto")}${shown(input.proto)}: expected tcp, udp, icmp, icmpv6, sctp, a protocol name or 0-255`,
    );
  const fields: Partial<Record<PacketField, number>> = {};
  for (const [field, max] of [
    ["sport", 65535],
    ["dport", 65535],
    ["type", 255],
    ["code", 255],
  ] as const) {
    const v = input[field];
    if (v === undefined || v === null) continue;
    const n =
      typeof v === "number" ? v : typeof v === "string" && /^[0-9]+$/.test(v.trim()) ? Number(v) : NaN;
    if (!Number.isInteger(n) || n < 0 || n > max)
      return fail(`Invalid ${label(field)}${shown(v)}: expected a whole number 0-${max}`);
    fields[field] = n;
  }
  if (hasPorts(proto) && fields.dport === undefined)
    return fail(`Missing ${label("dport")}: required for ${protocolName(proto)}`);
  const packet = makePacket({
    src,
    dst,
    proto,
    sport: fields.sport ?? 0,
    dport: fields.dport ?? 0,
    icmpType: fields.type ?? ECHO_REQUEST[proto] ?? 0,
    icmpCode: fields.code ?? 0,
  });
  return { ok: true, packet };
}

/** One line of a packets file: a JSON object with the fields of PacketInput. */
export function parsePacketLine(line: string): PacketResult {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    return { ok: false, message: `Invalid JSON: ${(e as Error).message}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return { ok: false, message: `Expected a JSON object with "src", "dst" and "proto"` };
  return parsePacketInput(value as PacketInput, (f) => `"${f}"`);
}

export function packetToJson(p: Packet): PacketJson {
  const name = protocolName(p.proto);
  const base = {
    src: formatAddress({ family: p.family, value: p.src }),
    dst: formatAddress({ family: p.family, value: p.dst }),
    proto: name === String(p.proto) ? p.proto : name,
  };
  if (hasPorts(p.proto)) return { ...base, sport: p.sport, dport: p.dport };
  if (hasIcmp(p.proto)) return { ...base, type: p.icmpType, code: p.icmpCode };
  return base;
}

/** The address, or what is wrong with it. */
function address(v: unknown, name: string): Address | string {
  if (v === undefined || v === null) return `Missing ${name}`;
  return (
    (typeof v === "string" && tryParseAddress(v)) || `Invalid ${name}${shown(v)}: not an IPv4 or IPv6 address`
  );
}

function shown(v: unknown): string {
  if (v === undefined || v === null) return "";
  return ` ${JSON.stringify(v)}`;
}
