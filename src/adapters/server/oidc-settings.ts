// OIDC single sign-on settings from a JSON file (`rampart serve --oidc FILE`) or RAMPART_OIDC_* variables,
// checked whole: every problem is reported, and a secret is never echoed.

import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { z } from "zod";
import { OIDC_DEFAULTS, type OidcSettings } from "../../app/auth/oidc.js";
import { ROLES } from "../../app/roles.js";
import { describeFsError } from "../fs/errors.js";

export type OidcSettingsResult =
  | { readonly ok: true; readonly settings: OidcSettings }
  | {
      readonly ok: false;
      readonly code: "oidc-settings-unreadable" | "invalid-oidc-settings";
      readonly message: string;
    };

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** https, or http on a loopback host only (a provider on the same machine, or a test). */
const safeUrl = z
  .string()
  .url()
  .refine((s) => {
    const u = new URL(s);
    return u.protocol === "https:" || (u.protocol === "http:" && LOOPBACK.has(u.hostname));
  }, "must be an https:// URL (http:// only on localhost)");

const schema = z
  .object({
    issuer: safeUrl,
    clientId: z.string().min(1).max(512),
    clientSecret: z.string().min(1).max(4096),
    redirectUri: safeUrl,
    scopes: z
      .string()
      .max(1024)
      .refine((s) => s.split(/\s+/).includes("openid"), 'must include "openid"')
      .default(OIDC_DEFAULTS.scopes),
    usernameClaim: z.string().min(1).max(128).default(OIDC_DEFAULTS.usernameClaim),
    roleClaim: z.string().min(1).max(128).default(OIDC_DEFAULTS.roleClaim),
    roleMap: z
      .record(z.string().min(1).max(256), z.enum(ROLES))
      .refine((m) => Object.keys(m).length > 0, "must map at least one group to a role"),
    createUsers: z.boolean().default(OIDC_DEFAULTS.createUsers),
    requireLocalMfa: z.boolean().default(OIDC_DEFAULTS.requireLocalMfa),
  })
  .strict();

/** Checks settings given as a value (the parsed file, or what the environment held). */
export function parseOidcSettings(value: unknown, source: string): OidcSettingsResult {
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, settings: r.data };
  const problems = r.error.issues.map((i) => `${i.path.map(String).join(".") || "(top)"}: ${i.message}`);
  return {
    ok: false,
    code: "invalid-oidc-settings",
    message: `Invalid OIDC settings in ${source}: ${problems.join("; ")}`,
  };
}

/**
 * Reads the settings file; RAMPART_OIDC_CLIENT_SECRET, when set, supplies or replaces the secret so that it
 * need not be written in the file.
 */
export async function readOidcSettings(
  path: string,
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<OidcSettingsResult> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), "utf8");
  } catch (e) {
    const why = describeFsError(e as NodeJS.ErrnoException);
    return {
      ok: false,
      code: "oidc-settings-unreadable",
      message: `Cannot read the OIDC settings "${path}": ${why}`,
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return {
      ok: false,
      code: "invalid-oidc-settings",
      message: `Cannot read the OIDC settings "${path}": ${(e as Error).message}`,
    };
  }
  const secret = env.RAMPART_OIDC_CLIENT_SECRET;
  if (secret && value !== null && typeof value === "object" && !Array.isArray(value))
    value = { ...value, clientSecret: secret };
  return parseOidcSettings(value, `"${path}"`);
}

const ENV_NAMES: Record<string, string> = {
  issuer: "RAMPART_OIDC_ISSUER",
  clientId: "RAMPART_OIDC_CLIENT_ID",
  clientSecret: "RAMPART_OIDC_CLIENT_SECRET",
  redirectUri: "RAMPART_OIDC_REDIRECT_URI",
  scopes: "RAMPART_OIDC_SCOPES",
  usernameClaim: "RAMPART_OIDC_USERNAME_CLAIM",
  roleClaim: "RAMPART_OIDC_ROLE_CLAIM",
  roleMap: "RAMPART_OIDC_ROLE_MAP",
  createUsers: "RAMPART_OIDC_CREATE_USERS",
  requireLocalMfa: "RAMPART_OIDC_REQUIRE_LOCAL_MFA",
};

/**
 * Settings from RAMPART_OIDC_* variables (RAMPART_OIDC_ROLE_MAP is JSON, the two switches "true"/"false");
 * undefined when RAMPART_OIDC_ISSUER is not set: single sign-on is then off.
 */
export function oidcSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): OidcSettingsResult | undefined {
  if (!env.RAMPART_OIDC_ISSUER) return undefined;
  const value: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(ENV_NAMES)) {
    const raw = env[name];
    if (raw === undefined || raw === "") continue;
    if (key === "createUsers" || key === "requireLocalMfa")
      value[key] = raw === "true" ? true : raw === "false" ? false : raw;
    else if (key === "roleMap") {
      try {
        value[key] = JSON.parse(raw);
      } catch {
        return {
          ok: false,
          code: "invalid-oidc-settings",
          message: `Invalid OIDC settings: ${name} is not JSON`,
        };
      }
    } else value[key] = raw;
  }
  return parseOidcSettings(value, "the RAMPART_OIDC_* variables");
}
