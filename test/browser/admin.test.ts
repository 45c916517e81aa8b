// The versions, points, audit and admin pages in Chromium against a real `rampart serve` with the example
// organization: a second version made through the API (asked by the admin, approved by another user) gives the
// diff view content; a point is compiled from its page; a user and a token are created from theirs.

import * as OTPAuth from "otpauth";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { HttpClient } from "../../src/adapters/server/http-client.js";
import { browserSkip, useConsoleServer, screenshot, signIn, watchErrors } from "./harness.js";

const skip = browserSkip();

const POINTS = ["edge-fw", "core-fw", "dc-fw", "lyon-rtr", "ot-fw", "aws-vpc", "eks-shop"];
const APPROVER_PASSWORD = "Slow rivers carve deep canyons 88";

/** As the signed-in admin (the page's session): files a request and creates an approver; returns both. */
async function askAndCreateApprover(page: Page): Promise<{ requestId: number; uri: string }> {
  return page.evaluate(async (password) => {
    const me = (await (await fetch("/api/v1/auth/me")).json()) as { csrfToken: string };
    const post = async (path: string, body: unknown) => {
      const r = await fetch(`/api/v1${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-csrf-token": me.csrfToken },
        body: JSON.stringify(body),
      });
      if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
      return r.json() as Promise<Record<string, unknown>>;
    };
    const request = await post("/requests", {
      from: ["zone:branch"],
      to: ["asset:hq-print-1"],
      services: ["https"],
      justification: "Branch staff print to the head office printer",
      until: "2026-12-31",
    });
    const user = await post("/users", { username: "ann", role: "approver", password });
    return { requestId: request.id as number, uri: user.otpauthUri as string };
  }, APPROVER_PASSWORD);
}

describe.skipIf(skip !== undefined)(
  `the change and admin pages in Chromium${skip ? ` (skipped: ${skip})` : ""}`,
  () => {
    const env = useConsoleServer();

    it("shows versions with a diff, points with a compiled config, the audit log, users and tokens", async () => {
      const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      const errors = watchErrors(page);
      await signIn(page, env.rampart);
      await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();

      const { requestId, uri } = await askAndCreateApprover(page);
      const ann = new HttpClient(env.rampart.url);
      const login = await ann.login("ann", APPROVER_PASSWORD, OTPAuth.URI.parse(uri).generate());
      expect(login.status).toBe(200);
      const approved = await ann.post<{ version: { id: number } }>(`/api/v1/requests/${requestId}/approve`, {
        note: "Fine",
      });
      expect(approved.status).toBe(200);
      expect(approved.body.version.id).toBe(2);

      // Versions: both listed; the diff of version 2 shows the packets the request opened.
      await page.goto(`${env.rampart.url}/versions`);
      await page.getByRole("heading", { name: "Policy versions", level: 1 }).waitFor();
      await page.getByRole("cell", { name: "Imported from examples/acme" }).waitFor();
      await page.getByRole("button", { name: "View version 2" }).click();
      await page.getByRole("heading", { name: "Version 2" }).waitFor();
      await page.getByRole("button", { name: "Restore" }).waitFor();
      await screenshot(page, "versions");
      await page.getByRole("button", { name: "Diff of version 2" }).click();
      await page.getByRole("heading", { name: /^Packets opened \([1-9]/ }).waitFor();
      await expect.poll(() => page.locator(".diff-list.opened li").count()).toBeGreaterThan(0);
      await screenshot(page, "version-diff");

      // Points: the seven of acme; compiling one shows its highlighted configuration and the plan.
      await page.goto(`${env.rampart.url}/points`);
      await page.getByRole("heading", { name: "Points of version 2" }).waitFor();
      for (const p of POINTS) await page.getByRole("button", { name: p, exact: true }).waitFor();
      await screenshot(page, "points");
      await page.getByRole("button", { name: "edge-fw", exact: true }).click();
      await page.getByRole("button", { name: "Compile" }).click();
      await page.getByRole("heading", { name: /^Compiled configuration \d+/ }).waitFor({ timeout: 60_000 });
      await expect.poll(() => page.locator(".code-view .hl-keyword").count()).toBeGreaterThan(0);
      await page.getByText("Status: new").waitFor();
      await page.getByRole("cell", { name: "proven" }).first().waitFor();
      await screenshot(page, "point-config");

      // Audit: entries of what just happened, the chain intact, filtering by action.
      await page.goto(`${env.rampart.url}/audit`);
      await page.getByText("Intact").waitFor();
      await page.getByRole("cell", { name: "request.approve" }).waitFor();
      await page.getByLabel("Action").fill("config.compile");
      await page.getByRole("button", { name: "Filter" }).click();
      await page.waitForURL(/action=config.compile/);
      await expect.poll(() => page.locator("tbody tr").count()).toBe(1);
      await page.getByLabel("Action").fill("");
      await page.getByRole("button", { name: "Filter" }).click();
      await page.getByRole("cell", { name: "auth.login" }).first().waitFor();
      await screenshot(page, "audit");

      // Users: create an operator; its second factor is shown once as a QR code with recovery codes.
      await page.goto(`${env.rampart.url}/admin/users`);
      await page.getByRole("cell", { name: "ann", exact: true }).waitFor();
      await page.getByLabel("Username").fill("olga");
      await page.getByLabel("Role", { exact: true }).selectOption("operator");
      await page.getByLabel("Password (optional)").fill("Tall pines whisper in winter 55");
      await page.getByRole("button", { name: "Create user" }).click();
      await page.getByRole("img", { name: "Authenticator QR code for olga" }).waitFor();
      await page.getByRole("cell", { name: "olga", exact: true }).waitFor();
      await expect.poll(() => page.locator(".recovery-codes li").count()).toBeGreaterThan(0);
      await screenshot(page, "admin-users");

      // Tokens: create one, shown once; it is then listed.
      await page.goto(`${env.rampart.url}/admin/tokens`);
      await page.getByRole("heading", { name: "Your tokens" }).waitFor();
      await page.getByLabel("Name").fill("ci-export");
      await page.getByRole("checkbox", { name: "audit:read" }).check();
      await page.getByRole("button", { name: "Create token" }).click();
      await page.locator(".token-once").waitFor();
      await page.getByRole("cell", { name: "ci-export", exact: true }).waitFor();
      await screenshot(page, "admin-tokens");

      expect(errors).toEqual([]);
      await context.close();
    }, 240_000);
  },
);
