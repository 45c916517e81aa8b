// IOS object-groups (network, v6-network, service, v6-service) as exact packet sets, nested groups included.

import type { Family } from "../../../net/address.js";
import { PROTO } from "../../../net/protocol.js";
import type { Direction, PacketSet, PacketSpace } from "../../../space/packet-set.js";
import { icmpMatch, portMatch, prefixMatch, protocolMatch, rangeMatch } from "../../match.js";
import type { ConfigLine, Stanza } from "../cisco-common/config-lines.js";
import { byteNumber, icmpMessage, protocolNumber } from "../cisco-common/names.js";
import {
  Cursor,
  ipv4Value,
  ipv6Prefix,
  maskLength,
  PORT_OPERATORS,
  type Problems,
  readPortOp,
} from "../cisco-common/tokens.js";

export type GroupKind = "network" | "service";

interface Group {
  readonly kind: GroupKind;
  readonly family: Family;
  readonly name: string;
  readonly members: readonly ConfigLine[];
}

/** The object-groups of a configuration, resolved on first use. */
export class IosObjects {
  private readonly groups = new Map<string, Group>();
  private readonly cache = new Map<string, PacketSet>();
  private readonly resolving = new Set<string>();

  constructor(
    private readonly space: PacketSpace,
    private readonly problems: Problems,
  ) {}

  /** Records an `object-group` stanza; false when the head is not one this reader knows. */
  add(stanza: Stanza): boolean {
    const kind = stanza.head.words[1]?.toLowerCase();
    const name = stanza.head.words[2];
    const known = { network: 4, "v6-network": 6, service: 4, "v6-service": 6 } as const;
    if (kind === undefined || !(kind in known) || name === undefined) return false;
    const family = known[kind as keyof typeof known];
    const groupKind: GroupKind = kind.endsWith("network") ? "network" : "service";
    this.groups.set(name, { kind: groupKind, family, name, members: stanza.children });
    return true;
  }

  kindOf(name: string): GroupKind | undefined {
    return this.groups.get(name)?.kind;
  }

  /** Packets whose source (or destination) is in the network group; undefined for an unknown group. */
  network(name: string, dir: Direction): PacketSet | undefined {
    return this.resolve(name, "network", dir);
  }

  /** Packets of the service group's protocols, ports and ICMP messages. */
  service(name: string): PacketSet | undefined {
    return this.resolve(name, "service", "dst");
  }

