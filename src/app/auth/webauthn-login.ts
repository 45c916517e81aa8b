// Signing in with a security key as the second factor: the password first (with the same throttling as
// AuthService.login), then options with a challenge, then the signed assertion, which ends in a full session.

import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  type PublicKeyCredentialRequestOptionsJSON,
  verifyAuthenticationResponse,
} from "@simplewebauthn/server";
import { isoBase64URL } from "@simplewebauthn/server/helpers";
import { AuditLog, type Clock } from "../audit.js";
import type { Store, UserRecord } from "../store.js";
import type { AuthConfig } from "./config.js";
import { passwordUser } from "./passwords.js";
import { SessionService } from "./sessions.js";
import { Throttle } from "./throttle.js";
import { fail, toPublicUser, type Client, type Failure, type PublicUser } from "./types.js";
import {
  CHALLENGE_SECONDS,
  keepChallenge,
  knownTransports,
  takeChallenge,
  type WebAuthnSettings,
} from "./webauthn-settings.js";

export interface PasswordInput {
  readonly username: string;
  readonly password: string;
}

type Refusal = "invalid-credentials" | "mfa-invalid" | "locked" | "throttled";

export type WebAuthnLoginFailure =
  (Failure<Refusal> & { readonly retryAfterSeconds?: number }) | Failure<"webauthn-not-enrolled">;

export type LoginOptionsResult =
  { readonly ok: true; readonly options: PublicKeyCredentialRequestOptionsJSON } | WebAuthnLoginFailure;

export type WebAuthnLoginResult =
  | {
      readonly ok: true;
      readonly sessionId: string;
      readonly csrfToken: string;
      readonly user: PublicUser;
      readonly stage: "full";
    }
  | WebAuthnLoginFailure;

const MESSAGES: Record<Refusal, string> = {
  "invalid-credentials": "Invalid username or password",
  "mfa-invalid": "The security key's answer was refused; ask for new options and try again",
  locked: "Too many failed sign-ins for this account",
  throttled: "Too many failed sign-ins from this address",
};

/** As in AuthService: a longer name is cut for the audit log and the throttle key. */
const MAX_NAME = 256;

