// `rampart plan [PATH] --against DIR`: per point, what deploying the compiled configuration would change.

import type { Command } from "commander";
import { compilePoints, selectPoints } from "../../app/compile.js";
import { planPoint, type PointPlan } from "../../app/plan.js";
import { readExistingFiles } from "../fs/config-files.js";
import { CliError, type CommandContext } from "./io.js";
import { type Colors, colors, plural, printDiagnostics, printJson } from "./output.js";
import { openForQuestions } from "./policy.js";
import { printDifference } from "./verify.js";

interface PlanOptions {
  against: string;
  point?: string[];
  json?: boolean;
  detailedExitcode?: boolean;
}

export function registerPlan(program: Command, ctx: CommandContext): void {
  program
    .command("plan")
    .description("show what the compiled configurations would change against those in a folder")
    .argument("[path]", "policy file or folder", ".")
    .requiredOption(
      "--against <dir>",
      "folder with the configurations in place (named as compile names them)",
    )
    .option("--point <name...>", "plan only these points")
    .option("--detailed-exitcode", "exit 1 when something would change")
    .option("--json", "print the plan as JSON")
    .action(async (path: string, opts: PlanOptions) => {
      const { loaded } = await openForQuestions(path, ctx, {});
      const { points, unknown } = selectPoints(loaded, { points: opts.point ?? [] });
      if (unknown.length > 0) throw new CliError(`Unknown enforcement point "${unknown[0]}"`);
      const plans: PointPlan[] = [];
      for (const compiled of compilePoints(loaded, points)) {
        const names = compiled.files.map((f) => f.name);
        const deployed = await readExistingFiles(opts.against, ctx.io.cwd, names);
        if (!deployed.ok) throw new CliError(deployed.message);
        plans.push(planPoint(loaded, compiled, deployed.value));
      }
      const c = colors(ctx.io);
      printDiagnostics(
        (s) => ctx.io.stderr(s),
        plans.flatMap((p) => p.diagnostics),
        c,
      );
      if (opts.json) printJson(ctx.io, { against: opts.against, points: plans });
      else for (const p of plans) printPlan(ctx, p, c);
      const changes = plans.some((p) => p.status !== "unchanged");
      ctx.exitCode = opts.detailedExitcode && changes ? 1 : 0;
    });
}

function printPlan(ctx: CommandContext, p: PointPlan, c: Colors): void {
  const out = (s: string) => ctx.io.stdout(s + "\n");
  const added = p.lines.reduce((n, l) => n + l.added.length, 0);
  const removed = p.lines.reduce((n, l) => n + l.removed.length, 0);
  const status =
    p.status === "unchanged"
      ? c.green("no change")
      : p.status === "new"
        ? c.yellow("nothing deployed yet")
        : p.status === "not-compiled"
          ? c.red("not compiled")
          : c.yellow("changes");
  out(`${c.bold(p.point)} (${p.target}): ${status}; ${plural(added, "line")} added, ${removed} removed`);
  if (p.becomeAllowed.length === 0 && p.becomeDenied.length === 0) {
    if (p.status === "changed") out(c.dim("  the same connections are allowed; only the text changes"));
    return;
  }
  printDifference(ctx, "becomes allowed", p.becomeAllowed, c);
  printDifference(ctx, "becomes denied", p.becomeDenied, c);
}
