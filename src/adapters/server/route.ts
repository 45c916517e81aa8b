// One route as data: method, path, who may call it, zod schemas for its input, and its handler. The same
// description registers the route in Fastify, checks its input, and writes its part of the OpenAPI document.

import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Permission } from "../../app/roles.js";
import type { PublicUser } from "../../app/auth/types.js";
import type { SessionRecord } from "../../app/store.js";
import { HttpProblem, problemFromApp } from "./problem.js";

/** Who is calling: a signed-in user through a session cookie, or an API token. */
export interface Identity {
  readonly user: PublicUser;
  readonly via: "session" | "token";
  /** Set for sessions. */
  readonly session?: SessionRecord;
  /** The session cookie's value (to log out); set for sessions. */
  readonly sessionId?: string;
  /** Set for tokens: the permissions the token carries. */
  readonly scopes?: readonly string[];
  readonly tokenId?: number;
}

export interface Client {
  readonly address: string;
  readonly userAgent: string;
}

/**
 * "public": anyone. "signed-in": any identity whose sign-in is complete. "enrolling": also a session that has
 * given its password but still has to enrol a second factor. A permission: an identity holding it (for a token,
 * in its scopes as well as its owner's role).
 */
export type Access = "public" | "signed-in" | "enrolling" | Permission;

export interface HandlerContext<B, Q, P> {
  readonly body: B;
  readonly query: Q;
  readonly params: P;
  /** Present on every route but "public" ones. */
  readonly identity: Identity | undefined;
  readonly client: Client;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

export interface Answer {
  readonly status?: number;
  readonly body?: unknown;
  /** Plain text answers (exports) set a content type. */
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface RouteSpec<B = unknown, Q = unknown, P = unknown> {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Fastify syntax: /api/v1/versions/:id */
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  readonly access: Access;
  readonly body?: z.ZodType<B>;
  readonly query?: z.ZodType<Q>;
  readonly params?: z.ZodType<P>;
  /** Largest body accepted, in bytes (default 1 MiB). */
  readonly bodyLimit?: number;
  /** What a success looks like, for the OpenAPI document only. */
  readonly response?: z.ZodType;
  readonly successStatus?: number;
  readonly handler: (ctx: HandlerContext<B, Q, P>) => Promise<Answer>;
}

/** Keeps each route's generic types while collecting them in one list. */
export function route<B = undefined, Q = undefined, P = undefined>(spec: RouteSpec<B, Q, P>): RouteSpec {
  return spec as unknown as RouteSpec;
}

/** Parses one part of the request, turning every zod issue into a located message. */
export function parsePart<T>(schema: z.ZodType<T> | undefined, value: unknown, part: string): T {
  if (!schema) return undefined as T;
  const r = schema.safeParse(value ?? (part === "body" ? undefined : {}));
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({
    path: [part, ...i.path.map(String)].join("."),
    message: i.message,
  }));
  const first = issues[0]!;
  throw new HttpProblem(
    400,
    "invalid-request",
    `Invalid ${part}: ${first.path}: ${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ""}`,
    issues,
  );
}

/** A path parameter that is a positive integer id. */
export const idParams = z
  .object({
    id: z.coerce
      .number()
      .int()
      .positive()
      .max(2 ** 31 - 1),
  })
  .strict();

export const dateString = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date as YYYY-MM-DD")
  .refine(
    (s) =>
      !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    "not a calendar date",
  );

/** A database id in a body: a positive 32-bit integer. */
export const recordId = z
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1);

/** `?version=N`: a policy version; absent means the one in force. */
export const versionQuery = z.object({ version: z.coerce.number().pipe(recordId).optional() }).strict();

/** A use case's result, or its problem thrown as the HTTP answer it maps to. */
export function unwrap<T extends { ok: boolean }>(r: T): Extract<T, { ok: true }> {
  if (!r.ok) throw problemFromApp(r as unknown as { code: string; message: string });
  return r as Extract<T, { ok: true }>;
}
