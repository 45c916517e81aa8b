// The console with a generated organization of 2,000 assets: dashboard, map (zone view) and matrix render
// without console errors. Times are logged, never asserted (speed is measured in the bench).

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  browserSkip,
  ensureBuilt,
  launchBrowser,
  ROOT,
  screenshot,
  signIn,
  startRampart,
  watchErrors,
  type Rampart,
} from "./harness.js";

const skip = browserSkip();

const ASSETS = 2000;

/** Writes the generated organization with the project's own generator, as `npm run bench` sees it. */
function generateOrganization(dir: string): void {
  const r = spawnSync(
    process.execPath,
    ["dist/bench/generate-policy.js", "--assets", String(ASSETS), "--flows", "3000", "--out-dir", dir],
    { cwd: ROOT, encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`Cannot generate the organization: ${r.stderr || r.stdout}`);
}

/** Runs a step and logs how long it took: the numbers are for people, not for assertions. */
async function timed<T>(label: string, step: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await step();
  console.log(`scale: ${label} took ${Math.round(performance.now() - start)} ms`);
  return result;
}

async function visit(page: Page, link: string, heading: string): Promise<void> {
  await page.getByRole("link", { name: link, exact: true }).click();
  await page.getByRole("heading", { name: heading, level: 1 }).waitFor();
}

describe.skipIf(skip !== undefined)(
  `the console with ${ASSETS} assets${skip ? ` (skipped: ${skip})` : ""}`,
  () => {
    let folder: string;
    let rampart: Rampart;
    let browser: Browser;

    beforeAll(async () => {
      ensureBuilt();
      folder = mkdtempSync(join(tmpdir(), "rampart-scale-"));
      generateOrganization(folder);
      rampart = await timed("starting the server", () => startRampart(folder));
      browser = await launchBrowser();
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await rampart?.stop();
      if (folder) rmSync(folder, { recursive: true, force: true });
    });

    it("draws the dashboard, the zone map and the matrix of a generated organization", async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      page.setDefaultTimeout(45_000);
      const errors = watchErrors(page);
      await signIn(page, rampart);
      await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
      // The posture comes from the loaded policy: once it shows, the server has opened the organization.
      const assets = page.locator(".stat", { hasText: "Assets" }).locator("dd");
      await timed("dashboard posture", () =>
        expect.poll(() => assets.textContent(), { timeout: 45_000 }).toBe("2000"),
      );
      // Findings counted per severity and each point's drift, both linking to the page that tells more.
      await page.getByRole("link", { name: /^\d+ warnings$/ }).waitFor();
      await page.getByRole("link", { name: "fw-edge" }).waitFor();
      await expect
        .poll(() => page.getByRole("row", { name: /fw-edge/ }).textContent())
        .toContain("not compiled");
      await screenshot(page, "dashboard-2000");

      await visit(page, "Map", "Map");
      const canvas = page.getByTestId("map-canvas");
      await timed("map drawn", () =>
        expect.poll(() => canvas.getAttribute("data-nodes"), { timeout: 45_000 }).not.toBeNull(),
      );
      // Too many assets to draw one by one: the map falls back to zones with the flows between them aggregated.
      const nodes = Number(await canvas.getAttribute("data-nodes"));
      expect(nodes).toBeGreaterThanOrEqual(20);
      expect(nodes).toBeLessThan(ASSETS);
      await screenshot(page, "map-2000");

      await visit(page, "Matrix", "Zone matrix");
      const cells = page.getByRole("button", { name: /^From \S+ to \S+:/ });
      await timed("matrix drawn", () => expect.poll(() => cells.count(), { timeout: 45_000 }).toBe(20 * 20));
      await screenshot(page, "matrix-2000");
      expect(errors).toEqual([]);
      await context.close();
    }, 150_000);
  },
);
