import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readPolicyFiles } from "./policy-files.js";

const root = mkdtempSync(join(tmpdir(), "rampart-files-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, text = "zones: {}\n"): void {
  mkdirSync(join(root, path, ".."), { recursive: true });
  writeFileSync(join(root, path), text);
}

write("policy/zones.yaml");
write("policy/b/flows.yml");
write("policy/a/z.yaml");
write("policy/README.md", "# not policy");
write("policy/.github/workflows/ci.yml", "on: push\n");
write("policy/.pre-commit-config.yaml", "repos: []\n");
write("policy/node_modules/pkg/x.yaml");
write("policy/UPPER.YAML");
mkdirSync(join(root, "empty"));
write("single.yaml");

describe("readPolicyFiles", () => {
  it("reads every .yaml and .yml file under a folder, sorted by path, relative to cwd", async () => {
    const r = await readPolicyFiles("policy", root);
    expect(r.ok && r.files.sources.map((s) => s.path)).toEqual([
      "policy/UPPER.YAML",
      "policy/a/z.yaml",
      "policy/b/flows.yml",
      "policy/zones.yaml",
    ]);
    expect(r.ok && r.files.name).toBe("policy");
    expect(r.ok && r.files.sources[3]!.text).toBe("zones: {}\n");
  });

  it("skips hidden entries and node_modules", async () => {
    const r = await readPolicyFiles(join(root, "policy"), root);
    const paths = r.ok ? r.files.sources.map((s) => s.path) : [];
    expect(
      paths.some((p) => p.includes(".github") || p.includes(".pre-commit") || p.includes("node_modules")),
    ).toBe(false);
  });

  it("shows paths relative to cwd even from a subfolder or an absolute PATH", async () => {
    const r = await readPolicyFiles(join(root, "policy/a"), join(root, "policy"));
    expect(r.ok && r.files.sources.map((s) => s.path)).toEqual(["a/z.yaml"]);
    const here = await readPolicyFiles(".", join(root, "policy/b"));
    expect(here.ok && here.files).toMatchObject({ name: "b", sources: [{ path: "flows.yml" }] });
  });

  it("reads one file, named without its extension", async () => {
    const r = await readPolicyFiles("single.yaml", root);
    expect(r.ok && r.files).toEqual({
      name: "single",
      sources: [{ path: "single.yaml", text: "zones: {}\n" }],
    });
  });

  it("explains a missing path and a folder without YAML", async () => {
    expect(await readPolicyFiles("nope", root)).toEqual({
      ok: false,
      message: 'Cannot read policy "nope": no such file or folder',
    });
    expect(await readPolicyFiles("empty", root)).toEqual({
      ok: false,
      message: 'Cannot read policy "empty": the folder holds no .yaml or .yml file',
    });
  });
});
