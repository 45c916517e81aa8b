// `rampart user add|passwd|disable|enable|set-role|mfa-reset|list`: managing users from the server's host.

import type { Command } from "commander";
import { DEFAULT_AUTH_CONFIG, type AuthConfig } from "../../app/auth/config.js";
import { createIdentity, type Identity } from "../../app/auth/identity.js";
import type { Actor, PublicUser } from "../../app/auth/types.js";
import type { Store } from "../../app/store.js";
import { CliError, type CommandContext } from "./io.js";
import { colors, formatTable, printJson } from "./output.js";
import { addStoreOptions, openStoreFromOptions, type StoreCliOptions } from "./store-options.js";

/** How the identity commands reach the store; tests pass an in-memory store and cheap hashing. */
export interface IdentityCliDeps {
  addStoreOptions(cmd: Command): Command;
  openStore(opts: StoreCliOptions, ctx: CommandContext): Promise<Store>;
  readonly config?: AuthConfig;
}

export const DEFAULT_IDENTITY_DEPS: IdentityCliDeps = {
  addStoreOptions: (cmd) => addStoreOptions(cmd),
  openStore: (opts, ctx) => openStoreFromOptions(opts, ctx),
};

/** Audit entries made from the command line name the operating-system user. */
export function cliActor(ctx: CommandContext): Actor {
  return { name: `cli:${ctx.io.env.USER ?? "unknown"}` };
}

/** Opens the store, runs `fn` with the identity services, and closes the store whatever happens. */
export async function withIdentity<T>(
  deps: IdentityCliDeps,
  opts: StoreCliOptions,
  ctx: CommandContext,
  fn: (identity: Identity) => Promise<T>,
): Promise<T> {
  const store = await deps.openStore(opts, ctx);
  try {
    return await fn(createIdentity(store, { config: deps.config ?? DEFAULT_AUTH_CONFIG }));
  } finally {
    await store.close();
  }
}

/** The user named, or a CliError. */
export async function requireUser(identity: Identity, username: string): Promise<PublicUser> {
  const user = await identity.users.userByName(username);
  if (!user) throw new CliError(`Unknown user "${username}"`);
  return user;
}

/** Standard input, less one final line break: a password piped in with `echo` or typed and ended with Enter. */
export async function readPasswordFromStdin(ctx: CommandContext): Promise<string> {
  const stream = ctx.io.stdin;
  if (!stream) throw new CliError("Cannot read the password: no standard input");
  let text = "";
  for await (const chunk of stream)
    text += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
  const password = text.replace(/\r?\n$/, "");
  if (password === "") throw new CliError("Cannot set the password: standard input was empty");
  return password;
}

/** A service's refusal becomes the command's error message. */
function check<R extends { readonly ok: true } | { readonly ok: false; readonly message: string }>(
  r: R,
): Extract<R, { readonly ok: true }> {
  if ("message" in r && !r.ok) throw new CliError(r.message);
  return r as Extract<R, { readonly ok: true }>;
}

type Opts = StoreCliOptions & { json?: boolean; role?: string; passwordStdin?: boolean };

export function registerUser(program: Command, ctx: CommandContext, deps = DEFAULT_IDENTITY_DEPS): void {
  const user = program.command("user").description("manage the management server's users");
  const sub = (name: string, description: string) =>
    deps.addStoreOptions(user.command(name).description(description));
  const run = (opts: Opts, fn: (identity: Identity) => Promise<void>) => withIdentity(deps, opts, ctx, fn);
  registerAccountCommands(sub, run, ctx);
  registerAccessCommands(sub, run, ctx);
}

type Sub = (name: string, description: string) => Command;
type Run = (opts: Opts, fn: (identity: Identity) => Promise<void>) => Promise<void>;

