// The `--db` and `--data` options every command that touches the management database shares, and opening
// the store they name (with RAMPART_DB and RAMPART_DATA as fallbacks).

import type { Command } from "commander";
import type { KyselyStore } from "../store/kysely-store.js";
import { StoreError } from "../store/errors.js";
import { describeStoreUrl, type OpenStoreOptions, openStore } from "../store/open-store.js";
import { CliError, type CommandContext } from "./io.js";

export interface StoreCliOptions {
  readonly db?: string;
  readonly data?: string;
}

export function addStoreOptions(cmd: Command): Command {
  return cmd
    .option(
      "--db <url>",
      "the database: postgres://USER@HOST/DB or a SQLite file (default: $RAMPART_DB, else <data>/rampart.db)",
    )
    .option(
      "--data <dir>",
      "the data folder for the embedded database (default: $RAMPART_DATA, else rampart-data)",
    );
}

/** The options as openStore takes them: flags first, then the environment; paths relative to the cwd. */
export function storeOptionsOf(opts: StoreCliOptions, ctx: CommandContext): OpenStoreOptions {
  const env = (name: string) => {
    const v = ctx.io.env[name];
    return v === undefined || v === "" ? undefined : v;
  };
  const db = opts.db ?? env("RAMPART_DB");
  const data = opts.data ?? env("RAMPART_DATA");
  return { cwd: ctx.io.cwd, ...(db === undefined ? {} : { db }), ...(data === undefined ? {} : { data }) };
}

/** What to call the database in messages: the URL without its password, or the SQLite file. */
export function storeLabel(options: OpenStoreOptions): string {
  return options.db === undefined
    ? `${options.data ?? "rampart-data"}/rampart.db`
    : describeStoreUrl(options.db);
}

/** Opens (and migrates) the store the options name; a database that cannot be opened is a CliError. */
export async function openStoreFromOptions(
  opts: StoreCliOptions,
  ctx: CommandContext,
  extra: Pick<OpenStoreOptions, "migrate"> = {},
): Promise<KyselyStore> {
  try {
    return await openStore({ ...storeOptionsOf(opts, ctx), ...extra });
  } catch (e) {
    if (e instanceof StoreError) throw new CliError(e.message);
    throw e;
  }
}
