// `rampart matrix [PATH]`: the zone × zone table of what the policy allows, rows from, columns to.

import type { Command } from "commander";
import { type MatrixCell, zoneMatrix } from "../../core/analysis/matrix.js";
import type { CommandContext } from "./io.js";
import { type Cell, type Colors, colors, formatTable, printJson } from "./output.js";
import { openForQuestions } from "./policy.js";

/** Longest service text shown in a cell before the rest is counted as "+N". */
const CELL_BUDGET = 18;

export function registerMatrix(program: Command, ctx: CommandContext): void {
  program
    .command("matrix")
    .description("show which zones may talk to which, and over what")
    .argument("[path]", "policy file or folder", ".")
    .option("--json", "print the matrix as JSON")
    .option("--verbose", "also print the policy's warnings (to stderr)")
    .action(async (path: string, opts: { json?: boolean; verbose?: boolean }) => {
      const { loaded } = await openForQuestions(path, ctx, opts);
      const matrix = zoneMatrix(loaded.intent);
      if (opts.json) {
        printJson(ctx.io, matrix);
        return;
      }
      if (matrix.zones.length === 0) {
        ctx.io.stdout("The policy defines no zones.\n");
        return;
      }
      const c = colors(ctx.io);
      const byPair = new Map(matrix.cells.map((cell) => [`${cell.from}\u0000${cell.to}`, cell]));
      const header: Cell[] = [
        { text: "from \\ to", paint: c.dim },
        ...matrix.zones.map((z) => ({ text: z, paint: c.bold })),
      ];
      const rows: Cell[][] = [header];
      for (const from of matrix.zones) {
        const row: Cell[] = [{ text: from, paint: c.bold }];
        for (const to of matrix.zones) row.push(matrixCell(byPair.get(`${from}\u0000${to}`), c));
        rows.push(row);
      }
      ctx.io.stdout(formatTable(rows));
      ctx.io.stdout(
        c.dim(`— nothing allowed; all: every packet; otherwise the services allowed (for some addresses)`) +
          "\n",
      );
    });
}

function matrixCell(cell: MatrixCell | undefined, c: Colors): Cell {
  if (!cell || cell.level === "none") return { text: "—", paint: c.dim };
  if (cell.level === "all") return { text: "all", paint: (s) => c.bold(c.red(s)) };
  return { text: shortServices(cell.services), paint: c.yellow };
}

/**
 * As many services as fit the budget, then "+N" for the number of services and ports left out. A long port
 * list is cut too: "tcp/22,53,88 +9". At least one item is always shown.
 */
export function shortServices(services: readonly string[], budget = CELL_BUDGET): string {
  // A matrix entry may list several protocols ("tcp/443, udp/443"): take each on its own.
  const specs = [...new Set(services.flatMap((s) => s.split(", ")))];
  const parts: string[] = [];
  let length = 0;
  let hidden = 0;
  for (const spec of specs) {
    const slash = spec.indexOf("/");
    const head = slash < 0 ? spec : spec.slice(0, slash + 1);
    const items = slash < 0 ? [] : spec.slice(slash + 1).split(",");
    let text = items.length === 0 ? head : `${head}${items[0]}`;
    const sep = parts.length > 0 ? 1 : 0;
    if (parts.length > 0 && length + sep + text.length > budget) {
      hidden += Math.max(1, items.length);
      continue;
    }
    let n = Math.min(1, items.length);
    while (n < items.length && length + sep + text.length + 1 + items[n]!.length <= budget)
      text += `,${items[n++]}`;
    hidden += items.length - n;
    parts.push(text);
    length += sep + text.length;
  }
  return hidden > 0 ? `${parts.join(" ")} +${hidden}` : parts.join(" ");
}
