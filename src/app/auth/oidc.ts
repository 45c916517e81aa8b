// OIDC single sign-on settings and the pure rules on an identity provider's claims: which role, which username.

import { ROLES, type Role } from "../roles.js";
import { fail, type Failure } from "./types.js";

export interface OidcSettings {
  /** The identity provider's issuer URL (its discovery document is at /.well-known/openid-configuration). */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** This server's callback as registered at the provider: https://HOST/api/v1/auth/oidc/callback. */
  readonly redirectUri: string;
  /** Space-separated scopes asked for ("openid" is always among them). */
  readonly scopes: string;
  /** The claim that names the user; the email claim is the fallback when it is missing. */
  readonly usernameClaim: string;
  /** The claim holding the user's groups (a string or a list of strings). */
  readonly roleClaim: string;
  /** Group → Rampart role; of several matching groups the highest role wins. */
  readonly roleMap: Readonly<Record<string, Role>>;
  /** Users not known yet are created at their first sign-in with the mapped role. */
  readonly createUsers: boolean;
  /** Roles that need MFA must also give a local TOTP code after the provider's sign-in. */
  readonly requireLocalMfa: boolean;
}

export const OIDC_DEFAULTS = {
  scopes: "openid email profile",
  usernameClaim: "preferred_username",
  roleClaim: "groups",
  createUsers: true,
  requireLocalMfa: false,
} as const;

/** What a successful code exchange tells about the user: the ID token's and userinfo's claims together. */
export interface OidcIdentity {
  readonly issuer: string;
  readonly subject: string;
  readonly claims: Readonly<Record<string, unknown>>;
}

/** Stored as UserRecord.oidcSubject: the subject is unique only within its issuer. */
export function oidcSubjectOf(identity: Pick<OidcIdentity, "issuer" | "subject">): string {
  return `${identity.issuer}#${identity.subject}`;
}

/** The groups in the role claim, whether the provider sends one string or a list. */
export function groupsOf(claims: Readonly<Record<string, unknown>>, claim: string): string[] {
  const value = claims[claim];
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return [];
}

/**
 * The highest role any of the user's groups maps to, roles ranked as ROLES lists them (viewer lowest, admin
 * highest); undefined when no group is mapped.
 */
export function mapRole(claims: Readonly<Record<string, unknown>>, settings: OidcSettings): Role | undefined {
  let best = -1;
  for (const group of groupsOf(claims, settings.roleClaim)) {
    const role = Object.hasOwn(settings.roleMap, group) ? settings.roleMap[group] : undefined;
    if (role !== undefined) best = Math.max(best, ROLES.indexOf(role));
  }
  return best >= 0 ? ROLES[best] : undefined;
}

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** The username from the configured claim, else from the email claim; refused when neither is usable. */
export function usernameOf(
  claims: Readonly<Record<string, unknown>>,
  settings: OidcSettings,
): { ok: true; username: string } | Failure<"missing-username" | "invalid-username"> {
  const pick = [claims[settings.usernameClaim], claims.email].find((v) => typeof v === "string" && v !== "");
  if (typeof pick !== "string")
    return fail(
      "missing-username",
      `The identity provider sent neither "${settings.usernameClaim}" nor "email": cannot name the user`,
    );
  if (!USERNAME.test(pick))
    return fail(
      "invalid-username",
      `Cannot use "${pick.slice(0, 80)}" as a username: 1 to 64 letters, digits or "._@-", starting with a letter or digit`,
    );
  return { ok: true, username: pick };
}
