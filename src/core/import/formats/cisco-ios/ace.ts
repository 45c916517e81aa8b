// One IOS access-list entry (extended IPv4, IPv6, or standard) as the exact set of new connections it matches.

import type { Family } from "../../../net/address.js";
import { hasPorts, PROTO } from "../../../net/protocol.js";
import type { Direction, PacketSet, PacketSpace } from "../../../space/packet-set.js";
import { allOf, icmpMatch, portMatch, prefixMatch, protocolMatch } from "../../match.js";
import { byteNumber, icmpMessage, protocolNumber } from "../cisco-common/names.js";
import {
  type Cursor,
  ipv4Value,
  ipv6Prefix,
  PORT_OPERATORS,
  portDialect,
  type Problems,
  readPortOp,
  wildcardSet,
} from "../cisco-common/tokens.js";
import type { IosObjects } from "./objects.js";

export interface AceContext {
  readonly space: PacketSpace;
  readonly objects: IosObjects;
  readonly problems: Problems;
  /**
   * The entry denies. A condition Rampart does not model then makes the entry match nothing (a deny that
   * may match less never hides an opening); in a permit it is read as matching every value.
   */
  readonly deny?: boolean;
  /** Called when a permit's match is read wider than the entry, a condition being left out of it. */
  readonly onWidened?: () => void;
}

/** A reason the entry cannot be read, at the word where reading stopped. */
class AceError {
  constructor(readonly message: string) {}
}

function fail(message: string): never {
  throw new AceError(message);
}

/**
 * The new connections an extended entry matches, from the protocol word on; undefined (with a diagnostic)
 * when the entry cannot be read.
 */
export function readExtendedAce(c: Cursor, family: Family, ctx: AceContext): PacketSet | undefined {
  try {
    const { set: proto, number } = readProtocol(c, family, ctx);
    const parts = [ctx.space.family(family), proto];
    parts.push(readAddress(c, family, "src", ctx));
    if (number !== undefined && hasPorts(number)) parts.push(...portPart(c, number, "src", ctx));
    parts.push(readAddress(c, family, "dst", ctx));
    if (number !== undefined && hasPorts(number)) parts.push(...portPart(c, number, "dst", ctx));
    const icmp = family === 4 ? PROTO.icmp : PROTO.icmpv6;
    if (number === icmp) parts.push(...icmpPart(c, family, ctx.space));
    if (number === PROTO.igmp && !igmpPart(c, ctx)) parts.push(ctx.space.none());
    if (!readTrailer(c, number, ctx)) parts.push(ctx.space.none());
    return allOf(ctx.space, parts);
  } catch (e) {
    if (!(e instanceof AceError)) throw e;
    ctx.problems.add("config-syntax", c.line, c.i, `Cannot read access-list entry: ${e.message}`);
    return undefined;
  }
}

/** A standard entry: the source address only ("10.1.0.0 0.0.255.255", "host A", "any", "A"). */
export function readStandardAce(c: Cursor, family: Family, ctx: AceContext): PacketSet | undefined {
  try {
    const first = c.peek();
    let src: PacketSet;
    const value = ipv4Value(first);
    if (family === 4 && value !== undefined && ipv4Value(c.line.words[c.i + 1]) === undefined) {
      c.take();
      src = prefixMatch(ctx.space, "src", [{ family: 4, value, length: 32 }]);
    } else src = readAddress(c, family, "src", ctx);
    if (!readTrailer(c, undefined, ctx)) return ctx.space.none();
    return src.intersect(ctx.space.family(family));
  } catch (e) {
    if (!(e instanceof AceError)) throw e;
    ctx.problems.add("config-syntax", c.line, c.i, `Cannot read access-list entry: ${e.message}`);
    return undefined;
  }
}

function readProtocol(c: Cursor, family: Family, ctx: AceContext): { set: PacketSet; number?: number } {
  const word = c.take();
  if (word === undefined) fail("the protocol is missing");
  const w = word.toLowerCase();
  if (w === (family === 4 ? "ip" : "ipv6")) return { set: ctx.space.all() };
  if (w === "object-group") {
    const name = c.take() ?? fail("the object-group name is missing");
    const set = ctx.objects.service(name) ?? ctx.objects.protocols(name);
    return { set: set ?? fail(`unknown service or protocol object-group "${name}"`) };
  }
  const n = protocolNumber(w, family === 4 ? "ios4" : "ios6");
  if (n === undefined) fail(`unknown protocol "${word}"`);
  return { set: protocolMatch(ctx.space, [{ lo: n, hi: n }]), number: n };
}

