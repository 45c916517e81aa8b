// The Zone matrix page: a zone × zone heat map of how much is open and how risky it is; a cell opens its details.

import { useMemo, useRef, type KeyboardEvent } from "react";
import { useSearchParams } from "react-router";
import { useApi } from "../api/use-api.js";
import { PageHeader } from "../components/page-header.js";
import { Empty, ErrorBox, Loading } from "../components/states.js";
import type { GraphAnswer, MatrixAnswer, MatrixCell } from "./matrix-map/api-types.js";
import { CellPanel, levelText } from "./matrix-map/cell-panel.js";
import { cellRisk, zoneProfiles, type CellRisk } from "./matrix-map/risk.js";
import "./matrix-map/matrix-map.css";

const GLYPH: Record<MatrixCell["level"], string> = { none: "", partial: "◐", all: "●" };

function cellLabel(cell: MatrixCell, risk: CellRisk): string {
  const flows = cell.flows.length === 1 ? "1 flow" : `${cell.flows.length} flows`;
  return `From ${cell.from} to ${cell.to}: ${levelText(cell.level)}, risk ${risk.band}, ${flows}`;
}

function Legend() {
  return (
    <div className="mm-legend" aria-label="Legend">
      <span>
        <span className="mm-swatch level-partial">◐</span> partly open
      </span>
      <span>
        <span className="mm-swatch level-all">●</span> all open
      </span>
      {(["low", "medium", "high", "critical"] as const).map((b) => (
        <span key={b}>
          <span className={`mm-swatch risk-${b}`} /> {b} risk
        </span>
      ))}
      <span className="muted">
        Rows: source zone; columns: destination zone. Arrow keys move between cells.
      </span>
    </div>
  );
}

function Grid(props: {
  matrix: MatrixAnswer;
  risks: Map<string, CellRisk>;
  selected: string | undefined;
  onSelect: (cell: MatrixCell) => void;
}) {
  const { zones, cells } = props.matrix;
  const grid = useRef<HTMLDivElement>(null);
  const n = zones.length;
  // Roving with arrow keys: Tab reaches the grid once, arrows move inside it.
  const onKey = (e: KeyboardEvent<HTMLButtonElement>, i: number) => {
    const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: n, ArrowUp: -n };
    const step = moves[e.key];
    if (step === undefined) return;
    const next = i + step;
    if (next < 0 || next >= cells.length) return;
    e.preventDefault();
    grid.current?.querySelector<HTMLButtonElement>(`[data-index="${next}"]`)?.focus();
  };
  const focusIndex = Math.max(
    0,
    cells.findIndex((c) => `${c.from}|${c.to}` === props.selected),
  );
  return (
    <div className="mm-grid-wrap">
      <div
        ref={grid}
        className="mm-grid"
        role="grid"
        aria-label="Zone matrix: rows are source zones, columns destination zones"
        style={{ gridTemplateColumns: `max-content repeat(${n}, minmax(2.2rem, 1fr))` }}
      >
        <div role="row" className="mm-row">
          <span role="columnheader" className="mm-corner">
            from \ to
          </span>
          {zones.map((z) => (
            <span key={z} role="columnheader" className="mm-col-head">
              <span>{z}</span>
            </span>
          ))}
        </div>
        {zones.map((from, r) => (
          <div role="row" className="mm-row" key={from}>
            <span role="rowheader" className="mm-row-head">
              {from}
            </span>
            {zones.map((to, c) => {
              const i = r * n + c;
              const cell = cells[i]!;
              const risk = props.risks.get(`${from}|${to}`)!;
              const key = `${from}|${to}`;
              return (
                <span role="gridcell" key={to}>
                  <button
                    type="button"
                    data-index={i}
                    tabIndex={i === focusIndex ? 0 : -1}
                    className={`mm-cell level-${cell.level} risk-${risk.band}${props.selected === key ? " selected" : ""}`}
                    aria-label={cellLabel(cell, risk)}
                    aria-pressed={props.selected === key}
                    title={cellLabel(cell, risk)}
                    onClick={() => props.onSelect(cell)}
                    onKeyDown={(e) => onKey(e, i)}
                  >
                    {GLYPH[cell.level]}
                  </button>
                </span>
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
}

export default function Matrix() {
  const matrix = useApi<MatrixAnswer>("/matrix");
  const graph = useApi<GraphAnswer>("/graph");
  // The open cell lives in the URL (?cell=from|to) so it can be shared.
  const [params, setParams] = useSearchParams();
  const selected = params.get("cell") ?? undefined;
  const risks = useMemo(() => {
    const m = new Map<string, CellRisk>();
    if (matrix.state !== "done") return m;
    const profiles = zoneProfiles(
      graph.state === "done"
        ? graph.data
        : { version: 0, zones: [], groups: [], applications: [], assets: [], flows: [], points: [] },
    );
    for (const c of matrix.data.cells) m.set(`${c.from}|${c.to}`, cellRisk(c, profiles));
    return m;
  }, [matrix, graph]);
  const cell =
    matrix.state === "done" ? matrix.data.cells.find((c) => `${c.from}|${c.to}` === selected) : undefined;
  const select = (c: MatrixCell | undefined) =>
    setParams(c ? { cell: `${c.from}|${c.to}` } : {}, { replace: true });
  return (
    <>
      <PageHeader
        title="Zone matrix"
        subtitle="What each zone may open towards every other zone, and how risky that is"
      />
      {matrix.state === "loading" && <Loading />}
      {matrix.state === "error" && <ErrorBox error={matrix.error} onRetry={matrix.reload} />}
      {graph.state === "error" && <ErrorBox error={graph.error} onRetry={graph.reload} />}
      {matrix.state === "done" &&
        (matrix.data.zones.length === 0 ? (
          <Empty>The policy defines no zone.</Empty>
        ) : (
          <div className={cell ? "mm-layout with-side" : "mm-layout"}>
            <section className="panel" aria-label="Heat map">
              <Legend />
              <Grid matrix={matrix.data} risks={risks} selected={selected} onSelect={select} />
              {graph.state === "loading" && <Loading label="Rating risk…" />}
            </section>
            {cell && (
              <CellPanel
                cell={cell}
                risk={risks.get(`${cell.from}|${cell.to}`)!}
                points={graph.state === "done" ? graph.data.points : []}
                onClose={() => select(undefined)}
              />
            )}
          </div>
        ))}
    </>
  );
}
