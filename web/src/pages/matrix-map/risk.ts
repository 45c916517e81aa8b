// How risky an open matrix cell is, from what the graph says about its two zones and the services it lets through.

import type { GraphAnswer, MatrixCell } from "./api-types.js";

export type RiskBand = "none" | "low" | "medium" | "high" | "critical";

export interface CellRisk {
  readonly band: RiskBand;
  readonly score: number;
  /** Why, one short sentence each, for the side panel and the cell's label. */
  readonly reasons: string[];
}

export interface ZoneProfile {
  /** 2: the internet or a zone in a group named "untrusted"; 1: a zone with no inventoried asset; 0: ours. */
  readonly exposure: 0 | 1 | 2;
  /** 0 to 3: the most critical asset or most sensitive data the zone holds. */
  readonly sensitivity: number;
  readonly sensitiveData: string[];
}

const CRITICALITY: Record<string, number> = { low: 0, medium: 1, high: 2, critical: 3 };
const DATA: Record<string, number> = {
  cardholder: 3,
  credentials: 3,
  "ot-control": 3,
  pii: 2,
  confidential: 2,
};
/** Ports an attacker wants: remote shells and desktops, file sharing, management protocols. */
const ADMIN_PORTS = new Set([22, 23, 135, 139, 161, 445, 3389, 5900, 5985, 5986]);

export function zoneProfiles(graph: GraphAnswer): Map<string, ZoneProfile> {
  const untrusted = new Set(
    graph.groups
      .filter((g) => /untrusted/i.test(g.name))
      .flatMap((g) => g.members.filter((m) => m.startsWith("zone:")).map((m) => m.slice(5))),
  );
  const profiles = new Map<string, ZoneProfile>();
  for (const z of graph.zones) {
    const assets = graph.assets.filter((a) => a.zone === z.name);
    const isDefault = z.networks.some((n) => n === "0.0.0.0/0" || n === "::/0");
    const exposure = isDefault || untrusted.has(z.name) ? 2 : assets.length === 0 ? 1 : 0;
    const sensitiveData = [...new Set(assets.flatMap((a) => a.data.filter((d) => d in DATA)))].sort();
    const sensitivity = Math.max(
      0,
      ...assets.map((a) => CRITICALITY[a.criticality ?? ""] ?? 0),
      ...sensitiveData.map((d) => DATA[d] ?? 0),
    );
    profiles.set(z.name, { exposure, sensitivity, sensitiveData });
  }
  return profiles;
}

/** Whether a service line such as "tcp/22", "tcp/20-25,3389", "tcp" or "any protocol" includes an admin port. */
export function opensAdmin(service: string): boolean {
  if (service === "any protocol") return true;
  const [proto, ports] = service.split("/", 2) as [string, string | undefined];
  if (proto !== "tcp" && proto !== "udp") return false;
  if (ports === undefined || ports === "any") return true;
  return ports.split(",").some((range) => {
    const [lo, hi] = range.split("-").map(Number) as [number, number | undefined];
    return [...ADMIN_PORTS].some((p) => p >= lo && p <= (hi ?? lo));
  });
}

function band(score: number): RiskBand {
  return score >= 7 ? "critical" : score >= 5 ? "high" : score >= 3 ? "medium" : "low";
}

export function cellRisk(cell: MatrixCell, profiles: ReadonlyMap<string, ZoneProfile>): CellRisk {
  if (cell.level === "none") return { band: "none", score: 0, reasons: [] };
  const src = profiles.get(cell.from);
  const dst = profiles.get(cell.to);
  const reasons: string[] = [];
  let score = 0;
  if (src?.exposure === 2) reasons.push(`"${cell.from}" is untrusted`);
  if (src?.exposure === 1) reasons.push(`"${cell.from}" holds no inventoried asset (clients)`);
  score += 1 + (src?.exposure ?? 0);
  if (dst && dst.sensitivity >= 2)
    reasons.push(
      `"${cell.to}" holds ${dst.sensitiveData.length > 0 ? dst.sensitiveData.join(", ") + " data" : "critical assets"}`,
    );
  score += dst?.sensitivity ?? 0;
  const admin = cell.services.filter(opensAdmin);
  if (admin.length > 0) {
    reasons.push(`Admin services open: ${admin.slice(0, 3).join(", ")}`);
    score += 2;
  }
  if (cell.level === "all") {
    reasons.push("Everything is open");
    score += 2;
  }
  return { band: band(score), score, reasons };
}
