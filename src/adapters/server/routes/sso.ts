// OIDC single sign-on over HTTP: authorization code with PKCE, state and nonce through openid-client; the
// callback turns the provider's verified claims into a Rampart session (src/app/auth/oidc-service.ts).

import type { FastifyReply } from "fastify";
import * as oidc from "openid-client";
import { z } from "zod";
import type { Clock } from "../../../app/audit.js";
import type { AuthConfig } from "../../../app/auth/config.js";
import type { OidcIdentity, OidcSettings } from "../../../app/auth/oidc.js";
import { OidcFlows, type PendingFlow } from "../../../app/auth/oidc-flows.js";
import { OidcService } from "../../../app/auth/oidc-service.js";
import type { SessionService } from "../../../app/auth/sessions.js";
import type { Store } from "../../../app/store.js";
import { setSessionCookie } from "../app.js";
import { HttpProblem } from "../problem.js";
import { route, type RouteSpec } from "../route.js";

export interface SsoDeps {
  /** Undefined when single sign-on is not configured: the routes then answer 404 "sso-not-configured". */
  readonly settings: OidcSettings | undefined;
  readonly store: Store;
  readonly clock: Clock;
  /** The one SessionService of the server (AuthService.sessions). */
  readonly sessions: SessionService;
  readonly authConfig: AuthConfig;
  /** Cookies are Secure (and the session cookie __Host- prefixed) under TLS. */
  readonly secure: boolean;
}

const BASE = "/api/v1/auth/oidc";
const FLOW_COOKIE = "rampart_oidc";
const FLOW_SECONDS = 600;

const STATUS: Readonly<Record<string, number>> = {
  "invalid-state": 400,
  "idp-error": 400,
  "missing-username": 422,
  "invalid-username": 422,
  "no-role": 403,
  "user-disabled": 403,
  "unknown-user": 403,
  "username-taken": 409,
  "mfa-not-pending": 409,
  "mfa-invalid": 401,
  locked: 429,
  throttled: 429,
};

/** The provider, discovered at the first sign-in and kept; a failed discovery is tried again next time. */
class Provider {
  private config: Promise<oidc.Configuration> | undefined;
  constructor(private readonly settings: OidcSettings) {}

  discover(): Promise<oidc.Configuration> {
    const s = this.settings;
    const insecure = new URL(s.issuer).protocol === "http:";
    this.config ??= oidc
      .discovery(new URL(s.issuer), s.clientId, s.clientSecret, undefined, {
        ...(insecure && { execute: [oidc.allowInsecureRequests] }),
        timeout: 10,
      })
      .catch((e: unknown) => {
        this.config = undefined;
        throw e;
      });
    return this.config;
  }

  async authorizationUrl(flow: PendingFlow): Promise<URL> {
    const config = await this.discover();
    return oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUri,
      scope: this.settings.scopes,
      code_challenge: await oidc.calculatePKCECodeChallenge(flow.codeVerifier),
      code_challenge_method: "S256",
      state: flow.state,
      nonce: flow.nonce,
    });
  }

  /** Exchanges the code and verifies the ID token; the userinfo claims join the ID token's (groups are often there). */
  async identify(currentUrl: URL, flow: PendingFlow): Promise<OidcIdentity> {
    const config = await this.discover();
    const tokens = await oidc.authorizationCodeGrant(
      config,
      currentUrl,
      {
        pkceCodeVerifier: flow.codeVerifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      },
      { redirect_uri: this.settings.redirectUri },
    );
    const idClaims = tokens.claims();
    if (!idClaims) throw new TypeError("An ID token was expected");
    let userinfo: Record<string, unknown> = {};
    if (config.serverMetadata().userinfo_endpoint)
      userinfo = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
    return { issuer: idClaims.iss, subject: idClaims.sub, claims: { ...userinfo, ...idClaims } };
  }
}

function notConfigured(): HttpProblem {
  return new HttpProblem(404, "sso-not-configured", "Single sign-on is not configured on this server");
}

function problem(r: { code: string; message: string; retryAfterSeconds?: number }): HttpProblem {
  const headers: Record<string, string> =
    r.retryAfterSeconds === undefined ? {} : { "retry-after": String(Math.max(1, r.retryAfterSeconds)) };
  return new HttpProblem(STATUS[r.code] ?? 400, r.code, r.message, undefined, headers);
}

