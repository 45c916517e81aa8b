// TOTP second factor as authenticator apps support it (SHA1, 6 digits, 30 s) and single-use recovery codes.

import { randomBytes } from "node:crypto";
import { Secret, TOTP } from "otpauth";
import { sha256Hex } from "./secrets.js";

const ISSUER = "Rampart";
const PERIOD = 30;

function totpFor(secret: string, username: string): TOTP {
  return new TOTP({
    issuer: ISSUER,
    label: username,
    algorithm: "SHA1",
    digits: 6,
    period: PERIOD,
    secret: Secret.fromBase32(secret),
  });
}

/** A new secret of 20 random bytes, base32. */
export function newTotpSecret(): string {
  return new Secret({ buffer: new Uint8Array(randomBytes(20)).buffer }).base32;
}

/** The otpauth:// URI an authenticator app scans. */
export function totpUri(secret: string, username: string): string {
  return totpFor(secret, username).toString();
}

/** The code for a moment (tests, and the CLI's own checks). */
export function totpCode(secret: string, at: Date): string {
  return totpFor(secret, "-").generate({ timestamp: at.getTime() });
}

/**
 * The time step of `code` if it is valid within one step either side of `at` and later than `lastStep`
 * (a code once accepted is never accepted again, even within its 30 s); undefined otherwise.
 */
export function acceptTotp(
  secret: string,
  code: string,
  at: Date,
  lastStep: number | null,
): number | undefined {
  const token = code.replace(/\s/g, "");
  if (!/^\d{6}$/.test(token)) return undefined;
  const totp = totpFor(secret, "-");
  const delta = totp.validate({ token, timestamp: at.getTime(), window: 1 });
  if (delta === null) return undefined;
  const step = totp.counter({ timestamp: at.getTime() }) + delta;
  return lastStep !== null && step <= lastStep ? undefined : step;
}

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** Ten codes of ten base32 characters (50 bits each), shown as "xxxxx-xxxxx", and their stored hashes. */
export function newRecoveryCodes(count = 10): { codes: string[]; hashes: string[] } {
  const codes: string[] = [];
  for (let i = 0; i < count; i++) {
    // 256 is a multiple of 32: masking a byte keeps every character equally likely.
    const chars = [...randomBytes(10)].map((b) => BASE32[b & 31]).join("");
    codes.push(`${chars.slice(0, 5)}-${chars.slice(5)}`.toLowerCase());
  }
  return { codes, hashes: codes.map(recoveryCodeHash) };
}

/** Case, dashes and spaces do not matter when a code is typed back. */
export function recoveryCodeHash(code: string): string {
  return sha256Hex(code.replace(/[\s-]/g, "").toUpperCase());
}

/** The stored hashes without the one `code` matches, or undefined when it matches none (unknown or used). */
export function useRecoveryCode(hashes: readonly string[], code: string): string[] | undefined {
  const h = recoveryCodeHash(code);
  const i = hashes.indexOf(h);
  return i < 0 ? undefined : hashes.filter((_, j) => j !== i);
}