/** add, passwd, disable, enable. */
function registerAccountCommands(sub: Sub, run: Run, ctx: CommandContext): void {
  sub("add", "create a user (roles that need MFA get TOTP at once: the URI is printed once)")
    .argument("<name>", "username: letters, digits and ._@-")
    .requiredOption("--role <role>", "viewer, requester, approver, policy-admin, operator or admin")
    .option("--password-stdin", "read the password from standard input")
    .option("--json", "print the result as JSON")
    .action(async (name: string, opts: Opts) => {
      const password = opts.passwordStdin ? await readPasswordFromStdin(ctx) : undefined;
      await run(opts, async (id) => {
        const r = check(
          await id.users.createUser(cliActor(ctx), { username: name, role: opts.role ?? "", password }),
        );
        printCreated(ctx, r.user, r, opts.json === true, password !== undefined);
      });
    });

  sub("passwd", "set a user's password (ends their sessions)")
    .argument("<name>", "username")
    .requiredOption("--password-stdin", "read the password from standard input")
    .action(async (name: string, opts: Opts) => {
      const password = await readPasswordFromStdin(ctx);
      await run(opts, async (id) => {
        const u = await requireUser(id, name);
        check(await id.users.setPassword(cliActor(ctx), u.id, password));
        ctx.io.stdout(`Password of "${u.username}" set; their sessions ended.\n`);
      });
    });

  for (const [verb, past] of [
    ["disable", "disabled; their sessions ended"],
    ["enable", "enabled"],
  ] as const)
    sub(verb, `${verb} a user`)
      .argument("<name>", "username")
      .action(async (name: string, opts: Opts) => {
        await run(opts, async (id) => {
          const u = await requireUser(id, name);
          const actor = cliActor(ctx);
          check(
            verb === "disable"
              ? await id.users.disableUser(actor, u.id)
              : await id.users.enableUser(actor, u.id),
          );
          ctx.io.stdout(`User "${u.username}" ${past}.\n`);
        });
      });
}

/** set-role, mfa-reset, list. */
function registerAccessCommands(sub: Sub, run: Run, ctx: CommandContext): void {
  sub("set-role", "change a user's role")
    .argument("<name>", "username")
    .argument("<role>", "the new role")
    .action(async (name: string, role: string, opts: Opts) => {
      await run(opts, async (id) => {
        const u = await requireUser(id, name);
        const r = check(await id.users.setRole(cliActor(ctx), u.id, role));
        const enrol =
          r.user.mfaRequired && !r.user.totpEnabled ? " They will enrol TOTP at their next sign-in." : "";
        ctx.io.stdout(`User "${u.username}" is now ${r.user.role}.${enrol}\n`);
      });
    });

  sub("mfa-reset", "clear a user's TOTP and recovery codes (roles that need MFA get a new secret at once)")
    .argument("<name>", "username")
    .option("--json", "print the result as JSON")
    .action(async (name: string, opts: Opts) => {
      await run(opts, async (id) => {
        const u = await requireUser(id, name);
        const r = check(await id.users.resetMfa(cliActor(ctx), u.id));
        if (opts.json) return printJson(ctx.io, mfaJson(r.user, r));
        ctx.io.stdout(`MFA of "${u.username}" reset; their sessions ended.\n${mfaText(ctx, r)}`);
      });
    });

  sub("list", "list the users")
    .option("--json", "print the users as JSON")
    .action(async (opts: Opts) => {
      await run(opts, async (id) => {
        const users = await id.users.listUsers();
        if (opts.json) return printJson(ctx.io, users);
        printUsers(ctx, users);
      });
    });
}

interface Issued {
  readonly otpauthUri?: string;
  readonly recoveryCodes?: string[];
}

function mfaJson(user: PublicUser, issued: Issued): object {
  return { username: user.username, role: user.role, ...issued };
}

function mfaText(ctx: CommandContext, issued: Issued): string {
  if (!issued.otpauthUri) return "";
  const c = colors(ctx.io);
  return (
    `TOTP is on. Hand this URI to the user out of band (their authenticator app reads it as a QR code);\n` +
    `it is shown only now:\n  ${c.bold(issued.otpauthUri)}\n` +
    `Recovery codes (each works once; shown only now):\n` +
    (issued.recoveryCodes ?? []).map((code) => `  ${code}\n`).join("")
  );
}

function printCreated(
  ctx: CommandContext,
  user: PublicUser,
  issued: Issued,
  json: boolean,
  hasPassword: boolean,
) {
  if (json) return printJson(ctx.io, mfaJson(user, issued));
  const nopw = hasPassword
    ? ""
    : ` It has no password yet: set one with "rampart user passwd ${user.username}".`;
  ctx.io.stdout(`Created user "${user.username}" (${user.role}).${nopw}\n${mfaText(ctx, issued)}`);
}

function printUsers(ctx: CommandContext, users: readonly PublicUser[]): void {
  if (users.length === 0) {
    ctx.io.stdout('No users. Create one with "rampart user add NAME --role admin --password-stdin".\n');
    return;
  }
  const rows = [
    ["USER", "ROLE", "MFA", "STATUS", "CREATED"],
    ...users.map((u) => [
      u.username,
      u.role,
      u.totpEnabled ? "totp" : u.mfaRequired ? "to enrol" : "-",
      u.disabled ? "disabled" : "active",
      u.createdAt.slice(0, 10),
    ]),
  ];
  ctx.io.stdout(formatTable(rows));
}