  private resolve(name: string, kind: GroupKind, dir: Direction): PacketSet | undefined {
    const g = this.groups.get(name);
    if (!g || g.kind !== kind) return undefined;
    const key = `${kind}|${dir}|${name}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    if (this.resolving.has(key)) return this.space.none();
    this.resolving.add(key);
    const parts = g.members.map((m) => this.member(g, m, dir));
    this.resolving.delete(key);
    const set = this.space.unionAll(parts);
    this.cache.set(key, set);
    return set;
  }

  private member(g: Group, m: ConfigLine, dir: Direction): PacketSet {
    const first = m.words[0]!.toLowerCase();
    if (first === "description") return this.space.none();
    if (first === "group-object") {
      const inner = m.words[1] ?? "";
      const key = `${g.kind}|${dir}|${inner}`;
      if (this.resolving.has(key)) {
        this.problems.add("config-syntax", m, 1, `Object-group "${inner}" contains itself`);
        return this.space.none();
      }
      const set = this.resolve(inner, g.kind, dir);
      if (set === undefined)
        this.problems.add("config-syntax", m, 1, `Unknown ${g.kind} object-group "${inner}"`);
      return set ?? this.space.none();
    }
    const set = g.kind === "network" ? this.address(g.family, m, dir) : this.serviceLine(g.family, m);
    if (typeof set === "string") {
      this.problems.add("config-syntax", m, 0, `Cannot read object-group "${g.name}" member: ${set}`);
      return this.space.none();
    }
    return set;
  }

  private address(family: Family, m: ConfigLine, dir: Direction): PacketSet | string {
    const s = this.space;
    const w = m.words.map((x) => x.toLowerCase());
    if (w[0] === "any" && w.length === 1) return s.family(family);
    if (family === 4) {
      if (w[0] === "host" && ipv4Value(w[1]) !== undefined && w.length === 2)
        return prefixMatch(s, dir, [{ family: 4, value: ipv4Value(w[1])!, length: 32 }]);
      if (w[0] === "range" && w.length === 3) {
        const lo = ipv4Value(w[1]);
        const hi = ipv4Value(w[2]);
        if (lo !== undefined && hi !== undefined) return lo <= hi ? rangeMatch(s, dir, 4, lo, hi) : s.none();
      }
      const addr = ipv4Value(w[0]?.split("/")[0]);
      const len = w[0]?.includes("/") ? Number(w[0].split("/")[1]) : maskLength(ipv4Value(w[1]) ?? -1n);
      if (addr !== undefined && len !== undefined && Number.isInteger(len) && len >= 0 && len <= 32) {
        const mask = ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - len)) - 1n);
        return prefixMatch(s, dir, [{ family: 4, value: addr & mask, length: len }]);
      }
      return `"${m.text}" is not "host A", "A MASK", "range A B" or "any"`;
    }
    const p = w[0] === "host" ? ipv6Prefix(w[1]) : ipv6Prefix(w[0]);
    if (p && w.length === (w[0] === "host" ? 2 : 1)) return prefixMatch(s, dir, [p]);
    return `"${m.text}" is not "host X", "X/LEN" or "any"`;
  }

  /** One service member: "tcp eq 22", "tcp source range 1 1023 eq 80", "udp domain", "icmp echo", "gre". */
  private serviceLine(family: Family, m: ConfigLine): PacketSet | string {
    const s = this.space;
    const c = new Cursor(m);
    const word = c.take()!.toLowerCase();
    if (word === "ip" || word === "ipv6") return c.done() ? s.all() : `unexpected "${c.peek()}"`;
    const icmp = family === 4 ? PROTO.icmp : PROTO.icmpv6;
    if (word === "tcp" || word === "udp" || word === "tcp-udp") return this.portService(word, c);
    const proto = protocolNumber(word, family === 4 ? "ios4" : "ios6");
    if (proto === undefined) return `unknown protocol "${word}"`;
    if (proto === icmp && !c.done()) {
      const name = c.take()!;
      const msg = icmpMessage(name, family) ?? { type: byteNumber(name) ?? -1 };
      if (msg.type < 0) return `unknown ICMP message "${name}"`;
      const code = msg.code ?? (c.done() ? undefined : byteNumber(c.take()!));
      const r = (v: number | undefined) => (v === undefined ? undefined : [{ lo: v, hi: v }]);
      return c.done() ? icmpMatch(s, icmp, r(msg.type), r(code)) : `unexpected "${c.peek()}"`;
    }
    return c.done() ? protocolMatch(s, [{ lo: proto, hi: proto }]) : `unexpected "${c.peek()}"`;
  }

  private portService(word: "tcp" | "udp" | "tcp-udp", c: Cursor): PacketSet | string {
    const protos = word === "tcp" ? [PROTO.tcp] : word === "udp" ? [PROTO.udp] : [PROTO.tcp, PROTO.udp];
    const read = () => {
      // A bare port means "eq": "tcp smtp", "tcp source 2000 ftp".
      const next = c.peek();
      if (next !== undefined && !PORT_OPERATORS.has(next) && next !== "source") return readBare(c, word);
      return readPortOp(c, word, true);
    };
    let set = protocolMatch(
      this.space,
      protos.map((p) => ({ lo: p, hi: p })),
    );
    if (c.accept("source")) {
      const src = read();
      if (typeof src !== "object") return src ?? `"source" needs a port operator`;
      set = set.intersect(portMatch(this.space, protos, "src", src));
    }
    if (!c.done()) {
      const dst = read();
      if (typeof dst !== "object") return dst ?? `unexpected "${c.peek()}"`;
      set = set.intersect(portMatch(this.space, protos, "dst", dst));
    }
    return c.done() ? set : `unexpected "${c.peek()}"`;
  }
}

function readBare(c: Cursor, word: "tcp" | "udp" | "tcp-udp") {
  const w = c.take()!;
  const probe = new Cursor({ ...c.line, words: ["eq", w], columns: [0, 0] });
  return readPortOp(probe, word, false);
}
