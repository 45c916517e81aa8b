// The set operations the anomaly analysis needs on one rule list: boxes with an index where every rule is a
// small union of IPv4 boxes, BDDs otherwise (and for any rule whose leftover pieces grow past a cap).

import type { ImportedRule } from "../../import/model.js";
import { Bdd } from "../../space/bdd.js";
import type { PacketSpace } from "../../space/packet-set.js";
import { type Box, boxContains, boxesOverlap, setToBoxes, subtractBox } from "./box.js";
import { BoxIndex } from "./box-index.js";

/** Part of one rule's match: disjoint boxes, or a BDD node once boxes no longer pay. */
export type Region =
  { readonly kind: "boxes"; readonly boxes: Box[] } | { readonly kind: "bdd"; node: number };

/** Leftover pieces of one rule beyond which its region becomes a BDD (box subtraction can fragment). */
export const MAX_PIECES = 2048;

export interface Relation {
  readonly overlap: boolean;
  /** The first rule's match holds the second's. */
  readonly contains: boolean;
  /** The second rule's match holds the first's. */
  readonly within: boolean;
}

export class ListGeometry {
  private readonly bdd: Bdd;
  private readonly nodes: number[];
  /** Undefined when the list is analysed on BDDs. */
  private readonly boxes: (Box[] | undefined)[] | undefined;
  private readonly index: BoxIndex | undefined;

  /**
   * `boxes: false` analyses the list on BDDs whatever its rules (tests compare both ways); `segment` sets the
   * index's first segment (tests make it small to walk several).
   */
  constructor(
    space: PacketSpace,
    readonly rules: readonly ImportedRule[],
    options: { readonly boxes?: boolean; readonly segment?: number } = {},
  ) {
    this.bdd = space.bdd;
    this.nodes = rules.map((r) => space.own(r.match));
    const boxes: Box[][] = [];
    for (const r of options.boxes === false ? [] : rules) {
      const b = setToBoxes(r.match);
      if (!b) break;
      boxes.push(b);
    }
    if (boxes.length === rules.length && options.boxes !== false) {
      this.boxes = boxes;
      this.index = new BoxIndex(boxes, options.segment);
    }
  }

  get usesBoxes(): boolean {
    return this.boxes !== undefined;
  }

  /** The rule's boxes, when the list is analysed on boxes. */
  boxesOf(i: number): readonly Box[] | undefined {
    return this.boxes?.[i];
  }

  /** Whether rule j's match holds the point (a box corner); only for lists analysed on boxes. */
  containsPoint(j: number, point: Box): boolean {
    for (const b of this.boxes![j]!) if (boxContains(b, point)) return true;
    return false;
  }

  isEmpty(i: number): boolean {
    return this.nodes[i] === Bdd.FALSE;
  }

  /** Rules in [from, to) whose match overlaps the region (ascending). */
  overlapping(r: Region, from: number, to: number): number[] {
    if (r.kind === "boxes" && this.index) return this.index.overlapping(r.boxes, from, to);
    const node = r.kind === "bdd" ? r.node : this.toNode(r.boxes);
    const out: number[] = [];
    for (let j = from; j < to; j++) if (this.bdd.intersects(node, this.nodes[j]!)) out.push(j);
    return out;
  }

  /** Bounds cutting [0, to) into ranges that index queries answer cheaply in order; undefined on BDDs. */
  boundaries(to: number): number[] | undefined {
    return this.index?.boundaries(to);
  }

  region(i: number): Region {
    const b = this.boxes?.[i];
    return b ? { kind: "boxes", boxes: b } : { kind: "bdd", node: this.nodes[i]! };
  }

  /** The rule's whole match as a BDD region minus the given rules' matches. */
  bddRegion(i: number, minus: readonly number[]): Region {
    let node = this.nodes[i]!;
    for (const j of minus) node = this.bdd.diff(node, this.nodes[j]!);
    return { kind: "bdd", node };
  }

  overlaps(r: Region, j: number): boolean {
    const bj = this.boxes?.[j];
    if (r.kind === "boxes" && bj) {
      for (const p of r.boxes) for (const b of bj) if (boxesOverlap(p, b)) return true;
      return false;
    }
    const node = r.kind === "bdd" ? r.node : this.toNode(r.boxes);
    return this.bdd.intersects(node, this.nodes[j]!);
  }

  /** r minus rule j's match; undefined when the pieces grow past MAX_PIECES (redo the rule on BDDs). */
  minus(r: Region, j: number): Region | undefined {
    const bj = this.boxes?.[j];
    if (r.kind === "boxes" && bj) {
      let pieces = r.boxes;
      for (const b of bj) {
        const next: Box[] = [];
        for (const p of pieces) subtractBox(p, b, next);
        if (next.length > MAX_PIECES) return undefined;
        pieces = next;
      }
      return { kind: "boxes", boxes: pieces };
    }
    const node = r.kind === "bdd" ? r.node : this.toNode(r.boxes);
    return { kind: "bdd", node: this.bdd.diff(node, this.nodes[j]!) };
  }

  regionEmpty(r: Region): boolean {
    return r.kind === "boxes" ? r.boxes.length === 0 : r.node === Bdd.FALSE;
  }

  /** How the matches of rules i and j relate. */
  relation(i: number, j: number): Relation {
    const bi = this.boxes?.[i];
    const bj = this.boxes?.[j];
    if (bi && bj && bi.length === 1 && bj.length === 1) {
      const overlap = boxesOverlap(bi[0]!, bj[0]!);
      return {
        overlap,
        contains: overlap && boxContains(bi[0]!, bj[0]!),
        within: overlap && boxContains(bj[0]!, bi[0]!),
      };
    }
    const a = this.nodes[i]!;
    const b = this.nodes[j]!;
    const overlap = this.bdd.intersects(a, b);
    return {
      overlap,
      contains: overlap && this.bdd.implies(b, a),
      within: overlap && this.bdd.implies(a, b),
    };
  }

  /** Box regions exist only in lists whose every rule has boxes. */
  private toNode(boxes: readonly Box[]): number {
    throw new TypeError(`Invariant: a box region (${boxes.length} boxes) in a list analysed on BDDs`);
  }
}
