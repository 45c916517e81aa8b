// Output helpers shared by the commands: colors (only on a terminal), aligned tables, JSON, diagnostics.

import pc from "picocolors";
import type { Diagnostic } from "../../core/policy/diagnostics.js";
import type { CliIo } from "./io.js";

export type Colors = ReturnType<typeof pc.createColors>;

/** Colors only when standard output is a terminal and NO_COLOR is not set (https://no-color.org). */
export function colorsEnabled(io: CliIo): boolean {
  const noColor = io.env.NO_COLOR;
  return io.isTTY && (noColor === undefined || noColor === "");
}

export function colors(io: CliIo): Colors {
  return pc.createColors(colorsEnabled(io));
}

/** A table cell: its text, and optionally how to paint it once padded (so colors never break alignment). */
export type Cell = string | { readonly text: string; readonly paint?: (s: string) => string };

export interface TableOptions {
  /** Spaces between columns; 2 unless told. */
  readonly gap?: number;
  /** Columns aligned to the right (numbers). */
  readonly right?: readonly number[];
}

/** Rows of cells aligned in columns, one line per row, no trailing spaces, each line ending in "\n". */
export function formatTable(rows: readonly (readonly Cell[])[], options: TableOptions = {}): string {
  const gap = " ".repeat(options.gap ?? 2);
  const right = new Set(options.right ?? []);
  const text = (c: Cell) => (typeof c === "string" ? c : c.text);
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, visibleLength(text(c)));
    });
  let out = "";
  for (const row of rows) {
    const cells = row.map((c, i) => {
      const t = text(c);
      const pad = " ".repeat((widths[i] ?? 0) - visibleLength(t));
      const last = i === row.length - 1;
      const padded = right.has(i) ? pad + t : last ? t : t + pad;
      return typeof c === "string" || !c.paint ? padded : paintPadded(padded, t, c.paint);
    });
    out += cells.join(gap).trimEnd() + "\n";
  }
  return out;
}

/** Paints only the text inside its padding, so underlines and backgrounds do not run into the gap. */
function paintPadded(padded: string, text: string, paint: (s: string) => string): string {
  const at = padded.indexOf(text);
  return padded.slice(0, at) + paint(text) + padded.slice(at + text.length);
}

/** Length in terminal columns of text without escape codes: code points, not UTF-16 units. */
function visibleLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export function printJson(io: CliIo, value: unknown): void {
  io.stdout(JSON.stringify(value, null, 2) + "\n");
}

/** "1 zone", "2 zones", "0 errors". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** `FILE:LINE:COL: error CODE: message`, with the severity colored on a terminal. */
export function formatDiagnosticLine(d: Diagnostic, c: Colors): string {
  const severity =
    d.severity === "error"
      ? c.bold(c.red("error"))
      : d.severity === "warning"
        ? c.yellow("warning")
        : c.cyan(d.severity);
  return `${d.file}:${d.line}:${d.column}: ${severity} ${d.code}: ${d.message}`;
}

export function printDiagnostics(write: (s: string) => void, ds: readonly Diagnostic[], c: Colors): void {
  if (ds.length > 0) write(ds.map((d) => formatDiagnosticLine(d, c)).join("\n") + "\n");
}

/**
 * The diagnostics of configuration files read for a question (verify, diff, analyze ...): warnings and errors in
 * full; info (a line ignored on purpose: a hostname, a route) counted in one line unless `verbose`, since a
 * running config has thousands of them. `rampart import` lists them all.
 */
export function printConfigDiagnostics(
  write: (s: string) => void,
  ds: readonly Diagnostic[],
  c: Colors,
  verbose = false,
): void {
  const shown = verbose ? ds : ds.filter((d) => d.severity !== "info");
  printDiagnostics(write, shown, c);
  const hidden = ds.length - shown.length;
  if (hidden > 0)
    write(c.dim(`${plural(hidden, "construct")} ignored on purpose (info); --verbose lists them\n`));
}

/** A verdict word colored by what it means: allow green, deny red, partial yellow. */
export function paintVerdict(verdict: "allow" | "deny" | "partial", c: Colors): string {
  const paint = verdict === "allow" ? c.green : verdict === "deny" ? c.red : c.yellow;
  return c.bold(paint(verdict));
}