/** What the provider said went wrong, as one short line (its text is the provider's, not ours). */
function describe(e: unknown): { error: string; message: string } {
  if (e instanceof oidc.AuthorizationResponseError) {
    const d = e.error_description ? `: ${e.error_description.slice(0, 200)}` : "";
    return {
      error: e.error.slice(0, 64),
      message: `The identity provider refused the sign-in (${e.error.slice(0, 64)}${d})`,
    };
  }
  const err = e as { code?: unknown; message?: unknown };
  const code = typeof err.code === "string" ? err.code.slice(0, 64) : "error";
  const text = typeof err.message === "string" ? err.message.split("\n")[0]!.slice(0, 200) : "unknown error";
  return { error: code, message: `The sign-in at the identity provider could not be completed (${text})` };
}

function flowCookie(reply: FastifyReply, secure: boolean, value: string, maxAge: number): void {
  // Lax, not Strict: the provider's redirect back to the callback is a cross-site navigation.
  reply.setCookie(FLOW_COOKIE, value, { path: BASE, httpOnly: true, sameSite: "lax", secure, maxAge });
}

const callbackQuery = z
  .object({
    state: z.string().max(512).optional(),
    code: z.string().max(4096).optional(),
    error: z.string().max(256).optional(),
    error_description: z.string().max(2048).optional(),
    error_uri: z.string().max(2048).optional(),
    iss: z.string().max(2048).optional(),
    session_state: z.string().max(2048).optional(),
  })
  .strip();

export function ssoRoutes(deps: SsoDeps): RouteSpec[] {
  const s = deps.settings;
  const service = s && new OidcService(deps.store, deps.clock, deps.authConfig, deps.sessions, s);
  const provider = s && new Provider(s);
  const flows = new OidcFlows(deps.clock, { ttlSeconds: FLOW_SECONDS });
  return [
    route({
      method: "GET",
      path: `${BASE}/start`,
      summary: "Start single sign-on: redirects to the identity provider",
      tag: "auth",
      access: "public",
      handler: async ({ reply }) => {
        if (!provider) throw notConfigured();
        const { flow, binding } = flows.begin();
        let url: URL;
        try {
          url = await provider.authorizationUrl(flow);
        } catch (e) {
          flows.take(flow.state, binding);
          throw new HttpProblem(
            502,
            "idp-unreachable",
            `Cannot reach the identity provider: ${describe(e).message}`,
          );
        }
        flowCookie(reply, deps.secure, binding, FLOW_SECONDS);
        return { status: 302, headers: { location: url.href } };
      },
    }),
    route({
      method: "GET",
      path: `${BASE}/callback`,
      summary:
        "Where the identity provider sends the browser back: signs in, sets the session cookie, redirects to /",
      tag: "auth",
      access: "public",
      query: callbackQuery,
      handler: async ({ query, client, request, reply }) => {
        if (!service || !provider || !s) throw notConfigured();
        const flow =
          query.state === undefined ? undefined : flows.take(query.state, request.cookies[FLOW_COOKIE]);
        flowCookie(reply, deps.secure, "", 0);
        if (!flow) {
          const message = "This sign-in is unknown, expired or was started in another browser; start again";
          throw problem(await service.recordFailure("invalid-state", message, client));
        }
        let identity: OidcIdentity;
        try {
          const current = new URL(s.redirectUri);
          current.search = request.url.includes("?") ? request.url.slice(request.url.indexOf("?")) : "";
          identity = await provider.identify(current, flow);
        } catch (e) {
          const d = describe(e);
          throw problem(await service.recordFailure("idp-error", d.message, client, { error: d.error }));
        }
        const r = await service.signIn(identity, client);
        if (!r.ok) throw problem(r);
        setSessionCookie(reply, deps.secure, deps.authConfig.sessionAbsoluteSeconds, r.sessionId);
        const location = r.next ? `/?sso_next=${r.next}` : "/";
        return { status: 302, headers: { location } };
      },
    }),
    route({
      method: "POST",
      path: `${BASE}/mfa`,
      summary:
        "Give the local second factor after single sign-on, when the server requires it (requireLocalMfa)",
      tag: "auth",
      access: "enrolling",
      body: z
        .object({
          totp: z.string().min(1).max(32).optional(),
          recoveryCode: z.string().min(1).max(32).optional(),
        })
        .strict(),
      handler: async ({ body, identity, client }) => {
        if (!service) throw notConfigured();
        const hash = identity?.session?.idHash;
        if (!hash)
          throw problem({ code: "mfa-not-pending", message: "Only a signed-in browser session can do this" });
        const input = {
          ...(body.totp !== undefined && { totp: body.totp }),
          ...(body.recoveryCode !== undefined && { recoveryCode: body.recoveryCode }),
        };
        const r = await service.stepUp(hash, input, client);
        if (!r.ok) throw problem(r);
        return { body: { user: r.user, stage: "full" } };
      },
    }),
  ];
}
