import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAddress } from "../net/address.js";
import { parsePrefix, prefixContains, type Prefix } from "../net/prefix.js";
import { PROTO } from "../net/protocol.js";
import type { Packet } from "./packet.js";
import { PacketSpace, type PacketSet } from "./packet-set.js";
import { boxToSet, decompose, summarize } from "./summarize.js";

// A small universe that a brute-force model can enumerate: a few addresses of each family, ports 0-7 (source
// 0-1), ICMP types 0-3 and codes 0-1, and four protocols.
const V4 = parsePrefix("10.0.0.0/30");
const V6 = parsePrefix("2001:db8::/126");
const PROTOS = [PROTO.tcp, PROTO.udp, PROTO.icmp, PROTO.gre, PROTO.icmpv6];

function universe(): Packet[] {
  const out: Packet[] = [];
  for (const net of [V4, V6]) {
    for (let s = 0n; s < 4n; s++)
      for (let d = 0n; d < 4n; d++)
        for (const proto of PROTOS) {
          const base = { family: net.family, src: net.value + s, dst: net.value + d, proto };
          if (proto === PROTO.tcp || proto === PROTO.udp) {
            for (let sport = 0; sport < 2; sport++)
              for (let dport = 0; dport < 8; dport++)
                out.push({ ...base, sport, dport, icmpType: 0, icmpCode: 0 });
          } else if (proto === PROTO.icmp || proto === PROTO.icmpv6) {
            for (let t = 0; t < 4; t++)
              for (let c = 0; c < 2; c++) out.push({ ...base, sport: 0, dport: 0, icmpType: t, icmpCode: c });
          } else out.push({ ...base, sport: 0, dport: 0, icmpType: 0, icmpCode: 0 });
        }
  }
  return out;
}
const U = universe();

type Expr =
  | { k: "all" }
  | { k: "none" }
  | { k: "family"; f: 4 | 6 }
  | { k: "prefix"; dir: "src" | "dst"; p: string }
  | { k: "proto"; p: number }
  | { k: "ports"; p: number; dir: "src" | "dst"; lo: number; hi: number }
  | { k: "icmp"; p: number; t: number; c?: number }
  | { k: "union" | "inter" | "minus"; a: Expr; b: Expr }
  | { k: "not"; a: Expr };

const prefixes = [
  "0.0.0.0/0",
  "10.0.0.0/8",
  "10.0.0.0/30",
  "10.0.0.0/31",
  "10.0.0.2/31",
  "10.0.0.1",
  "10.0.0.2",
  "10.0.0.4/30",
  "::/0",
  "2001:db8::/32",
  "2001:db8::/126",
  "2001:db8::2/127",
  "2001:db8::3",
  "2001:db8::1:0/112",
];

const atom: fc.Arbitrary<Expr> = fc.oneof(
  fc.constant<Expr>({ k: "all" }),
  fc.constant<Expr>({ k: "none" }),
  fc.constantFrom<4 | 6>(4, 6).map((f): Expr => ({ k: "family", f })),
  fc
    .record({ dir: fc.constantFrom<"src" | "dst">("src", "dst"), p: fc.constantFrom(...prefixes) })
    .map((r): Expr => ({ k: "prefix", ...r })),
  fc.constantFrom(...PROTOS).map((p): Expr => ({ k: "proto", p })),
  fc
    .record({
      p: fc.constantFrom(PROTO.tcp, PROTO.udp),
      dir: fc.constantFrom<"src" | "dst">("src", "dst"),
      a: fc.integer({ min: 0, max: 9 }),
      b: fc.integer({ min: 0, max: 9 }),
    })
    .map((r): Expr => ({ k: "ports", p: r.p, dir: r.dir, lo: Math.min(r.a, r.b), hi: Math.max(r.a, r.b) })),
  fc
    .record({
      p: fc.constantFrom(PROTO.icmp, PROTO.icmpv6),
      t: fc.integer({ min: 0, max: 4 }),
      c: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
    })
    .map((r): Expr => ({ k: "icmp", ...r })),
);

const expr: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    atom,
    fc
      .record({
        k: fc.constantFrom<"union" | "inter" | "minus">("union", "inter", "minus"),
        a: tie("e"),
        b: tie("e"),
      })
      .map((r) => r as Expr),
    tie("e").map((a): Expr => ({ k: "not", a })),
  ),
})).e;

