// The zone × zone matrix: for each ordered pair of zones, how much of the traffic between them is allowed.

import type { Intent } from "../policy/intent.js";
import { projectServices } from "../space/packet-set.js";
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

export function zoneMatrix(intent: Intent): ZoneMatrix {
  const zones = [...intent.resolved.zones.keys()];
  const active = intent.flows.filter((f) => !f.resolved.expired);
  const cells: MatrixCell[] = [];
  for (const from of zones) {
    const src = intent.zoneSpace(from, "src");
    for (const to of zones) {
      const traffic = src.intersect(intent.zoneSpace(to, "dst"));
      const allowed = traffic.intersect(intent.allowed);
      const level: CellLevel = allowed.isEmpty() ? "none" : allowed.equals(traffic) ? "all" : "partial";
      const services =
        level === "none"
          ? []
          : [...new Set(decompose(projectServices(allowed), 100).boxes.map(formatServices))];
      const flows =
        level === "none" ? [] : active.filter((f) => f.set.overlaps(allowed)).map((f) => f.rule.name);
      cells.push({ from, to, level, services, flows });
    }
  }
  return { zones, cells };
}
