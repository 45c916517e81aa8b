import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Address } from "../net/address.js";
import { formatPrefix, type Prefix, parsePrefix, prefixContains, prefixCovers } from "../net/prefix.js";
import type { Diagnostic } from "./diagnostics.js";
import { comparePrefixes, computeZoneSpaces, minimalCover, termsCover } from "./resolve-zones.js";
import type { AddressTerm, Zone } from "./types.js";

const loc = { file: "z.yaml", line: 1, column: 1 };
const zone = (name: string, ...networks: string[]): Zone => ({
  name,
  loc,
  networks: networks.map((text) => ({ prefix: parsePrefix(text), text, loc })),
});
const term = (prefix: string, ...except: string[]): AddressTerm => ({
  prefix: parsePrefix(prefix),
  except: except.map(parsePrefix),
});
const show = (terms: readonly AddressTerm[]) =>
  terms.map((t) => [formatPrefix(t.prefix), ...t.except.map((e) => `-${formatPrefix(e)}`)].join(" "));

describe("computeZoneSpaces", () => {
  it("gives each zone its networks minus the more specific networks of other zones", () => {
    const diagnostics: Diagnostic[] = [];
    const { spaces } = computeZoneSpaces(
      [
        zone("internet", "0.0.0.0/0", "::/0"),
        zone("corp", "10.10.0.0/16", "2001:db8:10::/48"),
        zone("pci", "10.10.5.0/24", "2001:db8:10:5::/64"),
      ],
      diagnostics,
    );
    expect(diagnostics).toEqual([]);
    expect(Object.fromEntries([...spaces].map(([name, terms]) => [name, show(terms)]))).toEqual({
      internet: ["0.0.0.0/0 -10.10.0.0/16", "::/0 -2001:db8:10::/48"],
      corp: ["10.10.0.0/16 -10.10.5.0/24", "2001:db8:10::/48 -2001:db8:10:5::/64"],
      pci: ["10.10.5.0/24", "2001:db8:10:5::/64"],
    });
  });

  it("does not cut a zone's own nested networks out of it", () => {
    const { spaces } = computeZoneSpaces(
      [zone("corp", "10.0.0.0/8", "10.1.0.0/16"), zone("lab", "10.1.2.0/24")],
      [],
    );
    expect(show(spaces.get("corp")!)).toEqual(["10.0.0.0/8 -10.1.2.0/24", "10.1.0.0/16 -10.1.2.0/24"]);
  });

  it("keeps a network listed in two zones in the first only", () => {
    const diagnostics: Diagnostic[] = [];
    const { spaces, networks } = computeZoneSpaces(
      [zone("a", "10.0.0.0/8"), zone("b", "10.0.0.0/8")],
      diagnostics,
    );
    expect(diagnostics.map((d) => [d.code, d.severity])).toEqual([["duplicate-network", "error"]]);
    expect(show(spaces.get("a")!)).toEqual(["10.0.0.0/8"]);
    expect(spaces.get("b")).toEqual([]);
    expect(networks.map((n) => n.zone)).toEqual(["a"]);
  });

  it("agrees with longest-prefix match for every address (property)", () => {
    const universe = parsePrefix("10.0.0.0/22");
    fc.assert(
      fc.property(
        fc.array(fc.array(prefixIn(universe, 22), { minLength: 1, maxLength: 3 }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.boolean(),
        (zoneNets, withDefault) => {
          const zones: Zone[] = zoneNets.map((nets, i) => ({
            name: `z${i}`,
            loc,
            networks: nets.map((prefix) => ({ prefix, text: formatPrefix(prefix), loc })),
          }));
          if (withDefault) zones.push(zone("default", "0.0.0.0/0"));
          const { spaces, networks } = computeZoneSpaces(zones, []);
          for (let v = universe.value; v < universe.value + 1024n; v++) {
            const a: Address = { family: 4, value: v };
            const owner = networks
              .filter((n) => prefixContains(n.entry.prefix, a))
              .sort((x, y) => y.entry.prefix.length - x.entry.prefix.length)[0]?.zone;
            for (const [name, terms] of spaces) if (inTerms(terms, a) !== (name === owner)) return false;
          }
          return true;
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("termsCover", () => {
  it("is true for a prefix inside a term and clear of its exceptions", () => {
    expect(termsCover([term("10.0.0.0/8", "10.1.0.0/16")], parsePrefix("10.2.0.0/16"))).toBe(true);
    expect(termsCover([term("10.0.0.0/8")], parsePrefix("10.0.0.7"))).toBe(true);
  });

  it("is false when an exception cuts into the prefix, or the prefix leaves the terms", () => {
    expect(termsCover([term("10.0.0.0/8", "10.1.2.0/24")], parsePrefix("10.1.0.0/16"))).toBe(false);
    expect(termsCover([term("10.0.0.0/8", "10.1.2.0/24")], parsePrefix("10.1.2.3"))).toBe(false);
    expect(termsCover([term("10.0.0.0/8")], parsePrefix("0.0.0.0/0"))).toBe(false);
    expect(termsCover([term("10.0.0.0/8")], parsePrefix("::/0"))).toBe(false);
    expect(termsCover([], parsePrefix("10.0.0.1"))).toBe(false);
  });

  it("sees a prefix covered by several terms together", () => {
    const halves = [term("10.0.0.0/25"), term("10.0.0.128/25")];
    expect(termsCover(halves, parsePrefix("10.0.0.0/24"))).toBe(true);
    const holeFilled = [term("10.0.0.0/8", "10.1.0.0/16"), term("10.1.0.0/16")];
    expect(termsCover(holeFilled, parsePrefix("10.0.0.0/8"))).toBe(true);
    expect(termsCover([term("::/0", "2001:db8::/32")], parsePrefix("2001:db8::/31"))).toBe(false);
  });

  it("agrees with checking every address (property)", () => {
    const universe = parsePrefix("10.0.0.0/22");
    const termArb = fc.record({
      prefix: prefixIn(universe, 20),
      except: fc.array(prefixIn(universe, 22), { maxLength: 3 }),
    });
    fc.assert(
      fc.property(fc.array(termArb, { maxLength: 4 }), prefixIn(universe, 22), (terms, p) => {
        let expected = true;
        for (let v = p.value; v < p.value + (1n << BigInt(32 - p.length)); v++)
          if (!inTerms(terms, { family: 4, value: v })) expected = false;
        expect(termsCover(terms, p)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe("minimalCover", () => {
  it("keeps exactly the prefixes no other covers (property)", () => {
    fc.assert(
      fc.property(fc.array(prefixIn(parsePrefix("10.0.0.0/22"), 20), { maxLength: 12 }), (ps) => {
        const out = minimalCover(ps);
        const expected = ps.filter((p) => !ps.some((q) => q.length < p.length && prefixCovers(q, p)));
        expect(new Set(out.map(formatPrefix))).toEqual(new Set(expected.map(formatPrefix)));
        expect(out).toHaveLength(new Set(out.map(formatPrefix)).size);
        expect([...out].sort(comparePrefixes)).toEqual(out);
      }),
    );
  });

  it("drops prefixes inside others and orders the rest by address", () => {
    const out = minimalCover(["10.2.0.0/16", "10.1.0.0/16", "10.1.2.0/24", "10.2.0.0/16"].map(parsePrefix));
    expect(out.map(formatPrefix)).toEqual(["10.1.0.0/16", "10.2.0.0/16"]);
  });
});

/** A random IPv4 prefix inside `outer` (or around it, down to length `minLength`). */
function prefixIn(outer: Prefix, minLength: number): fc.Arbitrary<Prefix> {
  return fc
    .tuple(fc.integer({ min: minLength, max: 32 }), fc.bigInt(0n, (1n << BigInt(32 - outer.length)) - 1n))
    .map(([length, offset]) => {
      const mask = ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - length)) - 1n);
      return { family: 4, value: (outer.value + offset) & mask, length };
    });
}

function inTerms(terms: readonly AddressTerm[], a: Address): boolean {
  return terms.some((t) => prefixContains(t.prefix, a) && !t.except.some((e) => prefixContains(e, a)));
}