function model(e: Expr, p: Packet): boolean {
  switch (e.k) {
    case "all":
      return true;
    case "none":
      return false;
    case "family":
      return p.family === e.f;
    case "prefix":
      return prefixContains(parsePrefix(e.p), { family: p.family, value: e.dir === "src" ? p.src : p.dst });
    case "proto":
      return p.proto === e.p;
    case "ports": {
      const port = e.dir === "src" ? p.sport : p.dport;
      return p.proto === e.p && port >= e.lo && port <= e.hi;
    }
    case "icmp":
      return p.proto === e.p && p.icmpType === e.t && (e.c === undefined || p.icmpCode === e.c);
    case "union":
      return model(e.a, p) || model(e.b, p);
    case "inter":
      return model(e.a, p) && model(e.b, p);
    case "minus":
      return model(e.a, p) && !model(e.b, p);
    case "not":
      return !model(e.a, p);
    default: {
      const never: never = e;
      throw new TypeError(`unknown expr ${String(never)}`);
    }
  }
}

function build(s: PacketSpace, e: Expr): PacketSet {
  switch (e.k) {
    case "all":
      return s.all();
    case "none":
      return s.none();
    case "family":
      return s.family(e.f);
    case "prefix":
      return s.prefix(e.dir, parsePrefix(e.p));
    case "proto":
      return s.protocol(e.p);
    case "ports":
      return s.ports(e.p, e.dir, e.lo, e.hi);
    case "icmp":
      return s.icmp(e.p, e.t, e.c);
    case "union":
      return build(s, e.a).union(build(s, e.b));
    case "inter":
      return build(s, e.a).intersect(build(s, e.b));
    case "minus":
      return build(s, e.a).minus(build(s, e.b));
    case "not":
      return build(s, e.a).complement();
    default: {
      const never: never = e;
      throw new TypeError(`unknown expr ${String(never)}`);
    }
  }
}

/** The small universe as a packet set, so that restricted results can be compared exactly. */
function restriction(s: PacketSpace): PacketSet {
  let r = s.none();
  for (const net of [V4, V6]) {
    const addrs = s.prefix("src", net).intersect(s.prefix("dst", net));
    const l4 = s
      .ports(PROTO.tcp, "dst", 0, 7)
      .intersect(s.ports(PROTO.tcp, "src", 0, 1))
      .union(s.ports(PROTO.udp, "dst", 0, 7).intersect(s.ports(PROTO.udp, "src", 0, 1)))
      .union(s.protocol(PROTO.gre));
    let icmp = s.none();
    for (const proto of [PROTO.icmp, PROTO.icmpv6])
      for (let t = 0; t < 4; t++) for (let c = 0; c < 2; c++) icmp = icmp.union(s.icmp(proto, t, c));
    r = r.union(addrs.intersect(l4.union(icmp)));
  }
  return r;
}

