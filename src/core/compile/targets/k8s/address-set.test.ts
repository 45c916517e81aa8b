import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatPrefix, parsePrefix, prefixCovers, type Prefix } from "../../../net/prefix.js";
import { type CidrBlock, equals, fromPrefixes, minus, toCidrBlocks, union } from "./address-set.js";

const set = (...cidrs: string[]) => fromPrefixes(cidrs.map(parsePrefix));
const show = (blocks: CidrBlock[]) =>
  blocks.map((b) => [formatPrefix(b.cidr), ...b.except.map((e) => `-${formatPrefix(e)}`)].join(" "));

/** The addresses the ipBlocks match: each cidr minus its except entries. */
function meaning(blocks: CidrBlock[]) {
  return union(...blocks.map((b) => minus(fromPrefixes([b.cidr]), fromPrefixes(b.except))));
}

describe("address sets as ipBlocks", () => {
  it("writes a network with a hole as the network and an except", () => {
    const s = minus(set("10.0.0.0/8"), set("10.100.16.0/22"));
    expect(show(toCidrBlocks(s))).toEqual(["10.0.0.0/8 -10.100.16.0/22"]);
  });

  it("keeps plain prefixes when an except would not be shorter", () => {
    expect(show(toCidrBlocks(set("10.0.0.0/9", "10.128.0.0/10")))).toEqual(["10.0.0.0/9", "10.128.0.0/10"]);
    expect(show(toCidrBlocks(set("192.0.2.7/32", "2001:db8::/32")))).toEqual(["192.0.2.7", "2001:db8::/32"]);
  });

  it("writes every address of a family as the zero prefix", () => {
    expect(show(toCidrBlocks(minus(set("::/0"), set("2001:db8:1::/48", "2001:db8:2::/48"))))).toEqual([
      "::/0 -2001:db8:1::/48 -2001:db8:2::/48",
    ]);
  });

  const prefixArb = fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 8, max: 32 })).map(([v, len]): Prefix => {
      const value = (BigInt(0x0a000000 + (v << 8)) >> BigInt(32 - len)) << BigInt(32 - len);
      return { family: 4, value, length: len };
    }),
    fc
      .tuple(fc.bigInt({ min: 0n, max: 0xffffn }), fc.integer({ min: 16, max: 64 }))
      .map(([v, len]): Prefix => {
        const value = (((0x2001n << 112n) | (v << 64n)) >> BigInt(128 - len)) << BigInt(128 - len);
        return { family: 6, value, length: len };
      }),
  );

  it("means exactly the set, with each except strictly inside its cidr", () => {
    fc.assert(
      fc.property(
        fc.array(prefixArb, { maxLength: 6 }),
        fc.array(prefixArb, { maxLength: 6 }),
        (plus, cut) => {
          const s = minus(fromPrefixes(plus), fromPrefixes(cut));
          const blocks = toCidrBlocks(s);
          expect(equals(meaning(blocks), s)).toBe(true);
          for (const b of blocks)
            for (const e of b.except) expect(prefixCovers(b.cidr, e) && e.length > b.cidr.length).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