function readAddress(c: Cursor, family: Family, dir: Direction, ctx: AceContext): PacketSet {
  const s = ctx.space;
  const word = c.take() ?? fail(`the ${dir === "src" ? "source" : "destination"} is missing`);
  const w = word.toLowerCase();
  if (w === "any") return s.family(family);
  // IOS writes "object-group NAME"; IOS XE and NX-OS "addrgroup NAME"; Aerleon's IOS output "net-group NAME".
  if (w === "object-group" || w === "addrgroup" || w === "net-group") {
    const name = c.take() ?? fail("the object-group name is missing");
    return ctx.objects.network(name, dir) ?? fail(`unknown network object-group "${name}"`);
  }
  if (family === 4 && word.includes("/")) {
    const [addr, len] = word.split("/");
    const value = ipv4Value(addr);
    if (value === undefined || !/^[0-9]{1,2}$/.test(len ?? "") || Number(len) > 32)
      fail(`"${word}" is not an IPv4 prefix`);
    // Host bits are ignored, as the devices do.
    const wildcard = (1n << BigInt(32 - Number(len))) - 1n;
    return wildcardSet(s, dir, value & ~wildcard, wildcard);
  }
  if (family === 6) {
    const p = ipv6Prefix(w === "host" ? c.take() : word);
    if (!p || (w === "host" && p.length !== 128)) fail(`"${word}" is not an IPv6 address or prefix`);
    return prefixMatch(s, dir, [p]);
  }
  if (w === "host") {
    const v = ipv4Value(c.take()) ?? fail(`"host" needs an IPv4 address`);
    return prefixMatch(s, dir, [{ family: 4, value: v, length: 32 }]);
  }
  const value = ipv4Value(word) ?? fail(`"${word}" is not "any", "host A", "A WILDCARD" or an object-group`);
  const wildcard = ipv4Value(c.take()) ?? fail(`the address "${word}" needs a wildcard mask`);
  return wildcardSet(s, dir, value, wildcard);
}

function portPart(c: Cursor, proto: number, dir: Direction, ctx: AceContext): PacketSet[] {
  if (c.peek() === "portgroup" || c.peek() === "port-group") {
    c.take();
    const name = c.take() ?? fail("the port group name is missing");
    const ports = ctx.objects.ports(name) ?? fail(`unknown port object-group "${name}"`);
    return [portMatch(ctx.space, [proto], dir, ports)];
  }
  const ranges = readPortOp(c, portDialect(proto), true);
  if (ranges === undefined) return [];
  if (typeof ranges === "string") fail(ranges);
  return [portMatch(ctx.space, [proto], dir, ranges)];
}

/** The ICMP type and code after the destination: numbers, or a message name. */
function icmpPart(c: Cursor, family: Family, space: PacketSpace): PacketSet[] {
  const proto = family === 4 ? PROTO.icmp : PROTO.icmpv6;
  const word = c.peek();
  if (word === undefined) return [];
  const one = (v: number) => [{ lo: v, hi: v }];
  const msg = icmpMessage(word, family);
  if (msg) {
    c.take();
    return [icmpMatch(space, proto, one(msg.type), msg.code === undefined ? undefined : one(msg.code))];
  }
  const type = byteNumber(word);
  if (type === undefined) return [];
  c.take();
  const code = byteNumber(c.peek() ?? "");
  if (code !== undefined) c.take();
  return [icmpMatch(space, proto, one(type), code === undefined ? undefined : one(code))];
}

const IGMP_MESSAGES = new Set([
  "dvmrp",
  "host-query",
  "host-report",
  "pim",
  "trace",
  "v2-leave",
  "v2-report",
  "v3-report",
]);

/**
 * An IGMP message type after the destination: not modelled (the space has no IGMP type), reported; a deny
 * with one matches nothing. False when the entry then matches nothing.
 */
