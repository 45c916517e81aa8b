// The zone × zone matrix: for each ordered pair of zones, how much of the traffic between them is allowed.

import type { Intent, RuleSet } from "../policy/intent.js";
import { type PacketSet, projectServices } from "../space/packet-set.js";
import { decompose, formatServices } from "../space/summarize.js";

export type CellLevel = "none" | "partial" | "all";

export interface MatrixCell {
  readonly from: string;
  readonly to: string;
  readonly level: CellLevel;
  /** The services allowed for at least one pair of addresses, e.g. ["tcp/443", "udp/53"]. */
  readonly services: string[];
  /** Active flows that allow part of this cell. */
  readonly flows: string[];
}

export interface ZoneMatrix {
  readonly zones: string[];
  readonly cells: MatrixCell[];
}

/**
 * Work is shared across a row: the allowed and the refused part of the source zone are computed once, so each
 * cell costs one intersection and one overlap test instead of three intersections over the whole policy.
 */
export function zoneMatrix(intent: Intent): ZoneMatrix {
  const zones = [...intent.resolved.zones.keys()];
  const src = zones.map((z) => intent.zoneSpace(z, "src"));
  const dst = zones.map((z) => intent.zoneSpace(z, "dst"));
  const candidates = candidateFlows(intent, src, dst);
  const cells: MatrixCell[] = [];
  zones.forEach((from, i) => {
    const allowedFrom = src[i]!.intersect(intent.allowed);
    const refusedFrom = src[i]!.minus(intent.allowed);
    zones.forEach((to, j) => {
      const allowed = allowedFrom.intersect(dst[j]!);
      // Allowed is part of the traffic, so the two are equal exactly when no refused packet lies in the cell.
      const level: CellLevel = allowed.isEmpty() ? "none" : refusedFrom.overlaps(dst[j]!) ? "partial" : "all";
      const services =
        level === "none"
          ? []
          : [...new Set(decompose(projectServices(allowed), 100).boxes.map(formatServices))];
      cells.push({
        from,
        to,
        level,
        services,
        flows:
          level === "none"
            ? []
            : (candidates.get(i * zones.length + j) ?? [])
                .filter((f) => f.set.overlaps(allowed))
                .map((f) => f.rule.name),
      });
    });
  });
  return { zones, cells };
}

/**
 * For each cell (keyed by from × zones + to), the active flows that may allow part of it, in the policy's order:
 * those touching both zones. A flow usually touches one or two zones on each side, so each cell then tests a
 * handful of flows exactly instead of all of them.
 */
function candidateFlows(
  intent: Intent,
  src: readonly PacketSet[],
  dst: readonly PacketSet[],
): Map<number, RuleSet[]> {
  const byCell = new Map<number, RuleSet[]>();
  for (const f of intent.flows) {
    if (f.resolved.expired) continue;
    const to = dst.flatMap((d, j) => (f.set.overlaps(d) ? [j] : []));
    if (to.length === 0) continue;
    src.forEach((s, i) => {
      if (!f.set.overlaps(s)) return;
      for (const j of to) {
        const key = i * dst.length + j;
        const list = byCell.get(key);
        if (list) list.push(f);
        else byCell.set(key, [f]);
      }
    });
  }
  return byCell;
}
