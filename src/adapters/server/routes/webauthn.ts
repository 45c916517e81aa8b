// Security keys and passkeys (WebAuthn) as a second factor: registering one's keys, listing and removing them,
// and signing in with password and key.

import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import { z } from "zod";
import type { WebAuthn } from "../../../app/auth/webauthn.js";
import type { Asker } from "../../../app/auth/webauthn-registration.js";
import { TRANSPORTS } from "../../../app/auth/webauthn-settings.js";
import { setSessionCookie } from "../app.js";
import { HttpProblem, problemFromApp, sessionRequired } from "../problem.js";
import { idParams, route, type HandlerContext, type RouteSpec } from "../route.js";

export interface WebAuthnRouteDeps {
  readonly webauthn: WebAuthn;
  /** Cookies are Secure (and __Host- prefixed) under TLS. */
  readonly secure: boolean;
  /** Seconds a session lives at most: the cookie's Max-Age. */
  readonly sessionSeconds: number;
}

const b64url = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, "expected base64url");

const transports = z.array(z.enum(TRANSPORTS as [string, ...string[]])).max(TRANSPORTS.length);

/** What @simplewebauthn/browser's startRegistration() sends; extra keys a newer browser adds are kept. */
const registrationResponse = z.looseObject({
  id: b64url(1400),
  rawId: b64url(1400),
  type: z.literal("public-key"),
  clientExtensionResults: z.looseObject({}),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
  response: z.looseObject({
    clientDataJSON: b64url(8192),
    attestationObject: b64url(32768),
    transports: transports.optional(),
  }),
});

/** What startAuthentication() sends. */
const authenticationResponse = z.looseObject({
  id: b64url(1400),
  rawId: b64url(1400),
  type: z.literal("public-key"),
  clientExtensionResults: z.looseObject({}),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
  response: z.looseObject({
    clientDataJSON: b64url(8192),
    authenticatorData: b64url(8192),
    signature: b64url(1024),
    userHandle: b64url(128).optional(),
  }),
});

const passwordFields = { username: z.string().max(256), password: z.string().max(1024) };

/** HTTP statuses of the WebAuthn services' codes not already in problemFromApp's table. */
const STATUS: Readonly<Record<string, number>> = {
  "mfa-already-enabled": 403,
  "challenge-missing": 409,
  "webauthn-invalid": 422,
  "webauthn-not-enrolled": 409,
  "last-second-factor": 409,
  "not-found": 404,
  "unknown-user": 404,
};

function problem(r: { code: string; message: string; retryAfterSeconds?: number }): HttpProblem {
  const status = STATUS[r.code];
  return status === undefined ? problemFromApp(r) : new HttpProblem(status, r.code, r.message);
}

type Ctx = Pick<HandlerContext<unknown, unknown, unknown>, "identity" | "client">;

/** Keys are managed from a sign-in only: an API token must not add or remove a way to sign in. */
function askerOf(ctx: Ctx): Asker {
  const i = ctx.identity!;
  if (i.via !== "session" || !i.session) throw sessionRequired("manage security keys");
  return {
    userId: i.user.id,
    stage: i.session.stage,
    sessionIdHash: i.session.idHash,
    clientAddress: ctx.client.address,
  };
}

export function webauthnRoutes(d: WebAuthnRouteDeps): RouteSpec[] {
  const { registration, login } = d.webauthn;
  return [
    route({
      method: "POST",
      path: "/api/v1/auth/webauthn/register/options",
      summary:
        "Start registering a security key: options for navigator.credentials.create(), valid 5 minutes",
      tag: "auth",
      access: "enrolling",
      body: z.object({}).strict().optional(),
      handler: async (ctx) => {
        const r = await registration.options(askerOf(ctx));
        if (!r.ok) throw problem(r);
        return { body: { options: r.options } };
      },
    }),
    route({
      method: "POST",
      path: "/api/v1/auth/webauthn/register/verify",
      summary: "Finish registering a security key; the first second factor also returns recovery codes, once",
      tag: "auth",
      access: "enrolling",
      successStatus: 201,
      bodyLimit: 64 * 1024,
      body: z
        .object({ name: z.string().trim().min(1).max(64).optional(), response: registrationResponse })
        .strict(),
      handler: async (ctx) => {
        const response = ctx.body.response as unknown as RegistrationResponseJSON;
        const r = await registration.verify(askerOf(ctx), response, ctx.body.name ?? "Security key");
        if (!r.ok) throw problem(r);
        return {
          status: 201,
          body: { credential: r.credential, ...(r.recoveryCodes && { recoveryCodes: r.recoveryCodes }) },
        };
      },
    }),
    route({
      method: "POST",
      path: "/api/v1/auth/webauthn/login/options",
      summary:
        "Sign in with a security key, step 1: username and password, answered with options for navigator.credentials.get()",
      tag: "auth",
      access: "public",
      body: z.object(passwordFields).strict(),
      handler: async ({ body, client }) => {
        const r = await login.options(body, client);
        if (!r.ok) throw problem(r);
        return { body: { options: r.options } };
      },
    }),
    route({
      method: "POST",
      path: "/api/v1/auth/webauthn/login/verify",
      summary:
        "Sign in with a security key, step 2: username, password and the key's answer; sets the session cookie",
      tag: "auth",
      access: "public",
      bodyLimit: 64 * 1024,
      body: z.object({ ...passwordFields, response: authenticationResponse }).strict(),
      handler: async ({ body, client, reply }) => {
        const response = body.response as unknown as AuthenticationResponseJSON;
        const r = await login.verify({ username: body.username, password: body.password }, response, client);
        if (!r.ok) throw problem(r);
        setSessionCookie(reply, d.secure, d.sessionSeconds, r.sessionId);
        return { body: { user: r.user, csrfToken: r.csrfToken, stage: r.stage } };
      },
    }),
    route({
      method: "GET",
      path: "/api/v1/auth/webauthn/credentials",
      summary: "One's own security keys (never a key itself)",
      tag: "auth",
      access: "signed-in",
      handler: async ({ identity }) => ({
        body: { credentials: await registration.list(identity!.user.id) },
      }),
    }),
    route({
      method: "DELETE",
      path: "/api/v1/auth/webauthn/credentials/:id",
      summary: "Remove one of one's own security keys (not the last second factor of a role that needs one)",
      tag: "auth",
      access: "signed-in",
      params: idParams,
      handler: async (ctx) => {
        const asker = askerOf(ctx);
        const r = await registration.remove(asker.userId, ctx.params.id, ctx.client.address);
        if (!r.ok) throw problem(r);
        return { status: 204 };
      },
    }),
  ];
}
