// `rampart compile [PATH] [--point NAME | --all] [--out DIR]`: a configuration per enforcement point, each
// read back and proven to let through exactly what the policy allows there.

import type { Command } from "commander";
import { compilePoints, explainProof, selectPoints } from "../../app/compile.js";
import type { CompiledPoint, ProofStatus } from "../../core/compile/compile.js";
import { writeConfigFiles } from "../fs/config-files.js";
import { CliError, type CommandContext } from "./io.js";
import {
  type Cell,
  type Colors,
  colors,
  formatTable,
  plural,
  printDiagnostics,
  printJson,
} from "./output.js";
import { openForQuestions } from "./policy.js";
import { printDifference } from "./verify.js";

interface CompileOptions {
  point?: string[];
  all?: boolean;
  out: string;
  json?: boolean;
  force?: boolean;
}

export function registerCompile(program: Command, ctx: CommandContext): void {
  program
    .command("compile")
    .description("write each enforcement point's configuration and prove it equals the policy")
    .argument("[path]", "policy file or folder", ".")
    .option("--point <name...>", "compile only these points")
    .option("--all", "compile every point (the default)")
    .option("--out <dir>", "folder to write the configurations to", "out")
    .option("--force", "write even when the policy's assertions fail")
    .option("--json", "print the result as JSON")
    .action(async (path: string, opts: CompileOptions) => {
      if (opts.all && opts.point) throw new CliError("Use --point or --all, not both");
      const { loaded } = await openForQuestions(path, ctx, {});
      const failedAssertions = loaded.diagnostics.filter((d) => d.code === "assertion-failed");
      if (failedAssertions.length > 0 && !opts.force) {
        printDiagnostics((s) => ctx.io.stderr(s), failedAssertions, colors(ctx.io));
        throw new CliError(
          `Not compiling: ${plural(failedAssertions.length, "assertion")} of the policy failed (--force compiles anyway)`,
          1,
        );
      }
      const { points, unknown } = selectPoints(loaded, { points: opts.point ?? [] });
      if (unknown.length > 0) throw new CliError(`Unknown enforcement point "${unknown[0]}"`);
      if (points.length === 0) throw new CliError("The policy has no enforcement points to compile");
      const results = compilePoints(loaded, points, progressBar(ctx, points.length));
      // A configuration that is not proven exact is never written; a refused one (narrower, every
      // omission reported) is.
      const writable = results.filter((r) => r.status === "proven" || r.status === "refused");
      const written = await writeConfigFiles(
        opts.out,
        ctx.io.cwd,
        writable.flatMap((r) => r.files),
      );
      if (!written.ok) throw new CliError(written.message);
      const ok = results.every((r) => r.status === "proven");
      const c = colors(ctx.io);
      printDiagnostics(
        (s) => ctx.io.stderr(s),
        results.flatMap((r) => r.diagnostics),
        c,
      );
      if (opts.json) {
        printJson(ctx.io, {
          ok,
          out: opts.out,
          points: results.map((r) => ({
            name: r.point.point.name,
            target: r.point.point.target.value,
            status: r.status,
            rules: r.stats.rules,
            objects: r.stats.objects,
            files: writable.includes(r) ? r.files.map((f) => `${opts.out}/${f.name}`) : [],
            diagnostics: r.diagnostics,
            ...(r.status === "mismatch" && { difference: explainProof(loaded, r, 5) }),
          })),
        });
      } else {
        ctx.io.stdout(formatTable(summaryRows(results, opts.out, writable, c), { right: [2, 3] }));
        for (const r of results.filter((x) => x.status === "mismatch")) {
          ctx.io.stdout(
            `\n${c.red(`${r.point.point.name}: the output differs from the policy (a bug in Rampart)`)}\n`,
          );
          const d = explainProof(loaded, r, 5);
          printDifference(ctx, "let through, not intended", d.allowedNotIntended, c);
          printDifference(ctx, "intended, not let through", d.intendedNotAllowed, c);
        }
        const proven = results.filter((r) => r.status === "proven").length;
        ctx.io.stdout(
          `${plural(results.length, "point")} compiled to ${opts.out}/: ${proven} proven exact\n`,
        );
      }
      ctx.exitCode = ok ? 0 : 1;
    });
}

function paintStatus(status: ProofStatus, c: Colors): Cell {
  const paint = status === "proven" ? c.green : status === "refused" ? c.yellow : c.red;
  return { text: status, paint };
}

function summaryRows(
  results: readonly CompiledPoint[],
  out: string,
  writable: readonly CompiledPoint[],
  c: Colors,
): Cell[][] {
  const header = ["POINT", "TARGET", "RULES", "OBJECTS", "PROOF", "FILES"].map((t) => ({
    text: t,
    paint: c.dim,
  }));
  return [
    header,
    ...results.map((r): Cell[] => [
      { text: r.point.point.name, paint: c.bold },
      r.point.point.target.value,
      String(r.stats.rules),
      String(r.stats.objects),
      paintStatus(r.status, c),
      writable.includes(r) ? r.files.map((f) => `${out}/${f.name}`).join(" ") : "(not written)",
    ]),
  ];
}

/** A one-line progress bar on stderr, only on a terminal and only when there is enough to wait for. */
function progressBar(
  ctx: CommandContext,
  total: number,
): ((done: number, all: number, point: string) => void) | undefined {
  if (!ctx.io.isTTY || total < 5) return undefined;
  return (done, all, point) => {
    const width = 30;
    const filled = Math.round((done / all) * width);
    const bar = "#".repeat(filled) + ".".repeat(width - filled);
    const line = done === all ? "" : `[${bar}] ${done}/${all} ${point}`;
    ctx.io.stderr(`\r${line.padEnd(width + 40)}\r`);
  };
}