function igmpPart(c: Cursor, ctx: AceContext): boolean {
  const word = c.peek();
  if (word === undefined || (!IGMP_MESSAGES.has(word) && byteNumber(word) === undefined)) return true;
  ctx.problems.add(
    "config-unsupported",
    c.line,
    c.i,
    ctx.deny
      ? `IGMP type "${word}" not modelled: this deny is read as matching nothing, so it hides no opening`
      : `IGMP type "${word}" ignored: read as any IGMP message`,
  );
  c.take();
  return !ctx.deny;
}

/** Words that never match a new connection: TCP flags of later packets, non-initial fragments. */
const NO_NEW_CONNECTION = new Set(["established", "ack", "rst", "fin", "psh", "urg", "fragments"]);
/** Words whose match conditions Rampart does not model, with how many values follow them. */
const UNMODELLED: Readonly<Record<string, number>> = {
  precedence: 1,
  tos: 1,
  dscp: 1,
  option: 1,
  "flow-label": 1,
  "dest-option": 0,
  routing: 0,
  "routing-type": 1,
  mobility: 0,
  "mobility-type": 1,
  hbh: 0,
  "undetermined-transport": 0,
  "match-any": 0,
  "match-all": 0,
  // NX-OS
  "tcp-flags-mask": 1,
  "tcp-option-length": 1,
  "http-method": 1,
  vlan: 1,
  "set-erspan-dscp": 1,
  "set-erspan-gre-proto": 1,
};

/**
 * The options after the addresses, ports and ICMP message. False when they make the entry match no new
 * connection (`established`, `fragments` ...), or when a deny carries a condition Rampart does not model.
 */
function readTrailer(c: Cursor, proto: number | undefined, ctx: AceContext): boolean {
  let matches = true;
  while (!c.done()) {
    const at = c.i;
    const w = c.take()!.toLowerCase();
    if (NO_NEW_CONNECTION.has(w) && (w === "fragments" || proto === PROTO.tcp)) matches = false;
    else if (w === "syn" && proto === PROTO.tcp) continue;
    else if (w === "log" || w === "log-input") {
      // An optional cookie word follows "log"; it never collides with an option keyword.
      if (c.peek() !== undefined && !isOption(c.peek()!)) c.take();
    } else if (w === "sequence") c.take();
    else if (w === "time-range") {
      c.take();
      if (ctx.deny) matches = false;
      else ctx.onWidened?.();
      ctx.problems.add(
        "config-unsupported",
        c.line,
        at,
        ctx.deny
          ? "Time range not modelled: this deny is read as never active, so it hides no opening"
          : "Time range ignored: the entry is read as always active",
      );
    } else if (w === "reflect") {
      c.take();
      if (c.accept("timeout")) c.take();
    } else {
      const what = skipUnmodelled(c, w);
      if (what === undefined) fail(`unexpected "${w}"`);
      if (ctx.deny) matches = false;
      else ctx.onWidened?.();
      ctx.problems.add(
        "config-unsupported",
        c.line,
        at,
        ctx.deny
          ? `${what} not modelled: this deny is read as matching nothing, so it hides no opening`
          : `${what} ignored: read as matching every value`,
      );
    }
  }
  return matches;
}

/**
 * Consumes a condition Rampart does not model, with its values, and names it for the report; undefined
 * when `w` is no such condition.
 */
function skipUnmodelled(c: Cursor, w: string): string | undefined {
  if (w === "ttl" || w === "packet-length") {
    // IOS: "ttl eq 5", "ttl range 1 5"; NX-OS: "ttl 5", "packet-length gt 300".
    const op = c.take()?.toLowerCase() ?? "";
    if (PORT_OPERATORS.has(op)) c.take();
    if (op === "range") c.take();
    return w === "ttl" ? "TTL condition" : "Packet length condition";
  }
  if (w === "nve" && c.peek() === "vni") {
    c.take();
    c.take();
    return "VXLAN VNI condition";
  }
  if (w === "udf") {
    while (!c.done()) c.take();
    return "UDF match";
  }
  if (w in UNMODELLED || /^[+-]/.test(w)) {
    for (let k = 0; k < (UNMODELLED[w] ?? 0); k++) c.take();
    return `Condition "${w}"`;
  }
  return undefined;
}

function isOption(word: string): boolean {
  return (
    NO_NEW_CONNECTION.has(word) ||
    word in UNMODELLED ||
    ["syn", "log", "log-input", "sequence", "time-range", "reflect", "ttl"].includes(word)
  );
}
