// Password rules (NIST SP 800-63B: length and a block list, no composition rules) and argon2id hashing.

import { hash, verify } from "@node-rs/argon2";
import type { UserRecord } from "../store.js";
import { commonPasswords } from "./common-passwords.js";
import type { Argon2Params } from "./config.js";
import { randomSecret } from "./secrets.js";

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
const PRODUCT_NAME = "rampart";

export type PasswordProblemCode =
  | "password-too-short"
  | "password-too-long"
  | "password-common"
  | "password-contains-username"
  | "password-contains-product"
  | "password-repetitive";

export type PasswordCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: PasswordProblemCode; readonly message: string };

/** NFKC, so that the same password typed on two keyboards (composed or not, full-width or not) is one. */
export function normalizePassword(password: string): string {
  return password.normalize("NFKC");
}

/** Checks a new password against the rules; the first problem found is returned as data. */
export async function checkPassword(password: string, username: string): Promise<PasswordCheck> {
  const pw = normalizePassword(password);
  const length = [...pw].length;
  if (length < PASSWORD_MIN_LENGTH)
    return problem("password-too-short", `Password must have at least ${PASSWORD_MIN_LENGTH} characters`);
  if (length > PASSWORD_MAX_LENGTH)
    return problem("password-too-long", `Password must have at most ${PASSWORD_MAX_LENGTH} characters`);
  const lower = pw.toLowerCase();
  const name = username.normalize("NFKC").toLowerCase();
  // Names shorter than 3 characters would forbid half the alphabet.
  if (name.length >= 3 && lower.includes(name))
    return problem("password-contains-username", "Password must not contain the username");
  if (lower.includes(PRODUCT_NAME))
    return problem(
      "password-contains-product",
      `Password must not contain the product name "${PRODUCT_NAME}"`,
    );
  if (isRepetitive(lower))
    return problem("password-repetitive", "Password must not be one character or sequence repeated");
  const list = await commonPasswords();
  if (list.has(lower) || list.has(withoutAffixes(lower)))
    return problem("password-common", "Password is too common: it appears in lists of breached passwords");
  return { ok: true };
}

function problem(code: PasswordProblemCode, message: string): PasswordCheck {
  return { ok: false, code, message };
}

/**
 * A common password padded with digits or symbols ("password1234!") is what cracking rules try first,
 * so it counts as the common password it wraps.
 */
function withoutAffixes(lower: string): string {
  return lower.replace(/^[\d\p{P}\p{S}\s]+|[\d\p{P}\p{S}\s]+$/gu, "");
}

/** One short unit repeated ("aaaa…", "abcabc…", "1212…") or one ascending or descending run ("1234…", "zyx…"). */
export function isRepetitive(text: string): boolean {
  const cps = [...text].map((c) => c.codePointAt(0) ?? 0);
  for (let unit = 1; unit <= 4 && unit < cps.length; unit++)
    if (cps.every((c, i) => i < unit || c === cps[i - unit])) return true;
  return isRun(cps, 1) || isRun(cps, -1);
}

const ZERO = 48;
function isRun(cps: readonly number[], step: 1 | -1): boolean {
  const digits = cps.every((c) => c >= ZERO && c < ZERO + 10);
  for (let i = 1; i < cps.length; i++) {
    const prev = cps[i - 1] ?? 0;
    const expected = digits ? ZERO + ((((prev - ZERO + step) % 10) + 10) % 10) : prev + step;
    if (cps[i] !== expected) return false;
  }
  return true;
}

/** An argon2id PHC string of the normalised password. */
export function hashPassword(password: string, params: Argon2Params): Promise<string> {
  return hash(normalizePassword(password), { ...params });
}

/** False for a wrong password and for a hash that is not argon2 (an OIDC-only user's empty hash). */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  if (!passwordHash.startsWith("$argon2")) return false;
  try {
    return await verify(passwordHash, normalizePassword(password));
  } catch {
    return false;
  }
}

const dummyHashes = new Map<string, Promise<string>>();

/**
 * A hash to verify against when the user does not exist, so that an unknown user and a wrong password take
 * the same time: made once per parameter set, of a random password nobody can know.
 */
export function dummyHash(params: Argon2Params): Promise<string> {
  const key = `${params.memoryCost}/${params.timeCost}/${params.parallelism}`;
  let h = dummyHashes.get(key);
  if (!h) {
    h = hash(randomSecret(), { ...params });
    dummyHashes.set(key, h);
  }
  return h;
}

/**
 * The user signing in when `password` is theirs and they may sign in with one, else undefined. Unknown users,
 * SSO-only users and disabled users cost one argon2 verification like everyone else: timing tells nothing.
 */
export async function passwordUser(
  user: UserRecord | undefined,
  password: string,
  params: Argon2Params,
): Promise<UserRecord | undefined> {
  const usable = user && user.passwordHash.startsWith("$argon2") ? user : undefined;
  const hash = usable ? usable.passwordHash : await dummyHash(params);
  const ok = (await verifyPassword(hash, password)) && usable !== undefined;
  return ok && !usable.disabled ? usable : undefined;
}
