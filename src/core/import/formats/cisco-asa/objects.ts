// ASA objects and object-groups (network, service, protocol, icmp-type; nested with group-object) as exact
// packet sets; typed service groups ("object-group service X tcp") as port ranges.

import { PROTO } from "../../../net/protocol.js";
import type { Direction, PacketSet, PacketSpace } from "../../../space/packet-set.js";
import { icmpMatch, portMatch, protocolMatch, type Range, rangeMatch } from "../../match.js";
import type { ConfigLine, Stanza } from "../cisco-common/config-lines.js";
import { byteNumber, type IcmpMessage, icmpMessage, protocolNumber } from "../cisco-common/names.js";
import { Cursor, type Problems, readPortOp } from "../cisco-common/tokens.js";
import { asaHost, type AsaNames, readAsaAddress } from "./address.js";

/** The kinds of named objects; ASA gives objects and object-groups one namespace. */
export type ObjectKind = "network" | "service" | "ports" | "protocol" | "icmp-type";

interface Named {
  readonly kind: ObjectKind;
  readonly name: string;
  /** Typed service groups: the protocol their ports belong to. */
  readonly portProto?: "tcp" | "udp" | "tcp-udp";
  /** An `object-group` (members) rather than an `object` (one definition). */
  readonly group: boolean;
  readonly lines: readonly ConfigLine[];
}

class ObjectError {
  constructor(readonly message: string) {}
}

function fail(message: string): never {
  throw new ObjectError(message);
}

const GROUP_KINDS: Readonly<Record<string, ObjectKind>> = {
  network: "network",
  service: "service",
  protocol: "protocol",
  "icmp-type": "icmp-type",
};

/** The objects of a configuration, resolved on first use. */
export class AsaObjects {
  private readonly named = new Map<string, Named>();
  private readonly cache = new Map<string, PacketSet>();
  private readonly resolving = new Set<string>();

  constructor(
    private readonly space: PacketSpace,
    private readonly problems: Problems,
    private readonly names: AsaNames,
  ) {}

  /** Records an `object` or `object-group` stanza; false when its type is not modelled. */
  add(stanza: Stanza): boolean {
    const w = stanza.head.words.map((x) => x.toLowerCase());
    const name = stanza.head.words[2];
    const group = w[0] === "object-group";
    let kind = group ? GROUP_KINDS[w[1] ?? ""] : w[1] === "network" || w[1] === "service" ? w[1] : undefined;
    if (kind === undefined || name === undefined) return false;
    const typed = w[3];
    const portProto = typed === "tcp" || typed === "udp" || typed === "tcp-udp" ? typed : undefined;
    if (group && kind === "service" && portProto) kind = "ports";
    this.named.set(name, { kind, name, group, lines: stanza.children, ...(portProto && { portProto }) });
    return true;
  }

  kindOf(name: string): ObjectKind | undefined {
    return this.named.get(name)?.kind;
  }

  /** Packets whose source (or destination) is in the network object or group. */
  network(name: string, dir: Direction): PacketSet | undefined {
    return this.resolve(name, "network", dir);
  }

  /** Packets of a service object or untyped service group: protocols, ports, ICMP messages. */
  service(name: string): PacketSet | undefined {
    return this.resolve(name, "service", "dst");
  }

  /** Packets of the protocol group's protocols. */
  protocols(name: string): PacketSet | undefined {
    return this.resolve(name, "protocol", "dst");
  }

  /** Packets of the protocols whose source (or destination) port is in the typed service group. */
  ports(name: string, dir: Direction, protos: readonly number[]): PacketSet | undefined {
    const n = this.named.get(name);
    if (!n || n.kind !== "ports") return undefined;
    return portMatch(
      this.space,
      protos,
      dir,
      this.collect(n, new Set(), (c) => this.portObject(n, c)),
    );
  }

