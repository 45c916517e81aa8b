import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatPrefix, parsePrefix } from "../../../net/prefix.js";
import {
  intersect,
  normalize,
  prefixesToSpans,
  type Span,
  spansToPrefixes,
  subtract,
  termsToSpans,
} from "./address-space.js";

const spansArb = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 8 })), { maxLength: 5 })
  .map((xs) => normalize(xs.map(([lo, w]) => ({ lo: BigInt(lo), hi: BigInt(Math.min(63, lo + w)) }))));

const members = (spans: readonly Span[]) => {
  const out = new Set<number>();
  for (const s of spans) for (let v = Number(s.lo); v <= Number(s.hi); v++) out.add(v);
  return out;
};

describe("junos address spaces", () => {
  it("intersects and subtracts like sets of addresses", () => {
    fc.assert(
      fc.property(spansArb, spansArb, (a, b) => {
        const ma = members(a);
        const mb = members(b);
        expect(members(intersect(a, b))).toEqual(new Set([...ma].filter((v) => mb.has(v))));
        expect(members(subtract(a, b))).toEqual(new Set([...ma].filter((v) => !mb.has(v))));
        expect(normalize(intersect(a, b))).toEqual(intersect(a, b));
      }),
      { numRuns: 200 },
    );
  });

  it("turns a zone's networks minus its exceptions into the fewest prefixes", () => {
    const spans = termsToSpans(4, [
      {
        prefix: parsePrefix("10.0.0.0/8"),
        except: [parsePrefix("10.1.0.0/16"), parsePrefix("10.128.0.0/9")],
      },
      { prefix: parsePrefix("2001:db8::/32"), except: [] },
    ]);
    expect(spansToPrefixes(4, spans).map(formatPrefix)).toEqual([
      "10.0.0.0/16",
      "10.2.0.0/15",
      "10.4.0.0/14",
      "10.8.0.0/13",
      "10.16.0.0/12",
      "10.32.0.0/11",
      "10.64.0.0/10",
    ]);
    expect(prefixesToSpans(4, [parsePrefix("10.0.0.0/9"), parsePrefix("10.128.0.0/9")])).toEqual(
      prefixesToSpans(4, [parsePrefix("10.0.0.0/8")]),
    );
  });
});
