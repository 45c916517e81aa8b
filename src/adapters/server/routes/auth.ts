// Signing in and out, the second factor's enrolment, one's own password; users and API tokens.

import type { FastifyReply } from "fastify";
import { z } from "zod";
import type { AuthService } from "../../../app/auth/auth-service.js";
import type { TokenService } from "../../../app/auth/tokens.js";
import type { Actor } from "../../../app/auth/types.js";
import type { UserService } from "../../../app/auth/users-service.js";
import { PERMISSIONS, ROLES, roleAllows } from "../../../app/roles.js";
import { sessionCookieName, setSessionCookie } from "../app.js";
import { forbidden, HttpProblem, notFound, problemFromApp, sessionRequired } from "../problem.js";
import { idParams, route, type HandlerContext, type Identity, type RouteSpec } from "../route.js";

export interface AuthServices {
  readonly auth: AuthService;
  readonly users: UserService;
  readonly tokens: TokenService;
  /** Cookies are Secure (and __Host- prefixed) under TLS. */
  readonly secure: boolean;
  /** Seconds a session lives at most: the cookie's Max-Age. */
  readonly sessionSeconds: number;
}

const username = z.string().min(1).max(64);
const password = z.string().min(1).max(1024);
const code = z.string().min(1).max(32);
const nameParams = z.object({ name: username }).strict();

function actorOf(ctx: Pick<HandlerContext<unknown, unknown, unknown>, "identity" | "client">): Actor {
  return { name: ctx.identity!.user.username, clientAddress: ctx.client.address };
}

function clearSessionCookie(reply: FastifyReply, s: AuthServices): void {
  reply.clearCookie(sessionCookieName(s.secure), {
    path: "/",
    httpOnly: true,
    sameSite: "strict",
    secure: s.secure,
  });
}

async function userNamed(s: AuthServices, name: string) {
  const u = await s.users.userByName(name);
  if (!u) throw notFound(`User "${name}"`);
  return u;
}

function sessionHash(identity: Identity | undefined): string | undefined {
  return identity?.session?.idHash;
}

