// Reads a policy from disk: one YAML file, or every .yaml/.yml file under a folder, in a stable order.

import { readdir, readFile, stat } from "node:fs/promises";
import { basename, extname, join, relative, resolve, sep } from "node:path";
import type { PolicySource } from "../../core/policy/types.js";
import { describeFsError as describeError } from "./errors.js";

export interface PolicyFiles {
  /** A short name for summaries: the folder's name, or the file's without its extension. */
  readonly name: string;
  /** Sorted by path; paths relative to the working folder, with "/" separators. */
  readonly sources: PolicySource[];
}

export type PolicyFilesResult = { ok: true; files: PolicyFiles } | { ok: false; message: string };

const YAML_EXTENSIONS: ReadonlySet<string> = new Set([".yaml", ".yml"]);

/**
 * Reads the policy at `path` (relative to `cwd`). A folder means every *.yaml and *.yml file under it, at any
 * depth, skipping hidden entries (".git", ".gitlab-ci.yml" are not policy) and node_modules.
 */
export async function readPolicyFiles(path: string, cwd: string): Promise<PolicyFilesResult> {
  const absolute = resolve(cwd, path);
  const info = await stat(absolute).catch((e: unknown) => e as NodeJS.ErrnoException);
  if (info instanceof Error) return fail(`Cannot read policy "${path}": ${describeError(info)}`);
  const show = (p: string) => relative(cwd, p).split(sep).join("/") || ".";
  let files: string[];
  if (info.isDirectory()) {
    const found = await findYamlFiles(absolute).catch((e: unknown) => e as NodeJS.ErrnoException);
    if (found instanceof Error) return fail(`Cannot read policy folder "${path}": ${describeError(found)}`);
    if (found.length === 0)
      return fail(`Cannot read policy "${path}": the folder holds no .yaml or .yml file`);
    files = found;
  } else {
    files = [absolute];
  }
  const entries = files.map((f) => ({ absolute: f, shown: show(f) }));
  entries.sort((a, b) => (a.shown < b.shown ? -1 : a.shown > b.shown ? 1 : 0));
  const sources: PolicySource[] = [];
  for (const e of entries) {
    const text = await readFile(e.absolute, "utf8").catch((err: unknown) => err as NodeJS.ErrnoException);
    if (text instanceof Error) return fail(`Cannot read policy file "${e.shown}": ${describeError(text)}`);
    sources.push({ path: e.shown, text });
  }
  const name = info.isDirectory() ? basename(absolute) : basename(absolute, extname(absolute));
  return { ok: true, files: { name: name || "policy", sources } };
}

/**
 * Reads a policy repository to store it as a version: the same files, with paths relative to the repository
 * (a folder) or the file's own name, so that where the server was started from is not part of the policy.
 */
export async function readPolicyRepository(path: string, cwd: string): Promise<PolicyFilesResult> {
  const absolute = resolve(cwd, path);
  const info = await stat(absolute).catch(() => undefined);
  return info?.isDirectory()
    ? readPolicyFiles(".", absolute)
    : readPolicyFiles(basename(absolute), resolve(absolute, ".."));
}

async function findYamlFiles(folder: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const p = join(folder, entry.name);
    // A symbolic link is followed to a file but not into a folder, which could loop.
    const isFile = entry.isFile() || (entry.isSymbolicLink() && (await isFileTarget(p)));
    if (entry.isDirectory()) out.push(...(await findYamlFiles(p)));
    else if (isFile && YAML_EXTENSIONS.has(extname(entry.name).toLowerCase())) out.push(p);
  }
  return out;
}

async function isFileTarget(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isFile(),
    () => false,
  );
}

function fail(message: string): PolicyFilesResult {
  return { ok: false, message };
}
