// Signing in: password, second factor, lockout and a new session; TOTP enrolment; sessions and logout.

import { AuditLog, type Clock } from "../audit.js";
import { roleNeedsMfa } from "../roles.js";
import type { Store, UserChange, UserRecord } from "../store.js";
import type { AuthConfig } from "./config.js";
import { passwordUser } from "./passwords.js";
import { spendSecondFactor } from "./second-factor.js";
import { SessionService, type SessionCheck } from "./sessions.js";
import { Throttle } from "./throttle.js";
import { acceptTotp, newRecoveryCodes, newTotpSecret, totpUri } from "./totp.js";
import { secondFactorMethods, type SecondFactorMethod } from "./webauthn-settings.js";
import { fail, toPublicUser, type Actor, type Client, type Failure, type PublicUser } from "./types.js";

export interface LoginInput {
  readonly username: string;
  readonly password: string;
  readonly totp?: string;
  readonly recoveryCode?: string;
}

export type LoginFailureCode =
  "invalid-credentials" | "mfa-required" | "mfa-invalid" | "locked" | "throttled";

export type LoginResult =
  | {
      readonly ok: true;
      /** The cookie value. */
      readonly sessionId: string;
      readonly csrfToken: string;
      readonly user: PublicUser;
      /** "password": the role needs MFA and the user has none yet; the session may only enrol. */
      readonly stage: "full" | "password";
      readonly next?: "enroll-mfa";
    }
  | (Failure<LoginFailureCode> & {
      readonly retryAfterSeconds?: number;
      /** With "mfa-required": the second factors the user has. */
      readonly methods?: readonly SecondFactorMethod[];
    });

export type EnrolmentResult =
  | { readonly ok: true; readonly secret: string; readonly uri: string }
  | Failure<"unknown-user" | "mfa-already-enabled">;

export type ConfirmResult =
  | { readonly ok: true; readonly recoveryCodes: string[] }
  | Failure<"unknown-user" | "mfa-already-enabled" | "mfa-not-started" | "mfa-invalid">;

const MESSAGES: Record<LoginFailureCode, string> = {
  "invalid-credentials": "Invalid username or password",
  "mfa-required":
    "A second factor is required: the code from your authenticator app, a recovery code, or a security key (POST /api/v1/auth/webauthn/login/options)",
  "mfa-invalid": "Invalid authentication code",
  locked: "Too many failed sign-ins for this account",
  throttled: "Too many failed sign-ins from this address",
};

/** Usernames are at most 64 characters; a longer one is cut for the audit log and the throttle key. */
const MAX_NAME = 256;