export function authRoutes(s: AuthServices): RouteSpec[] {
  return [
    route({
      method: "POST",
      path: "/api/v1/auth/login",
      summary:
        "Sign in with username, password and (when enrolled) a TOTP or recovery code; sets the session cookie",
      tag: "auth",
      access: "public",
      body: z
        .object({
          username: z.string().max(256),
          password: z.string().max(1024),
          totp: code.optional(),
          recoveryCode: code.optional(),
        })
        .strict(),
      handler: async ({ body, client, reply }) => {
        const r = await s.auth.login(
          {
            username: body.username,
            password: body.password,
            ...(body.totp !== undefined && { totp: body.totp }),
            ...(body.recoveryCode !== undefined && { recoveryCode: body.recoveryCode }),
          },
          client,
        );
        if (!r.ok) throw problemFromApp({ ...r, ...(r.methods && { details: { methods: r.methods } }) });
        setSessionCookie(reply, s.secure, s.sessionSeconds, r.sessionId);
        return {
          body: { user: r.user, csrfToken: r.csrfToken, stage: r.stage, ...(r.next && { next: r.next }) },
        };
      },
    }),
    route({
      method: "POST",
      path: "/api/v1/auth/logout",
      summary: "End this session",
      tag: "auth",
      access: "enrolling",
      body: z.object({}).strict().optional(),
      handler: async (ctx) => {
        if (ctx.identity?.sessionId) await s.auth.logout(actorOf(ctx), ctx.identity.sessionId);
        clearSessionCookie(ctx.reply, s);
        return { status: 204 };
      },
    }),
    route({
      method: "POST",
      path: "/api/v1/auth/logout-everywhere",
      summary: "End every session of the signed-in user",
      tag: "auth",
      access: "signed-in",
      body: z.object({}).strict().optional(),
      handler: async (ctx) => {
        const ended = await s.auth.logoutEverywhere(actorOf(ctx), ctx.identity!.user.id);
        clearSessionCookie(ctx.reply, s);
        return { body: { ended } };
      },
    }),
    route({
      method: "GET",
      path: "/api/v1/auth/me",
      summary: "Who is signed in, with which permissions",
      tag: "auth",
      access: "enrolling",
      handler: async ({ identity }) => {
        const i = identity!;
        const permissions = PERMISSIONS.filter(
          (p) => roleAllows(i.user.role, p) && (i.via === "session" || i.scopes?.includes(p)),
        );
        return {
          body: {
            user: i.user,
            via: i.via,
            permissions,
            ...(i.session && {
              stage: i.session.stage,
              csrfToken: i.session.csrfToken,
              expiresAt: i.session.expiresAt,
            }),
          },
        };
      },
    }),
    route({
      method: "POST",
      path: "/api/v1/auth/mfa/enroll",
      summary: "Start TOTP enrolment: a new secret and its otpauth:// URI",
      tag: "auth",
      access: "enrolling",
      body: z.object({}).strict().optional(),
      handler: async ({ identity }) => {
        const r = await s.auth.beginTotpEnrolment(identity!.user.id);
        if (!r.ok) throw new HttpProblem(409, r.code, r.message);
        return { body: { secret: r.secret, otpauthUri: r.uri } };
      },
    }),
    route({
      method: "POST",
      path: "/api/v1/auth/mfa/confirm",
      summary: "Confirm TOTP enrolment with a first code; returns recovery codes, shown once",
      tag: "auth",
      access: "enrolling",
      body: z.object({ code }).strict(),
      handler: async ({ identity, body }) => {
        const r = await s.auth.confirmTotpEnrolment(identity!.user.id, body.code, sessionHash(identity));
        if (!r.ok) throw new HttpProblem(r.code === "mfa-invalid" ? 422 : 409, r.code, r.message);
        return { body: { recoveryCodes: r.recoveryCodes } };
      },
    }),
    route({
      method: "POST",
      path: "/api/v1/auth/password",
      summary: "Change one's own password (ends every other session)",
      tag: "auth",
      access: "signed-in",
      body: z.object({ current: password, next: password }).strict(),
      handler: async (ctx) => {
        const r = await s.users.changeOwnPassword(
          ctx.identity!.user.id,
          ctx.body.current,
          ctx.body.next,
          ctx.client.address,
        );
        if (!r.ok) throw new HttpProblem(r.code === "invalid-credentials" ? 403 : 422, r.code, r.message);
        clearSessionCookie(ctx.reply, s);
        return { body: { user: r.user } };
      },
    }),
    ...userRoutes(s),
    ...tokenRoutes(s),
  ];
}

function userProblem(r: { code: string; message: string }): HttpProblem {
  const status =
    r.code === "unknown-user" ? 404 : r.code === "user-exists" || r.code === "last-admin" ? 409 : 422;
  return new HttpProblem(status, r.code, r.message);
}

