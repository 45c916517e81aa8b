// Planning a change: per point, what a newly compiled configuration would change compared with the one in
// place — lines, and above all the connections that become allowed or denied, and the flows behind them.

import type { CompiledPoint } from "../core/compile/compile.js";
import { describeDifference } from "../core/compile/prove.js";
import { importContext } from "../core/compile/prove.js";
import { findImporter } from "../core/import/formats/index.js";
import type { ConfigFile } from "../core/import/model.js";
import type { Diagnostic } from "../core/policy/diagnostics.js";
import type { LoadedPolicy } from "../core/policy/load.js";
import { type DifferenceReport, reportEntries } from "./compile.js";

export interface PlanLineChange {
  readonly file: string;
  readonly added: string[];
  readonly removed: string[];
}

export interface PointPlan {
  readonly point: string;
  readonly target: string;
  /** "new": nothing deployed to compare with; "unchanged": same connections and same text. */
  readonly status: "new" | "changed" | "unchanged" | "not-compiled";
  readonly lines: PlanLineChange[];
  readonly becomeAllowed: DifferenceReport[];
  readonly becomeDenied: DifferenceReport[];
  /** Problems reading the deployed configuration. */
  readonly diagnostics: Diagnostic[];
}

/** Lines only in `after` and only in `before`, as multisets, each list in file order. */
export function lineChanges(before: string, after: string): { added: string[]; removed: string[] } {
  const count = (lines: string[]) => {
    const m = new Map<string, number>();
    for (const l of lines) m.set(l, (m.get(l) ?? 0) + 1);
    return m;
  };
  const a = before.split("\n").filter((l) => l.trim() !== "");
  const b = after.split("\n").filter((l) => l.trim() !== "");
  const only = (lines: string[], other: Map<string, number>) => {
    const left = new Map(other);
    return lines.filter((l) => {
      const n = left.get(l) ?? 0;
      if (n > 0) {
        left.set(l, n - 1);
        return false;
      }
      return true;
    });
  };
  return { added: only(b, count(a)), removed: only(a, count(b)) };
}

export function planPoint(
  loaded: LoadedPolicy,
  compiled: CompiledPoint,
  deployed: readonly ConfigFile[],
  maxEntries = 20,
): PointPlan {
  const name = compiled.point.point.name;
  const targetId = compiled.point.point.target.value;
  const empty = { lines: [], becomeAllowed: [], becomeDenied: [], diagnostics: [] };
  if (!compiled.target || !compiled.scope || !compiled.proof)
    return { point: name, target: targetId, status: "not-compiled", ...empty };
  const importer = findImporter(compiled.target.format)!;
  const domain = compiled.scope.renderDomain;
  const after = compiled.proof.imported.accepted.intersect(domain);
  const space = loaded.intent.space;
  const old =
    deployed.length > 0
      ? importer.import(deployed, importContext(loaded.intent, compiled.scope))
      : { accepted: space.none(), rules: [], diagnostics: [] };
  const before = old.accepted.intersect(domain);
  const byName = new Map(deployed.map((f) => [f.name.split("/").pop()!, f.text]));
  const lines = compiled.files
    .map((f) => ({ file: f.name, ...lineChanges(byName.get(f.name) ?? "", f.text) }))
    .filter((c) => c.added.length > 0 || c.removed.length > 0);
  const opened = describeDifference(after.minus(before), loaded.intent, compiled.proof.imported, maxEntries);
  const closed = describeDifference(before.minus(after), loaded.intent, old, maxEntries);
  const same = after.equals(before);
  return {
    point: name,
    target: compiled.target.id,
    status: deployed.length === 0 ? "new" : same && lines.length === 0 ? "unchanged" : "changed",
    lines,
    becomeAllowed: reportEntries(opened.entries),
    becomeDenied: reportEntries(closed.entries),
    diagnostics: old.diagnostics,
  };
}
