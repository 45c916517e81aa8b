// Query, Findings and Access requests in Chromium: a reach question and its shareable URL, the findings table and
// its CSV export, a request filed by a requester with the live risk check and approved by an approver with TOTP.

import { readFileSync } from "node:fs";
import * as OTPAuth from "otpauth";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  browserSkip,
  ensureBuilt,
  launchBrowser,
  screenshot,
  signIn,
  startRampart,
  watchErrors,
  type Rampart,
} from "./harness.js";

const skip = browserSkip();

const PASSWORD = "Lantern ocean forty two pebbles";

interface Created {
  otpauthUri?: string;
}

/** Creates a user through POST /api/v1/users from the admin's page (same origin, the session's CSRF token). */
async function createUser(page: Page, username: string, role: string): Promise<Created> {
  return page.evaluate(
    async ({ username, role, password }) => {
      const me = (await (await fetch("/api/v1/auth/me")).json()) as { csrfToken: string };
      const r = await fetch("/api/v1/users", {
        method: "POST",
        headers: { "content-type": "application/json", "x-csrf-token": me.csrfToken },
        body: JSON.stringify({ username, role, password }),
      });
      if (r.status !== 201) throw new Error(`Cannot create "${username}": ${r.status} ${await r.text()}`);
      return (await r.json()) as Created;
    },
    { username, role, password: PASSWORD },
  );
}

