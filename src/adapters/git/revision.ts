// Reading a policy as it was at a git revision: `git ls-tree` for the file list, `git cat-file --batch` for
// the contents, so nothing is checked out and the working tree is never touched.

import { spawn } from "node:child_process";
import { posix } from "node:path";
import type { PolicySource } from "../../core/policy/types.js";

interface GitOutput {
  readonly code: number;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Runs git with arguments (never through a shell); a missing git is reported as exit code 127. */
function runGit(args: readonly string[], cwd: string, input?: string): Promise<GitOutput> {
  return new Promise((resolvePromise) => {
    const child = spawn("git", args, { cwd, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => (err += b.toString("utf8")));
    child.on("error", (e) => resolvePromise({ code: 127, stdout: Buffer.alloc(0), stderr: e.message }));
    child.on("close", (code) => resolvePromise({ code: code ?? 1, stdout: Buffer.concat(out), stderr: err }));
    child.stdin.on("error", () => undefined);
    child.stdin.end(input ?? "");
  });
}

/** Whether `rev` names a commit of the repository `cwd` is in (false outside a repository or without git). */
export async function isGitRevision(cwd: string, rev: string): Promise<boolean> {
  if (rev === "" || rev.startsWith("-")) return false;
  const r = await runGit(["rev-parse", "--verify", "--quiet", `${rev}^{commit}`], cwd);
  return r.code === 0;
}

export type RevisionFilesResult = { ok: true; sources: PolicySource[] } | { ok: false; message: string };

const YAML = /\.ya?ml$/i;

/**
 * The policy at `path` (relative to `cwd`, a file or a folder) as it is in revision `rev`: every *.yaml and
 * *.yml file under it, hidden entries and node_modules skipped, as `readPolicyFiles` reads the working tree.
 * Each source is named "REV:PATH", PATH relative to `cwd`, so diagnostics say which version they are about.
 */
export async function readPolicyAtRevision(
  cwd: string,
  rev: string,
  path: string,
): Promise<RevisionFilesResult> {
  const top = await runGit(["rev-parse", "--show-toplevel", "--show-prefix"], cwd);
  if (top.code !== 0)
    return { ok: false, message: `Cannot read revision "${rev}": ${firstLine(top.stderr)}` };
  const [root = "", prefix = ""] = top.stdout.toString("utf8").split("\n");
  const target = posix.normalize(posix.join(prefix, path.split("\\").join("/")));
  if (target.startsWith("..") || posix.isAbsolute(target))
    return { ok: false, message: `Cannot read "${path}" at revision "${rev}": it is outside the repository` };
  const pathspec = target === "." ? [] : ["--", target];
  const list = await runGit(["ls-tree", "-r", "-z", rev, ...pathspec], root);
  if (list.code !== 0)
    return { ok: false, message: `Cannot read revision "${rev}": ${firstLine(list.stderr)}` };
  const base = target === "." ? "" : target;
  const blobs: { oid: string; file: string }[] = [];
  for (const entry of list.stdout.toString("utf8").split("\0")) {
    const m = /^(\d+) (\w+) ([0-9a-f]+)\t(.*)$/s.exec(entry);
    if (!m || m[2] !== "blob" || m[1] === "120000") continue;
    const file = m[4]!;
    const inside = base === "" || file === base ? posix.basename(file) : posix.relative(base, file);
    if (inside.startsWith("..")) continue;
    const parts = inside.split("/");
    if (parts.some((p) => p.startsWith(".") || p === "node_modules")) continue;
    if (!YAML.test(file)) continue;
    blobs.push({ oid: m[3]!, file });
  }
  if (blobs.length === 0)
    return {
      ok: false,
      message: `Cannot read policy "${path}" at revision "${rev}": no .yaml or .yml file there`,
    };
  const batch = await runGit(["cat-file", "--batch"], root, blobs.map((b) => b.oid).join("\n") + "\n");
  if (batch.code !== 0)
    return { ok: false, message: `Cannot read revision "${rev}": ${firstLine(batch.stderr)}` };
  const texts = parseBatch(batch.stdout);
  const sources = blobs.map((b, i) => ({
    path: `${rev}:${posix.relative(prefix.replace(/\/$/, ""), b.file) || b.file}`,
    text: texts[i] ?? "",
  }));
  sources.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { ok: true, sources };
}

/** Splits `git cat-file --batch` output: per object, "<oid> <type> <size>\n<content>\n". */
function parseBatch(out: Buffer): string[] {
  const texts: string[] = [];
  let at = 0;
  while (at < out.length) {
    const nl = out.indexOf(0x0a, at);
    if (nl < 0) break;
    const header = out.subarray(at, nl).toString("utf8").split(" ");
    const size = Number(header[2]);
    if (!Number.isFinite(size)) break;
    texts.push(out.subarray(nl + 1, nl + 1 + size).toString("utf8"));
    at = nl + 1 + size + 1;
  }
  return texts;
}

function firstLine(s: string): string {
  return s.trim().split("\n")[0] || "git failed";
}
