// Reachability through the deployed configurations: a packet gets through when every enforcement point on
// its path accepts it, the path being the points that control it (docs/query.md, "Reach through deployed
// configurations").

import type { ConfigSource, ImportedRule } from "../../import/model.js";
import type { Packet } from "../../space/packet.js";
import type { PacketSet } from "../../space/packet-set.js";
import { boxToSet, decompose, formatBox } from "../../space/summarize.js";
import type { ReachVerdict } from "../reach.js";

/** One enforcement point as deployed. */
export interface DeployedPoint {
  readonly name: string;
  /** The traffic the point controls (its scope's proof domain): the packets whose path crosses it. */
  readonly domain: PacketSet;
  /** What its deployed configuration accepts; absent when no configuration was found (it then lets nothing through). */
  readonly accepted?: PacketSet;
  readonly rules: readonly ImportedRule[];
}

export interface BlockedBox {
  readonly summary: string;
  readonly witness: Packet;
  /** Rules of the point's configuration that match the witness, in order; empty: the default dropped it. */
  readonly lines: readonly ConfigSource[];
}

export interface PointOnPath {
  readonly name: string;
  readonly status: "deployed" | "missing";
  /** The packets of the question whose path crosses the point. */
  readonly crossed: PacketSet;
  /** Those it drops (all of `crossed` when missing). */
  readonly blocked: PacketSet;
  readonly blockedBoxes: BlockedBox[];
  readonly truncated: boolean;
}

export interface DeployedReachAnswer {
  readonly verdict: ReachVerdict;
  readonly emptyQuery: boolean;
  readonly allowed: PacketSet;
  readonly denied: PacketSet;
  /** Packets of the question no point controls: they pass unfiltered (and count as allowed). */
  readonly unfiltered: PacketSet;
  /** The points the question's packets cross, in the order given; points it never crosses are left out. */
  readonly points: PointOnPath[];
}

/**
 * Answers the question `query` exactly: allowed = query ∩ ⋂ over points (outside its domain ∪ what it
 * accepts). Each point crossed is listed with the packets of the question it drops, box by box.
 */
export function reachThroughPoints(
  query: PacketSet,
  points: readonly DeployedPoint[],
  options: { maxBoxes?: number; maxRules?: number } = {},
): DeployedReachAnswer {
  const space = query.space;
  const max = options.maxBoxes ?? 20;
  let allowed = query;
  let controlled = space.none();
  const onPath: PointOnPath[] = [];
  for (const p of points) {
    const crossed = query.intersect(p.domain);
    if (crossed.isEmpty()) continue;
    controlled = controlled.union(crossed);
    const blocked = p.accepted ? crossed.minus(p.accepted) : crossed;
    allowed = allowed.minus(blocked);
    const { boxes, truncated } = blocked.isEmpty()
      ? { boxes: [], truncated: false }
      : decompose(blocked, max);
    onPath.push({
      name: p.name,
      status: p.accepted ? "deployed" : "missing",
      crossed,
      blocked,
      blockedBoxes: boxes.map((box) => {
        const witness = boxToSet(space, box).witness()!;
        const lines = p.rules
          .filter((r) => r.action !== "other" && r.match.contains(witness))
          .slice(0, options.maxRules ?? 5)
          .map((r) => r.source);
        return { summary: formatBox(box), witness, lines };
      }),
      truncated,
    });
  }
  const denied = query.minus(allowed);
  const verdict: ReachVerdict = allowed.isEmpty() ? "deny" : denied.isEmpty() ? "allow" : "partial";
  return {
    verdict,
    emptyQuery: query.isEmpty(),
    allowed,
    denied,
    unfiltered: query.minus(controlled),
    points: onPath,
  };
}
