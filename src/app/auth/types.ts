// Shapes the identity services share: who acts, from where, and a user as it may be shown outside.

import { roleNeedsMfa, type Role } from "../roles.js";
import type { UserRecord } from "../store.js";

/** Who makes a change, for the audit log: a username, or "cli:<os user>" from the command line. */
export interface Actor {
  readonly name: string;
  readonly clientAddress?: string;
}

/** The client a request came from. */
export interface Client {
  readonly address: string;
  readonly userAgent: string;
}

/** A user without any secret or hash: what a service hands to a route or a command. */
export interface PublicUser {
  readonly id: number;
  readonly username: string;
  readonly role: Role;
  readonly disabled: boolean;
  readonly totpEnabled: boolean;
  /** The role needs a second factor. */
  readonly mfaRequired: boolean;
  readonly recoveryCodesLeft: number;
  readonly sso: boolean;
  readonly createdAt: string;
  readonly passwordChangedAt: string;
}

export function toPublicUser(u: UserRecord): PublicUser {
  return {
    id: u.id,
    username: u.username,
    role: u.role,
    disabled: u.disabled,
    totpEnabled: u.totpEnabled,
    mfaRequired: roleNeedsMfa(u.role),
    recoveryCodesLeft: u.recoveryCodes.length,
    sso: u.oidcSubject !== null,
    createdAt: u.createdAt,
    passwordChangedAt: u.passwordChangedAt,
  };
}

/** A refusal as data: a stable code for programs, a sentence for people. */
export interface Failure<C extends string> {
  readonly ok: false;
  readonly code: C;
  readonly message: string;
}

export function fail<C extends string>(code: C, message: string): Failure<C> {
  return { ok: false, code, message };
}
