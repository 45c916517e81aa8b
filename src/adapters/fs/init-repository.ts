// Creates a new policy repository by copying the example organization shipped with the package.

import { cp, mkdir, readdir, stat } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import { describeFsError } from "./errors.js";
import { findPackageRoot } from "./package-root.js";

export type InitResult = { ok: true; dir: string; files: string[] } | { ok: false; message: string };

/** Entries that may already be in the target: a repository made with `git init` first is still "empty". */
const ALLOWED_EXISTING: ReadonlySet<string> = new Set([".git"]);

/**
 * Copies examples/acme into `dir` (relative to `cwd`), creating it if needed. Refuses a folder that holds
 * anything, so nothing of the user's is ever overwritten.
 */
export async function initRepository(dir: string, cwd: string): Promise<InitResult> {
  const fail = (message: string): InitResult => ({ ok: false, message });
  const root = findPackageRoot();
  const example = root && join(root, "examples", "acme");
  if (!example || !(await isFolder(example)))
    return fail(
      "Cannot create a policy: the example policy (examples/acme) is missing from this installation",
    );
  const target = resolve(cwd, dir);
  const info = await stat(target).catch(() => undefined);
  if (info && !info.isDirectory()) return fail(`Cannot create a policy in "${dir}": it is a file`);
  if (info) {
    const entries = (await readdir(target)).filter((e) => !ALLOWED_EXISTING.has(e));
    if (entries.length > 0) return fail(`Cannot create a policy in "${dir}": the folder is not empty`);
  }
  try {
    await mkdir(target, { recursive: true });
    await cp(example, target, { recursive: true, errorOnExist: true, force: false });
  } catch (e) {
    return fail(`Cannot create a policy in "${dir}": ${describeFsError(e as NodeJS.ErrnoException)}`);
  }
  const files = (await listFiles(target)).map((f) => relative(target, f).split(sep).join("/")).sort();
  return { ok: true, dir: relative(cwd, target).split(sep).join("/") || ".", files };
}

async function isFolder(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.name === ".git") continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else out.push(p);
  }
  return out;
}
