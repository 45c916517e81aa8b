// Change impact between two versions of one device's configuration: the packets that become allowed or
// denied, box by box with a witness and the rules behind it, and the rules added, removed, changed or moved.

import type { ConfigSource, ImportedRule, ImportResult } from "../../import/model.js";
import type { Packet } from "../../space/packet.js";
import type { PacketSet } from "../../space/packet-set.js";
import { boxToSet, decompose, formatBox, type PacketBox } from "../../space/summarize.js";
import { diffRules, type RuleChange } from "./rule-changes.js";

/** One box of opened or closed packets. */
export interface ImpactBox {
  /** E.g. "tcp/22 from 10.1.0.0/16 to 10.2.0.5". */
  readonly summary: string;
  readonly box: PacketBox;
  readonly witness: Packet;
  /**
   * The rules responsible: for opened packets, the new version's accept rules that match the witness; for
   * closed ones, the old version's. In evaluation order; empty when only a list's default accepted it.
   */
  readonly responsible: readonly ConfigSource[];
  /** The other version's accept and drop rules matching the witness (what decides it there). */
  readonly counterpart: readonly ConfigSource[];
}

export interface ConfigDiff {
  /** Accepted by the new version, not by the old. */
  readonly opened: PacketSet;
  /** Accepted by the old version, not by the new. */
  readonly closed: PacketSet;
  readonly openedBoxes: ImpactBox[];
  readonly closedBoxes: ImpactBox[];
  /** True when a side had more boxes than `maxBoxes`. */
  readonly truncated: boolean;
  /** Every rule of both versions, paired; see diffRules. */
  readonly rules: RuleChange[];
}

export interface ConfigDiffOptions {
  /** Compare only these packets (a point's traffic); default every packet. */
  readonly domain?: PacketSet;
  /** Boxes listed per side; default 50. */
  readonly maxBoxes?: number;
  /** Rules listed per box and side; default 10. */
  readonly maxRules?: number;
}

/** Compares two imports of the same device made in one packet space. */
export function diffConfigs(
  before: ImportResult,
  after: ImportResult,
  options: ConfigDiffOptions = {},
): ConfigDiff {
  const domain = options.domain;
  const restrict = (s: PacketSet) => (domain ? s.intersect(domain) : s);
  const a = restrict(before.accepted);
  const b = restrict(after.accepted);
  const opened = b.minus(a);
  const closed = a.minus(b);
  const max = options.maxBoxes ?? 50;
  const maxRules = options.maxRules ?? 10;
  const open = explainBoxes(opened, after.rules, before.rules, max, maxRules);
  const shut = explainBoxes(closed, before.rules, after.rules, max, maxRules);
  return {
    opened,
    closed,
    openedBoxes: open.boxes,
    closedBoxes: shut.boxes,
    truncated: open.truncated || shut.truncated,
    rules: diffRules(before.rules, after.rules),
  };
}

function explainBoxes(
  set: PacketSet,
  responsible: readonly ImportedRule[],
  counterpart: readonly ImportedRule[],
  maxBoxes: number,
  maxRules: number,
): { boxes: ImpactBox[]; truncated: boolean } {
  if (set.isEmpty()) return { boxes: [], truncated: false };
  const { boxes, truncated } = decompose(set, maxBoxes);
  const matching = (rules: readonly ImportedRule[], p: Packet, accepts: boolean) =>
    rules
      .filter((r) => (accepts ? r.action === "accept" : r.action !== "other") && r.match.contains(p))
      .slice(0, maxRules)
      .map((r) => r.source);
  return {
    boxes: boxes.map((box) => {
      const witness = boxToSet(set.space, box).witness()!;
      return {
        summary: formatBox(box),
        box,
        witness,
        responsible: matching(responsible, witness, true),
        counterpart: matching(counterpart, witness, false),
      };
    }),
    truncated,
  };
}
