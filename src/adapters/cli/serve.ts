// `rampart serve`: the management server on its database; on first start it imports the policy it is given
// and creates the first administrator, printing how to sign in.

import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "commander";
import { systemClock } from "../../app/audit.js";
import type { OidcSettings } from "../../app/auth/oidc.js";
import { defaultWebAuthnSettings, type WebAuthnSettings } from "../../app/auth/webauthn-settings.js";
import type { Services } from "../server/compose.js";
import { oidcSettingsFromEnv, readOidcSettings } from "../server/oidc-settings.js";
import { createServer, createServices } from "../server/compose.js";
import { packageVersion } from "../fs/package-root.js";
import { readPolicyRepository } from "../fs/policy-files.js";
import { CliError, type CommandContext } from "./io.js";
import { colors } from "./output.js";
import { addStoreOptions, openStoreFromOptions, type StoreCliOptions } from "./store-options.js";

interface ServeOptions extends StoreCliOptions {
  host: string;
  port: string;
  tlsCert?: string;
  tlsKey?: string;
  policy?: string;
  admin: string;
  trustProxy?: boolean;
  log?: boolean;
  oidc?: string;
  rpId?: string;
  origin?: string;
}

/** 24 random characters of an unambiguous alphabet: about 120 bits, typed once and then changed. */
function generatedPassword(): string {
  const alphabet = "abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY3479";
  const bytes = randomBytes(48);
  let out = "";
  for (const b of bytes) {
    if (b >= 245) continue; // keep the choice uniform: 245 = 5 × 49
    out += alphabet[b % alphabet.length];
    if (out.length === 24) break;
  }
  return out.match(/.{6}/g)!.join("-");
}

async function tlsFiles(opts: ServeOptions, ctx: CommandContext) {
  if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined))
    throw new CliError("Give both --tls-cert and --tls-key, or neither");
  if (opts.tlsCert === undefined || opts.tlsKey === undefined) return undefined;
  const read = async (file: string, what: string) => {
    try {
      return await readFile(resolve(ctx.io.cwd, file));
    } catch (e) {
      throw new CliError(
        `Cannot read the TLS ${what} "${file}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      );
    }
  };
  return { cert: await read(opts.tlsCert, "certificate"), key: await read(opts.tlsKey, "key") };
}

async function oidcSettings(opts: ServeOptions, ctx: CommandContext): Promise<OidcSettings | undefined> {
  const env = ctx.io.env as NodeJS.ProcessEnv;
  const r =
    opts.oidc !== undefined ? await readOidcSettings(opts.oidc, ctx.io.cwd, env) : oidcSettingsFromEnv(env);
  if (r && !r.ok) throw new CliError(r.message);
  return r?.settings;
}

/** Security keys are bound to a host name: given with --rp-id and --origin, or localhost on --port. */
function webauthnSettings(opts: ServeOptions, secure: boolean): WebAuthnSettings | undefined {
  if (opts.rpId === undefined && opts.origin === undefined) return undefined;
  const base = defaultWebAuthnSettings(Number(opts.port), secure);
  let origin = opts.origin ?? base.origin;
  try {
    origin = new URL(origin).origin;
  } catch {
    throw new CliError(
      `Invalid --origin "${opts.origin}": expected a URL such as https://rampart.example.com`,
    );
  }
  return { ...base, rpId: opts.rpId ?? new URL(origin).hostname, origin };
}