/** Signs a non-admin in: password, then (when the role has a second factor) a code from its secret. */
async function signInAs(page: Page, rampart: Rampart, username: string, totp?: OTPAuth.TOTP): Promise<void> {
  await page.goto(`${rampart.url}/login`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  if (totp) {
    await page.getByLabel("Code from your authenticator app").fill(totp.generate());
    await page.getByRole("button", { name: "Verify" }).click();
  }
  await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
}

describe.skipIf(skip !== undefined)(
  `Query, Findings and Access requests in Chromium${skip ? ` (skipped: ${skip})` : ""}`,
  () => {
    let rampart: Rampart;
    let browser: Browser;
    let admin: BrowserContext;
    let adminPage: Page;
    let approverTotp: OTPAuth.TOTP;

    beforeAll(async () => {
      ensureBuilt();
      rampart = await startRampart();
      browser = await launchBrowser();
      admin = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
      adminPage = await admin.newPage();
      await signIn(adminPage, rampart);
      await adminPage.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
      await createUser(adminPage, "rita", "requester");
      const approver = await createUser(adminPage, "abe", "approver");
      approverTotp = OTPAuth.URI.parse(approver.otpauthUri!) as OTPAuth.TOTP;
    }, 180_000);

    afterAll(async () => {
      await admin?.close();
      await browser?.close();
      await rampart?.stop();
    });

    it("answers a reach question whose URL reproduces it, and explains its example packet", async () => {
      const errors = watchErrors(adminPage);
      await adminPage.goto(`${rampart.url}/query`);
      await adminPage.getByRole("heading", { name: "Query", level: 1 }).waitFor();
      await adminPage.getByLabel("From", { exact: true }).fill("zone:internet");
      await adminPage.getByLabel("To", { exact: true }).fill("asset:mail-relay");
      await adminPage.getByLabel("Services", { exact: true }).fill("smtp");
      await adminPage.getByRole("button", { name: "Ask reach" }).click();
      const answer = adminPage.getByRole("region", { name: "Reach answer" });
      await answer.getByRole("cell", { name: "internet-to-mail-relay" }).waitFor();
      await expect.poll(() => answer.textContent()).toContain("flows.yaml:26");
      await expect.poll(() => answer.locator(".verdict").first().textContent()).toBe("allow");
      await screenshot(adminPage, "query");
      const shared = adminPage.url();
      expect(shared).toContain("q=reach");

      const other = await admin.newPage();
      const otherErrors = watchErrors(other);
      await other.goto(shared);
      await other
        .getByRole("region", { name: "Reach answer" })
        .getByRole("cell", { name: "internet-to-mail-relay" })
        .waitFor();
      expect(await other.getByLabel("From", { exact: true }).inputValue()).toBe("zone:internet");
      expect(await other.getByLabel("Link to this answer").first().inputValue()).toBe(shared);
      await other.close();

      await adminPage.getByRole("button", { name: "Explain this packet" }).click();
      const explained = adminPage.getByRole("region", { name: "Explain answer" });
      await explained.getByRole("cell", { name: "internet-to-mail-relay" }).waitFor();
      expect(adminPage.url()).toContain("q=explain");
      expect(errors).toEqual([]);
      expect(otherErrors).toEqual([]);
    });

    it("lists findings from the example, filters them and exports them as CSV", async () => {
      const errors = watchErrors(adminPage);
      await adminPage.goto(`${rampart.url}/findings`);
      await adminPage.getByRole("heading", { name: "Findings", level: 1 }).waitFor();
      await adminPage
        .getByRole("cell", { name: /hr-legacy-export/ })
        .first()
        .waitFor();
      await screenshot(adminPage, "findings");
      await adminPage.getByLabel("Severity", { exact: true }).selectOption("warning");
      const rows = adminPage.locator(".data-table tbody tr");
      await expect.poll(() => rows.count()).toBeGreaterThan(0);
      for (const text of await rows.allTextContents()) expect(text).toContain("warning");
      await adminPage.getByLabel("Text", { exact: true }).fill("no such finding anywhere");
      await adminPage.getByText("No finding matches these filters.").waitFor();
      await adminPage.getByLabel("Text", { exact: true }).fill("");
      await adminPage.getByLabel("Severity", { exact: true }).selectOption("");
      const [download] = await Promise.all([
        adminPage.waitForEvent("download"),
        adminPage.getByRole("button", { name: "Export CSV" }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^rampart-findings-.*\.csv$/);
      const csv = readFileSync((await download.path())!, "utf8");
      expect(csv.split("\r\n")[0]).toBe("severity,kind,code,message,where,source");
      expect(csv).toContain("hr-legacy-export");
      expect(errors).toEqual([]);
    });

    it("files a request with the live risk check as a requester; an approver approves it", async () => {
      const rita = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await rita.newPage();
      const errors = watchErrors(page);
      await signInAs(page, rampart, "rita");
      await page.goto(`${rampart.url}/requests`);
      await page.getByRole("heading", { name: "Access requests", level: 1 }).waitFor();
      await page.getByLabel("From", { exact: true }).fill("zone:branch");
      await page.getByLabel("To", { exact: true }).fill("asset:hq-print-1");
      await page.getByLabel("Services", { exact: true }).fill("https");
      const live = page.getByRole("region", { name: "Live risk check" });
      await live.getByLabel("Risk score").waitFor();
      await expect.poll(() => live.textContent()).toContain("tcp/443 from 10.11.0.0/16 to 10.10.30.10");
      await page.getByLabel("Ticket", { exact: true }).fill("CHG-4711");
      await page
        .getByLabel("Justification", { exact: true })
        .fill("Branch staff print to the head office printer");
      await screenshot(page, "requests");
      await page.getByRole("button", { name: "File request" }).click();
      await page.getByRole("heading", { name: "Request #1" }).waitFor();
      await page.getByRole("button", { name: "Withdraw" }).waitFor();
      expect(await page.getByRole("button", { name: "Approve" }).count()).toBe(0);
      expect(errors).toEqual([]);
      await rita.close();

      const abe = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const approverPage = await abe.newPage();
      const approverErrors = watchErrors(approverPage);
      await signInAs(approverPage, rampart, "abe", approverTotp);
      await approverPage.goto(`${rampart.url}/requests`);
      await approverPage.getByRole("link", { name: "#1" }).click();
      const detail = approverPage.getByRole("region", { name: "Request #1" });
      await detail.getByText("Branch staff print to the head office printer").waitFor();
      await detail.getByLabel("Risk score").waitFor();
      await detail.getByLabel("Comment", { exact: true }).fill("Fine for the branch printers");
      await screenshot(approverPage, "request-detail");
      await detail.getByRole("button", { name: "Approve" }).click();
      await expect.poll(() => detail.locator(".verdict").first().textContent()).toBe("approved");
      await expect.poll(() => detail.textContent()).toContain("Fine for the branch printers");
      const row = approverPage.locator(".data-table tbody tr", { hasText: "#1" });
      await expect.poll(() => row.textContent()).toContain("approved");
      expect(approverErrors).toEqual([]);
      await abe.close();
    });
  },
);
