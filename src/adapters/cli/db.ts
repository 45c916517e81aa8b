// `rampart db migrate`: brings the management database to the latest schema (serve also does it on start).

import type { Command } from "commander";
import { StoreError } from "../store/errors.js";
import { migrateStore } from "../store/open-store.js";
import { CliError, type CommandContext } from "./io.js";
import { plural, printJson } from "./output.js";
import { addStoreOptions, type StoreCliOptions, storeLabel, storeOptionsOf } from "./store-options.js";

export function registerDb(program: Command, ctx: CommandContext): void {
  const db = program.command("db").description("manage the management server's database");
  addStoreOptions(
    db
      .command("migrate")
      .description("apply the schema migrations the database lacks")
      .option("--json", "print what was applied as JSON"),
  ).action(async (opts: StoreCliOptions & { json?: boolean }) => {
    const options = storeOptionsOf(opts, ctx);
    let result;
    try {
      result = await migrateStore(options);
    } catch (e) {
      if (e instanceof StoreError) throw new CliError(e.message);
      throw e;
    }
    const label = storeLabel(options);
    if (opts.json) {
      printJson(ctx.io, { database: label, kind: result.kind, applied: result.applied });
    } else if (result.applied.length === 0) {
      ctx.io.stdout(`The database ${label} is up to date.\n`);
    } else {
      ctx.io.stdout(
        `Applied ${plural(result.applied.length, "migration")} to ${label}: ${result.applied.join(", ")}\n`,
      );
    }
  });
}
