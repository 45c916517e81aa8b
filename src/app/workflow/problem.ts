// Problems of the change workflow as data: a stable code the server maps to an HTTP status, and a message.

import type { Diagnostic } from "../../core/policy/diagnostics.js";

export const PROBLEM_CODES = [
  "not-found",
  "own-change",
  "forbidden",
  "not-proposed",
  "stale",
  "conflict",
  "invalid-policy",
  "invalid-input",
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

/** The HTTP status each code answers with. */
export const PROBLEM_STATUS: Readonly<Record<ProblemCode, number>> = {
  "not-found": 404,
  /** Four eyes: nobody approves (or decides) their own change. */
  "own-change": 403,
  /** The actor may not act on this object (e.g. withdraw someone else's request). */
  forbidden: 403,
  "not-proposed": 409,
  /** The version was proposed on top of one that is no longer current. */
  stale: 409,
  conflict: 409,
  "invalid-policy": 422,
  "invalid-input": 422,
};

export interface Problem {
  readonly ok: false;
  readonly code: ProblemCode;
  /** Sentence case, values in quotes; safe to show to the user. */
  readonly message: string;
  readonly diagnostics?: Diagnostic[];
}

/** Where a call came from, for the audit log (the server's and the auth services' Client fit it). */
export interface ClientInfo {
  readonly address: string;
}

export type Result<T extends object> = ({ readonly ok: true } & T) | Problem;

export function problem(code: ProblemCode, message: string, diagnostics?: Diagnostic[]): Problem {
  return diagnostics ? { ok: false, code, message, diagnostics } : { ok: false, code, message };
}

export function isProblem(value: unknown): value is Problem {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    (value as { ok?: unknown }).ok === false &&
    typeof (value as { code?: unknown }).code === "string"
  );
}