export class AuthService {
  readonly sessions: SessionService;
  private readonly audit: AuditLog;
  private readonly throttle: Throttle;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly config: AuthConfig,
  ) {
    this.sessions = new SessionService(store, clock, config);
    this.audit = new AuditLog(store, clock);
    this.throttle = new Throttle(config.throttle);
  }

  async login(input: LoginInput, client: Client): Promise<LoginResult> {
    const now = this.clock.now();
    const username = input.username.slice(0, MAX_NAME);
    const blocked = await this.throttle.check(this.store, username, client.address, now);
    if (blocked.blocked) {
      const user = await this.store.users.byName(username);
      await this.recordFailure(user, username, client, blocked.code, "denied");
      const { code, retryAfterSeconds } = blocked;
      return {
        ...fail(code, `${MESSAGES[code]}; try again in ${retryAfterSeconds} seconds`),
        retryAfterSeconds,
      };
    }
    const user = await this.store.users.byName(username);
    const usable = await passwordUser(user, input.password, this.config.argon2);
    if (!usable) return this.failed(user, username, client, "invalid-credentials");
    // A security key counts as a second factor as much as TOTP: with either, the password alone is not enough.
    const methods = await secondFactorMethods(this.store, usable);
    if (methods.length > 0) {
      if (!input.totp && !input.recoveryCode)
        return { ...(await this.failed(usable, username, client, "mfa-required", false)), methods };
      const method = await spendSecondFactor(this.store, usable.id, input, now);
      if (!method) return this.failed(usable, username, client, "mfa-invalid");
      return this.succeed(usable, client, "full", method);
    }
    return this.succeed(usable, client, roleNeedsMfa(usable.role) ? "password" : "full", "password");
  }

  private async succeed(
    user: UserRecord,
    client: Client,
    stage: "full" | "password",
    method: string,
  ): Promise<LoginResult> {
    const created = await this.store.transaction(async (tx) => {
      await this.throttle.succeed(tx, user.username);
      const s = await this.sessions.create(tx, user.id, stage, client);
      await this.audit.within(tx).record({
        actor: user.username,
        action: "auth.login",
        target: `user:${user.username}`,
        clientAddress: client.address,
        detail: { stage, method, userAgent: client.userAgent.slice(0, 256) },
      });
      return s;
    });
    const fresh = (await this.store.users.byId(user.id)) ?? user;
    return {
      ok: true,
      sessionId: created.sessionId,
      csrfToken: created.csrfToken,
      user: toPublicUser(fresh),
      stage,
      ...(stage === "password" ? { next: "enroll-mfa" as const } : {}),
    };
  }

  private async failed(
    user: UserRecord | undefined,
    username: string,
    client: Client,
    code: "invalid-credentials" | "mfa-required" | "mfa-invalid",
    counts = true,
  ): Promise<Failure<LoginFailureCode>> {
    await this.store.transaction(async (tx) => {
      if (counts) await this.throttle.fail(tx, username, client.address, this.clock.now());
      await this.recordFailure(user, username, client, code, "failure", tx);
    });
    return fail(code, MESSAGES[code]);
  }

  private async recordFailure(
    user: UserRecord | undefined,
    username: string,
    client: Client,
    reason: LoginFailureCode,
    outcome: "failure" | "denied",
    store: Store = this.store,
  ): Promise<void> {
    await this.audit.within(store).record({
      actor: user ? user.username : "-",
      action: "auth.login-failed",
      target: user ? `user:${user.username}` : "",
      outcome,
      clientAddress: client.address,
      detail: { reason, username, userAgent: client.userAgent.slice(0, 256) },
    });
  }

  authenticateSession(cookieValue: string): Promise<SessionCheck> {
    return this.sessions.authenticate(cookieValue);
  }

  logout(actor: Actor, cookieValue: string): Promise<void> {
    return this.sessions.logout(this.audit, actor, cookieValue);
  }

  logoutEverywhere(actor: Actor, userId: number): Promise<number> {
    return this.sessions.logoutEverywhere(this.audit, actor, userId);
  }

  /** Stores a new secret, not yet enabled: the first valid code (confirmTotpEnrolment) enables it. */
  async beginTotpEnrolment(userId: number): Promise<EnrolmentResult> {
    const user = await this.store.users.byId(userId);
    if (!user) return fail("unknown-user", `Cannot enrol: no user #${userId}`);
    if (user.totpEnabled)
      return fail("mfa-already-enabled", `Cannot enrol: "${user.username}" has a second factor already`);
    const secret = newTotpSecret();
    await this.store.transaction(async (tx) => {
      await tx.users.update(user.id, { totpSecret: secret, totpEnabled: false, totpLastStep: null });
      await this.audit.within(tx).record({
        actor: user.username,
        action: "auth.mfa-enrol-begin",
        target: `user:${user.username}`,
      });
    });
    return { ok: true, secret, uri: totpUri(secret, user.username) };
  }

  /** Enables TOTP once a code from the new secret is given; the session (if any) becomes "full". */
  async confirmTotpEnrolment(userId: number, code: string, sessionIdHash?: string): Promise<ConfirmResult> {
    const user = await this.store.users.byId(userId);
    if (!user) return fail("unknown-user", `Cannot enrol: no user #${userId}`);
    if (user.totpEnabled)
      return fail("mfa-already-enabled", `Cannot enrol: "${user.username}" has a second factor already`);
    if (!user.totpSecret) return fail("mfa-not-started", "Cannot confirm: no enrolment was started");
    const step = acceptTotp(user.totpSecret, code, this.clock.now(), null);
    if (step === undefined) return fail("mfa-invalid", MESSAGES["mfa-invalid"]);
    const recovery = newRecoveryCodes();
    const change: UserChange = { totpEnabled: true, totpLastStep: step, recoveryCodes: recovery.hashes };
    await this.store.transaction(async (tx) => {
      await tx.users.update(user.id, change);
      const session = sessionIdHash ? await tx.sessions.get(sessionIdHash) : undefined;
      if (session?.userId === user.id) await tx.sessions.upgrade(session.idHash, "full");
      await this.audit.within(tx).record({
        actor: user.username,
        action: "auth.mfa-enrol",
        target: `user:${user.username}`,
      });
    });
    return { ok: true, recoveryCodes: recovery.codes };
  }
}
