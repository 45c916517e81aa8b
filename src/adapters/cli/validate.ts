// `rampart validate [PATH]`: every problem of the policy, one per line, and a summary of what it holds.

import type { Command } from "commander";
import { openPolicy, type PolicyCounts } from "../../app/open-policy.js";
import type { CommandContext } from "./io.js";
import { type Colors, colors, plural, printDiagnostics, printJson } from "./output.js";
import { readPolicy } from "./policy.js";

export function registerValidate(program: Command, ctx: CommandContext): void {
  program
    .command("validate")
    .description("check a policy: syntax, references, expiry, assertions")
    .argument("[path]", "policy file or folder", ".")
    .option("--json", "print the result as JSON")
    .action(async (path: string, opts: { json?: boolean }) => {
      const files = await readPolicy(path, ctx);
      const { loaded, counts } = openPolicy(files.sources, { today: ctx.today });
      if (opts.json) {
        printJson(ctx.io, { ok: loaded.ok, name: files.name, diagnostics: loaded.diagnostics, counts });
      } else {
        const c = colors(ctx.io);
        printDiagnostics((s) => ctx.io.stdout(s), loaded.diagnostics, c);
        ctx.io.stdout(formatSummary(files.name, counts, c) + "\n");
      }
      ctx.exitCode = loaded.ok ? 0 : 1;
    });
}

/** "acme: 9 zones, 46 assets, 34 flows, 12 denies, 6 points, 12 assertions (12 passed); 0 errors, 1 warning". */
export function formatSummary(name: string, n: PolicyCounts, c: Colors): string {
  const failed = n.assertionsFailed > 0 ? `, ${c.red(`${n.assertionsFailed} failed`)}` : "";
  const assertions = `${plural(n.assertions, "assertion")} (${n.assertionsPassed} passed${failed})`;
  const parts = [
    plural(n.zones, "zone"),
    plural(n.assets, "asset"),
    plural(n.flows, "flow"),
    plural(n.denies, "deny", "denies"),
    plural(n.points, "point"),
    assertions,
  ];
  const errors = plural(n.errors, "error");
  const warnings = plural(n.warnings, "warning");
  return `${c.bold(name)}: ${parts.join(", ")}; ${n.errors > 0 ? c.red(errors) : errors}, ${
    n.warnings > 0 ? c.yellow(warnings) : warnings
  }`;
}
