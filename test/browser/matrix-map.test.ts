import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { browserSkip, useConsoleServer, screenshot, signIn, watchErrors } from "./harness.js";

const skip = browserSkip();

/** The number of nodes cytoscape drew, once it has drawn. */
async function drawnNodes(page: Page): Promise<number> {
  const canvas = page.getByTestId("map-canvas");
  await expect.poll(() => canvas.getAttribute("data-nodes")).not.toBeNull();
  return Number(await canvas.getAttribute("data-nodes"));
}

describe.skipIf(skip !== undefined)(`the matrix and map pages${skip ? ` (skipped: ${skip})` : ""}`, () => {
  const env = useConsoleServer();

  it("shows the acme zone matrix, opens a cell's flows, and draws and filters the map", async () => {
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await signIn(page, env.rampart);
    await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();

    await page.getByRole("link", { name: "Matrix" }).click();
    await page.getByRole("heading", { name: "Zone matrix", level: 1 }).waitFor();
    await page.getByRole("rowheader", { name: "guest-wifi" }).waitFor();
    await page.getByRole("columnheader", { name: "dmz" }).waitFor();
    // Risk needs the graph too: wait until the internet → dmz cell is rated.
    const cell = page.getByRole("button", {
      name: /^From internet to dmz: partly open, risk (medium|high|critical)/,
    });
    await cell.waitFor();
    await screenshot(page, "matrix");

    await cell.click();
    await page.getByRole("heading", { name: "internet → dmz" }).waitFor();
    await page.getByRole("cell", { name: "internet-to-shop-web" }).waitFor();
    await page.getByRole("link", { name: "edge-fw" }).waitFor();
    expect(page.url()).toContain("cell=internet%7Cdmz");
    // Arrow keys move to the next cell.
    await cell.focus();
    await page.keyboard.press("ArrowRight");
    await expect
      .poll(() => page.locator(":focus").getAttribute("aria-label"))
      .toMatch(/^From internet to corp:/);
    await screenshot(page, "matrix-cell");

    await page.getByRole("link", { name: "Map" }).click();
    await page.getByRole("heading", { name: "Map", level: 1 }).waitFor();
    const all = await drawnNodes(page);
    expect(all).toBeGreaterThan(50);
    await page.getByLabel("Select a node").selectOption("asset:card-db-1");
    await page.getByRole("heading", { name: "Asset card-db-1" }).waitFor();
    await expect.poll(() => page.locator(".mm-details").textContent()).toContain("payments-team");
    await screenshot(page, "map");

    await page.getByLabel("Data classification").selectOption("cardholder");
    await expect.poll(() => page.getByTestId("map-canvas").getAttribute("data-nodes")).not.toBe(String(all));
    const filtered = await drawnNodes(page);
    expect(filtered).toBeLessThan(all);
    expect(filtered).toBeGreaterThan(0);
    expect(page.url()).toContain("data=cardholder");
    await screenshot(page, "map-filtered");
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
