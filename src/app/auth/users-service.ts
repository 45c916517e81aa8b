// Managing users: create, passwords, disable and enable, roles, MFA resets; every change audited.

import { AuditLog, type Clock } from "../audit.js";
import { isRole, roleNeedsMfa } from "../roles.js";
import type { Store, UserChange, UserRecord } from "../store.js";
import type { AuthConfig } from "./config.js";
import { checkPassword, hashPassword, verifyPassword, type PasswordProblemCode } from "./passwords.js";
import { Throttle } from "./throttle.js";
import { newRecoveryCodes, newTotpSecret, totpUri } from "./totp.js";
import { secondFactorMethods } from "./webauthn-settings.js";
import { fail, toPublicUser, type Actor, type Failure, type PublicUser } from "./types.js";

export type UserFailureCode =
  | PasswordProblemCode
  | "invalid-username"
  | "invalid-role"
  | "user-exists"
  | "unknown-user"
  | "invalid-credentials"
  | "last-admin";

export type UserResult<T = object> =
  ({ readonly ok: true; readonly user: PublicUser } & T) | Failure<UserFailureCode>;

/** What a new second factor gives once, to be handed to the user out of band. */
export interface IssuedMfa {
  readonly otpauthUri?: string;
  readonly recoveryCodes?: string[];
}

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export class UserService {
  private readonly audit: AuditLog;
  private readonly throttle: Throttle;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly config: AuthConfig,
  ) {
    this.audit = new AuditLog(store, clock);
    this.throttle = new Throttle(config.throttle);
  }

  /**
   * A new user. Without a password the user cannot sign in until one is set (or signs in through SSO). When the
   * role needs MFA, TOTP is enabled at once and its URI and recovery codes are returned, once.
   */
  async createUser(
    actor: Actor,
    input: { username: string; role: string; password?: string },
  ): Promise<UserResult<IssuedMfa>> {
    const { username, role } = input;
    if (!USERNAME.test(username))
      return fail(
        "invalid-username",
        `Invalid username "${username.slice(0, 80)}": 1 to 64 letters, digits or "._@-", starting with a letter or digit`,
      );
    if (!isRole(role)) return fail("invalid-role", `Unknown role "${role}"`);
    if (await this.store.users.byName(username))
      return fail("user-exists", `User "${username}" exists already`);
    let passwordHash = "";
    if (input.password !== undefined) {
      const check = await checkPassword(input.password, username);
      if (!check.ok) return check;
      passwordHash = await hashPassword(input.password, this.config.argon2);
    }
    const mfa = roleNeedsMfa(role) ? issueMfa(username) : undefined;
    const now = this.clock.now().toISOString();
    const user = await this.store.transaction(async (tx) => {
      const u = await tx.users.create({
        username,
        role,
        passwordHash,
        totpSecret: mfa?.secret ?? null,
        totpEnabled: mfa !== undefined,
        recoveryCodes: mfa?.hashes ?? [],
        createdAt: now,
      });
      await this.record(tx, actor, "user.create", u, { role, mfa: mfa !== undefined });
      return u;
    });
    const issued: IssuedMfa = mfa ? { otpauthUri: mfa.uri, recoveryCodes: mfa.codes } : {};
    return { ok: true, user: toPublicUser(user), ...issued };
  }

  /** An administrator sets a password; every session of the user ends. */
  async setPassword(actor: Actor, userId: number, password: string): Promise<UserResult> {
    const user = await this.store.users.byId(userId);
    if (!user) return unknownUser(userId);
    return this.replacePassword(actor, user, password, "user.set-password");
  }

  /** The user changes their own password, proving the current one; every session of theirs ends. */
  async changeOwnPassword(
    userId: number,
    current: string,
    next: string,
    clientAddress = "",
  ): Promise<UserResult> {
    const user = await this.store.users.byId(userId);
    if (!user) return unknownUser(userId);
    if (!(await verifyPassword(user.passwordHash, current))) {
      // Guessing the current password from a stolen session counts like guessing at the sign-in form.
      await this.throttle.fail(this.store, user.username, clientAddress, this.clock.now());
      await this.audit.record({
        actor: user.username,
        action: "user.change-password",
        target: `user:${user.username}`,
        outcome: "failure",
        clientAddress,
        detail: { reason: "invalid-credentials" },
      });
      return fail("invalid-credentials", "The current password is wrong");
    }
    return this.replacePassword({ name: user.username, clientAddress }, user, next, "user.change-password");
  }

  private async replacePassword(
    actor: Actor,
    user: UserRecord,
    password: string,
    action: string,
  ): Promise<UserResult> {
    const check = await checkPassword(password, user.username);
    if (!check.ok) return check;
    const passwordHash = await hashPassword(password, this.config.argon2);
    const change: UserChange = { passwordHash, passwordChangedAt: this.clock.now().toISOString() };
    return this.change(actor, user, change, action, {}, true);
  }

  async disableUser(actor: Actor, userId: number): Promise<UserResult> {
    const user = await this.store.users.byId(userId);
    if (!user) return unknownUser(userId);
    if (await this.isLastAdmin(user)) return lastAdmin(user, "disable");
    return this.change(actor, user, { disabled: true }, "user.disable", {}, true);
  }

  async enableUser(actor: Actor, userId: number): Promise<UserResult> {
    const user = await this.store.users.byId(userId);
    if (!user) return unknownUser(userId);
    return this.change(actor, user, { disabled: false }, "user.enable", {}, false);
  }

  /**
   * A new role. Promoted into a role that needs MFA without TOTP, the user's sessions end, and the next
   * sign-in leads to enrolment (a session made before the promotion must not keep the new rights without MFA).
   */
  async setRole(actor: Actor, userId: number, role: string): Promise<UserResult> {
    if (!isRole(role)) return fail("invalid-role", `Unknown role "${role}"`);
    const user = await this.store.users.byId(userId);
    if (!user) return unknownUser(userId);
    if (role !== "admin" && (await this.isLastAdmin(user))) return lastAdmin(user, "demote");
    const endSessions = roleNeedsMfa(role) && (await secondFactorMethods(this.store, user)).length === 0;
    return this.change(actor, user, { role }, "user.set-role", { from: user.role, to: role }, endSessions);
  }

  /**
   * Clears TOTP and recovery codes and ends the user's sessions. When the role needs MFA a new secret is
   * enabled at once and returned (as at creation), so that nobody holding only the password can enrol.
   */
  async resetMfa(actor: Actor, userId: number): Promise<UserResult<IssuedMfa>> {
    const user = await this.store.users.byId(userId);
    if (!user) return unknownUser(userId);
    const mfa = roleNeedsMfa(user.role) ? issueMfa(user.username) : undefined;
    // Security keys go too: a reset is for a lost or stolen factor, and which one is not known.
    await this.store.webauthn.deleteForUser(user.id);
    const change: UserChange = {
      totpSecret: mfa?.secret ?? null,
      totpEnabled: mfa !== undefined,
      totpLastStep: null,
      recoveryCodes: mfa?.hashes ?? [],
    };
    const r = await this.change(actor, user, change, "user.mfa-reset", { reissued: mfa !== undefined }, true);
    if (!r.ok || !mfa) return r;
    return { ...r, otpauthUri: mfa.uri, recoveryCodes: mfa.codes };
  }

  async listUsers(): Promise<PublicUser[]> {
    return (await this.store.users.list()).map(toPublicUser);
  }

  async userByName(username: string): Promise<PublicUser | undefined> {
    const u = await this.store.users.byName(username);
    return u && toPublicUser(u);
  }

  private async change(
    actor: Actor,
    user: UserRecord,
    change: UserChange,
    action: string,
    detail: object,
    endSessions: boolean,
  ): Promise<UserResult> {
    const updated = await this.store.transaction(async (tx) => {
      const u = await tx.users.update(user.id, change);
      const sessionsEnded = endSessions ? await tx.sessions.deleteForUser(user.id) : 0;
      await this.record(tx, actor, action, user, { ...detail, sessionsEnded });
      return u;
    });
    return { ok: true, user: toPublicUser(updated ?? user) };
  }

  private async record(
    tx: Store,
    actor: Actor,
    action: string,
    user: UserRecord,
    detail: object,
  ): Promise<void> {
    await this.audit.within(tx).record({
      actor: actor.name,
      action,
      target: `user:${user.username}`,
      clientAddress: actor.clientAddress,
      detail,
    });
  }

  /** Nobody could manage users any more if the last enabled admin went. */
  private async isLastAdmin(user: UserRecord): Promise<boolean> {
    if (user.role !== "admin" || user.disabled) return false;
    const admins = (await this.store.users.list()).filter((u) => u.role === "admin" && !u.disabled);
    return admins.length <= 1;
  }
}

function issueMfa(username: string): { secret: string; uri: string; codes: string[]; hashes: string[] } {
  const secret = newTotpSecret();
  return { secret, uri: totpUri(secret, username), ...newRecoveryCodes() };
}

function unknownUser(userId: number): Failure<"unknown-user"> {
  return fail("unknown-user", `No user #${userId}`);
}

function lastAdmin(user: UserRecord, verb: string): Failure<"last-admin"> {
  return fail("last-admin", `Cannot ${verb} "${user.username}": the last enabled admin`);
}
