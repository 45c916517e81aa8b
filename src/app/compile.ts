// Compiling a policy's enforcement points, and explaining a proof that failed.

import { type CompiledPoint, compilePoint } from "../core/compile/compile.js";
import { describeDifference, type DifferenceEntry } from "../core/compile/prove.js";
import type { LoadedPolicy } from "../core/policy/load.js";
import type { ResolvedPoint } from "../core/policy/resolve.js";
import { formatPacket } from "../core/space/packet.js";

export interface CompileSelection {
  /** Point names; empty or absent means every point. */
  readonly points?: readonly string[];
}

/** The points selected, in policy order; unknown names are returned apart (a usage error for the caller). */
export function selectPoints(
  loaded: LoadedPolicy,
  selection: CompileSelection,
): { points: ResolvedPoint[]; unknown: string[] } {
  const wanted = selection.points ?? [];
  if (wanted.length === 0) return { points: [...loaded.resolved.points], unknown: [] };
  const byName = new Map(loaded.resolved.points.map((p) => [p.point.name, p]));
  const unknown = wanted.filter((n) => !byName.has(n));
  const points = loaded.resolved.points.filter((p) => wanted.includes(p.point.name));
  return { points, unknown };
}

export function compilePoints(
  loaded: LoadedPolicy,
  points: readonly ResolvedPoint[],
  progress?: (done: number, total: number, point: string) => void,
): CompiledPoint[] {
  const out: CompiledPoint[] = [];
  for (const [i, p] of points.entries()) {
    progress?.(i, points.length, p.point.name);
    out.push(compilePoint(loaded.intent, p));
  }
  progress?.(points.length, points.length, "");
  return out;
}

/** A difference entry in plain data, for JSON and for printing. */
export interface DifferenceReport {
  readonly packets: string;
  readonly witness: string;
  readonly flows: string[];
  readonly lines: { file: string; line: number; text: string }[];
}

export function reportEntries(entries: readonly DifferenceEntry[]): DifferenceReport[] {
  return entries.map((e) => ({
    packets: e.summary,
    witness: formatPacket(e.witness),
    flows: e.flows,
    lines: e.lines.map((l) => ({ file: l.file, line: l.line, text: l.text })),
  }));
}

/** The two sides of a failed proof, explained box by box. */
export function explainProof(
  loaded: LoadedPolicy,
  compiled: CompiledPoint,
  maxEntries = 20,
): { allowedNotIntended: DifferenceReport[]; intendedNotAllowed: DifferenceReport[] } {
  const proof = compiled.proof;
  if (!proof) return { allowedNotIntended: [], intendedNotAllowed: [] };
  const side = (set: typeof proof.allowedNotIntended) =>
    reportEntries(describeDifference(set, loaded.intent, proof.imported, maxEntries).entries);
  return {
    allowedNotIntended: side(proof.allowedNotIntended),
    intendedNotAllowed: side(proof.intendedNotAllowed),
  };
}
