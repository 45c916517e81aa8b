// Errors as HTTP answers: a stable code, a sentence-case message, optional details — never a stack trace.

import { PROBLEM_STATUS } from "../../app/workflow/problem.js";

export interface ProblemBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly details?: unknown;
  };
}

/** Thrown by a handler (or the framework) to answer with a 4xx; anything else thrown is a bug and logged. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = "HttpProblem";
  }

  body(): ProblemBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

export const unauthenticated = () =>
  new HttpProblem(401, "unauthenticated", "Sign in first: this route needs a session or an API token");
export const forbidden = (what: string) => new HttpProblem(403, "forbidden", `Not allowed: ${what}`);
/** Right role, wrong credential: what only a person signed in may do (manage keys, create tokens). */
export const sessionRequired = (what: string) =>
  new HttpProblem(403, "session-required", `Sign in to ${what}: an API token cannot`);
export const notFound = (what: string) => new HttpProblem(404, "not-found", `${what} does not exist`);

/**
 * The app layer's problem codes (src/app/workflow/problem.ts and the auth services) mapped to HTTP statuses;
 * an unknown code is a 422, the client's request being what the use case refused.
 */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  ...PROBLEM_STATUS,
  "not-pending": 409,
  "invalid-credentials": 401,
  "mfa-required": 401,
  "mfa-invalid": 401,
  locked: 429,
  throttled: 429,
};

export function problemFromApp(p: {
  code: string;
  message: string;
  diagnostics?: unknown;
  details?: unknown;
  retryAfterSeconds?: number;
}): HttpProblem {
  const headers: Record<string, string> = {};
  if (p.retryAfterSeconds !== undefined)
    headers["retry-after"] = String(Math.max(1, Math.ceil(p.retryAfterSeconds)));
  const details = p.diagnostics ?? p.details;
  return new HttpProblem(STATUS_BY_CODE[p.code] ?? 422, p.code, p.message, details, headers);
}
