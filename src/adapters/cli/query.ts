// `rampart query reach`: may these sources reach these destinations over these services? Exactly answered.

import { type Command, Option } from "commander";
import { askReach, type ReachReport } from "../../app/reach.js";
import { formatPacket } from "../../core/space/packet.js";
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
    .option("--json", "print the answer as JSON")
    .option("--verbose", "also print the policy's warnings (to stderr)")
    .action(async (path: string, opts: ReachOptions) => {
      const { loaded } = await openForQuestions(path, ctx, opts);
      const result = askReach(loaded, {
        from: locateValues(ctx.argv, "--from", opts.from),
        to: locateValues(ctx.argv, "--to", opts.to),
        services: locateValues(ctx.argv, "--service", opts.service, { ports: true }),
      });
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
