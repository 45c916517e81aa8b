// `rampart verify --point NAME FILE [PATH]`: is this configuration exactly what the point must let through?

import type { Command } from "commander";
import type { DifferenceReport } from "../../app/compile.js";
import { verifyConfig } from "../../app/verify.js";
import { readConfigFiles } from "../fs/config-files.js";
import { CliError, type CommandContext } from "./io.js";
import { type Colors, colors, plural, printConfigDiagnostics, printJson } from "./output.js";
import { openForQuestions } from "./policy.js";

interface VerifyOptions {
  point: string;
  with?: string[];
  format?: string;
  json?: boolean;
  verbose?: boolean;
}

export function registerVerify(program: Command, ctx: CommandContext): void {
  program
    .command("verify")
    .description("check a device configuration against what its enforcement point must allow")
    .argument("<file>", "the configuration (a folder means every file in it)")
    .argument("[path]", "policy file or folder", ".")
    .requiredOption("--point <name>", "the enforcement point the configuration is for")
    .option("--with <file...>", "more files of the same device (e.g. the IPv6 rules, an ipset file)")
    .option("--format <id>", "the configuration's format (default: the point's target)")
    .option("--json", "print the result as JSON")
    .option("-v, --verbose", "also list the lines ignored on purpose (info)")
    .action(async (file: string, path: string, opts: VerifyOptions) => {
      const { loaded } = await openForQuestions(path, ctx, {});
      const files = await readConfigFiles([file, ...(opts.with ?? [])], ctx.io.cwd);
      if (!files.ok) throw new CliError(files.message);
      const result = verifyConfig(loaded, opts.point, files.value, {
        ...(opts.format !== undefined && { format: opts.format }),
      });
      if (!result.ok) throw new CliError(result.message);
      const r = result.report;
      const c = colors(ctx.io);
      if (opts.json) {
        printJson(ctx.io, r);
      } else {
        printConfigDiagnostics((s) => ctx.io.stderr(s), r.diagnostics, c, opts.verbose);
        if (r.equivalent) {
          ctx.io.stdout(
            `${c.green("equivalent")}: ${r.point} (${r.format}) lets through exactly what the policy allows\n`,
          );
        } else {
          ctx.io.stdout(`${c.red("NOT equivalent")}: ${r.point} (${r.format}) differs from the policy\n`);
          printDifference(ctx, "let through, not intended", r.allowedNotIntended, c);
          printDifference(ctx, "intended, not let through", r.intendedNotAllowed, c);
          if (r.truncated)
            ctx.io.stdout(c.dim("  (more differences not listed; --json shows the first 50 each)\n"));
        }
        const unclear = r.diagnostics.filter((d) => d.severity !== "info").length;
        if (unclear > 0)
          ctx.io.stdout(
            c.yellow(`${plural(unclear, "construct")} not fully understood; see the messages above\n`),
          );
      }
      ctx.exitCode = r.equivalent ? 0 : 1;
    });
}

/** One side of a difference: each box, a witness, the flows and the configuration lines behind it. */
export function printDifference(
  ctx: CommandContext,
  title: string,
  entries: readonly DifferenceReport[],
  c: Colors,
): void {
  if (entries.length === 0) return;
  const out = (s: string) => ctx.io.stdout(s + "\n");
  out(`  ${c.bold(title)}:`);
  for (const e of entries) {
    out(`    ${e.packets}`);
    out(`      e.g. ${e.witness}`);
    out(`      flows: ${e.flows.length > 0 ? e.flows.join(", ") : c.dim("none")}`);
    if (e.lines.length === 0) out(`      config: ${c.dim("no rule matches (the default applies)")}`);
    for (const l of e.lines.slice(0, 3)) out(`      config: ${l.file}:${l.line}: ${l.text}`);
  }
}
