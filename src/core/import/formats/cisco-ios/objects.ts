// Cisco object-groups as exact packet sets, nested groups included: IOS network, v6-network, service,
// v6-service, protocol and `ip port`; NX-OS `ip address`, `ipv6 address` and `ip port` (members may carry
// sequence numbers there).

import type { Family } from "../../../net/address.js";
import { PROTO } from "../../../net/protocol.js";
import type { Direction, PacketSet, PacketSpace } from "../../../space/packet-set.js";
import { icmpMatch, portMatch, prefixMatch, protocolMatch, type Range, rangeMatch } from "../../match.js";
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
  wildcardSet,
} from "../cisco-common/tokens.js";

export type GroupKind = "network" | "service" | "port" | "protocol";

/** The head words of each group type ("object-group ip address NAME" → ["ip", "address"]). */
const KINDS: readonly {
  words: readonly string[];
  kind: GroupKind;
  family: Family;
  wildcard?: boolean;
}[] = [
  { words: ["network", "ipv4"], kind: "network", family: 4 },
  { words: ["network", "ipv6"], kind: "network", family: 6 },
  { words: ["network"], kind: "network", family: 4 },
  { words: ["v6-network"], kind: "network", family: 6 },
  { words: ["ip", "address"], kind: "network", family: 4, wildcard: true },
  { words: ["ipv6", "address"], kind: "network", family: 6, wildcard: true },
  { words: ["service"], kind: "service", family: 4 },
  { words: ["v6-service"], kind: "service", family: 6 },
  { words: ["ip", "port"], kind: "port", family: 4 },
  { words: ["port"], kind: "port", family: 4 },
  { words: ["protocol"], kind: "protocol", family: 4 },
];

interface Group {
  readonly kind: GroupKind;
  /** Masks of members are wildcards (NX-OS `ip address` groups), not netmasks. */
  readonly wildcard?: boolean;
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

  /**
   * Records an `object-group` stanza; false when the head is not one this reader knows. A group defined twice
   * keeps its members from both stanzas, as the device merges them.
   */
  add(stanza: Stanza): boolean {
    const w = stanza.head.words.map((x) => x.toLowerCase());
    const known = KINDS.find((k) => k.words.every((word, i) => w[1 + i] === word));
    const name = known && stanza.head.words[1 + known.words.length];
    if (!known || name === undefined) return false;
    const before = this.groups.get(name)?.members ?? [];
    this.groups.set(name, { ...known, name, members: [...before, ...stanza.children] });
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

  /** Packets of the protocol group's protocols. */
  protocols(name: string): PacketSet | undefined {
    return this.resolve(name, "protocol", "dst");
  }

  /** The ports of a port group (`object-group ip port`); undefined for an unknown group. */
  ports(name: string): Range[] | undefined {
    const g = this.groups.get(name);
    if (!g || g.kind !== "port") return undefined;
    const out: Range[] = [];
    for (const m of g.members) {
      const c = new Cursor(m, /^[0-9]+$/.test(m.words[0] ?? "") ? 1 : 0);
      if (c.peek() === "description" || c.done()) continue;
      const ranges = readPortOp(c, "tcp-udp", false);
      if (typeof ranges === "object" && c.done()) out.push(...ranges);
      else
        this.problems.add(
          "config-syntax",
          m,
          c.i,
          `Cannot read port object-group "${name}" member "${m.text}"`,
        );
    }
    return out;
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

  private member(g: Group, full: ConfigLine, dir: Direction): PacketSet {
    // NX-OS numbers members: "10 host 10.0.0.1".
    const m = /^[0-9]+$/.test(full.words[0] ?? "") && full.words.length > 1 ? dropFirstWord(full) : full;
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
    const set =
      g.kind === "network"
        ? this.address(g, m, dir)
        : g.kind === "protocol"
          ? this.protocolLine(m)
          : this.serviceLine(g.family, m);
    if (typeof set === "string") {
      this.problems.add("config-syntax", m, 0, `Cannot read object-group "${g.name}" member: ${set}`);
      return this.space.none();
    }
    return set;
  }

  private address(g: Group, m: ConfigLine, dir: Direction): PacketSet | string {
    const family = g.family;
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
      // NX-OS address groups write "A WILDCARD" where IOS network groups write "A NETMASK".
      if (g.wildcard && w.length === 2 && ipv4Value(w[0]) !== undefined && ipv4Value(w[1]) !== undefined)
        return wildcardSet(s, dir, ipv4Value(w[0])!, ipv4Value(w[1])!);
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

  /** One protocol member: "protocol-object tcp", "tcp", "47". */
  private protocolLine(m: ConfigLine): PacketSet | string {
    const w = m.words.map((x) => x.toLowerCase());
    const word = w[0] === "protocol-object" ? w[1] : w[0];
    if (word === "ip") return this.space.all();
    const n = word === undefined ? undefined : protocolNumber(word, "ios4");
    if (n === undefined || w.length !== (w[0] === "protocol-object" ? 2 : 1))
      return `"${m.text}" is not a protocol`;
    return protocolMatch(this.space, [{ lo: n, hi: n }]);
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

function dropFirstWord(l: ConfigLine): ConfigLine {
  return { ...l, words: l.words.slice(1), columns: l.columns.slice(1) };
}

function readBare(c: Cursor, word: "tcp" | "udp" | "tcp-udp") {
  const w = c.take()!;
  const probe = new Cursor({ ...c.line, words: ["eq", w], columns: [0, 0] });
  return readPortOp(probe, word, false);
}
