// `rampart classify --rules FILE [--format F] --packets FILE [--json]`: per-rule hit counts for a packets file.

import type { Command } from "commander";
import { type ClassifyReport, prepareHitCounter } from "../../app/classify.js";
import { parsePacketLine } from "../../app/packet-input.js";
import { readConfigFiles } from "../fs/config-files.js";
import { openLines } from "../fs/lines.js";
import { CliError, type CommandContext } from "./io.js";
import { colors, formatTable, plural, printConfigDiagnostics, printJson } from "./output.js";

interface ClassifyOptions {
  verbose?: boolean;
  rules: string[];
  packets: string;
  format?: string;
  engine?: string;
  json?: boolean;
}

/** Malformed packet lines listed before giving up; the rest are only counted. */
const MAX_LISTED = 20;

export function registerClassify(program: Command, ctx: CommandContext): void {
  program
    .command("classify")
    .description("count, for each rule of a configuration, the packets it is the first to match")
    .requiredOption("--rules <file...>", "the configuration (a folder means every file in it)")
    .requiredOption(
      "--packets <file>",
      'packets as JSON lines, as for explain --packets ("-": standard input)',
    )
    .option("--format <id>", "the configuration's format (default: detected from its content)")
    .option("--engine <id>", "the classifier: fast, tree, forest, tuple-merge or linear", "fast")
    .option("--json", 'print {"hits": [{"line", "count"}...], "unmatched"} as JSON')
    .option("-v, --verbose", "also list the lines ignored on purpose (info)")
    .action(async (opts: ClassifyOptions) => {
      const files = await readConfigFiles(opts.rules, ctx.io.cwd);
      if (!files.ok) throw new CliError(files.message);
      const prepared = prepareHitCounter(files.value, {
        ...(opts.format !== undefined && { format: opts.format }),
        ...(opts.engine !== undefined && { engine: opts.engine }),
      });
      if (!prepared.ok) throw new CliError(prepared.message);
      const counter = prepared.counter;
      const opened = await openLines(opts.packets, ctx.io.cwd, ctx.io.stdin ?? process.stdin);
      if (!opened.ok) throw new CliError(opened.message);
      let lineNo = 0;
      let bad = 0;
      for await (const raw of opened.lines) {
        lineNo++;
        const line = lineNo === 1 ? raw.replace(/^\uFEFF/, "") : raw;
        if (line.trim() === "") continue;
        const r = parsePacketLine(line);
        if (r.ok) counter.add(r.packet);
        else if (++bad <= MAX_LISTED) ctx.io.stderr(`rampart: ${opts.packets}:${lineNo}: ${r.message}\n`);
      }
      if (bad > 0)
        throw new CliError(`${plural(bad, "malformed packet line")} in "${opts.packets}"; nothing counted`);
      const report = counter.report();
      if (opts.json) printJson(ctx.io, toJson(report));
      else printTable(ctx, report, opts.verbose === true);
    });
}

function toJson(r: ClassifyReport) {
  return {
    hits: r.hits.map((h) => ({ line: h.line, count: h.count, file: h.file, list: h.list, action: h.action })),
    unmatched: r.unmatched,
    packets: r.packets,
    format: r.format,
    diagnostics: r.diagnostics,
  };
}

function printTable(ctx: CommandContext, r: ClassifyReport, verbose: boolean): void {
  const c = colors(ctx.io);
  printConfigDiagnostics((s) => ctx.io.stderr(s), r.diagnostics, c, verbose);
  const rows = r.hits.map((h) => [
    String(h.count),
    `${h.file}:${h.line}`,
    h.action,
    h.text.replace(/\s+/g, " "),
  ]);
  ctx.io.stdout(formatTable([["HITS", "RULE", "ACTION", "TEXT"], ...rows], { right: [0] }));
  ctx.io.stdout(
    `${plural(r.packets, "packet")}, ${r.unmatched} matched no rule (${r.format}, ${plural(r.hits.length, "rule")})\n`,
  );
}
