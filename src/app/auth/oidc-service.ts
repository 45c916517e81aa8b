// Signing in through an OIDC identity provider: from the provider's verified claims to a Rampart user (created
// or updated to the role the provider's groups map to) and a new session; every outcome audited.

import { spendSecondFactor } from "./second-factor.js";
import { AuditLog, type Clock } from "../audit.js";
import { roleNeedsMfa, type Role } from "../roles.js";
import type { Store, UserRecord } from "../store.js";
import type { AuthConfig } from "./config.js";
import {
  groupsOf,
  mapRole,
  oidcSubjectOf,
  usernameOf,
  type OidcIdentity,
  type OidcSettings,
} from "./oidc.js";
import type { SessionService } from "./sessions.js";
import { Throttle } from "./throttle.js";
import { fail, toPublicUser, type Client, type Failure, type PublicUser } from "./types.js";

export type OidcFailureCode =
  | "invalid-state"
  | "idp-error"
  | "missing-username"
  | "invalid-username"
  | "no-role"
  | "user-disabled"
  | "unknown-user"
  | "username-taken";

export type OidcSignInResult =
  | {
      readonly ok: true;
      /** The cookie value. */
      readonly sessionId: string;
      readonly csrfToken: string;
      readonly user: PublicUser;
      /** "password" when local MFA is required and still to be given; the session may then only do that. */
      readonly stage: "full" | "password";
      readonly next?: "mfa" | "enroll-mfa";
    }
  | Failure<OidcFailureCode>;

export type StepUpFailureCode = "mfa-not-pending" | "mfa-invalid" | "locked" | "throttled";
export type StepUpResult =
  | { readonly ok: true; readonly user: PublicUser }
  | (Failure<StepUpFailureCode> & { readonly retryAfterSeconds?: number });

