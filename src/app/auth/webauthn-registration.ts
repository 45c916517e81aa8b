// Registering a security key or passkey as a second factor, listing one's keys and removing one.

import {
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
  verifyRegistrationResponse,
} from "@simplewebauthn/server";
import { isoBase64URL, isoUint8Array } from "@simplewebauthn/server/helpers";
import { AuditLog, type Clock } from "../audit.js";
import type { Store, UserRecord } from "../store.js";
import { newRecoveryCodes } from "./totp.js";
import { fail, type Failure } from "./types.js";
import {
  auditWebAuthn,
  CHALLENGE_SECONDS,
  keepChallenge,
  keepsRequiredMfa,
  knownTransports,
  type PublicWebAuthnCredential,
  secondFactorMethods,
  takeChallenge,
  toPublicCredential,
  type WebAuthnSettings,
} from "./webauthn-settings.js";

/** The session asking: a "password" session (still enrolling) may register only a first second factor. */
export interface Asker {
  readonly userId: number;
  readonly stage: "password" | "full";
  /** The session's id hash: it becomes "full" once its first second factor is registered. */
  readonly sessionIdHash?: string;
  readonly clientAddress?: string;
}

export type RegistrationOptionsResult =
  | { readonly ok: true; readonly options: PublicKeyCredentialCreationOptionsJSON }
  | Failure<"unknown-user" | "mfa-already-enabled">;

export type RegistrationResult =
  | {
      readonly ok: true;
      readonly credential: PublicWebAuthnCredential;
      /** Issued, once, when this key is the user's first second factor. */
      readonly recoveryCodes?: string[];
    }
  | Failure<"unknown-user" | "mfa-already-enabled" | "challenge-missing" | "webauthn-invalid">;

export type DeleteResult = { readonly ok: true } | Failure<"not-found" | "last-second-factor">;

export class WebAuthnRegistration {
  private readonly audit: AuditLog;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly settings: WebAuthnSettings,
  ) {
    this.audit = new AuditLog(store, clock);
  }

  /** A user who has a second factor adds another only from a complete sign-in, never a password-only one. */
  private async userFor(asker: Asker): Promise<UserRecord | Failure<"unknown-user" | "mfa-already-enabled">> {
    const user = await this.store.users.byId(asker.userId);
    if (!user) return fail("unknown-user", `Cannot register a security key: no user #${asker.userId}`);
    if (asker.stage !== "full" && (await secondFactorMethods(this.store, user)).length > 0)
      return fail(
        "mfa-already-enabled",
        `Cannot register a security key: "${user.username}" has a second factor already; sign in with it first`,
      );
    return user;
  }

  async options(asker: Asker): Promise<RegistrationOptionsResult> {
    const user = await this.userFor(asker);
    if ("ok" in user) return user;
    const existing = await this.store.webauthn.listForUser(user.id);
    const options = await generateRegistrationOptions({
      rpName: this.settings.rpName,
      rpID: this.settings.rpId,
      userName: user.username,
      userID: isoUint8Array.fromUTF8String(`rampart-user-${user.id}`),
      attestationType: "none",
      timeout: CHALLENGE_SECONDS * 1000,
      excludeCredentials: existing.map((c) => ({
        id: c.credentialId,
        transports: knownTransports(c.transports),
      })),
      // A second factor after the password: the key's presence is what counts, not a PIN or resident key.
      authenticatorSelection: { residentKey: "discouraged", userVerification: "discouraged" },
    });
    await keepChallenge(this.store, this.clock, user.id, "register", options.challenge);
    return { ok: true, options };
  }

  async verify(asker: Asker, response: RegistrationResponseJSON, name: string): Promise<RegistrationResult> {
    const user = await this.userFor(asker);
    if ("ok" in user) return user;
    const challenge = await takeChallenge(this.store, this.clock, user.id, "register");
    if (!challenge)
      return fail(
        "challenge-missing",
        "Cannot register the security key: no registration was started, or it expired",
      );
    let info;
    try {
      const v = await verifyRegistrationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: this.settings.origin,
        expectedRPID: this.settings.rpId,
        requireUserVerification: false,
      });
      info = v.verified ? v.registrationInfo : undefined;
    } catch (e) {
      return fail(
        "webauthn-invalid",
        `Cannot register the security key: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    if (!info)
      return fail("webauthn-invalid", "Cannot register the security key: the response did not verify");
    const first = (await secondFactorMethods(this.store, user)).length === 0;
    const recovery = first && user.recoveryCodes.length === 0 ? newRecoveryCodes() : undefined;
    const created = await this.store.transaction(async (tx) => {
      const c = await tx.webauthn.create({
        userId: user.id,
        credentialId: info.credential.id,
        publicKey: isoBase64URL.fromBuffer(info.credential.publicKey),
        counter: info.credential.counter,
        transports: info.credential.transports ?? response.response.transports ?? [],
        name,
        createdAt: this.clock.now().toISOString(),
      });
      if (recovery) await tx.users.update(user.id, { recoveryCodes: recovery.hashes });
      const session = asker.sessionIdHash ? await tx.sessions.get(asker.sessionIdHash) : undefined;
      if (session?.userId === user.id && session.stage !== "full")
        await tx.sessions.upgrade(session.idHash, "full");
      await auditWebAuthn(
        this.audit.within(tx),
        user,
        "auth.webauthn-register",
        { credential: c.id, name },
        asker.clientAddress,
      );
      return c;
    });
    return {
      ok: true,
      credential: toPublicCredential(created),
      ...(recovery && { recoveryCodes: recovery.codes }),
    };
  }

  async list(userId: number): Promise<PublicWebAuthnCredential[]> {
    return (await this.store.webauthn.listForUser(userId)).map(toPublicCredential);
  }

  /** Removes one of the user's own keys, unless it is the last second factor of a role that needs one. */
  async remove(userId: number, id: number, clientAddress?: string): Promise<DeleteResult> {
    const user = await this.store.users.byId(userId);
    const mine = user && (await this.store.webauthn.listForUser(userId)).some((c) => c.id === id);
    if (!user || !mine) return fail("not-found", `Security key ${id} does not exist`);
    if (!(await keepsRequiredMfa(this.store, user, id)))
      return fail(
        "last-second-factor",
        `Cannot remove security key ${id}: it is the last second factor of "${user.username}", whose role needs one`,
      );
    await this.store.transaction(async (tx) => {
      await tx.webauthn.delete(userId, id);
      await auditWebAuthn(
        this.audit.within(tx),
        user,
        "auth.webauthn-remove",
        { credential: id },
        clientAddress,
      );
    });
    return { ok: true };
  }
}
