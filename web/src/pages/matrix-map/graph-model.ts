// From the policy graph and the map's filters to the nodes and edges to draw: assets inside their zones with
// the flows between them, or, when too many assets are shown, zones alone with their flows aggregated.

import type { GraphAnswer, GraphAsset, GraphFlow } from "./api-types.js";

export interface MapFilters {
  readonly application?: string;
  readonly owner?: string;
  readonly data?: string;
  readonly criticality?: string;
}

export type NodeKind = "zone" | "asset" | "app" | "any";

export interface MapNode {
  readonly id: string;
  readonly label: string;
  readonly kind: NodeKind;
  readonly parent?: string;
  /** Drawn faded: not matched by the filters, shown because a matched asset has a flow with it. */
  readonly context?: boolean;
  readonly criticality?: string;
}

export interface MapEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly kind: "flow" | "member";
  readonly flows: string[];
}

export interface MapElements {
  readonly nodes: MapNode[];
  readonly edges: MapEdge[];
  /** Zones only: more assets matched than the detail limit. */
  readonly aggregated: boolean;
  readonly matchedAssets: number;
}

/** Above this many assets the map draws zones only: a force layout of thousands of nodes is not readable. */
export const DETAIL_LIMIT = 250;

export function filterOptions(graph: GraphAnswer) {
  const sorted = (values: Iterable<string | null>) =>
    [...new Set([...values].filter((v): v is string => !!v))].sort();
  return {
    applications: sorted(graph.applications.map((a) => a.name)),
    owners: sorted(graph.assets.map((a) => a.owner)),
    data: sorted(graph.assets.flatMap((a) => a.data)),
    criticalities: ["critical", "high", "medium", "low"].filter((c) =>
      graph.assets.some((a) => a.criticality === c),
    ),
  };
}

export function isFiltering(f: MapFilters): boolean {
  return !!(f.application || f.owner || f.data || f.criticality);
}

export function assetMatches(a: GraphAsset, f: MapFilters): boolean {
  return (
    (!f.application || a.applications.includes(f.application)) &&
    (!f.owner || a.owner === f.owner) &&
    (!f.data || a.data.includes(f.data)) &&
    (!f.criticality || a.criticality === f.criticality)
  );
}

/** Adds a flow to the edge between two nodes, creating the edge the first time. */
function addFlow(edges: Map<string, MapEdge>, source: string, target: string, flow: string): void {
  const id = `${source}->${target}`;
  const edge = edges.get(id) ?? { id, source, target, kind: "flow" as const, flows: [] };
  if (!edge.flows.includes(flow)) edge.flows.push(flow);
  edges.set(id, edge);
}

function relevantFlows(graph: GraphAnswer, matched: Set<string>, filtering: boolean): GraphFlow[] {
  const active = graph.flows.filter((f) => !f.expired);
  if (!filtering) return active;
  return active.filter((f) => [...f.fromNodes, ...f.toNodes].some((n) => matched.has(n)));
}

function aggregated(graph: GraphAnswer, matched: GraphAsset[], flows: GraphFlow[]): MapElements {
  const zoneOf = new Map(graph.assets.map((a) => [`asset:${a.name}`, a.zone ? `zone:${a.zone}` : "any"]));
  const toZone = (n: string) => (n.startsWith("asset:") ? (zoneOf.get(n) ?? "any") : n);
  const edges = new Map<string, MapEdge>();
  for (const f of flows)
    for (const s of new Set(f.fromNodes.map(toZone)))
      for (const t of new Set(f.toNodes.map(toZone))) if (s !== t) addFlow(edges, s, t, f.name);
  const counts = new Map<string, number>();
  for (const a of matched) if (a.zone) counts.set(a.zone, (counts.get(a.zone) ?? 0) + 1);
  const used = new Set([...edges.values()].flatMap((e) => [e.source, e.target]));
  const nodes: MapNode[] = graph.zones
    .filter((z) => counts.has(z.name) || used.has(`zone:${z.name}`))
    .map((z) => ({
      id: `zone:${z.name}`,
      label: `${z.name} (${counts.get(z.name) ?? 0} assets)`,
      kind: "zone",
      ...(!counts.has(z.name) && { context: true }),
    }));
  if (used.has("any")) nodes.push({ id: "any", label: "any", kind: "any" });
  return { nodes, edges: [...edges.values()], aggregated: true, matchedAssets: matched.length };
}