  /** ICMP (or ICMPv6, by `proto`) packets of the icmp-type group's messages. */
  icmpTypes(name: string, proto: number): PacketSet | undefined {
    const n = this.named.get(name);
    if (!n || n.kind !== "icmp-type") return undefined;
    const family = proto === PROTO.icmp ? 4 : 6;
    const messages = this.collect(n, new Set(), (c) => {
      if (c.take()?.toLowerCase() !== "icmp-object") fail("unknown member");
      return [readIcmp(c, family) ?? fail("the ICMP type is missing")];
    });
    const one = (v: number) => [{ lo: v, hi: v }];
    const sets = messages.map((m) =>
      icmpMatch(this.space, proto, one(m.type), m.code === undefined ? undefined : one(m.code)),
    );
    return this.space.unionAll(sets);
  }

  private resolve(name: string, kind: ObjectKind, dir: Direction): PacketSet | undefined {
    const n = this.named.get(name);
    if (!n || n.kind !== kind) return undefined;
    const key = `${kind}|${dir}|${name}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    if (this.resolving.has(key)) return this.space.none();
    this.resolving.add(key);
    const parts = n.lines.map((l) => this.memberSet(n, l, dir));
    this.resolving.delete(key);
    const set = this.space.unionAll(parts);
    this.cache.set(key, set);
    return set;
  }

  private memberSet(n: Named, line: ConfigLine, dir: Direction): PacketSet {
    const c = new Cursor(line);
    const first = c.peek();
    if (first === "description" || (first === "nat" && !n.group)) return this.space.none();
    try {
      const set = first === "group-object" && n.group ? this.nested(n, c, dir) : this.member(n, c, dir);
      if (!c.done()) fail(`unexpected "${c.peek()}"`);
      return set;
    } catch (e) {
      if (!(e instanceof ObjectError)) throw e;
      this.problems.add("config-syntax", line, c.i, `Cannot read "${n.name}": ${e.message}`);
      return this.space.none();
    }
  }

  private nested(n: Named, c: Cursor, dir: Direction): PacketSet {
    c.take();
    const inner = c.take() ?? fail("the group name is missing");
    if (this.resolving.has(`${n.kind}|${dir}|${inner}`)) fail(`"${inner}" contains itself`);
    return this.resolve(inner, n.kind, dir) ?? fail(`unknown ${n.kind} object-group "${inner}"`);
  }

  private member(n: Named, c: Cursor, dir: Direction): PacketSet {
    const w = c.take()!.toLowerCase();
    if (n.kind === "network") return this.networkMember(n, w, c, dir);
    if (n.kind === "service") {
      if (w !== (n.group ? "service-object" : "service")) fail(`unknown member "${w}"`);
      return this.serviceMember(c);
    }
    if (n.kind !== "protocol" || w !== "protocol-object") fail(`unknown member "${w}"`);
    const p = c.take() ?? fail("the protocol is missing");
    if (p.toLowerCase() === "ip") return this.space.all();
    const num = protocolNumber(p, "asa") ?? fail(`unknown protocol "${p}"`);
    return protocolMatch(this.space, [{ lo: num, hi: num }]);
  }

  private networkMember(n: Named, w: string, c: Cursor, dir: Direction): PacketSet {
    const address = () => {
      const set = readAsaAddress(this.space, c, dir, this.names);
      return typeof set === "string" ? fail(set) : set;
    };
    if (n.group) {
      if (w !== "network-object") fail(`unknown member "${w}"`);
      if (!c.accept("object")) return address();
      const inner = c.take() ?? fail("the object name is missing");
      return this.resolve(inner, "network", dir) ?? fail(`unknown network object "${inner}"`);
    }
    if (w === "host") c.i--;
    if (w === "host" || w === "subnet") return address();
    if (w === "range") {
      const lo = asaHost(c.take(), this.names);
      const hi = asaHost(c.take(), this.names);
      if (!lo || !hi || lo.family !== hi.family) fail(`"range" needs two addresses of one family`);
      return lo.value <= hi.value
        ? rangeMatch(this.space, dir, lo.family, lo.value, hi.value)
        : this.space.none();
    }
    if (w !== "fqdn") fail(`unknown member "${w}"`);
    this.problems.add(
      "config-unsupported",
      c.line,
      0,
      `FQDN object "${n.name}" is read as matching no address`,
    );
    c.i = c.line.words.length;
    return this.space.none();
  }

  /** "tcp [source OP] [destination OP]", "tcp eq 80" (destination), "icmp [TYPE [CODE]]", "gre", "object X". */
  private serviceMember(c: Cursor): PacketSet {
    const s = this.space;
    const p = (c.take() ?? fail("the protocol is missing")).toLowerCase();
    if (p === "object") {
      const inner = c.take() ?? fail("the object name is missing");
      return this.resolve(inner, "service", "dst") ?? fail(`unknown service object "${inner}"`);
    }
    if (p === "ip") return s.all();
    if (p === "tcp" || p === "udp" || p === "tcp-udp" || p === "sctp") return this.portService(p, c);
    const num = protocolNumber(p, "asa") ?? fail(`unknown protocol "${p}"`);
    if (num !== PROTO.icmp && num !== PROTO.icmpv6) return protocolMatch(s, [{ lo: num, hi: num }]);
    const msg = readIcmp(c, num === PROTO.icmp ? 4 : 6);
    const one = (v: number) => [{ lo: v, hi: v }];
    if (!msg) return icmpMatch(s, num);
    return icmpMatch(s, num, one(msg.type), msg.code === undefined ? undefined : one(msg.code));
  }

  private portService(p: "tcp" | "udp" | "tcp-udp" | "sctp", c: Cursor): PacketSet {
    const protos = p === "tcp" ? [6] : p === "udp" ? [17] : p === "sctp" ? [132] : [6, 17];
    let set = protocolMatch(
      this.space,
      protos.map((x) => ({ lo: x, hi: x })),
    );
    const side = (dir: Direction) => {
      const ranges = readPortOp(c, p === "sctp" ? "tcp" : p, false);
      if (typeof ranges !== "object") fail(ranges ?? "a port operator is missing");
      set = set.intersect(portMatch(this.space, protos, dir, ranges));
    };
    if (c.accept("source")) side("src");
    if (c.accept("destination") || !c.done()) side("dst");
    return set;
  }

  private portObject(n: Named, c: Cursor): Range[] {
    if (c.take()?.toLowerCase() !== "port-object") fail("unknown member");
    const r = readPortOp(c, n.portProto ?? "tcp", false);
    return typeof r === "object" ? r : fail(r ?? "a port operator is missing");
  }

  /** The members of a group of values (ports, ICMP messages), nested groups included, each read by `read`. */
  private collect<T>(n: Named, seen: Set<string>, read: (c: Cursor) => T[]): T[] {
    if (seen.has(n.name)) return [];
    seen.add(n.name);
    const out: T[] = [];
    for (const line of n.lines) {
      const c = new Cursor(line);
      if (c.peek() === "description") continue;
      try {
        if (c.accept("group-object")) {
          const inner = this.named.get(c.take() ?? "");
          if (!inner || inner.kind !== n.kind) fail(`unknown ${n.kind} group "${line.words[1] ?? ""}"`);
          out.push(...this.collect(inner, seen, read));
        } else out.push(...read(c));
        if (!c.done()) fail(`unexpected "${c.peek()}"`);
      } catch (e) {
        if (!(e instanceof ObjectError)) throw e;
        this.problems.add("config-syntax", line, c.i, `Cannot read "${n.name}": ${e.message}`);
      }
    }
    return out;
  }
}

/** "echo", "3 4", "unreachable 1": an ICMP message (consumed), or undefined when the next word is none. */
export function readIcmp(c: Cursor, family: 4 | 6): IcmpMessage | undefined {
  const word = c.peek();
  if (word === undefined) return undefined;
  const named = icmpMessage(word, family);
  const type = named?.type ?? byteNumber(word);
  if (type === undefined) return undefined;
  c.take();
  let code = named?.code;
  const next = c.peek();
  if (code === undefined && next !== undefined && byteNumber(next) !== undefined) {
    c.take();
    code = byteNumber(next);
  }
  return code === undefined ? { type } : { type, code };
}
