import { describe, expect, it } from "vitest";
import type { GraphAnswer, GraphAsset } from "./api-types.js";
import { DETAIL_LIMIT, filterOptions, gridPositions, mapElements } from "./graph-model.js";

const asset = (name: string, zone: string, more: Partial<GraphAsset> = {}): GraphAsset => ({
  name,
  zone,
  owner: "ops",
  criticality: "low",
  data: [],
  tags: [],
  description: null,
  addresses: [],
  applications: [],
  ...more,
});

const flow = (name: string, from: string[], to: string[], expired = false) => ({
  name,
  from,
  to,
  services: [],
  owner: null,
  expired,
  fromNodes: from,
  toNodes: to,
});

const small: GraphAnswer = {
  version: 1,
  zones: ["internet", "dmz", "pci"].map((name) => ({ name, description: null, networks: [] })),
  groups: [],
  applications: [
    { name: "shop", owner: "shop-team", description: null, tiers: [{ name: "web", assets: ["web-1"] }] },
  ],
  assets: [
    asset("web-1", "dmz", { applications: ["shop"], owner: "shop-team", criticality: "high" }),
    asset("vault", "pci", { data: ["cardholder"], criticality: "critical" }),
    asset("printer", "dmz"),
  ],
  flows: [
    flow("internet-to-web", ["zone:internet"], ["asset:web-1"]),
    flow("web-to-vault", ["asset:web-1"], ["asset:vault"]),
    flow("old", ["asset:printer"], ["asset:vault"], true),
  ],
  points: [],
};

describe("mapElements", () => {
  it("draws every asset inside its zone, applications and the active flows between them", () => {
    const m = mapElements(small, {});
    expect(m.aggregated).toBe(false);
    expect(m.nodes.find((n) => n.id === "asset:vault")?.parent).toBe("zone:pci");
    expect(m.nodes.map((n) => n.id).sort()).toEqual(
      [
        "app:shop",
        "asset:printer",
        "asset:vault",
        "asset:web-1",
        "zone:dmz",
        "zone:internet",
        "zone:pci",
      ].sort(),
    );
    expect(m.edges.filter((e) => e.kind === "flow").map((e) => e.flows[0])).toEqual([
      "internet-to-web",
      "web-to-vault",
    ]);
  });

  it("keeps only matched assets and, faded, the peers of their flows", () => {
    const m = mapElements(small, { data: "cardholder" });
    const assets = m.nodes.filter((n) => n.kind === "asset");
    expect(assets.map((n) => [n.id, n.context ?? false])).toEqual([
      ["asset:vault", false],
      ["asset:web-1", true],
    ]);
    expect(m.nodes.some((n) => n.id === "zone:internet")).toBe(false);
    expect(m.nodes.some((n) => n.id === "app:shop")).toBe(false);
  });

  it("aggregates flows between zones when more assets match than the limit", () => {
    const m = mapElements(small, {}, 2);
    expect(m.aggregated).toBe(true);
    expect(m.nodes.map((n) => n.label)).toEqual(["internet (0 assets)", "dmz (2 assets)", "pci (1 assets)"]);
    expect(m.edges.map((e) => e.id)).toEqual(["zone:internet->zone:dmz", "zone:dmz->zone:pci"]);
  });

  it("lists filter choices from the data", () => {
    expect(filterOptions(small)).toEqual({
      applications: ["shop"],
      owners: ["ops", "shop-team"],
      data: ["cardholder"],
      criticalities: ["critical", "high", "low"],
    });
  });

  it("builds the zone view of 2,000 assets and 10,000 flows quickly", () => {
    const zones = Array.from({ length: 20 }, (_, i) => `z${i}`);
    const assets = Array.from({ length: 2000 }, (_, i) => asset(`a${i}`, zones[i % 20]!));
    const flows = Array.from({ length: 10_000 }, (_, i) =>
      flow(`f${i}`, [`asset:a${i % 2000}`], [`asset:a${(i * 7) % 2000}`, `zone:z${i % 20}`]),
    );
    const big: GraphAnswer = {
      ...small,
      zones: zones.map((name) => ({ name, description: null, networks: [] })),
      applications: [],
      assets,
      flows,
    };
    const start = performance.now();
    const m = mapElements(big, {});
    expect(performance.now() - start).toBeLessThan(1000);
    expect(m.aggregated).toBe(true);
    expect(m.nodes.length).toBe(20);
    expect(mapElements(big, { owner: "nobody" }).nodes).toEqual([]);
    expect(DETAIL_LIMIT).toBeLessThan(2000);
  });
});

describe("gridPositions", () => {
  it("places every node once, assets of a zone side by side, applications above", () => {
    const m = mapElements(small, {});
    const p = gridPositions(m);
    expect([...p.keys()].sort()).toEqual(
      m.nodes
        .filter((n) => n.kind !== "zone" || !m.nodes.some((c) => c.parent === n.id))
        .map((n) => n.id)
        .sort(),
    );
    expect(p.get("asset:web-1")!.y).toBe(p.get("asset:printer")!.y);
    expect(p.get("app:shop")!.y).toBeLessThan(p.get("asset:web-1")!.y);
  });
});
