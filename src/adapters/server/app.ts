// The management server: Fastify with every route from the route list, checked input, identities from session
// cookies or API tokens, CSRF protection, security headers, metrics, and the OpenAPI document with its docs.

import cookie from "@fastify/cookie";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { timingSafeEqual } from "node:crypto";
import { roleAllows } from "../../app/roles.js";
import { StoreConflict } from "../store/errors.js";
import { Metrics } from "./metrics.js";
import { openApiDocument } from "./openapi.js";
import { forbidden, HttpProblem, unauthenticated } from "./problem.js";
import type { Client, Identity, RouteSpec } from "./route.js";
import { parsePart } from "./route.js";

/** Turns the credentials a request carries into an identity, or says why not. */
export interface Authenticator {
  session(cookieValue: string, client: Client): Promise<Identity | { reason: string }>;
  token(bearer: string, client: Client): Promise<Identity | { reason: string }>;
}

export interface ServerOptions {
  readonly routes: readonly RouteSpec[];
  readonly authenticator: Authenticator;
  readonly version: string;
  /** TLS key and certificate (PEM); the server then sends HSTS and marks cookies Secure. */
  readonly tls?: { key: string | Buffer; cert: string | Buffer };
  /** Trust X-Forwarded-For from a reverse proxy (off: the client address is the socket's). */
  readonly trustProxy?: boolean;
  readonly logger?: boolean | Record<string, unknown>;
  readonly metrics?: Metrics;
  /** Health details beyond "ok" (database reachable, current version). */
  readonly health?: () => Promise<Record<string, unknown>>;
}

export const SESSION_COOKIE = "rampart_session";
export const SECURE_SESSION_COOKIE = "__Host-rampart_session";
const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function sessionCookieName(secure: boolean): string {
  return secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

/** The session cookie, set the same way by every sign-in (password, security key, single sign-on). */
export function setSessionCookie(
  reply: FastifyReply,
  secure: boolean,
  maxAgeSeconds: number,
  value: string,
): void {
  reply.setCookie(sessionCookieName(secure), value, {
    path: "/",
    httpOnly: true,
    sameSite: "strict",
    secure,
    maxAge: maxAgeSeconds,
  });
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function clientOf(request: FastifyRequest): Client {
  const ua = request.headers["user-agent"];
  return { address: request.ip ?? "", userAgent: (typeof ua === "string" ? ua : "").slice(0, 256) };
}

async function identify(
  request: FastifyRequest,
  auth: Authenticator,
  secure: boolean,
): Promise<Identity | undefined> {
  const header = request.headers.authorization;
  if (typeof header === "string" && header !== "") {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m)
      throw new HttpProblem(
        401,
        "unauthenticated",
        'Invalid Authorization header: expected "Bearer <token>"',
      );
    const r = await auth.token(m[1]!, clientOf(request));
    if ("reason" in r) throw new HttpProblem(401, "unauthenticated", `API token refused: ${r.reason}`);
    return r;
  }
  const value = request.cookies[sessionCookieName(secure)];
  if (value === undefined || value === "") return undefined;
  const r = await auth.session(value, clientOf(request));
  return "reason" in r ? undefined : r;
}

/** Throws unless the identity may use a route with this access. */
function checkAccess(spec: RouteSpec, identity: Identity | undefined): void {
  if (spec.access === "public") return;
  if (!identity) throw unauthenticated();
  if (identity.session && identity.session.stage !== "full" && spec.access !== "enrolling")
    throw new HttpProblem(
      403,
      "mfa-enrollment-required",
      "Enrol a second factor first: POST /api/v1/auth/mfa/enroll, then /api/v1/auth/mfa/confirm",
    );
  if (spec.access === "signed-in" || spec.access === "enrolling") return;
  if (!roleAllows(identity.user.role, spec.access))
    throw forbidden(`role "${identity.user.role}" does not have "${spec.access}"`);
  if (identity.via === "token" && !identity.scopes?.includes(spec.access))
    throw forbidden(`the API token's scopes do not include "${spec.access}"`);
}

/** Cookie-authenticated writes must echo the session's CSRF token and come from this origin. */
function checkCsrf(request: FastifyRequest, identity: Identity | undefined): void {
  if (!identity?.session || !UNSAFE.has(request.method)) return;
  const sent = request.headers["x-csrf-token"];
  if (typeof sent !== "string" || !sameSecret(sent, identity.session.csrfToken))
    throw new HttpProblem(
      403,
      "csrf",
      "Missing or wrong X-CSRF-Token header (the csrfToken given at sign-in)",
    );
  const origin = request.headers.origin;
  if (typeof origin === "string" && origin !== "null") {
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      host = undefined;
    }
    if (host !== request.headers.host)
      throw new HttpProblem(403, "csrf", `Cross-origin write refused (Origin "${origin}")`);
  }
}

function setSecurityHeaders(reply: FastifyReply, secure: boolean, docs: boolean): void {
  if (!docs)
    reply.header(
      "content-security-policy",
      "default-src 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'; form-action 'self'",
    );
  reply.header("x-content-type-options", "nosniff");
  reply.header("x-frame-options", "DENY");
  reply.header("referrer-policy", "no-referrer");
  reply.header("cross-origin-opener-policy", "same-origin");
  reply.header("cross-origin-resource-policy", "same-origin");
  reply.header("permissions-policy", "camera=(), microphone=(), geolocation=()");
  if (secure) reply.header("strict-transport-security", "max-age=31536000; includeSubDomains");
}

