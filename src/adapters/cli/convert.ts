// `rampart convert FILE... --format capirca --target nftables [--out DIR]`: a configuration in one format
// rendered by a compile target, one file per rule list, each proven to accept exactly what the list accepts.

import type { Command } from "commander";
import { convertConfig, type ConvertedList } from "../../app/convert.js";
import { readConfigFiles, writeConfigFiles } from "../fs/config-files.js";
import { CliError, type CommandContext } from "./io.js";
import { colors, type Colors, formatTable, plural, printConfigDiagnostics, printJson } from "./output.js";

interface ConvertOptions {
  verbose?: boolean;
  format: string;
  target: string;
  out?: string;
  json?: boolean;
}

function statusCell(l: ConvertedList, c: Colors): string {
  if (l.status === "proven") return c.green("proven");
  if (l.status === "refused") return c.yellow("refused (partly)");
  return c.red("MISMATCH");
}

function printLists(ctx: CommandContext, lists: readonly ConvertedList[], c: Colors): void {
  const rows = [
    ["list", "source rules", "rules", "files", "proof"],
    ...lists.map((l) => [
      l.list,
      String(l.sourceRules),
      String(l.rules),
      l.files.join(" "),
      statusCell(l, c),
    ]),
  ];
  ctx.io.stderr(formatTable(rows, { right: [1, 2] }));
  for (const l of lists.filter((x) => x.status !== "proven")) {
    ctx.io.stderr(`${l.list}:\n`);
    for (const s of l.allowedNotIntended) ctx.io.stderr(`  let through, not in the source: ${s}\n`);
    for (const s of l.intendedNotAllowed) ctx.io.stderr(`  in the source, not let through: ${s}\n`);
  }
}

export function registerConvert(program: Command, ctx: CommandContext): void {
  program
    .command("convert")
    .description("render a configuration (a Capirca policy, say) with a compile target, proven list by list")
    .argument("<files...>", "the configuration's files (a folder means every file in it)")
    .requiredOption("--format <id>", "the configuration's format, e.g. capirca")
    .requiredOption("--target <id>", "the target to render, e.g. nftables")
    .option("--out <dir>", "write one file per list there (default: print them)")
    .option("--json", "print the result as JSON")
    .option("-v, --verbose", "also list the lines ignored on purpose (info)")
    .action(async (paths: string[], opts: ConvertOptions) => {
      const read = await readConfigFiles(paths, ctx.io.cwd);
      if (!read.ok) throw new CliError(read.message);
      const result = convertConfig(read.value, opts.format, opts.target, { today: ctx.today });
      if (!result.ok) throw new CliError(result.message);
      const r = result.report;
      const c = colors(ctx.io);
      // Output that is not proven is never written; a refused list (narrower, every omission reported) is.
      const bad = new Set(r.lists.filter((l) => l.status === "mismatch").flatMap((l) => l.files));
      const writable = r.files.filter((f) => !bad.has(f.name));
      let written: string[] = [];
      if (opts.out !== undefined) {
        const w = await writeConfigFiles(opts.out, ctx.io.cwd, writable);
        if (!w.ok) throw new CliError(w.message);
        written = w.value;
      }
      if (opts.json) {
        const { files: _files, ...rest } = r;
        printJson(ctx.io, { ...rest, written });
      } else {
        printConfigDiagnostics((s) => ctx.io.stderr(s), r.diagnostics, c, opts.verbose);
        printLists(ctx, r.lists, c);
        if (opts.out === undefined)
          for (const f of writable)
            ctx.io.stdout(`${writable.length > 1 ? `# ==> ${f.name} <==\n` : ""}${f.text}`);
        else ctx.io.stderr(`wrote ${plural(written.length, "file")} to ${opts.out}\n`);
      }
      ctx.exitCode = r.lists.length > 0 && r.lists.every((l) => l.status === "proven") ? 0 : 1;
    });
}
