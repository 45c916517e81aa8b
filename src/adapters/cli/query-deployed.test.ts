import { cpSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeployedReachReport } from "../../app/deployed.js";
import {
  ACME_DIR,
  compileAcme,
  editOnce,
  lineOf,
  loadAcme,
  writeFolder,
} from "../../../test/support/deployed.js";
import { runCli, runCliJson } from "./testing.js";

const PAYMENTS_V4 =
  "access-list RAMPART-DC-FW extended permit tcp object-group shop-app-to-db-src-v4 10.20.50.10 255.255.255.254 eq 9443 log";
const DEFAULT_DENY = "access-list RAMPART-DC-FW extended deny ip any any";
const QUESTION = ["--from", "app:shop/app", "--to", "app:payments/api", "--service", "tcp/9443"];

let dir: string;
let dcEdited: string;

beforeAll(() => {
  const compiled = compileAcme(loadAcme(), ["edge-fw", "dc-fw", "core-fw"]);
  dir = writeFolder(compiled, "out");
  dcEdited = editOnce(compiled.get("dc-fw.asa")!, `${PAYMENTS_V4}\n`, "");
  writeFolder(new Map([...compiled, ["dc-fw.asa", dcEdited], ["notes.txt", "hello\n"]]), "edited", dir);
  cpSync(ACME_DIR, join(dir, "acme"), { recursive: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("rampart query reach --deployed", () => {
  it("answers from the deployed configurations, point by point", async () => {
    const r = await runCli(["query", "reach", "acme", "--deployed", "out", ...QUESTION], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("allow: all of this traffic gets through the deployed configurations\n");
    expect(r.stdout).toContain("(the policy's intent says allow, exactly the same packets)\n");
    expect(r.stdout).toContain("  edge-fw (nftables, out/edge-fw.nft): lets all of it through\n");
    expect(r.stdout).toContain("  dc-fw (cisco-asa, out/dc-fw.asa): lets all of it through\n");
  });

  it("names the point and the line that drop part of the question, and --expect fails on it", async () => {
    const r = await runCli(
      ["query", "reach", "acme", "--deployed", "edited", ...QUESTION, "--expect", "allow"],
      {
        cwd: dir,
      },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("rampart: expected allow, but the verdict is partial\n");
    expect(r.stdout).toContain(
      "partial: part of this traffic gets through the deployed configurations, part is dropped\n",
    );
    expect(r.stdout).toContain(
      [
        "  dc-fw (cisco-asa, edited/dc-fw.asa): drops:",
        "    tcp/9443 from 10.20.10.11, 10.20.10.12 to 10.20.50.10/31",
        "      e.g. tcp 10.20.10.11:0 -> 10.20.50.10:9443",
        `      config: edited/dc-fw.asa:${lineOf(dcEdited, DEFAULT_DENY)}: ${DEFAULT_DENY}`,
      ].join("\n"),
    );
    expect(r.stdout).toContain("Not read (named after no enforcement point): edited/notes.txt\n");
  });

  it("gives the documented JSON", async () => {
    const r = await runCliJson<DeployedReachReport>(
      ["query", "reach", "acme", "--deployed", "edited", ...QUESTION, "--json"],
      { cwd: dir },
    );
    expect(r.json).toMatchObject({
      verdict: "partial",
      emptyQuery: false,
      denied: ["tcp/9443 from 10.20.10.11, 10.20.10.12 to 10.20.50.10/31"],
      unfiltered: [],
      missing: [],
      intent: { verdict: "allow", same: false },
      unmatchedFiles: ["edited/notes.txt"],
      example: { src: "10.20.10.11", dst: "10.20.50.10", proto: "tcp", dport: 9443 },
    });
    expect(r.json.path.map((p) => [p.point, p.target, p.status, p.files, p.blocks.length])).toEqual([
      ["edge-fw", "nftables", "deployed", ["edited/edge-fw.nft"], 0],
      ["dc-fw", "cisco-asa", "deployed", ["edited/dc-fw.asa"], 1],
    ]);
  });

  it("warns about a point on the path with no configuration and counts it as dropping everything", async () => {
    const partial = writeFolder(new Map([["dc-fw.asa", dcEdited]]), "only-dc", dir);
    const r = await runCliJson<DeployedReachReport>(
      ["query", "reach", "acme", "--deployed", "only-dc", ...QUESTION, "--json"],
      { cwd: partial },
    );
    expect(r.json.verdict).toBe("deny");
    expect(r.json.missing).toEqual(["edge-fw"]);
    expect(r.stderr).toBe(
      'rampart: no configuration in "only-dc" for "edge-fw": counted as letting nothing through\n',
    );
  });

  it("keeps answering from the intent without --deployed", async () => {
    const r = await runCli(["query", "reach", "acme", ...QUESTION], { cwd: dir });
    expect(r.stdout.startsWith("allow: all of this traffic is allowed\n")).toBe(true);
  });

  it("says so when DIR cannot be read", async () => {
    const r = await runCli(["query", "reach", "acme", "--deployed", "nowhere", ...QUESTION], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^rampart: Cannot read "nowhere": /);
  });
});
