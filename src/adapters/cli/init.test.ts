import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli, runCliJson, TESTDATA } from "./testing.js";

const ACME = join(TESTDATA, "../../../../examples/acme");
const dir = mkdtempSync(join(tmpdir(), "rampart-init-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!existsSync(ACME))("rampart init (skipped when examples/acme is absent)", () => {
  it("copies the example into a new folder, prints next steps, and the copy validates", async () => {
    const r = await runCli(["init", "my-policy"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^Created a policy in my-policy from the Acme example \(\d+ files\)\.\n/);
    expect(r.stdout).toContain("Next steps:\n  cd my-policy\n  rampart validate");
    expect(readdirSync(join(dir, "my-policy")).sort()).toEqual(readdirSync(ACME).sort());
    const v = await runCli(["validate", "my-policy"], { cwd: dir });
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^my-policy: .*; 0 errors/m);
  });

  it("--json lists the files created", async () => {
    const r = await runCliJson<{ dir: string; files: string[] }>(["init", "nested/json-policy", "--json"], {
      cwd: dir,
    });
    expect(r.code).toBe(0);
    expect(r.json.dir).toBe("nested/json-policy");
    expect(r.json.files).toEqual(readdirSync(ACME).sort());
  });

  it("accepts an empty folder, and one that only holds .git", async () => {
    mkdirSync(join(dir, "empty"));
    expect((await runCli(["init", "empty"], { cwd: dir })).code).toBe(0);
    mkdirSync(join(dir, "repo", ".git"), { recursive: true });
    expect((await runCli(["init", "repo"], { cwd: dir })).code).toBe(0);
  });

  it("refuses a folder that is not empty, or a file, touching nothing", async () => {
    mkdirSync(join(dir, "busy"));
    writeFileSync(join(dir, "busy", "notes.txt"), "mine");
    const busy = await runCli(["init", "busy"], { cwd: dir });
    expect(busy).toEqual({
      code: 2,
      stdout: "",
      stderr: 'rampart: Cannot create a policy in "busy": the folder is not empty\n',
    });
    expect(readdirSync(join(dir, "busy"))).toEqual(["notes.txt"]);
    writeFileSync(join(dir, "a-file"), "");
    const file = await runCli(["init", "a-file"], { cwd: dir });
    expect(file.code).toBe(2);
    expect(file.stderr).toBe('rampart: Cannot create a policy in "a-file": it is a file\n');
  });
});

describe("rampart init usage", () => {
  it("requires DIR", async () => {
    const r = await runCli(["init"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: missing required argument 'dir'/);
  });
});
