// A real server for tests: SQLite in memory (or PostgreSQL), the example organization as version 1, a clock
// tests can move, cheap password hashing, listening on a loopback port chosen by the system.

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import { authConfig, type AuthConfig } from "../../app/auth/config.js";
import { totpCode } from "../../app/auth/totp.js";
import type { WebAuthnSettings } from "../../app/auth/webauthn-settings.js";
import { permissionsOf, type Role } from "../../app/roles.js";
import type { Store } from "../../app/store.js";
import { findPackageRoot } from "../fs/package-root.js";
import { readPolicyRepository } from "../fs/policy-files.js";
import { openStore, type OpenStoreOptions } from "../store/open-store.js";
import { createServer, createServices, type Services } from "./compose.js";

export const ACME = join(
  findPackageRoot() ?? fileURLToPath(new URL("../../..", import.meta.url)),
  "examples",
  "acme",
);

/** A clock that stands still until a test moves it. */
export class TestClock {
  private at: number;
  constructor(start = "2026-03-02T09:00:00.000Z") {
    this.at = Date.parse(start);
  }
  now(): Date {
    return new Date(this.at);
  }
  advance(ms: number): void {
    this.at += ms;
  }
}

export interface TestUser {
  readonly username: string;
  readonly password: string;
  readonly totpSecret?: string;
}

export interface TestServer {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly services: Services;
  readonly clock: TestClock;
  /** A new user of the role with an API token carrying `scopes` (default: all the role's permissions). */
  token(role: Role, scopes?: readonly string[]): Promise<string>;
  /** A new user of the role with a password (and TOTP when the role needs it). */
  user(role: Role, name?: string): Promise<TestUser>;
  /** The current TOTP code of a secret at the test clock's time (moved on by 30 s to never reuse a step). */
  totp(secret: string): string;
  close(): Promise<void>;
}

export const TEST_PASSWORD = "correct horse battery staple 42";

export interface TestServerOptions {
  readonly store?: OpenStoreOptions;
  /** Load the example organization as the first version (default true). */
  readonly policy?: boolean;
  readonly auth?: Partial<Omit<AuthConfig, "argon2" | "throttle">> & {
    throttle?: Partial<AuthConfig["throttle"]>;
  };
  readonly webauthn?: WebAuthnSettings;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const clock = new TestClock();
  const store = await openStore(options.store ?? { db: ":memory:" });
  const config = authConfig({ ...options.auth, argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 } });
  const services = createServices(store, clock, config);
  if (options.policy !== false) {
    const files = await readPolicyRepository(ACME, process.cwd());
    if (!files.ok) throw new Error(files.message);
    const r = await services.versions.bootstrap("system", files.files.sources, "The example organization");
    if (!r.ok) throw new Error(r.message);
  }
  const app = await createServer(services, {
    version: "test",
    ...(options.webauthn && { webauthn: options.webauthn }),
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  let n = 0;
  const admin = { name: "test-setup" };

  const user = async (role: Role, name?: string): Promise<TestUser> => {
    const username = name ?? `${role}-${++n}`;
    const r = await services.users.createUser(admin, { username, role, password: TEST_PASSWORD });
    if (!r.ok) throw new Error(r.message);
    const secret = r.otpauthUri ? (new URL(r.otpauthUri).searchParams.get("secret") ?? undefined) : undefined;
    return { username, password: TEST_PASSWORD, ...(secret && { totpSecret: secret }) };
  };
  const token = async (role: Role, scopes?: readonly string[]): Promise<string> => {
    const u = await user(role);
    const record = await store.users.byName(u.username);
    const r = await services.tokens.create(admin, {
      userId: record!.id,
      name: "test",
      scopes: scopes ?? permissionsOf(role),
      expiresInDays: 30,
    });
    if (!r.ok) throw new Error(r.message);
    return r.token;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    store,
    services,
    clock,
    token,
    user,
    totp(secret) {
      clock.advance(30_000);
      return totpCode(secret, clock.now());
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/** One operation of the OpenAPI document, with who may call it. */
export interface Operation {
  readonly method: string;
  /** OpenAPI syntax: /api/v1/versions/{id} */
  readonly path: string;
  readonly access: string;
}

/** Every operation the running server's OpenAPI document lists. */
export async function listOperations(url: string): Promise<Operation[]> {
  const doc = (await (await fetch(`${url}/api/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { "x-rampart-access": string }>>;
  };
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      access: op["x-rampart-access"],
    })),
  );
}
