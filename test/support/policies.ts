// Policies for compile tests: the bundled example and small fixtures, loaded the way the CLI loads them.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadPolicy, type LoadedPolicy } from "../../src/core/policy/load.js";
import type { PolicySource } from "../../src/core/policy/types.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const ACME = join(ROOT, "examples/acme");
/** The day the example and fixtures are judged on (the example has one deliberately expired flow). */
export const TEST_TODAY = "2025-06-15";

export function loadFolder(dir: string, today = TEST_TODAY): LoadedPolicy {
  const sources: PolicySource[] = readdirSync(dir)
    .filter((f) => f.endsWith(".yaml") || f.endsWith(".yml"))
    .sort()
    .map((f) => ({ path: join(dir, f), text: readFileSync(join(dir, f), "utf8") }));
  return loadPolicy(sources, { today });
}

export function loadText(text: string, today = TEST_TODAY): LoadedPolicy {
  return loadPolicy([{ path: "policy.yaml", text }], { today });
}
