// Configuration files on disk: written atomically (compile), read back with names shown relative to cwd.

import { mkdir, readdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import type { ConfigFile } from "../../core/import/model.js";
import { describeFsError } from "./errors.js";

export type FsResult<T> = { ok: true; value: T } | { ok: false; message: string };

function shown(cwd: string, p: string): string {
  return relative(cwd, p).split(sep).join("/") || ".";
}

/** Writes each file into `dir` (created if needed) through a temporary name, so a reader never sees half. */
export async function writeConfigFiles(
  dir: string,
  cwd: string,
  files: readonly { name: string; text: string }[],
): Promise<FsResult<string[]>> {
  const base = resolve(cwd, dir);
  try {
    await mkdir(base, { recursive: true });
    const written: string[] = [];
    for (const f of files) {
      const path = join(base, f.name);
      const tmp = `${path}.tmp-${process.pid}`;
      await writeFile(tmp, f.text);
      await rename(tmp, path);
      written.push(shown(cwd, path));
    }
    return { ok: true, value: written };
  } catch (e) {
    return { ok: false, message: `Cannot write to "${dir}": ${describeFsError(e as NodeJS.ErrnoException)}` };
  }
}

/** Reads configuration files; a folder means every regular file in it (not below), sorted by name. */
export async function readConfigFiles(
  paths: readonly string[],
  cwd: string,
): Promise<FsResult<ConfigFile[]>> {
  const out: ConfigFile[] = [];
  for (const p of paths) {
    const abs = resolve(cwd, p);
    try {
      const info = await stat(abs);
      const files = info.isDirectory()
        ? (await readdir(abs, { withFileTypes: true }))
            .filter((e) => e.isFile() && !e.name.startsWith("."))
            .map((e) => join(abs, e.name))
            .sort()
        : [abs];
      for (const f of files) out.push({ name: shown(cwd, f), text: await readFile(f, "utf8") });
    } catch (e) {
      return { ok: false, message: `Cannot read "${p}": ${describeFsError(e as NodeJS.ErrnoException)}` };
    }
  }
  return { ok: true, value: out };
}

/** The files of `names` that exist in `dir`, for comparing with what compile would write. */
export async function readExistingFiles(
  dir: string,
  cwd: string,
  names: readonly string[],
): Promise<FsResult<ConfigFile[]>> {
  const out: ConfigFile[] = [];
  for (const name of names) {
    const abs = resolve(cwd, dir, name);
    try {
      out.push({ name: shown(cwd, abs), text: await readFile(abs, "utf8") });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === "ENOENT") continue;
      return { ok: false, message: `Cannot read "${shown(cwd, abs)}": ${describeFsError(err)}` };
    }
  }
  return { ok: true, value: out };
}
