// Single sign-on end to end over real HTTP: a real OpenID provider (panva's oidc-provider) on a loopback port,
// a Rampart server with the SSO routes, and a small browser that follows the redirects and keeps cookies.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { authConfig } from "../../../app/auth/config.js";
import type { OidcSettings } from "../../../app/auth/oidc.js";
import type { Store } from "../../../app/store.js";
import { openStore } from "../../store/open-store.js";
import { buildServer, type Authenticator } from "../app.js";
import { createServices, type Services } from "../compose.js";
import { authRoutes } from "./auth.js";
import { ssoRoutes } from "./sso.js";
import { TestClock } from "../testing.js";

/** The provider's users: what a test changes here, the provider says at the next sign-in. */
const accounts = new Map<string, { preferred_username: string; email: string; groups: string[] }>();

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface Idp {
  readonly issuer: string;
  setRedirect(uri: string): void;
  close(): Promise<void>;
}

/** oidc-provider with one confidential client; its login page takes any account id from `accounts`. */
async function startIdp(): Promise<Idp> {
  // Imported here, after the console is quietened (it warns about its development defaults). Version 8: the
  // last major that supports Node 20. It ships no type declarations.
  // @ts-expect-error oidc-provider has no types
  const { Provider } = (await import("oidc-provider")) as {
    Provider: new (issuer: string, config: object) => { callback(): Handler };
  };
  let handler: Handler = (_q, s) => void s.writeHead(503).end();
  const server: Server = createServer((q, s) => handler(q, s));
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    setRedirect(uri) {
      const provider = new Provider(issuer, {
        clients: [
          {
            client_id: "rampart",
            client_secret: "a-client-secret-of-some-length",
            redirect_uris: [uri],
            grant_types: ["authorization_code"],
            response_types: ["code"],
          },
        ],
        claims: {
          openid: ["sub"],
          email: ["email", "email_verified"],
          profile: ["preferred_username", "name"],
          groups: ["groups"],
        },
        scopes: ["openid", "email", "profile", "groups"],
        cookies: { keys: ["a-cookie-signing-key-for-tests"] },
        features: { devInteractions: { enabled: true } },
        async findAccount(_ctx: unknown, id: string) {
          const a = accounts.get(id);
          return a && { accountId: id, claims: async () => ({ sub: id, ...a }) };
        },
      });
      handler = provider.callback();
    },
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/** Enough of a browser: cookies per host (paths ignored), redirects followed by hand, forms posted. */
class Browser {
  private readonly jars = new Map<string, Map<string, string>>();

  async request(
    url: string,
    init: { method?: string; form?: Record<string, string> } = {},
  ): Promise<Response> {
    const u = new URL(url);
    const jar = this.jars.get(u.host) ?? new Map<string, string>();
    this.jars.set(u.host, jar);
    const headers: Record<string, string> = {};
    if (jar.size > 0) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
    if (init.form) headers["content-type"] = "application/x-www-form-urlencoded";
    const res = await fetch(url, {
      method: init.method ?? "GET",
      headers,
      redirect: "manual",
      ...(init.form && { body: new URLSearchParams(init.form).toString() }),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === "" || /max-age=0|expires=thu, 01 jan 1970/i.test(c)) jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  }

  cookie(host: string, name: string): string | undefined {
    return this.jars.get(host)?.get(name);
  }

  /** Follows redirects from `url`, signing in as `login` at the provider, until the answer is not a redirect or leaves the provider for `stopAt`. */
  async signIn(
    url: string,
    login: string,
    stopAt: string,
    follow = true,
  ): Promise<{ res?: Response; url: string }> {
    let next = url;
    for (let hop = 0; hop < 20; hop++) {
      if (!follow && next.startsWith(stopAt)) return { url: next };
      const res = await this.request(next);
      if (next.startsWith(stopAt)) return { res, url: next };
      if (res.status >= 300 && res.status < 400) {
        next = new URL(res.headers.get("location")!, next).href;
        continue;
      }
      const html = await res.text();
      const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
      if (res.status !== 200 || !prompt)
        throw new Error(`Unexpected answer ${res.status} at ${next}: ${html.slice(0, 300)}`);
      const post = await this.request(next, {
        method: "POST",
        form: prompt === "login" ? { prompt, login, password: "x" } : { prompt },
      });
      next = new URL(post.headers.get("location")!, next).href;
    }
    throw new Error("Too many redirects");
  }
}

interface Rampart {
  readonly url: string;
  readonly store: Store;
  readonly services: Services;
  close(): Promise<void>;
}

async function startRampart(settings: (url: string) => OidcSettings | undefined): Promise<Rampart> {
  const clock = new TestClock(new Date().toISOString());
  const store = await openStore({ db: ":memory:" });
  const services = createServices(
    store,
    clock,
    authConfig({ argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 } }),
  );
  const authenticator: Authenticator = {
    async session(cookieValue) {
      const r = await services.auth.authenticateSession(cookieValue);
      return r.ok
        ? { user: r.user, via: "session", session: r.session, sessionId: cookieValue }
        : { reason: r.reason };
    },
    token: async () => ({ reason: "unknown" }),
  };
  // The port is needed for the redirect URI before the routes exist: reserve it by listening once first.
  const probe = createServer();
  await new Promise<void>((ok) => probe.listen(0, "127.0.0.1", ok));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((ok) => probe.close(() => ok()));
  const url = `http://127.0.0.1:${port}`;
  const deps = {
    store,
    clock,
    sessions: services.auth.sessions,
    authConfig: services.authConfig,
    secure: false,
  };
  const routes = [
    ...authRoutes({
      auth: services.auth,
      users: services.users,
      tokens: services.tokens,
      secure: false,
      sessionSeconds: 3600,
    }),
    ...ssoRoutes({ ...deps, settings: settings(url) }),
  ];
  const app = await buildServer({ routes, authenticator, version: "test" });
  await app.listen({ host: "127.0.0.1", port });
  return {
    url,
    store,
    services,
    async close() {
      await app.close();
      await store.close();
    },
  };
}

const CALLBACK = "/api/v1/auth/oidc/callback";
type Problem = { error: { code: string; message: string } };

let idp: Idp;
let rampart: Rampart;

/** Rampart's settings for the test provider; `change` replaces some. */
function settingsFor(url: string, change: Partial<OidcSettings> = {}): OidcSettings {
  return {
    issuer: idp.issuer,
    clientId: "rampart",
    clientSecret: "a-client-secret-of-some-length",
    redirectUri: `${url}${CALLBACK}`,
    scopes: "openid email profile groups",
    usernameClaim: "preferred_username",
    roleClaim: "groups",
    roleMap: { staff: "viewer", netops: "operator", "sec-admins": "admin" },
    createUsers: true,
    requireLocalMfa: false,
    ...change,
  };
}

beforeAll(async () => {
  // The provider warns that its development defaults are in use: true, and meant, in a test.
  for (const level of ["warn", "info"] as const) {
    const original = console[level].bind(console);
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      if (!String(args[0]).startsWith("oidc-provider")) original(...args);
    });
  }
  idp = await startIdp();
});
afterAll(async () => idp.close());

