// A rule's exact match set as boxes over the packed dimensions: the input every classifier is built from.

import type { Family } from "../net/address.js";
import type { PacketSet } from "../space/packet-set.js";
import { decompose, type PacketBox, type ValueRange } from "../space/summarize.js";
import { biased, DIM, DST_WORDS, MAX, MIN, PACKET_WIDTH, SRC_WORDS } from "./packed.js";

/** One box: every packet whose packed dimension d lies in [lo[d], hi[d]] (biased values) for all d. */
export interface ClassifierBox {
  /** Index of the rule in the ordered list. */
  readonly rule: number;
  readonly lo: Int32Array;
  readonly hi: Int32Array;
}

/** Word ranges: one [lo, hi] (unsigned) per word, most significant first. */
type WordBox = [number, number][];

const WORD = 0xffffffffn;

function words(v: bigint, n: number): number[] {
  const out: number[] = [];
  for (let i = n - 1; i >= 0; i--) out.push(Number((v >> BigInt(32 * i)) & WORD));
  return out;
}

/**
 * An interval of n-word numbers as boxes over the words (an interval is not one box: [1.5, 2.3] takes
 * "1 and ≥5", then "2 and ≤3" in the next word).
 */
function intervalWordBoxes(lo: readonly number[], hi: readonly number[]): WordBox[] {
  if (lo.length === 0) return [[]];
  const n = lo.length;
  const restLoZero = lo.slice(1).every((w) => w === 0);
  const restHiFull = hi.slice(1).every((w) => w === 0xffffffff);
  const full = () => Array.from({ length: n - 1 }, (): [number, number] => [0, 0xffffffff]);
  if (lo[0] === hi[0])
    return intervalWordBoxes(lo.slice(1), hi.slice(1)).map((b): WordBox => [[lo[0]!, lo[0]!], ...b]);
  const out: WordBox[] = [];
  let first = lo[0]!;
  let last = hi[0]!;
  if (!restLoZero) {
    const ones = Array.from({ length: n - 1 }, () => 0xffffffff);
    for (const b of intervalWordBoxes(lo.slice(1), ones)) out.push([[first, first], ...b]);
    first++;
  }
  if (!restHiFull) last--;
  if (first <= last) out.push([[first, last], ...full()]);
  if (!restHiFull) {
    const zeros = Array.from({ length: n - 1 }, () => 0);
    for (const b of intervalWordBoxes(zeros, hi.slice(1))) out.push([[hi[0]!, hi[0]!], ...b]);
  }
  return out;
}

function addressBoxes(family: Family, ranges: readonly ValueRange[]): WordBox[] {
  const n = family === 4 ? 1 : 4;
  // IPv4 packets carry zeros in words 1-3; leaving those words free keeps trees from splitting on them.
  const pad = (b: WordBox): WordBox => [
    ...b,
    ...Array.from({ length: 4 - n }, (): [number, number] => [0, 0xffffffff]),
  ];
  return ranges.flatMap((r) => intervalWordBoxes(words(r.lo, n), words(r.hi, n)).map(pad));
}

const FULL_L4: readonly ValueRange[] = [{ lo: 0n, hi: 65535n }];

function expandBox(rule: number, box: PacketBox, out: ClassifierBox[]): void {
  const l4a = box.srcPorts ?? box.icmpTypes ?? FULL_L4;
  const l4b = box.dstPorts ?? box.icmpCodes ?? FULL_L4;
  const srcs = addressBoxes(box.family, box.src);
  const dsts = addressBoxes(box.family, box.dst);
  const fam = box.family === 4 ? 0 : 1;
  for (const proto of box.protocols)
    for (const a of l4a)
      for (const b of l4b)
        for (const s of srcs)
          for (const d of dsts) {
            const lo = new Int32Array(PACKET_WIDTH).fill(MIN);
            const hi = new Int32Array(PACKET_WIDTH).fill(MAX);
            const set = (dim: number, l: number | bigint, h: number | bigint) => {
              lo[dim] = biased(Number(l));
              hi[dim] = biased(Number(h));
            };
            set(DIM.family, fam, fam);
            set(DIM.proto, proto.lo, proto.hi);
            set(DIM.l4a, a.lo, a.hi);
            set(DIM.l4b, b.lo, b.hi);
            for (let i = 0; i < 4; i++) {
              set(SRC_WORDS[i]!, s[i]![0], s[i]![1]);
              set(DST_WORDS[i]!, d[i]![0], d[i]![1]);
            }
            out.push({ rule, lo, hi });
          }
}

/** The exact boxes of one rule's match set (none for an empty set). */
export function ruleBoxes(match: PacketSet, rule: number): ClassifierBox[] {
  const { boxes, truncated } = decompose(match, Infinity, Infinity);
  if (truncated) throw new Error("Invariant: an unlimited decomposition was truncated");
  const out: ClassifierBox[] = [];
  for (const b of boxes) expandBox(rule, b, out);
  return out;
}

/** The boxes of an ordered rule list, rule by rule. */
export function boxesOfRules(rules: readonly { readonly match: PacketSet }[]): ClassifierBox[] {
  return rules.flatMap((r, i) => ruleBoxes(r.match, i));
}
