// `rampart query reach`: may these sources reach these destinations over these services? Exactly answered.

import { type Command, Option } from "commander";
import { askDeployedReach, type DeployedReachReport } from "../../app/deployed.js";
import { askReach, type ReachReport } from "../../app/reach.js";
import { formatPacket } from "../../core/space/packet.js";
import { readConfigFiles } from "../fs/config-files.js";
import { CliError, type CommandContext } from "./io.js";
import { colors, type Colors, paintVerdict, printDiagnostics, printJson } from "./output.js";
import { openForQuestions } from "./policy.js";
import { formatRules } from "./rules.js";
import { collect, locateValues } from "./command-line.js";

interface ReachOptions {
  from: string[];
  to: string[];
  service: string[];
  json?: boolean;
  verbose?: boolean;
  expect?: "allow" | "deny" | "partial";
  deployed?: string;
}

export function registerQuery(program: Command, ctx: CommandContext): void {
  const query = program.command("query").description("ask the policy questions");
  query
    .command("reach")
    .description("may these sources reach these destinations? (allow, deny or partial)")
    .argument("[path]", "policy file or folder", ".")
    .requiredOption(
      "--from <ref>",
      "sources: zone:x, asset:x, group:x, app:x, app:x/tier, any, IP or CIDR (repeatable, comma-separated)",
      collect,
    )
    .requiredOption("--to <ref>", "destinations, as for --from", collect)
    .option(
      "--service <name|spec>",
      "services by name or spec, e.g. https, tcp/8443 (repeatable, comma-separated; default every service)",
      collect,
      [],
    )
    .addOption(
      new Option("--expect <verdict>", "exit 1 unless the verdict is this").choices([
        "allow",
        "deny",
        "partial",
      ]),
    )
    .option(
      "--deployed <dir>",
      "answer from the configurations in DIR (named as compile names them) instead of the policy's intent",
    )
    .option("--json", "print the answer as JSON")
    .option("--verbose", "also print the policy's warnings (to stderr)")
    .action(async (path: string, opts: ReachOptions) => {
      const { loaded } = await openForQuestions(path, ctx, opts);
      const question = {
        from: locateValues(ctx.argv, "--from", opts.from),
        to: locateValues(ctx.argv, "--to", opts.to),
        services: locateValues(ctx.argv, "--service", opts.service, { ports: true }),
      };
      if (opts.deployed !== undefined) return reachDeployed(ctx, loaded, question, opts, opts.deployed);
      const result = askReach(loaded, question);
      if (!result.ok) {
        printDiagnostics((s) => ctx.io.stderr(s), result.diagnostics, colors(ctx.io));
        throw new CliError("Cannot answer: the question has unknown or invalid references (see above)");
      }
      if (opts.json) printJson(ctx.io, result.report);
      else {
        const example = result.answer.deniedExample;
        ctx.io.stdout(formatReach(result.report, example && formatPacket(example), colors(ctx.io)));
      }
      ctx.exitCode = opts.expect && opts.expect !== result.report.verdict ? 1 : 0;
      if (ctx.exitCode)
        ctx.io.stderr(`rampart: expected ${opts.expect}, but the verdict is ${result.report.verdict}\n`);
    });
}

/** `query reach --deployed DIR`: the same question through every enforcement point's deployed configuration. */
async function reachDeployed(
  ctx: CommandContext,
  loaded: Parameters<typeof askDeployedReach>[0],
  question: Parameters<typeof askDeployedReach>[1],
  opts: ReachOptions,
  dir: string,
): Promise<void> {
  const files = await readConfigFiles([dir], ctx.io.cwd);
  if (!files.ok) throw new CliError(files.message);
  const result = askDeployedReach(loaded, question, files.value);
  const c = colors(ctx.io);
  if (!result.ok) {
    printDiagnostics((s) => ctx.io.stderr(s), result.diagnostics, c);
    throw new CliError(
      result.message ?? "Cannot answer: the question has unknown or invalid references (see above)",
    );
  }
  const r = result.report;
  printDiagnostics((s) => ctx.io.stderr(s), result.diagnostics, c);
  if (r.missing.length > 0)
    ctx.io.stderr(
      `rampart: no configuration in "${dir}" for ${r.missing.map((m) => `"${m}"`).join(", ")}: counted as letting nothing through\n`,
    );
  if (opts.json) printJson(ctx.io, r);
  else ctx.io.stdout(formatDeployedReach(r, result.deniedExample, c));
  ctx.exitCode = opts.expect && opts.expect !== r.verdict ? 1 : 0;
  if (ctx.exitCode) ctx.io.stderr(`rampart: expected ${opts.expect}, but the verdict is ${r.verdict}\n`);
}