export function mapElements(graph: GraphAnswer, filters: MapFilters, limit = DETAIL_LIMIT): MapElements {
  const filtering = isFiltering(filters);
  const matched = graph.assets.filter((a) => assetMatches(a, filters));
  const matchedIds = new Set(matched.map((a) => `asset:${a.name}`));
  const flows = relevantFlows(graph, matchedIds, filtering);
  if (matched.length > limit) return aggregated(graph, matched, flows);

  const edges = new Map<string, MapEdge>();
  const shownAssets = new Set(matchedIds);
  const endpoints = new Set<string>();
  for (const f of flows)
    for (const s of f.fromNodes)
      for (const t of f.toNodes) {
        if (filtering && !matchedIds.has(s) && !matchedIds.has(t)) continue;
        if (s === t) continue;
        addFlow(edges, s, t, f.name);
        for (const n of [s, t]) (n.startsWith("asset:") ? shownAssets : endpoints).add(n);
      }
  const byName = new Map(graph.assets.map((a) => [`asset:${a.name}`, a]));
  const assetNodes: MapNode[] = [...shownAssets].map((id) => {
    const a = byName.get(id)!;
    if (a.zone) endpoints.add(`zone:${a.zone}`);
    return {
      id,
      label: a.name,
      kind: "asset",
      ...(a.zone && { parent: `zone:${a.zone}` }),
      ...(a.criticality && { criticality: a.criticality }),
      ...(!matchedIds.has(id) && { context: true }),
    };
  });
  const zoneNodes: MapNode[] = graph.zones
    .filter((z) => endpoints.has(`zone:${z.name}`))
    .map((z) => ({ id: `zone:${z.name}`, label: z.name, kind: "zone" }));
  const apps = graph.applications.filter((a) =>
    a.tiers.some((t) => t.assets.some((n) => matchedIds.has(`asset:${n}`))),
  );
  const appNodes: MapNode[] = apps.map((a) => ({ id: `app:${a.name}`, label: a.name, kind: "app" }));
  const members: MapEdge[] = apps.flatMap((a) =>
    [...new Set(a.tiers.flatMap((t) => t.assets))]
      .filter((n) => matchedIds.has(`asset:${n}`))
      .map((n) => ({
        id: `app:${a.name}~asset:${n}`,
        source: `app:${a.name}`,
        target: `asset:${n}`,
        kind: "member",
        flows: [],
      })),
  );
  const anyNode: MapNode[] = endpoints.has("any") ? [{ id: "any", label: "any", kind: "any" }] : [];
  return {
    nodes: [...zoneNodes, ...anyNode, ...assetNodes, ...appNodes],
    edges: [...edges.values(), ...members],
    aggregated: false,
    matchedAssets: matched.length,
  };
}

export interface Point {
  x: number;
  y: number;
}

const CELL = 90;
const ZONE_GAP = 70;
const ROW_WIDTH = 1800;

/**
 * A fixed layout that stays readable and costs nothing for thousands of nodes: each zone a box of its assets in
 * a grid, zones packed in rows, applications and "any" in a row above. Force layouts tangle compound nodes.
 */
export function gridPositions(m: MapElements): Map<string, Point> {
  const positions = new Map<string, Point>();
  const children = new Map<string, MapNode[]>();
  for (const n of m.nodes)
    if (n.parent) (children.get(n.parent) ?? children.set(n.parent, []).get(n.parent)!).push(n);
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  const place = (ids: readonly string[], columns: number, left: number, top: number) =>
    ids.forEach((id, i) =>
      positions.set(id, { x: left + (i % columns) * CELL, y: top + Math.floor(i / columns) * CELL }),
    );
  for (const zone of m.nodes.filter((n) => n.kind === "zone")) {
    const kids = children.get(zone.id) ?? [];
    const columns = Math.max(1, Math.ceil(Math.sqrt(kids.length * 1.6)));
    const width = Math.max(1, Math.min(columns, kids.length)) * CELL;
    const height = Math.max(1, Math.ceil(kids.length / columns)) * CELL;
    if (x > 0 && x + width > ROW_WIDTH) {
      x = 0;
      y += rowHeight + ZONE_GAP;
      rowHeight = 0;
    }
    if (kids.length === 0) positions.set(zone.id, { x: x + CELL / 2, y: y + CELL / 2 });
    else
      place(
        kids.map((k) => k.id),
        columns,
        x + CELL / 2,
        y + CELL / 2,
      );
    x += width + ZONE_GAP;
    rowHeight = Math.max(rowHeight, height);
  }
  const loose = m.nodes.filter((n) => (n.kind === "asset" && !n.parent) || n.kind === "any").map((n) => n.id);
  place(loose, Math.ceil(ROW_WIDTH / CELL), 0, y + rowHeight + ZONE_GAP + CELL / 2);
  const apps = m.nodes.filter((n) => n.kind === "app").map((n) => n.id);
  const appColumns = Math.ceil(ROW_WIDTH / CELL);
  place(apps, appColumns, 0, -(Math.ceil(apps.length / appColumns) * CELL) - ZONE_GAP);
  return positions;
}
