// WebAuthn's relying-party settings, the server-side challenges and the credential as it may be shown outside.

import type { AuthenticatorTransportFuture } from "@simplewebauthn/server";
import type { AuditLog, Clock } from "../audit.js";
import { roleNeedsMfa } from "../roles.js";
import type { Store, UserRecord, WebAuthnCredentialRecord, WebAuthnPurpose } from "../store.js";

/**
 * Who the browser is talking to. Configuration, never taken from the request's Host header: a credential is
 * bound to the rpId, and an attacker who can make the server believe another host must not obtain assertions
 * for it.
 */
export interface WebAuthnSettings {
  /** The domain credentials are scoped to ("rampart.example.com"; "localhost" in development). */
  readonly rpId: string;
  /** Shown by the browser when it asks for the key. */
  readonly rpName: string;
  /** The exact origin the console is served from ("https://rampart.example.com"). */
  readonly origin: string;
}

/** The development default: the console on localhost at the server's port. */
export function defaultWebAuthnSettings(port: number, tls = false): WebAuthnSettings {
  return { rpId: "localhost", rpName: "Rampart", origin: `${tls ? "https" : "http"}://localhost:${port}` };
}

/** How long options (and their challenge) stay valid. */
export const CHALLENGE_SECONDS = 5 * 60;

/** A credential without its key: what a route may return. */
export interface PublicWebAuthnCredential {
  readonly id: number;
  readonly name: string;
  readonly transports: readonly string[];
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
}

export function toPublicCredential(c: WebAuthnCredentialRecord): PublicWebAuthnCredential {
  return {
    id: c.id,
    name: c.name,
    transports: c.transports,
    createdAt: c.createdAt,
    lastUsedAt: c.lastUsedAt,
  };
}

export const TRANSPORTS: readonly AuthenticatorTransportFuture[] = [
  "ble",
  "cable",
  "hybrid",
  "internal",
  "nfc",
  "smart-card",
  "usb",
];

/** The stored transports the library knows (a newer browser may have reported others). */
export function knownTransports(list: readonly string[]): AuthenticatorTransportFuture[] {
  return TRANSPORTS.filter((t) => list.includes(t));
}

/** Keeps the challenge of options just handed out; a newer one for the same purpose replaces it. */
export async function keepChallenge(
  store: Store,
  clock: Clock,
  userId: number,
  purpose: WebAuthnPurpose,
  challenge: string,
): Promise<void> {
  const expiresAt = new Date(clock.now().getTime() + CHALLENGE_SECONDS * 1000).toISOString();
  await store.webauthn.putChallenge({ userId, purpose, challenge, expiresAt });
}

/** Takes the user's challenge (it can be answered once, right or wrong); undefined when none is alive. */
export async function takeChallenge(
  store: Store,
  clock: Clock,
  userId: number,
  purpose: WebAuthnPurpose,
): Promise<string | undefined> {
  const c = await store.webauthn.takeChallenge(userId, purpose);
  if (!c || Date.parse(c.expiresAt) <= clock.now().getTime()) return undefined;
  return c.challenge;
}

export type SecondFactorMethod = "totp" | "webauthn";

/** The second factors the user can sign in with: what "mfa-required" offers, and whether the user has any. */
export async function secondFactorMethods(store: Store, user: UserRecord): Promise<SecondFactorMethod[]> {
  const methods: SecondFactorMethod[] = [];
  if (user.totpEnabled) methods.push("totp");
  if ((await store.webauthn.countForUser(user.id)) > 0) methods.push("webauthn");
  return methods;
}

/** Whether the user still meets the MFA rule without the credentials `without` (ids): for deletions. */
export async function keepsRequiredMfa(store: Store, user: UserRecord, without: number): Promise<boolean> {
  if (!roleNeedsMfa(user.role) || user.totpEnabled) return true;
  return (await store.webauthn.listForUser(user.id)).some((c) => c.id !== without);
}

/** Records a WebAuthn event about the user. */
export function auditWebAuthn(
  audit: AuditLog,
  user: UserRecord,
  action: string,
  detail: unknown,
  clientAddress?: string,
): Promise<unknown> {
  return audit.record({
    actor: user.username,
    action,
    target: `user:${user.username}`,
    detail,
    ...(clientAddress !== undefined && { clientAddress }),
  });
}
