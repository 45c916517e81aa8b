// Test fixtures for diff and deployed reach: the example policy, and its points compiled to configurations
// that tests then edit (so fixtures follow the compiler instead of going stale).

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compilePoint } from "../../src/core/compile/compile.js";
import { type LoadedPolicy, loadPolicy } from "../../src/core/policy/load.js";
import type { PolicySource } from "../../src/core/policy/types.js";

export const ACME_DIR = fileURLToPath(new URL("../../examples/acme/", import.meta.url));
export const FIXTURE_TODAY = "2025-06-15";

export function acmeSources(): PolicySource[] {
  return readdirSync(ACME_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => ({ path: `acme/${f}`, text: readFileSync(join(ACME_DIR, f), "utf8") }));
}

export function loadAcme(): LoadedPolicy {
  return loadPolicy(acmeSources(), { today: FIXTURE_TODAY });
}

/** The files `rampart compile` writes for these points, by file name. */
export function compileAcme(loaded: LoadedPolicy, points: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of points) {
    const point = loaded.resolved.points.find((p) => p.point.name === name);
    if (!point) throw new RangeError(`No point "${name}" in the example`);
    for (const f of compilePoint(loaded.intent, point).files) out.set(f.name, f.text);
  }
  return out;
}

/** Replaces exactly one occurrence of `from` (a test that edits a line that is not there must fail loudly). */
export function editOnce(text: string, from: string | RegExp, to: string): string {
  const count =
    typeof from === "string"
      ? text.split(from).length - 1
      : (text.match(new RegExp(from, "gm")) ?? []).length;
  if (count !== 1) throw new RangeError(`Expected one match of ${String(from)}, found ${count}`);
  return text.replace(from, to);
}

/** 1-based number of the only line equal to `line` (trimmed). */
export function lineOf(text: string, line: string): number {
  const lines = text.split("\n").map((l) => l.trim());
  const at = lines.indexOf(line.trim());
  if (at < 0 || lines.indexOf(line.trim(), at + 1) >= 0) throw new RangeError(`Expected one line "${line}"`);
  return at + 1;
}

/** Writes files into a new folder `name` under a fresh temporary folder; returns the temporary folder. */
export function writeFolder(
  files: Map<string, string>,
  name: string,
  base = mkdtempSync(join(tmpdir(), "rampart-diff-")),
): string {
  mkdirSync(join(base, name), { recursive: true });
  for (const [f, text] of files) writeFileSync(join(base, name, f), text);
  return base;
}