/** The deployed answer in text: verdict, then each point on the path with what it drops. */
export function formatDeployedReach(r: DeployedReachReport, example: string | undefined, c: Colors): string {
  const head: Record<DeployedReachReport["verdict"], string> = {
    allow: "all of this traffic gets through the deployed configurations",
    deny: r.emptyQuery
      ? "the question holds no packet (sources and destinations of different address families, or an empty side)"
      : "none of this traffic gets through the deployed configurations",
    partial: "part of this traffic gets through the deployed configurations, part is dropped",
  };
  let out = `${paintVerdict(r.verdict, c)}: ${head[r.verdict]}\n`;
  out += c.dim(
    `(the policy's intent says ${r.intent.verdict}${r.intent.same ? ", exactly the same packets" : ", for other packets"})\n`,
  );
  const section = (title: string, lines: readonly string[]) => {
    if (lines.length > 0) out += `\n${c.bold(title)}\n${lines.map((l) => `  ${l}\n`).join("")}`;
  };
  section("Gets through:", r.allowed);
  section("Dropped:", [...r.denied, ...(example ? [`${c.dim("for example:")} ${example}`] : [])]);
  section("Crosses no enforcement point (unfiltered):", r.unfiltered);
  out += `\n${c.bold("Path:")}\n`;
  if (r.path.length === 0) out += `  ${c.dim("no enforcement point controls this traffic")}\n`;
  for (const p of r.path) {
    const state =
      p.status === "missing"
        ? c.red("no configuration: counted as dropping everything")
        : p.blocks.length === 0
          ? c.green("lets all of it through")
          : c.yellow("drops:");
    out += `  ${c.bold(p.point)} (${p.target}${p.files.length > 0 ? `, ${p.files.join(" ")}` : ""}): ${state}\n`;
    if (p.status === "missing") continue;
    for (const b of p.blocks) {
      out += `    ${b.packets}\n      e.g. ${b.witness}\n`;
      if (b.lines.length === 0) out += `      ${c.dim("no rule matches (the default drops it)")}\n`;
      for (const l of b.lines.slice(0, 3)) out += `      config: ${l.file}:${l.line}: ${l.text}\n`;
    }
    if (p.truncated) out += c.dim("    (more boxes not listed; --json shows the first 20)\n");
  }
  if (r.unmatchedFiles.length > 0)
    out += c.dim(`\nNot read (named after no enforcement point): ${r.unmatchedFiles.join(", ")}\n`);
  return out;
}

/** The answer in text; `example` is a denied packet, shown for deny and partial. */
export function formatReach(r: ReachReport, example: string | undefined, c: Colors): string {
  const head: Record<ReachReport["verdict"], string> = {
    allow: "all of this traffic is allowed",
    deny: r.emptyQuery
      ? "the question holds no packet (sources and destinations of different address families, or an empty side)"
      : "none of this traffic is allowed",
    partial: "part of this traffic is allowed, part is denied",
  };
  let out = `${paintVerdict(r.verdict, c)}: ${head[r.verdict]}\n`;
  const section = (title: string, lines: readonly string[]) => {
    out += `\n${c.bold(title)}\n${lines.map((l) => `  ${l}\n`).join("")}`;
  };
  if (r.verdict !== "deny") {
    out += `\n${c.bold("Allowed by:")}\n${formatRules(r.flows, c)}`;
    section("Allowed:", r.allowed);
  }
  if (r.verdict !== "allow" && !r.emptyQuery) {
    section("Denied:", [...r.denied, ...(example ? [`${c.dim("for example:")} ${example}`] : [])]);
    if (r.denies.length > 0) out += `\n${c.bold("Denies involved:")}\n${formatRules(r.denies, c)}`;
    else out += `\n${c.dim("No deny is involved: no flow allows the denied part.")}\n`;
  }
  return out;
}
