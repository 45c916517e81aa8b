// The map's canvas: cytoscape draws the elements, reports taps, and says how long the first drawing took.

import cytoscape, { type Core, type ElementDefinition, type LayoutOptions } from "cytoscape";
import { useEffect, useRef } from "react";
import { gridPositions, type MapElements } from "./graph-model.js";

const CRITICALITY_COLOURS: Record<string, string> = {
  critical: "#c0392b",
  high: "#e67e22",
  medium: "#d4ac0d",
  low: "#7f8c8d",
};

const STYLE: cytoscape.StylesheetJson = [
  {
    selector: "node",
    style: { label: "data(label)", "font-size": 10, "text-valign": "bottom", "text-margin-y": 3 },
  },
  {
    selector: 'node[kind = "zone"]',
    style: {
      shape: "round-rectangle",
      "background-color": "#e3ecf6",
      "border-color": "#1f4e79",
      "border-width": 1,
      "text-valign": "top",
      "font-weight": "bold",
      "font-size": 12,
      padding: "12px",
    },
  },
  { selector: 'node[kind = "asset"]', style: { width: 18, height: 18, "background-color": "#7f8c8d" } },
  ...Object.entries(CRITICALITY_COLOURS).map(([c, colour]) => ({
    selector: `node[criticality = "${c}"]`,
    style: { "background-color": colour },
  })),
  {
    selector: 'node[kind = "app"]',
    style: { shape: "hexagon", width: 24, height: 24, "background-color": "#1f4e79", color: "#1f4e79" },
  },
  { selector: 'node[kind = "any"]', style: { shape: "star", "background-color": "#5b6675" } },
  { selector: "node[?context]", style: { opacity: 0.45 } },
  {
    selector: 'edge[kind = "flow"]',
    style: {
      // Logarithmic: aggregated zone edges carry hundreds of flows.
      width: "mapData(weight, 1, 10, 1, 5)",
      opacity: 0.7,
      "line-color": "#8aa1b8",
      "target-arrow-color": "#8aa1b8",
      "target-arrow-shape": "triangle",
      "curve-style": "bezier",
      "arrow-scale": 0.8,
    },
  },
  {
    selector: 'edge[kind = "member"]',
    style: { width: 1, "line-style": "dashed", "line-color": "#b8c4d0", "curve-style": "straight" },
  },
  {
    selector: ":selected",
    style: {
      "border-width": 3,
      "border-color": "#f0a500",
      "line-color": "#f0a500",
      "target-arrow-color": "#f0a500",
    },
  },
];

/**
 * Cytoscape injects a <style> for its container unless an element with this id exists; the console's Content
 * Security Policy forbids inline styles, so an empty <meta> with that id stands in and matrix-map.css holds the rule.
 */
function preventInlineStylesheet(): void {
  const id = "__________cytoscape_stylesheet";
  if (document.getElementById(id)) return;
  const marker = document.createElement("meta");
  marker.id = id;
  document.head.appendChild(marker);
}

function definitions(m: MapElements): ElementDefinition[] {
  return [
    ...m.nodes.map((n) => ({ group: "nodes" as const, data: { ...n } })),
    ...m.edges.map((e) => ({
      group: "edges" as const,
      data: { ...e, weight: Math.log2(e.flows.length + 1) },
    })),
  ];
}

/** Zones alone are few: a circle reads well. Assets in zones get a fixed grid (see gridPositions). */
function layout(m: MapElements): LayoutOptions {
  if (m.aggregated) return { name: "circle", animate: false, padding: 20 };
  const positions = gridPositions(m);
  return {
    name: "preset",
    positions: (n: cytoscape.NodeSingular) => positions.get(n.id()) ?? { x: 0, y: 0 },
    padding: 20,
  } as LayoutOptions;
}

export function CyGraph(props: {
  elements: MapElements;
  selected: string | undefined;
  onSelect: (id: string | undefined) => void;
  label: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const cy = useRef<Core | null>(null);
  const onSelect = useRef(props.onSelect);
  onSelect.current = props.onSelect;

  useEffect(() => {
    if (!box.current) return;
    preventInlineStylesheet();
    const start = performance.now();
    const core = cytoscape({
      container: box.current,
      elements: definitions(props.elements),
      style: STYLE,
      layout: layout(props.elements),
      wheelSensitivity: 0.3,
      minZoom: 0.05,
      maxZoom: 4,
    });
    // Read by the browser test and shown to users who wonder about speed.
    box.current.dataset.renderMs = String(Math.round(performance.now() - start));
    box.current.dataset.nodes = String(core.nodes().length);
    core.on("tap", "node, edge", (e) => onSelect.current(e.target.id() as string));
    core.on("tap", (e) => {
      if (e.target === core) onSelect.current(undefined);
    });
    cy.current = core;
    return () => {
      core.destroy();
      cy.current = null;
    };
  }, [props.elements]);

  useEffect(() => {
    const core = cy.current;
    if (!core) return;
    core.elements().unselect();
    if (!props.selected) return;
    const el = core.getElementById(props.selected);
    if (el.nonempty()) {
      el.select();
      if (el.isNode() && !el.visible()) return;
      core.animate({ center: { eles: el } }, { duration: 200 });
    }
  }, [props.selected, props.elements]);

  return <div ref={box} className="mm-canvas" role="img" aria-label={props.label} data-testid="map-canvas" />;
}