function registerRoute(app: FastifyInstance, spec: RouteSpec, auth: Authenticator, secure: boolean): void {
  app.route({
    method: spec.method,
    url: spec.path,
    bodyLimit: spec.bodyLimit ?? 1024 * 1024,
    handler: async (request, reply) => {
      const identity = await identify(request, auth, secure);
      checkAccess(spec, identity);
      checkCsrf(request, identity);
      const params = parsePart(spec.params, request.params, "path");
      const query = parsePart(spec.query, request.query, "query");
      const body = parsePart(spec.body, request.body, "body");
      const answer = await spec.handler({
        body,
        query,
        params,
        identity,
        client: clientOf(request),
        request,
        reply,
      });
      reply.header("cache-control", "no-store");
      for (const [k, v] of Object.entries(answer.headers ?? {})) reply.header(k, v);
      reply.status(answer.status ?? spec.successStatus ?? 200);
      if (answer.contentType) reply.type(answer.contentType);
      return reply.send(answer.body ?? null);
    },
  });
}

/** Fastify's own errors (bad JSON, wrong content type, body too large) keep their 4xx with a plain message. */
function errorAnswer(
  error: unknown,
  request: FastifyRequest,
): { status: number; body: unknown; headers?: Record<string, string> } {
  if (error instanceof HttpProblem)
    return { status: error.status, body: error.body(), headers: { ...error.headers } };
  // Two writers raced for one unique value (a username, a version's approval): the loser is told, not failed.
  if (error instanceof StoreConflict)
    return { status: 409, body: { error: { code: "conflict", message: error.message } } };
  const e = error as { statusCode?: number; code?: string; message?: string; validation?: unknown };
  if (typeof e.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 500) {
    const code = e.code?.startsWith("FST_") ? fastifyCode(e.code) : (e.code ?? "bad-request");
    return {
      status: e.statusCode,
      body: { error: { code, message: cleanMessage(e.message ?? "Bad request") } },
    };
  }
  request.log.error({ err: error }, "internal error");
  return {
    status: 500,
    body: {
      error: {
        code: "internal",
        message: `Internal error; the server log has the details (request ${request.id})`,
      },
    },
  };
}

function fastifyCode(code: string): string {
  if (code.includes("CTP_INVALID_MEDIA_TYPE")) return "unsupported-media-type";
  if (code.includes("CTP_BODY_TOO_LARGE")) return "body-too-large";
  if (code.includes("JSON") || code.includes("CTP")) return "invalid-json";
  return "bad-request";
}

function cleanMessage(message: string): string {
  const m = message.split("\n")[0]!.trim();
  return m.length > 300 ? `${m.slice(0, 300)}…` : m;
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const secure = options.tls !== undefined;
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 10 * 1024 * 1024,
    trustProxy: options.trustProxy ?? false,
    requestTimeout: 60_000,
    connectionTimeout: 60_000,
    routerOptions: { maxParamLength: 256 },
    onProtoPoisoning: "error",
    onConstructorPoisoning: "error",
    return503OnClosing: true,
    ...(options.tls ? { https: options.tls } : {}),
  } as Parameters<typeof Fastify>[0]) as unknown as FastifyInstance;
  const metrics = options.metrics ?? new Metrics();
  await app.register(cookie);

  app.addHook("onRequest", async (request, reply) => {
    setSecurityHeaders(reply, secure, request.url.startsWith("/api/docs"));
  });
  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? "unmatched";
    metrics.observe(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
  });
  app.setErrorHandler(async (error, request, reply) => {
    const a = errorAnswer(error, request);
    for (const [k, v] of Object.entries(a.headers ?? {})) reply.header(k, v);
    return reply.status(a.status).type("application/json; charset=utf-8").send(a.body);
  });
  app.setNotFoundHandler(async (request, reply) =>
    reply.status(404).send({
      error: { code: "not-found", message: `No route ${request.method} ${request.url.split("?")[0]}` },
    }),
  );

  const metricsRoute: RouteSpec = {
    method: "GET",
    path: "/metrics",
    summary: "Prometheus metrics (scrape with an API token holding audit:read)",
    tag: "operations",
    access: "audit:read",
    handler: async () => ({
      body: metrics.render(),
      contentType: "text/plain; version=0.0.4; charset=utf-8",
    }),
  };
  const routes = [...options.routes, metricsRoute];
  const document = openApiDocument(routes, { version: options.version });
  await app.register(swagger, { mode: "static", specification: { document: document as never } });
  await app.register(swaggerUi, {
    routePrefix: "/api/docs",
    staticCSP: true,
    uiConfig: { docExpansion: "list" },
  });
  app.get("/api/openapi.json", async () => document);
  app.get("/healthz", async (_request, reply) => {
    const { ok, ...extra } = options.health ? await options.health() : { ok: true };
    return reply
      .status(ok !== false ? 200 : 503)
      .send({ status: ok !== false ? "ok" : "unavailable", ...extra });
  });
  for (const spec of routes) registerRoute(app, spec, options.authenticator, secure);
  return app;
}
