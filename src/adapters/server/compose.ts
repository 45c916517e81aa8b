// The composition root: from a store and a clock to the services and the server that routes to them.

import type { FastifyInstance } from "fastify";
import { AuditLog, type Clock } from "../../app/audit.js";
import type { AuthService } from "../../app/auth/auth-service.js";
import { type AuthConfig, DEFAULT_AUTH_CONFIG } from "../../app/auth/config.js";
import { createIdentity } from "../../app/auth/identity.js";
import type { OidcSettings } from "../../app/auth/oidc.js";
import { createWebAuthn } from "../../app/auth/webauthn.js";
import { defaultWebAuthnSettings, type WebAuthnSettings } from "../../app/auth/webauthn-settings.js";
import type { TokenService } from "../../app/auth/tokens.js";
import type { UserService } from "../../app/auth/users-service.js";
import { PolicyCache } from "../../app/policy-cache.js";
import type { Store } from "../../app/store.js";
import { AnalysisService } from "../../app/workflow/analysis-service.js";
import { Deployments } from "../../app/workflow/deploy.js";
import { Recertification } from "../../app/workflow/recert.js";
import { AccessRequests } from "../../app/workflow/requests.js";
import { PolicyVersions } from "../../app/workflow/versions.js";
import { type Authenticator, buildServer } from "./app.js";
import { Metrics } from "./metrics.js";
import { defaultConsoleDir, registerConsole } from "./static.js";
import type { Identity } from "./route.js";
import { auditRoutes } from "./routes/audit.js";
import { authRoutes } from "./routes/auth.js";
import { consoleDataRoutes } from "./routes/console-data.js";
import { deployRoutes } from "./routes/deploy.js";
import { graphRoutes } from "./routes/graph.js";
import { pointRoutes } from "./routes/points.js";
import { questionRoutes } from "./routes/questions.js";
import { ssoRoutes } from "./routes/sso.js";
import { webauthnRoutes } from "./routes/webauthn.js";
import { versionRoutes } from "./routes/versions.js";

export interface Services {
  readonly store: Store;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly cache: PolicyCache;
  readonly auth: AuthService;
  readonly users: UserService;
  readonly tokens: TokenService;
  readonly versions: PolicyVersions;
  readonly requests: AccessRequests;
  readonly deployments: Deployments;
  readonly analysis: AnalysisService;
  readonly recertification: Recertification;
  readonly authConfig: AuthConfig;
}

export function createServices(
  store: Store,
  clock: Clock,
  authConfig: AuthConfig = DEFAULT_AUTH_CONFIG,
): Services {
  const audit = new AuditLog(store, clock);
  const cache = new PolicyCache();
  const versions = new PolicyVersions(store, audit, clock, cache);
  const requests = new AccessRequests(store, audit, clock, versions);
  const identity = createIdentity(store, { clock, config: authConfig });
  return {
    store,
    clock,
    audit,
    cache,
    auth: identity.auth,
    users: identity.users,
    tokens: identity.tokens,
    versions,
    requests,
    deployments: new Deployments(store, audit, clock, versions, requests),
    analysis: new AnalysisService(store, audit, clock, versions),
    recertification: new Recertification(store, audit, clock, versions),
    authConfig,
  };
}

function authenticator(s: Services): Authenticator {
  return {
    async session(cookieValue) {
      const r = await s.auth.authenticateSession(cookieValue);
      if (!r.ok) return { reason: r.reason };
      const identity: Identity = { user: r.user, via: "session", session: r.session, sessionId: cookieValue };
      return identity;
    },
    async token(bearer) {
      const r = await s.tokens.authenticate(bearer);
      if (!r.ok) return { reason: r.reason };
      const identity: Identity = { user: r.user, via: "token", scopes: r.permissions, tokenId: r.token.id };
      return identity;
    },
  };
}

export interface ServerSettings {
  readonly version: string;
  /** Single sign-on; absent: its routes answer 404 "sso-not-configured". */
  readonly oidc?: OidcSettings;
  /** Who browsers' security keys are bound to (default: localhost on `port`). */
  readonly webauthn?: WebAuthnSettings;
  /** The port the server is reached at, for the default WebAuthn origin. */
  readonly port?: number;
  /** The built web console (default: dist/web of the package); not built: the API alone is served. */
  readonly consoleDir?: string;
  readonly tls?: { key: string | Buffer; cert: string | Buffer };
  readonly trustProxy?: boolean;
  readonly logger?: boolean | Record<string, unknown>;
}

export async function createServer(s: Services, settings: ServerSettings): Promise<FastifyInstance> {
  const secure = settings.tls !== undefined;
  const metrics = new Metrics();
  metrics.gauge("rampart_policy_version", "The approved policy version in force (0: none).", () => currentId);
  metrics.gauge(
    "rampart_process_resident_bytes",
    "Resident memory of the server process.",
    () => process.memoryUsage().rss,
  );
  let currentId = 0;
  const access = {
    async open(version: number | undefined) {
      const v = await s.versions.opened(version);
      if (v && version === undefined) currentId = v.id;
      return v;
    },
  };

  const webauthn = createWebAuthn(
    s.store,
    s.clock,
    s.authConfig,
    settings.webauthn ?? defaultWebAuthnSettings(settings.port ?? 8080, secure),
  );
  const routes = [
    ...webauthnRoutes({ webauthn, secure, sessionSeconds: s.authConfig.sessionAbsoluteSeconds }),
    ...ssoRoutes({
      settings: settings.oidc,
      store: s.store,
      clock: s.clock,
      sessions: s.auth.sessions,
      authConfig: s.authConfig,
      secure,
    }),
    ...authRoutes({
      auth: s.auth,
      users: s.users,
      tokens: s.tokens,
      secure,
      sessionSeconds: s.authConfig.sessionAbsoluteSeconds,
    }),
    ...versionRoutes(s.versions, s.requests),
    ...questionRoutes(access),
    ...graphRoutes(access),
    ...deployRoutes(s),
    ...auditRoutes(s.store, s.audit),
    ...pointRoutes(s),
    ...consoleDataRoutes(s),
  ];
  const app = await buildServer({
    routes,
    authenticator: authenticator(s),
    version: settings.version,
    metrics,
    ...(settings.tls && { tls: settings.tls }),
    ...(settings.trustProxy !== undefined && { trustProxy: settings.trustProxy }),
    ...(settings.logger !== undefined && { logger: settings.logger }),
    health: async () => {
      try {
        const v = await s.store.versions.current();
        currentId = v?.id ?? 0;
        return { ok: true, database: s.store.kind, policyVersion: v?.id ?? null };
      } catch {
        return { ok: false, database: s.store.kind };
      }
    },
  });
  await registerConsole(app, settings.consoleDir ?? defaultConsoleDir());
  return app;
}
