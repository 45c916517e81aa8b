// `rampart init DIR`: a new policy repository, started from the example organization.

import type { Command } from "commander";
import { initRepository } from "../fs/init-repository.js";
import { CliError, type CommandContext } from "./io.js";
import { colors, plural, printJson } from "./output.js";

export function registerInit(program: Command, ctx: CommandContext): void {
  program
    .command("init")
    .description("create a new policy repository from the Acme example")
    .argument("<dir>", "folder to create (must be empty or absent)")
    .option("--json", "print what was created as JSON")
    .action(async (dir: string, opts: { json?: boolean }) => {
      const r = await initRepository(dir, ctx.io.cwd);
      if (!r.ok) throw new CliError(r.message);
      if (opts.json) {
        printJson(ctx.io, { dir: r.dir, files: r.files });
        return;
      }
      const c = colors(ctx.io);
      const cd = r.dir === "." ? "" : `  cd ${shellQuote(r.dir)}\n`;
      ctx.io.stdout(
        `Created a policy in ${c.bold(r.dir)} from the Acme example (${plural(r.files.length, "file")}).\n\n` +
          `Next steps:\n` +
          cd +
          `  rampart validate                 ${c.dim("# check it: syntax, references, assertions")}\n` +
          `  rampart matrix                   ${c.dim("# which zones may talk to which")}\n` +
          `  rampart query reach --from zone:corp --to zone:dmz --service https\n` +
          `  git init && git add . && git commit -m "Network policy"\n\n` +
          `Then replace Acme's zones, assets and flows with your own.\n`,
      );
    });
}

function shellQuote(s: string): string {
  return /^[\w./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
