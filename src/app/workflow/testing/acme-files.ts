// Test helper: the example organization's policy files, read once, as a policy version holds them.

import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { PolicyFile } from "../../store.js";

const folder = fileURLToPath(new URL("../../../../examples/acme/", import.meta.url));

export const ACME_FILES: readonly PolicyFile[] = readdirSync(folder)
  .filter((f) => f.endsWith(".yaml"))
  .sort()
  .map((f) => ({ path: f, text: readFileSync(folder + f, "utf8") }));