export class OidcService {
  private readonly audit: AuditLog;
  private readonly throttle: Throttle;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    config: AuthConfig,
    private readonly sessions: SessionService,
    readonly settings: OidcSettings,
  ) {
    this.audit = new AuditLog(store, clock);
    this.throttle = new Throttle(config.throttle);
  }

  /** Signs in the user the provider vouched for (its tokens already verified by the adapter). */
  async signIn(identity: OidcIdentity, client: Client): Promise<OidcSignInResult> {
    const subject = oidcSubjectOf(identity);
    const known = await this.store.users.byOidcSubject(subject);
    const detail = { issuer: identity.issuer, subject: identity.subject };
    if (known?.disabled)
      return this.refuse(client, "user-disabled", `User "${known.username}" is disabled`, detail, known);
    const role = mapRole(identity.claims, this.settings);
    if (!role) {
      const groups = groupsOf(identity.claims, this.settings.roleClaim).slice(0, 50);
      const message = `None of your groups is mapped to a Rampart role (claim "${this.settings.roleClaim}"); ask an administrator`;
      return this.refuse(client, "no-role", message, { ...detail, groups }, known);
    }
    const user = known ?? (await this.provision(identity, role, client));
    if ("ok" in user) return user;
    return this.succeed(user, role, client, detail);
  }

  /** Records a sign-in refused before any user was known (bad state, an error from the provider). */
  async recordFailure(
    code: OidcFailureCode,
    message: string,
    client: Client,
    detail: object = {},
  ): Promise<Failure<OidcFailureCode>> {
    return this.refuse(client, code, message, detail);
  }

  /** A new user for an unknown subject, if the settings allow; never takes over a local user's name. */
  private async provision(
    identity: OidcIdentity,
    role: Role,
    client: Client,
  ): Promise<UserRecord | Failure<OidcFailureCode>> {
    const detail = { issuer: identity.issuer, subject: identity.subject };
    if (!this.settings.createUsers)
      return this.refuse(
        client,
        "unknown-user",
        "You have no Rampart account; ask an administrator to create one",
        detail,
      );
    const name = usernameOf(identity.claims, this.settings);
    if (!name.ok) return this.refuse(client, name.code, name.message, detail);
    const taken = await this.store.users.byName(name.username);
    if (taken)
      return this.refuse(
        client,
        "username-taken",
        `The username "${name.username}" belongs to another Rampart account; ask an administrator`,
        { ...detail, username: name.username },
      );
    return this.store.transaction(async (tx) => {
      const u = await tx.users.create({
        username: name.username,
        role,
        passwordHash: "",
        oidcSubject: oidcSubjectOf(identity),
        createdAt: this.clock.now().toISOString(),
      });
      await this.audit.within(tx).record({
        actor: u.username,
        action: "user.create",
        target: `user:${u.username}`,
        clientAddress: client.address,
        detail: { role, sso: true, ...detail },
      });
      return u;
    });
  }

  private async succeed(
    user: UserRecord,
    role: Role,
    client: Client,
    detail: object,
  ): Promise<OidcSignInResult> {
    const stage = this.settings.requireLocalMfa && roleNeedsMfa(role) ? "password" : "full";
    const created = await this.store.transaction(async (tx) => {
      const audit = this.audit.within(tx);
      if (user.role !== role) {
        await tx.users.update(user.id, { role });
        await audit.record({
          actor: user.username,
          action: "user.set-role",
          target: `user:${user.username}`,
          clientAddress: client.address,
          detail: { from: user.role, to: role, source: "oidc" },
        });
      }
      await this.throttle.succeed(tx, user.username);
      const s = await this.sessions.create(tx, user.id, stage, client);
      await audit.record({
        actor: user.username,
        action: "auth.login",
        target: `user:${user.username}`,
        clientAddress: client.address,
        detail: { stage, method: "oidc", ...detail, userAgent: client.userAgent.slice(0, 256) },
      });
      return s;
    });
    const fresh = (await this.store.users.byId(user.id)) ?? user;
    const next = stage === "full" ? undefined : fresh.totpEnabled ? "mfa" : "enroll-mfa";
    return {
      ok: true,
      sessionId: created.sessionId,
      csrfToken: created.csrfToken,
      user: toPublicUser(fresh),
      stage,
      ...(next && { next }),
    };
  }

  private async refuse<C extends OidcFailureCode>(
    client: Client,
    code: C,
    message: string,
    detail: object,
    user?: UserRecord,
  ): Promise<Failure<C>> {
    await this.audit.record({
      actor: user ? user.username : "-",
      action: "auth.login-failed",
      target: user ? `user:${user.username}` : "",
      outcome: "failure",
      clientAddress: client.address,
      detail: { reason: code, method: "oidc", ...detail, userAgent: client.userAgent.slice(0, 256) },
    });
    return fail(code, message);
  }

  /**
   * With `requireLocalMfa`, a session from the provider stays at stage "password" until the user's own TOTP
   * or recovery code is given here; failures count towards lockout like those at the sign-in form.
   */
  async stepUp(
    sessionIdHash: string,
    input: { totp?: string; recoveryCode?: string },
    client: Client,
  ): Promise<StepUpResult> {
    const session = await this.store.sessions.get(sessionIdHash);
    const user = session && (await this.store.users.byId(session.userId));
    if (!session || !user || session.stage !== "password" || !user.totpEnabled || !user.oidcSubject)
      return fail("mfa-not-pending", "Cannot give a second factor: this session is not waiting for one");
    const now = this.clock.now();
    const blocked = await this.throttle.check(this.store, user.username, client.address, now);
    if (blocked.blocked)
      return {
        ...fail(blocked.code, `Too many failed sign-ins; try again in ${blocked.retryAfterSeconds} seconds`),
        retryAfterSeconds: blocked.retryAfterSeconds,
      };
    const method = await spendSecondFactor(this.store, user.id, input, now);
    return this.store.transaction(async (tx) => {
      const base = { actor: user.username, target: `user:${user.username}`, clientAddress: client.address };
      if (!method) {
        await this.throttle.fail(tx, user.username, client.address, now);
        await this.audit.within(tx).record({
          ...base,
          action: "auth.login-failed",
          outcome: "failure",
          detail: { reason: "mfa-invalid", method: "oidc" },
        });
        return fail("mfa-invalid", "Invalid authentication code");
      }
      await tx.sessions.upgrade(sessionIdHash, "full");
      await this.audit.within(tx).record({ ...base, action: "auth.mfa", detail: { method, sso: true } });
      return { ok: true as const, user: toPublicUser(user) };
    });
  }
}