export class WebAuthnLogin {
  private readonly audit: AuditLog;
  private readonly throttle: Throttle;
  private readonly sessions: SessionService;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly config: AuthConfig,
    private readonly settings: WebAuthnSettings,
  ) {
    this.audit = new AuditLog(store, clock);
    this.throttle = new Throttle(config.throttle);
    this.sessions = new SessionService(store, clock, config);
  }

  /** Options for navigator.credentials.get(), only once the password is right. */
  async options(input: PasswordInput, client: Client): Promise<LoginOptionsResult> {
    const checked = await this.password(input, client);
    if (!checked.ok) return checked;
    const credentials = await this.store.webauthn.listForUser(checked.user.id);
    if (credentials.length === 0)
      return fail(
        "webauthn-not-enrolled",
        "No security key is registered for this account; use another method",
      );
    const options = await generateAuthenticationOptions({
      rpID: this.settings.rpId,
      allowCredentials: credentials.map((c) => ({
        id: c.credentialId,
        transports: knownTransports(c.transports),
      })),
      userVerification: "discouraged",
      timeout: CHALLENGE_SECONDS * 1000,
    });
    await keepChallenge(this.store, this.clock, checked.user.id, "login", options.challenge);
    return { ok: true, options };
  }

  /** Checks the password again and the assertion against the challenge; a full session on success. */
  async verify(
    input: PasswordInput,
    response: AuthenticationResponseJSON,
    client: Client,
  ): Promise<WebAuthnLoginResult> {
    const checked = await this.password(input, client);
    if (!checked.ok) return checked;
    const user = checked.user;
    const reason = await this.assertion(user, response);
    if (reason !== undefined) return this.failed(user, user.username, client, "mfa-invalid", reason);
    const created = await this.store.transaction(async (tx) => {
      await this.throttle.succeed(tx, user.username);
      const s = await this.sessions.create(tx, user.id, "full", client);
      await this.audit.within(tx).record({
        actor: user.username,
        action: "auth.login",
        target: `user:${user.username}`,
        clientAddress: client.address,
        detail: { stage: "full", method: "webauthn", userAgent: client.userAgent.slice(0, 256) },
      });
      return s;
    });
    return {
      ok: true,
      sessionId: created.sessionId,
      csrfToken: created.csrfToken,
      user: toPublicUser(user),
      stage: "full",
    };
  }

  /** Undefined when the assertion verifies and moves the counter on; otherwise why not (for the audit log). */
  private async assertion(
    user: UserRecord,
    response: AuthenticationResponseJSON,
  ): Promise<string | undefined> {
    const challenge = await takeChallenge(this.store, this.clock, user.id, "login");
    if (!challenge) return "no live challenge";
    const credential = await this.store.webauthn.byCredentialId(response.id);
    if (!credential || credential.userId !== user.id) return "unknown credential";
    let newCounter: number;
    try {
      const v = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: this.settings.origin,
        expectedRPID: this.settings.rpId,
        credential: {
          id: credential.credentialId,
          publicKey: isoBase64URL.toBuffer(credential.publicKey),
          counter: credential.counter,
        },
        requireUserVerification: false,
      });
      if (!v.verified) return "signature did not verify";
      newCounter = v.authenticationInfo.newCounter;
    } catch (e) {
      // The library throws for a wrong origin, rpId, challenge, signature or a counter that went back.
      return e instanceof Error ? e.message : String(e);
    }
    const moved = await this.store.webauthn.markUsed(
      credential.id,
      credential.counter,
      newCounter,
      this.clock.now().toISOString(),
    );
    return moved ? undefined : "counter changed concurrently";
  }

  private async password(
    input: PasswordInput,
    client: Client,
  ): Promise<{ readonly ok: true; readonly user: UserRecord } | WebAuthnLoginFailure> {
    const username = input.username.slice(0, MAX_NAME);
    const blocked = await this.throttle.check(this.store, username, client.address, this.clock.now());
    if (blocked.blocked) {
      const user = await this.store.users.byName(username);
      await this.record(user, username, client, blocked.code, "denied", this.store);
      const { code, retryAfterSeconds } = blocked;
      return {
        ...fail(code, `${MESSAGES[code]}; try again in ${retryAfterSeconds} seconds`),
        retryAfterSeconds,
      };
    }
    const user = await this.store.users.byName(username);
    const usable = await passwordUser(user, input.password, this.config.argon2);
    if (!usable) return this.failed(user, username, client, "invalid-credentials");
    return { ok: true, user: usable };
  }

  private async failed(
    user: UserRecord | undefined,
    username: string,
    client: Client,
    code: "invalid-credentials" | "mfa-invalid",
    reason?: string,
  ): Promise<WebAuthnLoginFailure> {
    await this.store.transaction(async (tx) => {
      await this.throttle.fail(tx, username, client.address, this.clock.now());
      await this.record(user, username, client, code, "failure", tx, reason);
    });
    return fail(code, MESSAGES[code]);
  }

  private async record(
    user: UserRecord | undefined,
    username: string,
    client: Client,
    code: Refusal,
    outcome: "failure" | "denied",
    store: Store,
    why?: string,
  ): Promise<void> {
    await this.audit.within(store).record({
      actor: user ? user.username : "-",
      action: "auth.login-failed",
      target: user ? `user:${user.username}` : "",
      outcome,
      clientAddress: client.address,
      detail: {
        reason: code,
        method: "webauthn",
        username,
        userAgent: client.userAgent.slice(0, 256),
        ...(why !== undefined && { why: why.slice(0, 300) }),
      },
    });
  }
}
