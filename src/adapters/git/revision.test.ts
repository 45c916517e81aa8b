import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gitIn } from "../../../test/support/git-repo.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isGitRevision, readPolicyAtRevision } from "./revision.js";

let repo: string;
const git = gitIn(() => repo);
const write = (path: string, text: string) => {
  mkdirSync(join(repo, path, ".."), { recursive: true });
  writeFileSync(join(repo, path), text);
};

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), "rampart-git-"));
  git("init", "-q", "-b", "main");
  write("policy/zones.yaml", "zones: {}\n");
  write("policy/rules/flows.yaml", "flows: []\n");
  write("policy/.gitlab-ci.yml", "hidden: true\n");
  write("policy/README.md", "not policy\n");
  write("other.yaml", "outside: true\n");
  git("add", ".");
  git("commit", "-q", "-m", "one");
  write("policy/rules/flows.yaml", "flows: [changed]\n");
  git("commit", "-q", "-am", "two");
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe("isGitRevision", () => {
  it("knows branches, HEAD~N and commits, and refuses the rest", async () => {
    expect(await isGitRevision(repo, "main")).toBe(true);
    expect(await isGitRevision(repo, "HEAD~1")).toBe(true);
    expect(await isGitRevision(repo, "no-such-branch")).toBe(false);
    expect(await isGitRevision(repo, "--help")).toBe(false);
    expect(await isGitRevision(tmpdir(), "HEAD")).toBe(false);
  });
});

describe("readPolicyAtRevision", () => {
  it("reads the YAML files under the folder at that revision, hidden ones left out, named REV:PATH", async () => {
    const r = await readPolicyAtRevision(repo, "HEAD~1", "policy");
    expect(r).toEqual({
      ok: true,
      sources: [
        { path: "HEAD~1:policy/rules/flows.yaml", text: "flows: []\n" },
        { path: "HEAD~1:policy/zones.yaml", text: "zones: {}\n" },
      ],
    });
    const now = await readPolicyAtRevision(repo, "main", "policy/rules/flows.yaml");
    expect(now).toEqual({
      ok: true,
      sources: [{ path: "main:policy/rules/flows.yaml", text: "flows: [changed]\n" }],
    });
  });

  it("takes PATH relative to a working folder inside the repository", async () => {
    const r = await readPolicyAtRevision(join(repo, "policy"), "HEAD", ".");
    expect(r.ok && r.sources.map((s) => s.path)).toEqual(["HEAD:rules/flows.yaml", "HEAD:zones.yaml"]);
  });

  it("says so when the revision or the folder holds no policy", async () => {
    expect(await readPolicyAtRevision(repo, "HEAD", "nowhere")).toEqual({
      ok: false,
      message: 'Cannot read policy "nowhere" at revision "HEAD": no .yaml or .yml file there',
    });
    const bad = await readPolicyAtRevision(repo, "no-such-rev", "policy");
    expect(bad.ok).toBe(false);
    expect(await readPolicyAtRevision(repo, "HEAD", "../x")).toEqual({
      ok: false,
      message: 'Cannot read "../x" at revision "HEAD": it is outside the repository',
    });
  });
});