beforeEach(async () => {
  accounts.clear();
  accounts.set("alice-sub", {
    preferred_username: "alice",
    email: "alice@example.org",
    groups: ["staff", "netops"],
  });
  accounts.set("bob-sub", { preferred_username: "bob", email: "bob@example.org", groups: ["contractors"] });
  rampart = await startRampart((url) => settingsFor(url));
  idp.setRedirect(`${rampart.url}${CALLBACK}`);
});
afterEach(async () => rampart.close());

async function signIn(browser: Browser, login: string): Promise<Response> {
  const { res } = await browser.signIn(
    `${rampart.url}/api/v1/auth/oidc/start`,
    login,
    `${rampart.url}${CALLBACK}`,
  );
  return res!;
}

async function me(
  browser: Browser,
): Promise<{ status: number; body: { user: { username: string; role: string; sso: boolean } } }> {
  const res = await browser.request(`${rampart.url}/api/v1/auth/me`);
  return { status: res.status, body: (await res.json()) as never };
}

async function lastAudit(action: string) {
  const entries = await rampart.store.audit.list({ action, limit: 1000 });
  return entries.at(-1);
}

describe("single sign-on against a real OpenID provider", () => {
  it("creates the user with the mapped (highest) role and gives a working session", async () => {
    const browser = new Browser();
    const res = await signIn(browser, "alice-sub");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/");
    expect(res.headers.getSetCookie().join("\n")).toMatch(/rampart_session=.*HttpOnly.*SameSite=Strict/i);
    const who = await me(browser);
    expect(who.status).toBe(200);
    expect(who.body.user).toMatchObject({ username: "alice", role: "operator", sso: true });
    const stored = await rampart.store.users.byName("alice");
    expect(stored?.oidcSubject).toBe(`${idp.issuer}#alice-sub`);
    expect(stored?.passwordHash).toBe("");
    const login = await lastAudit("auth.login");
    expect(login).toMatchObject({ actor: "alice", outcome: "success" });
    expect(login?.detail).toMatchObject({ method: "oidc", stage: "full" });
  });

  it("refuses a callback whose state this browser did not start", async () => {
    const attacker = new Browser();
    const start = `${rampart.url}/api/v1/auth/oidc/start`;
    const { url } = await attacker.signIn(start, "alice-sub", `${rampart.url}${CALLBACK}`, false);
    // The attacker stops before the callback and sends the victim's browser there with the attacker's code.
    const victim = new Browser();
    const res = await victim.request(url);
    expect(res.status).toBe(400);
    expect(((await res.json()) as Problem).error.code).toBe("invalid-state");
    expect((await me(victim)).status).toBe(401);
    // The flow was spent by the refused attempt: not even the attacker's own browser can finish it now.
    expect((await attacker.request(url)).status).toBe(400);
    expect((await lastAudit("auth.login-failed"))?.detail).toMatchObject({
      reason: "invalid-state",
      method: "oidc",
    });
  });

  it("refuses a made-up state", async () => {
    const res = await new Browser().request(`${rampart.url}${CALLBACK}?state=forged&code=forged`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as Problem).error.code).toBe("invalid-state");
  });

  it("refuses a user none of whose groups is mapped", async () => {
    const res = await signIn(new Browser(), "bob-sub");
    expect(res.status).toBe(403);
    const body = (await res.json()) as Problem;
    expect(body.error.code).toBe("no-role");
    expect(body.error.message).toMatch(/groups/);
    expect(await rampart.store.users.byName("bob")).toBeUndefined();
    expect((await lastAudit("auth.login-failed"))?.detail).toMatchObject({
      reason: "no-role",
      groups: ["contractors"],
    });
  });

  it("refuses a disabled user", async () => {
    expect((await signIn(new Browser(), "alice-sub")).status).toBe(302);
    const alice = await rampart.store.users.byName("alice");
    await rampart.services.users.disableUser({ name: "admin" }, alice!.id);
    const browser = new Browser();
    const res = await signIn(browser, "alice-sub");
    expect(res.status).toBe(403);
    expect(((await res.json()) as Problem).error.code).toBe("user-disabled");
    expect((await me(browser)).status).toBe(401);
  });

  it("applies a role changed at the provider at the next sign-in, audited", async () => {
    expect((await signIn(new Browser(), "alice-sub")).status).toBe(302);
    accounts.get("alice-sub")!.groups = ["staff", "sec-admins"];
    const browser = new Browser();
    expect((await signIn(browser, "alice-sub")).status).toBe(302);
    expect((await me(browser)).body.user.role).toBe("admin");
    const change = await lastAudit("user.set-role");
    expect(change).toMatchObject({ actor: "alice", target: "user:alice" });
    expect(change?.detail).toMatchObject({ from: "operator", to: "admin", source: "oidc" });
  });

  it("never takes over a local user of the same name", async () => {
    await rampart.services.users.createUser({ name: "admin" }, { username: "alice", role: "viewer" });
    const res = await signIn(new Browser(), "alice-sub");
    expect(res.status).toBe(409);
    expect(((await res.json()) as Problem).error.code).toBe("username-taken");
  });

  it("reports an error sent back by the provider as a 4xx", async () => {
    const browser = new Browser();
    const start = await browser.request(`${rampart.url}/api/v1/auth/oidc/start`);
    const state = new URL(start.headers.get("location")!).searchParams.get("state")!;
    const res = await browser.request(
      `${rampart.url}${CALLBACK}?error=access_denied&state=${state}&iss=${encodeURIComponent(idp.issuer)}`,
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as Problem;
    expect(body.error.code).toBe("idp-error");
    expect(body.error.message).toMatch(/access_denied/);
  });
});

describe("local MFA after single sign-on (requireLocalMfa)", () => {
  it("keeps an operator's session at stage password until a TOTP is enrolled", async () => {
    await rampart.close();
    rampart = await startRampart((url) => settingsFor(url, { requireLocalMfa: true }));
    idp.setRedirect(`${rampart.url}${CALLBACK}`);
    const browser = new Browser();
    const res = await signIn(browser, "alice-sub");
    expect(res.headers.get("location")).toBe("/?sso_next=enroll-mfa");
    const who = await me(browser);
    expect(who.status).toBe(200);
    expect((who.body as unknown as { stage: string }).stage).toBe("password");
    const versions = await browser.request(`${rampart.url}/api/v1/users`);
    expect(versions.status).toBe(403);
  });
});

describe("without settings", () => {
  it("answers 404 sso-not-configured", async () => {
    await rampart.close();
    rampart = await startRampart(() => undefined);
    for (const path of ["/start", "/callback?state=x&code=y"]) {
      const res = await fetch(`${rampart.url}/api/v1/auth/oidc${path}`, { redirect: "manual" });
      expect(res.status).toBe(404);
      expect(((await res.json()) as Problem).error.code).toBe("sso-not-configured");
    }
  });
});
