// Browser tests' harness: a real `rampart serve` on loopback with a fresh database, Debian's Chromium through
// playwright-core, TOTP codes for the printed secret, screenshots kept in test-results/screenshots.

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest, createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as OTPAuth from "otpauth";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const CHROMIUM = "/usr/bin/chromium";
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
export const ADMIN_PASSWORD = "Quiet harbour lanterns at dusk 7";
const SERVER_CSP =
  "default-src 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'; form-action 'self'";
const SCREENSHOTS = join(ROOT, "test-results", "screenshots");

/** Why the browser tests cannot run here, or undefined when they can. */
export function browserSkipReason(): string | undefined {
  if (!existsSync(CHROMIUM))
    return `${CHROMIUM} is missing (scripts/setup.sh --test installs Debian's chromium)`;
  return undefined;
}

/** Builds server and console unless both are built already (scripts/test-all.sh builds before vitest). */
/** Why the browser tests cannot run here, or undefined; throws where they must run (RAMPART_REQUIRE_ORACLES=1). */
export function browserSkip(): string | undefined {
  const skip = browserSkipReason();
  if (skip && process.env.RAMPART_REQUIRE_ORACLES === "1")
    throw new Error(`The browser tests must run here (RAMPART_REQUIRE_ORACLES=1) but ${skip}`);
  return skip;
}

export function ensureBuilt(): void {
  const built = ["dist/src/adapters/cli/main.js", "dist/web/index.html"].every((f) =>
    existsSync(join(ROOT, f)),
  );
  if (built) return;
  const r = spawnSync("npm", ["run", "--silent", "build"], { cwd: ROOT, stdio: "inherit" });
  if (r.status !== 0)
    throw new Error(`Cannot build the project for the browser tests: npm run build exited ${r.status}`);
}

export interface Rampart {
  /** Where the browser goes: the server itself, or a front serving the console until serve does. */
  url: string;
  adminPassword: string;
  /** A TOTP code for the admin not handed out before: the server refuses a code used once (replay). */
  totp(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts `rampart serve --port 0` with a fresh SQLite database and a policy folder: the example organization
 * unless told (a path relative to the project or absolute, e.g. a generated organization in a temp folder).
 */
export async function startRampart(policy = "examples/acme"): Promise<Rampart> {
  const data = mkdtempSync(join(tmpdir(), "rampart-browser-"));
  const child = spawn(
    process.execPath,
    ["bin/rampart.js", "serve", "--port", "0", "--data", data, "--policy", policy],
    {
      cwd: ROOT,
      env: { ...process.env, RAMPART_ADMIN_PASSWORD: ADMIN_PASSWORD },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const out = await readUntil(child, /Stop with Ctrl-C/);
  const address = /server on (http:\/\/\S+)/.exec(out)?.[1];
  const uri = /(otpauth:\/\/\S+)/.exec(out)?.[1];
  if (!address || !uri)
    throw new Error(`Cannot read the address and otpauth URI from rampart serve:\n${out}`);
  const totp = OTPAuth.URI.parse(uri);
  const front = (await servesConsole(address)) ? undefined : await startFront(address);
  return {
    url: front?.url ?? address,
    adminPassword: ADMIN_PASSWORD,
    totp: () => freshCode(() => totp.generate()),
    stop: async () => {
      await new Promise<void>((done) => (front ? front.server.close(() => done()) : done()));
      await new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once("exit", () => done());
        child.kill("SIGTERM");
      });
      rmSync(data, { recursive: true, force: true });
    },
  };
}

const usedCodes = new Set<string>();

/** Waits for the next 30-second period when this one's code was already used. */
async function freshCode(generate: () => string): Promise<string> {
  for (;;) {
    const code = generate();
    if (!usedCodes.has(code)) {
      usedCodes.add(code);
      return code;
    }
    await new Promise((done) => setTimeout(done, 1000));
  }
}

function readUntil(child: ChildProcess, end: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(
      () => reject(new Error(`rampart serve did not start in time:\n${text}`)),
      30_000,
    );
    const take = (chunk: Buffer) => {
      text += chunk.toString();
      if (end.test(text)) {
        clearTimeout(timer);
        resolve(text);
      }
    };
    child.stdout!.on("data", take);
    child.stderr!.on("data", take);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`rampart serve exited with ${code}:\n${text}`));
    });
  });
}

async function servesConsole(address: string): Promise<boolean> {
  const r = await fetch(`${address}/`);
  return r.ok && (r.headers.get("content-type") ?? "").includes("text/html");
}

/**
 * Until `rampart serve` registers the console itself: a front on loopback serving dist/web through
 * registerConsole and passing /api to the real server, Host header and all (the CSRF origin check compares it).
 */
async function startFront(apiAddress: string): Promise<{ url: string; server: Server }> {
  const { default: Fastify } = await import("fastify");
  const { registerConsole } = await import("../../src/adapters/server/static.js");
  const app = Fastify();
  // The same policy the server sends, so the test also proves the console runs under it.
  app.addHook("onRequest", async (_request, reply) => {
    reply.header("content-security-policy", SERVER_CSP);
  });
  await registerConsole(app, join(ROOT, "dist", "web"));
  await app.ready();
  const api = new URL(apiAddress);
  const server = createServer((req, res) => {
    if (!req.url?.startsWith("/api/")) return app.routing(req, res);
    const upstream = httpRequest(
      { host: api.hostname, port: api.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, server };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
}

/**
 * 401s the sign-in protocol answers by design, which Chromium logs as "Failed to load resource": who am I
 * before signing in, and the password step of a user with a second factor ("mfa-required").
 */
const EXPECTED_401 = [/\/api\/v1\/auth\/me$/, /\/api\/v1\/auth\/login$/];

/** Collects console errors and uncaught page errors: a test asserts the list is empty at its end. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    const url = m.location().url;
    if (/status of 401/.test(m.text()) && EXPECTED_401.some((r) => r.test(url))) return;
    errors.push(`console: ${m.text()} (${url})`);
  });
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  return errors;
}

/** Saves a full-page screenshot as test-results/screenshots/<name>.png (kept by the test run). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Signs in through the sign-in page: password, then the TOTP code the server asks for. */
export async function signIn(page: Page, rampart: Rampart, username = "admin"): Promise<void> {
  await page.goto(`${rampart.url}/login`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(rampart.adminPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByLabel("Code from your authenticator app").fill(await rampart.totp());
  await page.getByRole("button", { name: "Verify" }).click();
}

/**
 * A real `rampart serve` (on `policy`) and a Chromium for the tests of one describe block: started before them,
 * stopped after. Read `rampart` and `browser` inside the tests.
 */
export function useConsoleServer(policy?: string): { readonly rampart: Rampart; readonly browser: Browser } {
  const env = {} as { rampart: Rampart; browser: Browser };
  beforeAll(async () => {
    ensureBuilt();
    env.rampart = await startRampart(policy);
    env.browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await env.browser?.close();
    await env.rampart?.stop();
  });
  return env;
}
