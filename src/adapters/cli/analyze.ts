// `rampart analyze FILE...`: rule anomalies and risky rules of deployed configurations.

import type { Command } from "commander";
import { analyzeFiles, type AnalyzeReport } from "../../app/analyze.js";
import { type FindingSeverity, SEVERITY_RANK } from "../../core/analysis/anomalies/finding.js";
import { packageVersion } from "../fs/package-root.js";
import { readConfigFiles } from "../fs/config-files.js";
import { analyzeJson, analyzeJunit, analyzeSarif } from "./analyze-formats.js";
import { CliError, type CommandContext } from "./io.js";
import { colors, formatTable, plural, printConfigDiagnostics, printJson } from "./output.js";
import { openForQuestions } from "./policy.js";

interface AnalyzeOptions {
  verbose?: boolean;
  format?: string;
  policy?: string;
  point?: string;
  json?: boolean;
  sarif?: boolean;
  junit?: boolean;
  failOn?: string;
}

const SEVERITIES: readonly FindingSeverity[] = ["error", "warning", "note"];

export function registerAnalyze(program: Command, ctx: CommandContext): void {
  program
    .command("analyze")
    .description("find shadowed, redundant, correlated and overly permissive rules in configurations")
    .argument("<file...>", "configuration files (a folder means every file in it)")
    .option("--format <id>", "the files' format (default: detected from each file)")
    .option("--policy <path>", "a policy: adds policy violations and untrusted-to-sensitive checks")
    .option("--point <name>", "the enforcement point the files are for (with --policy)")
    .option("--json", "print findings and diagnostics as JSON")
    .option("--sarif", "print SARIF 2.1.0 (for code scanning)")
    .option("--junit", "print JUnit XML")
    .option("-v, --verbose", "also list the lines ignored on purpose (info)")
    .option("--fail-on <severity>", "exit 1 when a finding is at least this severe: error, warning or note")
    .action(async (paths: string[], opts: AnalyzeOptions) => {
      if ([opts.json, opts.sarif, opts.junit].filter(Boolean).length > 1)
        throw new CliError("Cannot combine --json, --sarif and --junit: choose one");
      const failOn = opts.failOn as FindingSeverity | undefined;
      if (failOn !== undefined && !SEVERITIES.includes(failOn))
        throw new CliError(`Invalid --fail-on "${opts.failOn}"; expected error, warning or note`);
      if (opts.point !== undefined && opts.policy === undefined)
        throw new CliError("Cannot use --point without --policy");
      const policy =
        opts.policy === undefined ? undefined : (await openForQuestions(opts.policy, ctx, {})).loaded;
      const files = await readConfigFiles(paths, ctx.io.cwd);
      if (!files.ok) throw new CliError(files.message);
      const result = analyzeFiles({
        files: files.value,
        today: ctx.today,
        ...(opts.format !== undefined && { format: opts.format }),
        ...(policy && { policy }),
        ...(opts.point !== undefined && { point: opts.point }),
      });
      if (!result.ok) throw new CliError(result.message);
      const report = result.report;
      if (opts.json) printJson(ctx.io, analyzeJson(report));
      else if (opts.sarif) printJson(ctx.io, analyzeSarif(report, packageVersion()));
      else if (opts.junit) ctx.io.stdout(analyzeJunit(report));
      else printTable(ctx, report, opts.verbose === true);
      if (
        failOn !== undefined &&
        report.findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn])
      )
        ctx.exitCode = 1;
    });
}

function printTable(ctx: CommandContext, report: AnalyzeReport, verbose: boolean): void {
  const c = colors(ctx.io);
  printConfigDiagnostics((s) => ctx.io.stderr(s), report.diagnostics, c, verbose);
  const unclear = report.diagnostics.filter((d) => d.severity !== "info").length;
  const paint = { error: c.red, warning: c.yellow, note: c.cyan } as const;
  if (report.findings.length > 0) {
    const rows = [
      ["KIND", "SEVERITY", "LOCATION", "MESSAGE"].map((h) => ({ text: h, paint: c.bold })),
      ...report.findings.map((f) => [
        f.kind,
        { text: f.severity, paint: paint[f.severity] },
        `${f.location.file}:${f.location.line}`,
        f.message,
      ]),
    ];
    ctx.io.stdout(formatTable(rows));
  }
  const counts = SEVERITIES.map((s) =>
    plural(report.findings.filter((f) => f.severity === s).length, s),
  ).join(", ");
  ctx.io.stdout(
    `${plural(report.rules, "rule")} in ${plural(report.formats.length, "file")}: ${plural(report.findings.length, "finding")} (${counts})` +
      (unclear > 0 ? `; ${plural(unclear, "construct")} not fully understood` : "") +
      "\n",
  );
}
