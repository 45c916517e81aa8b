import { describe, expect, it } from "vitest";
import { browserSkip, useConsoleServer, screenshot, signIn, watchErrors } from "./harness.js";

const skip = browserSkip();

describe.skipIf(skip !== undefined)(`the web console in Chromium${skip ? ` (skipped: ${skip})` : ""}`, () => {
  const env = useConsoleServer();

  it("signs the admin in with TOTP and shows the dashboard filled with the example's data", async () => {
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(env.rampart.url);
    await page.waitForURL(/\/login$/);
    await signIn(page, env.rampart);
    await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
    const zones = page.locator(".stat", { hasText: "Zones" }).locator("dd");
    await expect.poll(() => zones.textContent()).toBe("13");
    await page.getByRole("cell", { name: "hr-legacy-export" }).waitFor();
    await expect.poll(() => page.locator(".user-box").textContent()).toContain("admin");
    await screenshot(page, "dashboard");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("collapses the sidebar behind a menu button on a narrow screen", async () => {
    const context = await env.browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await signIn(page, env.rampart);
    await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
    const matrix = page.getByRole("link", { name: "Matrix" });
    expect(await matrix.isVisible()).toBe(false);
    await page.getByRole("button", { name: "Menu" }).click();
    await screenshot(page, "dashboard-narrow-menu");
    await matrix.click();
    await page.getByRole("heading", { name: "Zone matrix", level: 1 }).waitFor();
    expect(await matrix.isVisible()).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  });
});