/** First start: the policy given becomes version 1; with no user yet, the first administrator is made. */
async function firstStart(s: Services, opts: ServeOptions, ctx: CommandContext): Promise<string[]> {
  const lines: string[] = [];
  if (opts.policy !== undefined && !(await s.store.versions.current())) {
    const read = await readPolicyRepository(opts.policy, ctx.io.cwd);
    if (!read.ok) throw new CliError(read.message);
    const r = await s.versions.bootstrap("system", read.files.sources, `Imported from ${opts.policy}`);
    if (!r.ok) throw new CliError(`Cannot import the policy "${opts.policy}": ${r.message}`);
    lines.push(`Imported ${opts.policy} as policy version ${r.version.id}.`);
  }
  if ((await s.store.users.count()) === 0) {
    const given = ctx.io.env.RAMPART_ADMIN_PASSWORD;
    const password = given !== undefined && given !== "" ? given : generatedPassword();
    const r = await s.users.createUser({ name: "system" }, { username: opts.admin, role: "admin", password });
    if (!r.ok) throw new CliError(`Cannot create the first administrator "${opts.admin}": ${r.message}`);
    lines.push(
      `Created the administrator "${opts.admin}"${given ? " with the password in RAMPART_ADMIN_PASSWORD" : ` with the password ${password}`} (shown once; change it after signing in).`,
      `Add this to an authenticator app (admins sign in with a second factor):`,
      `  ${r.otpauthUri ?? "(no second factor)"}`,
      `Recovery codes (each works once instead of a code): ${(r.recoveryCodes ?? []).join(" ")}`,
    );
  }
  return lines;
}

export function registerServe(program: Command, ctx: CommandContext): void {
  addStoreOptions(
    program
      .command("serve")
      .description("run the management server: API, sign-in, change workflow, audit log")
      .option("--host <host>", "address to listen on", "127.0.0.1")
      .option("--port <port>", "port to listen on (0: any free port)", "8080")
      .option("--tls-cert <file>", "TLS certificate (PEM); with --tls-key the server speaks HTTPS only")
      .option("--tls-key <file>", "TLS private key (PEM)")
      .option("--policy <path>", "on first start, import this policy repository as version 1")
      .option("--admin <name>", "on first start, the first administrator's username", "admin")
      .option("--oidc <file>", "single sign-on settings (JSON); also RAMPART_OIDC_* variables (docs/sso.md)")
      .option("--rp-id <host>", "the host name security keys are bound to (default localhost)")
      .option("--origin <url>", "the address browsers use to reach the server, for security keys")
      .option("--trust-proxy", "take the client address from X-Forwarded-For (behind a reverse proxy only)")
      .option("--log", "log every request as JSON lines to stderr"),
  ).action(async (opts: ServeOptions) => {
    if (!/^\d{1,5}$/.test(opts.port) || Number(opts.port) > 65535)
      throw new CliError(`Invalid --port "${opts.port}": expected 0-65535`);
    const tls = await tlsFiles(opts, ctx);
    const oidc = await oidcSettings(opts, ctx);
    const webauthn = webauthnSettings(opts, tls !== undefined);
    const store = await openStoreFromOptions(opts, ctx);
    const services = createServices(store, systemClock);
    let app;
    try {
      const notes = await firstStart(services, opts, ctx);
      app = await createServer(services, {
        version: packageVersion(),
        ...(tls && { tls }),
        ...(oidc && { oidc }),
        ...(webauthn && { webauthn }),
        port: Number(opts.port),
        ...(opts.trustProxy && { trustProxy: true }),
        logger: opts.log === true,
      });
      const address = await app
        .listen({ host: opts.host, port: Number(opts.port) })
        .catch((e: NodeJS.ErrnoException) => {
          throw new CliError(`Cannot listen on ${opts.host}:${opts.port}: ${e.code ?? e.message}`);
        });
      const c = colors(ctx.io);
      ctx.io.stdout(
        [
          `${c.bold("Rampart management server")} on ${address} (database: ${store.kind})`,
          ...notes,
          `Console: ${address}/`,
          `API documentation: ${address}/api/docs`,
          `Sign in: POST ${address}/api/v1/auth/login with {"username", "password", "totp"}`,
          `Stop with Ctrl-C.`,
          "",
        ].join("\n"),
      );
    } catch (e) {
      await app?.close();
      await store.close();
      throw e;
    }
    await new Promise<void>((done) => {
      const stop = () => done();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    ctx.io.stderr("rampart: stopping\n");
    await app.close();
    await store.close();
  });
}