function userRoutes(s: AuthServices): RouteSpec[] {
  return [
    route({
      method: "GET",
      path: "/api/v1/users",
      summary: "Every user (never a secret)",
      tag: "users",
      access: "user:admin",
      handler: async () => ({ body: { users: await s.users.listUsers() } }),
    }),
    route({
      method: "POST",
      path: "/api/v1/users",
      summary:
        "Create a user; for roles that need MFA the otpauth:// URI and recovery codes are returned once",
      tag: "users",
      access: "user:admin",
      successStatus: 201,
      body: z.object({ username, role: z.enum(ROLES), password: password.optional() }).strict(),
      handler: async (ctx) => {
        const r = await s.users.createUser(actorOf(ctx), {
          username: ctx.body.username,
          role: ctx.body.role,
          ...(ctx.body.password !== undefined && { password: ctx.body.password }),
        });
        if (!r.ok) throw userProblem(r);
        const { ok: _ok, ...rest } = r;
        return { status: 201, body: rest };
      },
    }),
    route({
      method: "PATCH",
      path: "/api/v1/users/:name",
      summary: "Change a user's role, or disable or enable them (disabling ends their sessions)",
      tag: "users",
      access: "user:admin",
      params: nameParams,
      body: z.object({ role: z.enum(ROLES).optional(), disabled: z.boolean().optional() }).strict(),
      handler: async (ctx) => {
        const u = await userNamed(s, ctx.params.name);
        let last = { user: u } as { user: unknown };
        if (ctx.body.role !== undefined) {
          const r = await s.users.setRole(actorOf(ctx), u.id, ctx.body.role);
          if (!r.ok) throw userProblem(r);
          last = r;
        }
        if (ctx.body.disabled !== undefined) {
          const r = ctx.body.disabled
            ? await s.users.disableUser(actorOf(ctx), u.id)
            : await s.users.enableUser(actorOf(ctx), u.id);
          if (!r.ok) throw userProblem(r);
          last = r;
        }
        return { body: { user: last.user } };
      },
    }),
    route({
      method: "POST",
      path: "/api/v1/users/:name/password",
      summary: "Set a user's password (ends their sessions)",
      tag: "users",
      access: "user:admin",
      params: nameParams,
      body: z.object({ password }).strict(),
      handler: async (ctx) => {
        const u = await userNamed(s, ctx.params.name);
        const r = await s.users.setPassword(actorOf(ctx), u.id, ctx.body.password);
        if (!r.ok) throw userProblem(r);
        return { body: { user: r.user } };
      },
    }),
    route({
      method: "POST",
      path: "/api/v1/users/:name/mfa-reset",
      summary: "Replace a user's second factor: a new otpauth:// URI and recovery codes, returned once",
      tag: "users",
      access: "user:admin",
      params: nameParams,
      body: z.object({}).strict().optional(),
      handler: async (ctx) => {
        const u = await userNamed(s, ctx.params.name);
        const r = await s.users.resetMfa(actorOf(ctx), u.id);
        if (!r.ok) throw userProblem(r);
        const { ok: _ok, ...rest } = r;
        return { body: rest };
      },
    }),
  ];
}

function tokenRoutes(s: AuthServices): RouteSpec[] {
  return [
    route({
      method: "GET",
      path: "/api/v1/tokens",
      summary: "API tokens: one's own, or everyone's for user admins (never the secret)",
      tag: "tokens",
      access: "signed-in",
      query: z.object({ all: z.enum(["true", "false"]).optional() }).strict(),
      handler: async ({ identity, query }) => {
        const all = query.all === "true";
        if (all && !roleAllows(identity!.user.role, "user:admin"))
          throw forbidden('listing everyone\'s tokens needs "user:admin"');
        return { body: { tokens: await s.tokens.list(all ? undefined : identity!.user.id) } };
      },
    }),
    route({
      method: "POST",
      path: "/api/v1/tokens",
      summary:
        "Create an API token for oneself: scoped (within one's role), expiring; the token is shown once",
      tag: "tokens",
      access: "signed-in",
      successStatus: 201,
      body: z
        .object({
          name: z.string().min(1).max(64),
          scopes: z.array(z.enum(PERMISSIONS)).min(1).max(PERMISSIONS.length),
          expiresInDays: z.number().int().min(1).max(365),
        })
        .strict(),
      handler: async (ctx) => {
        if (ctx.identity!.via === "token") throw sessionRequired("create API tokens");
        const r = await s.tokens.create(actorOf(ctx), { userId: ctx.identity!.user.id, ...ctx.body });
        if (!r.ok) throw new HttpProblem(r.code === "scope-not-allowed" ? 403 : 422, r.code, r.message);
        return { status: 201, body: { token: r.token, record: r.record } };
      },
    }),
    route({
      method: "DELETE",
      path: "/api/v1/tokens/:id",
      summary: "Revoke a token (one's own; user admins any)",
      tag: "tokens",
      access: "signed-in",
      params: idParams,
      handler: async (ctx) => {
        const mine = (await s.tokens.list(ctx.identity!.user.id)).some((t) => t.id === ctx.params.id);
        if (!mine && !roleAllows(ctx.identity!.user.role, "user:admin"))
          throw notFound(`Token ${ctx.params.id}`);
        const r = await s.tokens.revoke(actorOf(ctx), ctx.params.id);
        if (!r.ok) throw notFound(`Token ${ctx.params.id}`);
        return { status: 204 };
      },
    }),
  ];
}
