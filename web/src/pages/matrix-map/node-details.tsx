// What the map says about the node or edge clicked: an asset's business facts, a zone, an application, a flow.

import type { ReactNode } from "react";
import { Link } from "react-router";
import type { GraphAnswer } from "./api-types.js";
import type { MapElements } from "./graph-model.js";

function Facts({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl>
      {rows.map(([k, v]) => (
        <div key={k} style={{ display: "contents" }}>
          <dt>{k}</dt>
          <dd>{v === "" || v === null ? <span className="muted">none</span> : v}</dd>
        </div>
      ))}
    </dl>
  );
}

function flowCount(graph: GraphAnswer, node: string): [number, number] {
  const active = graph.flows.filter((f) => !f.expired);
  return [
    active.filter((f) => f.toNodes.includes(node)).length,
    active.filter((f) => f.fromNodes.includes(node)).length,
  ];
}

function details(
  graph: GraphAnswer,
  elements: MapElements,
  id: string,
): { title: string; body: ReactNode } | undefined {
  const [kind, name = ""] = id.includes("->") ? ["edge"] : id.split(/:(.*)/s, 2);
  if (kind === "asset") {
    const a = graph.assets.find((x) => x.name === name);
    if (!a) return undefined;
    const [inbound, outbound] = flowCount(graph, id);
    return {
      title: `Asset ${a.name}`,
      body: (
        <Facts
          rows={[
            ["Zone", a.zone ?? ""],
            ["Owner", a.owner ?? ""],
            ["Criticality", a.criticality ?? ""],
            ["Data", a.data.join(", ")],
            ["Applications", a.applications.join(", ")],
            ["Addresses", a.addresses.join(", ")],
            ["Tags", a.tags.join(", ")],
            ["Flows", `${inbound} in, ${outbound} out`],
            ["About", a.description ?? ""],
          ]}
        />
      ),
    };
  }
  if (kind === "zone") {
    const z = graph.zones.find((x) => x.name === name);
    if (!z) return undefined;
    return {
      title: `Zone ${z.name}`,
      body: (
        <Facts
          rows={[
            ["Networks", z.networks.join(", ")],
            ["Assets", String(graph.assets.filter((a) => a.zone === z.name).length)],
            ["About", z.description ?? ""],
            [
              "Matrix",
              <Link to={`/matrix?cell=${encodeURIComponent(`${z.name}|${z.name}`)}`}>open its row</Link>,
            ],
          ]}
        />
      ),
    };
  }
  if (kind === "app") {
    const a = graph.applications.find((x) => x.name === name);
    if (!a) return undefined;
    return {
      title: `Application ${a.name}`,
      body: (
        <Facts
          rows={[
            ["Owner", a.owner ?? ""],
            ["Tiers", a.tiers.map((t) => `${t.name} (${t.assets.join(", ")})`).join("; ")],
            ["About", a.description ?? ""],
          ]}
        />
      ),
    };
  }
  const edge = elements.edges.find((e) => e.id === id);
  if (!edge) return undefined;
  return {
    title: `${edge.source} → ${edge.target}`,
    body: (
      <>
        <p>
          {edge.flows.length} flow{edge.flows.length === 1 ? "" : "s"}:
        </p>
        <ul>
          {edge.flows.slice(0, 50).map((f) => (
            <li key={f}>{f}</li>
          ))}
        </ul>
        {edge.flows.length > 50 && <p className="muted">and {edge.flows.length - 50} more</p>}
      </>
    ),
  };
}

export function NodeDetails(props: { graph: GraphAnswer; elements: MapElements; id: string | undefined }) {
  const d = props.id ? details(props.graph, props.elements, props.id) : undefined;
  return (
    <aside className="mm-side mm-details" aria-live="polite" aria-labelledby="mm-details-title">
      <h2 id="mm-details-title">{d?.title ?? "Details"}</h2>
      {d ? d.body : <p className="muted">Click a node or a flow, or choose one in “Select a node”.</p>}
    </aside>
  );
}
