// The Map page: zones, applications, assets and the flows between them, filtered by application, owner, data
// classification and criticality; cytoscape is imported here only, so it lands in this page's chunk.

import { useMemo } from "react";
import { useSearchParams } from "react-router";
import { useApi } from "../api/use-api.js";
import { PageHeader } from "../components/page-header.js";
import { Empty, ErrorBox, Loading } from "../components/states.js";
import type { GraphAnswer } from "./matrix-map/api-types.js";
import { CyGraph } from "./matrix-map/cy-graph.js";
import {
  DETAIL_LIMIT,
  filterOptions,
  mapElements,
  type MapElements,
  type MapFilters,
} from "./matrix-map/graph-model.js";
import { NodeDetails } from "./matrix-map/node-details.js";
import "./matrix-map/matrix-map.css";

const FILTERS: [key: keyof MapFilters, label: string, all: string][] = [
  ["application", "Application", "All applications"],
  ["owner", "Owner", "All owners"],
  ["data", "Data classification", "All data"],
  ["criticality", "Criticality", "All criticalities"],
];

function Filters(props: {
  graph: GraphAnswer;
  elements: MapElements;
  filters: MapFilters;
  selected: string | undefined;
  onChange: (key: string, value: string) => void;
}) {
  const options = useMemo(() => filterOptions(props.graph), [props.graph]);
  const lists: Record<keyof MapFilters, string[]> = {
    application: options.applications,
    owner: options.owners,
    data: options.data,
    criticality: options.criticalities,
  };
  return (
    <form className="mm-filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
      {FILTERS.map(([key, label, all]) => (
        <label key={key}>
          {label}
          <select value={props.filters[key] ?? ""} onChange={(e) => props.onChange(key, e.target.value)}>
            <option value="">{all}</option>
            {lists[key].map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        </label>
      ))}
      <label>
        Select a node
        <select value={props.selected ?? ""} onChange={(e) => props.onChange("node", e.target.value)}>
          <option value="">None</option>
          {props.elements.nodes.map((n) => (
            <option key={n.id} value={n.id}>
              {n.id}
            </option>
          ))}
        </select>
      </label>
    </form>
  );
}

function Summary({ m }: { m: MapElements }) {
  const assets = m.nodes.filter((n) => n.kind === "asset").length;
  const flows = m.edges.filter((e) => e.kind === "flow").length;
  return (
    <p className="mm-notice" role="status">
      {m.aggregated
        ? `${m.matchedAssets} assets match: more than ${DETAIL_LIMIT}, so zones are shown with the flows between them aggregated. Filter to see assets.`
        : `${assets} assets, ${m.nodes.filter((n) => n.kind === "zone").length} zones, ${flows} flow links.`}
    </p>
  );
}

export default function MapPage() {
  const graph = useApi<GraphAnswer>("/graph");
  // Filters and the selected node live in the URL so a view can be shared.
  const [params, setParams] = useSearchParams();
  const filters: MapFilters = Object.fromEntries(
    FILTERS.map(([k]) => [k, params.get(k) ?? undefined]).filter(([, v]) => v),
  );
  const filterKey = JSON.stringify(filters);
  const selected = params.get("node") ?? undefined;
  const elements = useMemo(
    () => (graph.state === "done" ? mapElements(graph.data, JSON.parse(filterKey) as MapFilters) : undefined),
    [graph, filterKey],
  );
  const change = (key: string, value: string) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (value) next.set(key, value);
        else next.delete(key);
        if (key !== "node") next.delete("node");
        return next;
      },
      { replace: true },
    );
  return (
    <>
      <PageHeader title="Map" subtitle="Zones, applications, assets and the flows between them" />
      {graph.state === "loading" && <Loading />}
      {graph.state === "error" && <ErrorBox error={graph.error} onRetry={graph.reload} />}
      {graph.state === "done" && elements && (
        <>
          <Filters
            graph={graph.data}
            elements={elements}
            filters={filters}
            selected={selected}
            onChange={change}
          />
          {graph.data.assets.length === 0 && graph.data.zones.length === 0 ? (
            <Empty>The policy defines no zone and no asset.</Empty>
          ) : elements.nodes.length === 0 ? (
            <Empty>No asset matches these filters.</Empty>
          ) : (
            <>
              <Summary m={elements} />
              <div className="mm-layout with-side">
                <CyGraph
                  elements={elements}
                  selected={selected}
                  onSelect={(id) => change("node", id ?? "")}
                  label={`Graph of ${elements.nodes.length} nodes; the node list above inspects one by keyboard`}
                />
                <NodeDetails graph={graph.data} elements={elements} id={selected} />
              </div>
            </>
          )}
        </>
      )}
    </>
  );
}
