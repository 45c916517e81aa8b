// One ASA access-list entry as the exact set of new connections it matches.

import { hasPorts, PORT_PROTOCOLS, PROTO } from "../../../net/protocol.js";
import type { Direction, PacketSet, PacketSpace } from "../../../space/packet-set.js";
import { allOf, icmpMatch, portMatch, protocolMatch } from "../../match.js";
import { protocolNumber } from "../cisco-common/names.js";
import { type Cursor, type Problems, readPortOp } from "../cisco-common/tokens.js";
import { type AsaNames, readAsaAddress } from "./address.js";
import { type AsaObjects, readIcmp } from "./objects.js";

export interface AceContext {
  readonly space: PacketSpace;
  readonly objects: AsaObjects;
  readonly names: AsaNames;
  readonly problems: Problems;
  /** The entry denies: a time range then makes it match nothing (it hides no opening). */
  readonly deny?: boolean;
  /** Called when a permit's match is read wider than the entry, a condition being left out of it. */
  readonly onWidened?: () => void;
}

class AceError {
  constructor(readonly message: string) {}
}

function fail(message: string): never {
  throw new AceError(message);
}

/** The protocol argument: a set, and the protocols port and ICMP arguments may follow for. */
interface ProtocolPart {
  readonly set: PacketSet;
  /** Protocols whose ports may be given after the addresses (none for service objects and groups). */
  readonly portProtos: readonly number[];
  readonly icmp?: number;
}

/**
 * The new connections an entry matches, from the protocol on; "inactive" for an entry switched off, undefined
 * (with a diagnostic) when it cannot be read.
 */
export function readAsaAce(c: Cursor, ctx: AceContext): PacketSet | "inactive" | undefined {
  try {
    const proto = readProtocol(c, ctx);
    const parts = [proto.set, readAddress(c, "src", ctx)];
    parts.push(...readPorts(c, proto, "src", ctx));
    parts.push(readAddress(c, "dst", ctx));
    parts.push(...readPorts(c, proto, "dst", ctx));
    if (proto.icmp !== undefined) parts.push(...readIcmpPart(c, proto.icmp, ctx));
    const trailer = readTrailer(c, ctx);
    if (trailer === "never") return ctx.space.none();
    return trailer === "active" ? allOf(ctx.space, parts) : "inactive";
  } catch (e) {
    if (!(e instanceof AceError)) throw e;
    ctx.problems.add("config-syntax", c.line, c.i, `Cannot read access-list entry: ${e.message}`);
    return undefined;
  }
}

function readProtocol(c: Cursor, ctx: AceContext): ProtocolPart {
  const word = c.take() ?? fail("the protocol is missing");
  const w = word.toLowerCase();
  if (w === "ip") return { set: ctx.space.all(), portProtos: [] };
  if (w === "object" || w === "object-group") {
    const name = c.take() ?? fail(`"${w}" needs a name`);
    const kind = ctx.objects.kindOf(name);
    if (kind === "service") return { set: ctx.objects.service(name)!, portProtos: [] };
    if (kind === "protocol") return { set: ctx.objects.protocols(name)!, portProtos: PORT_PROTOCOLS };
    fail(`"${name}" is not a service or protocol object`);
  }
  const n = protocolNumber(w, "asa") ?? fail(`unknown protocol "${word}"`);
  const icmp = n === PROTO.icmp || n === PROTO.icmpv6 ? n : undefined;
  return {
    set: protocolMatch(ctx.space, [{ lo: n, hi: n }]),
    portProtos: hasPorts(n) ? [n] : [],
    ...(icmp !== undefined && { icmp }),
  };
}

function readAddress(c: Cursor, dir: Direction, ctx: AceContext): PacketSet {
  const w = c.peek();
  if (w === "object" || w === "object-group") {
    c.take();
    const name = c.take() ?? fail(`"${w}" needs a name`);
    return ctx.objects.network(name, dir) ?? fail(`unknown network object "${name}"`);
  }
  if (w === "interface") {
    c.take();
    const name = c.take() ?? fail(`"interface" needs a name`);
    ctx.problems.add(
      "config-unsupported",
      c.line,
      c.i - 2,
      `The address of interface "${name}" is unknown: read as no address`,
    );
    return ctx.space.none();
  }
  const set = readAsaAddress(ctx.space, c, dir, ctx.names);
  return typeof set === "string" ? fail(set) : set;
}

function readPorts(c: Cursor, proto: ProtocolPart, dir: Direction, ctx: AceContext): PacketSet[] {
  if (proto.portProtos.length === 0) return [];
  if (c.peek() === "object-group" && ctx.objects.kindOf(c.line.words[c.i + 1] ?? "") === "ports") {
    c.take();
    return [ctx.objects.ports(c.take()!, dir, proto.portProtos)!];
  }
  const dialect = proto.portProtos.length === 1 && proto.portProtos[0] === PROTO.udp ? "udp" : "tcp";
  const ranges = readPortOp(c, dialect, false);
  if (ranges === undefined) return [];
  if (typeof ranges === "string") fail(ranges);
  return [portMatch(ctx.space, proto.portProtos, dir, ranges)];
}

function readIcmpPart(c: Cursor, proto: number, ctx: AceContext): PacketSet[] {
  if (c.peek() === "object-group") {
    c.take();
    const name = c.take() ?? fail(`"object-group" needs a name`);
    return [ctx.objects.icmpTypes(name, proto) ?? fail(`unknown icmp-type object-group "${name}"`)];
  }
  const msg = readIcmp(c, proto === PROTO.icmp ? 4 : 6);
  if (!msg) return [];
  const one = (v: number) => [{ lo: v, hi: v }];
  return [icmpMatch(ctx.space, proto, one(msg.type), msg.code === undefined ? undefined : one(msg.code))];
}

const LOG_LEVELS = new Set([
  "emergencies",
  "alerts",
  "critical",
  "errors",
  "warnings",
  "notifications",
  "informational",
  "debugging",
  "disable",
  "default",
]);

/**
 * The options after the match: logging, time range, "inactive". "never" for a deny with a time range (read as
 * never active, so it hides no opening).
 */
function readTrailer(c: Cursor, ctx: AceContext): "active" | "inactive" | "never" {
  let never = false;
  let active = true;
  while (!c.done()) {
    const at = c.i;
    const w = c.take()!.toLowerCase();
    if (w === "log") {
      const next = c.peek();
      if (next !== undefined && (LOG_LEVELS.has(next) || /^[0-7]$/.test(next))) c.take();
      if (c.accept("interval")) c.take();
    } else if (w === "time-range") {
      c.take();
      if (ctx.deny) never = true;
      else ctx.onWidened?.();
      ctx.problems.add(
        "config-unsupported",
        c.line,
        at,
        ctx.deny
          ? "Time range not modelled: this deny is read as never active, so it hides no opening"
          : "Time range ignored: the entry is read as always active",
      );
    } else if (w === "inactive") active = false;
    else fail(`unexpected "${c.line.words[at]}"`);
  }
  return !active ? "inactive" : never ? "never" : "active";
}
