// The API's answer shapes, taken from the server's own types (type-only: nothing from src/ reaches the bundle).

import type { PublicUser } from "../../../src/app/auth/types.js";
import type { AccessRequestRecord, DeploymentRecord, VersionRecord } from "../../../src/app/store.js";
import type { DueReport } from "../../../src/app/workflow/recert.js";
import type { Permission } from "../../../src/app/roles.js";

export type { AccessRequestRecord, DeploymentRecord, DueReport, Permission, PublicUser };

/** A version as listed (GET /versions): the record without its files. */
export type VersionSummary = Omit<VersionRecord, "files">;

/** GET /auth/me */
export interface Me {
  user: PublicUser;
  via: "session" | "token";
  permissions: Permission[];
  stage?: "full" | "password";
  csrfToken?: string;
  expiresAt?: string;
}

/** POST /auth/login */
export interface LoginAnswer {
  user: PublicUser;
  csrfToken: string;
  stage: "full" | "password";
  next?: "enroll-mfa";
}

/** GET /versions/current: the version with what it holds and what checking it found. */
export interface CurrentVersion extends VersionSummary {
  counts: Record<string, number>;
  diagnostics: { code: string; severity: string; message: string; file?: string; line?: number }[];
}
