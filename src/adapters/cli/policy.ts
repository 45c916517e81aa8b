// Reading the PATH argument into an opened policy, the way every command does it.

import { type OpenedPolicy, openPolicy } from "../../app/open-policy.js";
import { type PolicyFiles, readPolicyFiles } from "../fs/policy-files.js";
import { CliError, type CommandContext } from "./io.js";
import { colors, plural, printDiagnostics } from "./output.js";

export async function readPolicy(path: string, ctx: CommandContext): Promise<PolicyFiles> {
  const r = await readPolicyFiles(path, ctx.io.cwd);
  if (!r.ok) throw new CliError(r.message);
  return r.files;
}

/**
 * Opens a policy to answer questions about it. Errors other than failed assertions stop here: they are
 * printed to stderr, and the command exits 2. Warnings are printed only when `verbose`.
 */
export async function openForQuestions(
  path: string,
  ctx: CommandContext,
  options: { verbose?: boolean },
): Promise<OpenedPolicy & { files: PolicyFiles }> {
  const files = await readPolicy(path, ctx);
  const opened = openPolicy(files.sources, { today: ctx.today });
  const c = colors(ctx.io);
  const write = (s: string) => ctx.io.stderr(s);
  if (opened.blocking.length > 0) {
    printDiagnostics(
      write,
      opened.loaded.diagnostics.filter((d) => d.severity === "error" || options.verbose),
      c,
    );
    const errors = plural(opened.counts.errors, "error");
    throw new CliError(`Cannot answer: the policy has ${errors}; fix them first (see \`rampart validate\`)`);
  }
  if (options.verbose) printDiagnostics(write, opened.loaded.diagnostics, c);
  return { ...opened, files };
}
