// Checks on the files and messages of a proposed policy version, before anything is parsed or stored.

import type { PolicyFile } from "../store.js";
import { type Problem, problem } from "./problem.js";

export const MAX_FILES = 500;
export const MAX_BYTES = 5 * 1024 * 1024;
export const MAX_MESSAGE = 2000;

const encoder = new TextEncoder();

/** Why a path cannot hold a policy file, or undefined when it can. */
function pathProblem(path: string): string | undefined {
  if (path.length === 0 || path.length > 300) return "paths are 1 to 300 characters";
  if (path.includes("\\") || [...path].some((c) => c.charCodeAt(0) < 32))
    return "paths use forward slashes and no control characters";
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) return "paths are relative";
  const parts = path.split("/");
  if (parts.some((p) => p === "" || p === "." || p === "..")) return 'paths have no empty, "." or ".." parts';
  // A folder is read without its hidden entries, so such a file would vanish on export and import.
  if (parts.some((p) => p.startsWith("."))) return 'no part of a path starts with "."';
  if (!/\.ya?ml$/i.test(path)) return "policy files end in .yaml or .yml";
  return undefined;
}

/** Every problem of a file list as one message (the first few named), or undefined when it is acceptable. */
export function checkFiles(files: unknown): Problem | undefined {
  if (!Array.isArray(files))
    return problem("invalid-input", "Invalid files: expected a list of {path, text}");
  if (files.length === 0) return problem("invalid-input", "Invalid files: a policy needs at least one file");
  if (files.length > MAX_FILES)
    return problem(
      "invalid-input",
      `Invalid files: ${files.length} files, at most ${MAX_FILES} are accepted`,
    );
  const issues: string[] = [];
  const seen = new Set<string>();
  let bytes = 0;
  for (const [i, f] of files.entries()) {
    const file = f as Partial<PolicyFile> | null;
    if (typeof file?.path !== "string" || typeof file.text !== "string") {
      issues.push(`file #${i + 1} is not {path, text}`);
      continue;
    }
    const why = pathProblem(file.path);
    if (why) issues.push(`"${file.path.slice(0, 300)}": ${why}`);
    else if (seen.has(file.path)) issues.push(`"${file.path}" is given twice`);
    seen.add(file.path);
    bytes += encoder.encode(file.text).length;
  }
  if (bytes > MAX_BYTES) issues.push(`${bytes} bytes in all, at most ${MAX_BYTES} (5 MB) are accepted`);
  if (issues.length === 0) return undefined;
  const more = issues.length > 5 ? `; and ${issues.length - 5} more` : "";
  return problem("invalid-input", `Invalid files: ${issues.slice(0, 5).join("; ")}${more}`);
}

export function checkMessage(message: unknown, what = "message"): Problem | undefined {
  if (typeof message !== "string" || message.trim().length === 0)
    return problem("invalid-input", `Invalid ${what}: say what the change is for`);
  if (message.length > MAX_MESSAGE)
    return problem("invalid-input", `Invalid ${what}: longer than ${MAX_MESSAGE} characters`);
  return undefined;
}

/** Usernames are case-insensitive ("Alice" and "alice" are one user), so four eyes compares them so too. */
export function sameUser(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
