// `rampart token create|list|revoke`: API tokens for CI, shown once at creation.

import type { Command } from "commander";
import type { TokenView } from "../../app/auth/tokens.js";
import { CliError, type CommandContext } from "./io.js";
import { formatTable, printJson } from "./output.js";
import type { StoreCliOptions } from "./store-options.js";
import { DEFAULT_IDENTITY_DEPS, cliActor, requireUser, withIdentity } from "./user.js";

type Opts = StoreCliOptions & {
  json?: boolean;
  user?: string;
  name?: string;
  scope?: string[];
  expiresIn?: string;
};

export function registerToken(program: Command, ctx: CommandContext, deps = DEFAULT_IDENTITY_DEPS): void {
  const token = program.command("token").description("manage API tokens (for CI and scripts)");
  const sub = (name: string, description: string) =>
    deps.addStoreOptions(token.command(name).description(description));

  sub("create", "create a token for a user; it is printed once")
    .requiredOption("--user <name>", "the user the token acts as")
    .requiredOption("--name <name>", "what the token is for")
    .requiredOption(
      "--scope <permission...>",
      "permissions it may use (within the user's role), e.g. policy:read",
    )
    .requiredOption("--expires-in <days>", "days until it expires (at most 365)")
    .option("--json", "print the token and its record as JSON")
    .action(async (opts: Opts) => {
      const days = Number(opts.expiresIn);
      if (!/^\d+$/.test(opts.expiresIn ?? ""))
        throw new CliError(`Invalid --expires-in "${opts.expiresIn}"; expected days`);
      await withIdentity(deps, opts, ctx, async (id) => {
        const u = await requireUser(id, opts.user ?? "");
        const r = await id.tokens.create(cliActor(ctx), {
          userId: u.id,
          name: opts.name ?? "",
          scopes: opts.scope ?? [],
          expiresInDays: days,
        });
        if (!r.ok) throw new CliError(r.message);
        if (opts.json) return printJson(ctx.io, { token: r.token, ...r.record, user: u.username });
        ctx.io.stdout(
          `Token #${r.record.id} "${r.record.name}" for "${u.username}" (${r.record.scopes.join(", ")}), ` +
            `expires ${r.record.expiresAt}. It is shown only now:\n  ${r.token}\n`,
        );
      });
    });

  sub("list", "list tokens (never their secrets)")
    .option("--user <name>", "only this user's tokens")
    .option("--json", "print the tokens as JSON")
    .action(async (opts: Opts) => {
      await withIdentity(deps, opts, ctx, async (id) => {
        const owner = opts.user === undefined ? undefined : await requireUser(id, opts.user);
        const tokens = await id.tokens.list(owner?.id);
        const names = new Map((await id.users.listUsers()).map((u) => [u.id, u.username]));
        const rows = tokens.map((t) => ({ ...t, user: names.get(t.userId) ?? `#${t.userId}` }));
        if (opts.json) return printJson(ctx.io, rows);
        printTokens(ctx, rows, new Date().toISOString());
      });
    });

  sub("revoke", "revoke a token")
    .argument("<id>", "the token's number (rmp_<id>_…)")
    .action(async (raw: string, opts: Opts) => {
      if (!/^[1-9]\d{0,15}$/.test(raw)) throw new CliError(`Invalid token id "${raw}"; expected a number`);
      await withIdentity(deps, opts, ctx, async (id) => {
        const r = await id.tokens.revoke(cliActor(ctx), Number(raw));
        if (!r.ok) throw new CliError(r.message);
        ctx.io.stdout(`Token #${raw} revoked.\n`);
      });
    });
}

function printTokens(
  ctx: CommandContext,
  tokens: readonly (TokenView & { user: string })[],
  now: string,
): void {
  if (tokens.length === 0) return void ctx.io.stdout("No tokens.\n");
  const state = (t: TokenView) => (t.revoked ? "revoked" : t.expiresAt <= now ? "expired" : "active");
  const rows = [
    ["ID", "USER", "NAME", "SCOPES", "EXPIRES", "LAST USED", "STATE"],
    ...tokens.map((t) => [
      String(t.id),
      t.user,
      t.name,
      t.scopes.join(","),
      t.expiresAt.slice(0, 10),
      t.lastUsedAt?.slice(0, 16) ?? "never",
      state(t),
    ]),
  ];
  ctx.io.stdout(formatTable(rows, { right: [0] }));
}
