// `rampart import FILE... [--format F] [--json]`: what an importer read from a configuration, list by list,
// with every line it did not fully understand.

import type { Command } from "commander";
import { importConfig, type ImportedListReport } from "../../app/import.js";
import { readConfigFiles } from "../fs/config-files.js";
import { CliError, type CommandContext } from "./io.js";
import { type Colors, colors, plural, printDiagnostics, printJson } from "./output.js";

interface ImportOptions {
  format?: string;
  json?: boolean;
}

export function registerImport(program: Command, ctx: CommandContext): void {
  program
    .command("import")
    .description("show what Rampart reads from configuration files: rules per list and diagnostics")
    .argument("<file...>", "the configuration files of one device (a folder means every file in it)")
    .option("--format <id>", "the files' format (default: detected from their content)")
    .option("--json", "print the result as JSON")
    .action(async (paths: string[], opts: ImportOptions) => {
      const files = await readConfigFiles(paths, ctx.io.cwd);
      if (!files.ok) throw new CliError(files.message);
      const result = importConfig(files.value, { ...(opts.format !== undefined && { format: opts.format }) });
      if (!result.ok) throw new CliError(result.message);
      const r = result.report;
      if (opts.json) {
        printJson(ctx.io, r);
        return;
      }
      const c = colors(ctx.io);
      const out = (s: string) => ctx.io.stdout(s + "\n");
      out(
        `${c.bold(r.format)} (${r.formatReason}): ${plural(r.rules, "rule")} in ${plural(r.lists.length, "list")}`,
      );
      for (const list of r.lists) printList(out, list, c);
      printDiagnostics((s) => ctx.io.stderr(s), r.diagnostics, c);
      if (r.diagnostics.length > 0) {
        const counts = new Map<string, number>();
        for (const d of r.diagnostics) counts.set(d.code, (counts.get(d.code) ?? 0) + 1);
        const summary = [...counts].map(([code, n]) => `${n} ${code}`).join(", ");
        out(c.yellow(`${plural(r.diagnostics.length, "diagnostic")} (${summary}); see the messages above`));
      }
    });
}

function printList(out: (s: string) => void, list: ImportedListReport, c: Colors): void {
  const where = list.file !== undefined ? ` ${c.dim(`${list.file}:${list.line}`)}` : "";
  const fall = list.fallThrough !== undefined ? ` (falls through: ${list.fallThrough})` : "";
  out(`\n${c.bold(list.name)}${fall}${where}`);
  for (const r of list.rules) {
    const action =
      r.action === "accept" ? c.green("accept") : r.action === "drop" ? c.red("drop  ") : "other ";
    const extra = [
      r.hits !== undefined ? `hits ${r.hits}` : "",
      r.expires !== undefined ? `expires ${r.expires}` : "",
      r.matchesNothing ? c.yellow("matches nothing") : "",
    ]
      .filter((s) => s !== "")
      .join(", ");
    out(`  ${r.file}:${r.line}  ${action}  ${r.text}${extra ? `  ${c.dim(`[${extra}]`)}` : ""}`);
  }
}
