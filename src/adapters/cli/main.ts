// The `rampart` command line: builds the commands, runs one, and turns every failure into a message and exit 2.

import { realpathSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, CommanderError } from "commander";
import { isCalendarDate } from "../../core/policy/parse-rules.js";
import { findPackageRoot, packageVersion } from "../fs/package-root.js";
import { registerAnalyze } from "./analyze.js";
import { registerAudit } from "./audit.js";
import { registerClassify } from "./classify.js";
import { registerCompile } from "./compile.js";
import { registerConvert } from "./convert.js";
import { registerDb } from "./db.js";
import { registerDiff } from "./diff.js";
import { registerExplain } from "./explain.js";
import { registerImport } from "./import.js";
import { registerInit } from "./init.js";
import { CliError, type CliIo, type CommandContext } from "./io.js";
import { registerMatrix } from "./matrix.js";
import { colorsEnabled } from "./output.js";
import { registerPlan } from "./plan.js";
import { registerQuery } from "./query.js";
import { registerServe } from "./serve.js";
import { registerToken } from "./token.js";
import { registerUser } from "./user.js";
import { registerValidate } from "./validate.js";
import { registerVerify } from "./verify.js";

export type { CliIo } from "./io.js";

const ENVIRONMENT_HELP = `
Environment:
  RAMPART_TODAY=YYYY-MM-DD  the date rule expiry is judged against (default: today's UTC date)
  NO_COLOR=1                never color the output (colors are used only on a terminal)
  RAMPART_DEBUG=1           print the stack trace of an internal error

Exit codes: 0 success; 1 the policy has errors (validate), the verdict differs from --expect, a
configuration is not proven equal to the policy (compile, verify), or changes are planned (plan --detailed-exitcode);
2 usage errors, unreadable files, or a policy too broken to answer questions.
`;

/**
 * Runs the command line `argv` (without the program name) and returns the exit code. Never throws and never
 * exits the process: tests call it in-process with their own io.
 */
export async function run(argv: string[], io: CliIo): Promise<number> {
  try {
    const override = io.env.RAMPART_TODAY;
    const today = override === undefined || override === "" ? io.today : override;
    if (!isCalendarDate(today)) {
      io.stderr(`rampart: Invalid RAMPART_TODAY "${today}"; expected a date as YYYY-MM-DD\n`);
      return 2;
    }
    const ctx: CommandContext = { io, argv, today, exitCode: 0 };
    await buildProgram(ctx).parseAsync(argv, { from: "user" });
    return ctx.exitCode;
  } catch (e) {
    // Commander has already printed its message (usage errors, help, version).
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof CliError) {
      io.stderr(`rampart: ${e.message}\n`);
      return e.exitCode;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    const debug = io.env.RAMPART_DEBUG;
    const detail = debug && debug !== "0" ? `\n${err.stack ?? ""}` : " (set RAMPART_DEBUG=1 for details)";
    io.stderr(`rampart: internal error: ${err.message}${detail}\n`);
    return 2;
  }
}

export function buildProgram(ctx: CommandContext): Command {
  const { io } = ctx;
  const program = new Command("rampart")
    .description(
      "Network security policy as code: validate a policy, ask it what may reach what, compile it to devices.",
    )
    .version(packageVersion(), "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .helpCommand("help [command]", "show help for a command")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      getOutHasColors: () => colorsEnabled(io),
      getErrHasColors: () => colorsEnabled(io),
    })
    .showHelpAfterError("(add --help for usage)")
    .addHelpText("after", ENVIRONMENT_HELP);
  registerValidate(program, ctx);
  registerMatrix(program, ctx);
  registerQuery(program, ctx);
  registerExplain(program, ctx);
  registerCompile(program, ctx);
  registerVerify(program, ctx);
  registerConvert(program, ctx);
  registerPlan(program, ctx);
  registerDiff(program, ctx);
  registerImport(program, ctx);
  registerClassify(program, ctx);
  registerAnalyze(program, ctx);
  registerInit(program, ctx);
  registerServe(program, ctx);
  registerDb(program, ctx);
  registerAudit(program, ctx);
  registerUser(program, ctx);
  registerToken(program, ctx);
  return program;
}

/** The process's io: real streams, environment and clock. */
export function processIo(): CliIo {
  return {
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
    isTTY: process.stdout.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
    today: new Date().toISOString().slice(0, 10),
    stdin: process.stdin,
  };
}

/** True when this module is the program: run directly, or imported by bin/rampart.js (also via a symlink). */
function isProgram(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    const real = realpathSync(script);
    const self = fileURLToPath(import.meta.url);
    const root = findPackageRoot(self);
    return (
      real === realpathSync(self) ||
      (root !== undefined && real === realpathSync(join(root, "bin", "rampart.js")))
    );
  } catch {
    return false;
  }
}

if (isProgram()) {
  process.exitCode = await run(process.argv.slice(2), processIo());
}