describe("PacketSet against a brute-force model", () => {
  it("membership, size, emptiness and witnesses agree with the model on every packet", () => {
    const s = new PacketSpace();
    const R = restriction(s);
    expect(R.size()).toBe(BigInt(U.length));
    fc.assert(
      fc.property(expr, (e) => {
        const set = build(s, e).intersect(R);
        let n = 0;
        for (const p of U) {
          const m = model(e, p);
          if (set.contains(p) !== m) return false;
          if (m) n++;
        }
        if (set.size() !== BigInt(n)) return false;
        if (set.isEmpty() !== (n === 0)) return false;
        const w = set.witness();
        if (n > 0 && (!w || !model(e, w) || !set.contains(w))) return false;
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it("equality and subset agree with the model", () => {
    const s = new PacketSpace();
    const R = restriction(s);
    fc.assert(
      fc.property(expr, expr, (a, b) => {
        const A = build(s, a).intersect(R);
        const B = build(s, b).intersect(R);
        const inA = U.filter((p) => model(a, p));
        const inB = new Set(U.filter((p) => model(b, p)));
        const subset = inA.every((p) => inB.has(p));
        const equal = subset && inA.length === inB.size;
        const overlap = inA.some((p) => inB.has(p));
        return A.isSubsetOf(B) === subset && A.equals(B) === equal && A.overlaps(B) === overlap;
      }),
      { numRuns: 300 },
    );
  });

  it("complement is exact over the whole space: a set and its complement partition everything", () => {
    const s = new PacketSpace();
    fc.assert(
      fc.property(expr, (e) => {
        const A = build(s, e);
        const C = A.complement();
        return A.union(C).isAll() && A.intersect(C).isEmpty() && C.complement().equals(A);
      }),
      { numRuns: 200 },
    );
  });
});

describe("PacketSet sizes", () => {
  it("counts every packet of the universe exactly", () => {
    const s = new PacketSpace();
    const perAddressPair = 3n * (1n << 32n) + 2n * (1n << 16n) + 251n;
    expect(s.all().size()).toBe(((1n << 64n) + (1n << 256n)) * perAddressPair);
  });

  it("counts a prefix pair on one port exactly", () => {
    const s = new PacketSpace();
    const set = s
      .prefix("src", parsePrefix("10.0.0.0/24"))
      .intersect(s.prefix("dst", parsePrefix("192.0.2.1")))
      .intersect(s.ports(PROTO.tcp, "dst", 443, 443));
    // 256 sources × 1 destination × 65536 source ports.
    expect(set.size()).toBe(256n * 65536n);
  });

  it("finds a witness inside the set and none in the empty set", () => {
    const s = new PacketSpace();
    const set = s.prefix("dst", parsePrefix("2001:db8::/64")).intersect(s.ports(PROTO.udp, "dst", 53, 53));
    const w = set.witness();
    expect(w).toBeDefined();
    expect(w!.proto).toBe(PROTO.udp);
    expect(w!.dport).toBe(53);
    expect(set.contains(w!)).toBe(true);
    expect(s.none().witness()).toBeUndefined();
  });

  it("builds one-packet sets that hold exactly that packet", () => {
    const s = new PacketSpace();
    const p: Packet = {
      family: 4,
      src: parseAddress("10.0.0.1").value,
      dst: parseAddress("10.0.0.2").value,
      proto: PROTO.tcp,
      sport: 1234,
      dport: 443,
      icmpType: 0,
      icmpCode: 0,
    };
    const set = s.packet(p);
    expect(set.size()).toBe(1n);
    expect(set.contains(p)).toBe(true);
    expect(set.contains({ ...p, dport: 444 })).toBe(false);
  });
});

describe("decompose", () => {
  it("splits any set into boxes whose union is exactly the set", () => {
    const s = new PacketSpace();
    fc.assert(
      fc.property(expr, (e) => {
        const set = build(s, e);
        const { boxes, truncated } = decompose(set, 100_000);
        if (truncated) return true;
        const back = s.unionAll(boxes.map((b) => boxToSet(s, b)));
        const sizes = boxes.reduce((a, b) => a + boxToSet(s, b).size(), 0n);
        // Equal as sets, and disjoint: the sizes of the boxes add up to the size of the set.
        return back.equals(set) && sizes === set.size();
      }),
      { numRuns: 300 },
    );
  });

  it("prints services and CIDRs a person can read", () => {
    const s = new PacketSpace();
    const set = s
      .prefix("src", parsePrefix("10.0.0.0/8"))
      .intersect(s.prefix("dst", parsePrefix("10.30.0.5")))
      .intersect(s.ports(PROTO.tcp, "dst", 443, 443).union(s.ports(PROTO.tcp, "dst", 8000, 8999)));
    expect(summarize(set)).toEqual(["tcp/443,8000-8999 from 10.0.0.0/8 to 10.30.0.5"]);
    expect(summarize(s.none())).toEqual(["nothing"]);
    expect(summarize(s.family(6).intersect(s.protocol(PROTO.icmpv6)))).toEqual([
      "icmpv6 from any IPv6 to any IPv6",
    ]);
  });
});

export type { Prefix };

describe("PacketSpace sizing", () => {
  it("accepts an initial size that is not a power of two and still finds every node", () => {
    const s = new PacketSpace(5_000_001);
    let set = s.none();
    for (let i = 0; i < 200; i++) set = set.union(s.ports(PROTO.tcp, "dst", i * 7, i * 7 + 3));
    expect(set.size()).toBe(200n * 4n * 65536n * ((1n << 64n) + (1n << 256n)));
  });
});
