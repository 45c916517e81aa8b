import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TESTDATA } from "./testing.js";

const ROOT = join(TESTDATA, "../../../..");
const built = existsSync(join(ROOT, "dist/src/adapters/cli/main.js"));
const example = existsSync(join(ROOT, "examples/acme"));

// End to end through the installed entry point: needs `npm run build` first, so it says so and skips otherwise.
describe.skipIf(!built || !example)(
  "bin/rampart.js (skipped unless dist/ is built and examples/acme exists)",
  () => {
    it("validates examples/acme in a real process: output, exit code, no stack trace", () => {
      const r = spawnSync(process.execPath, ["bin/rampart.js", "validate", "examples/acme"], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, RAMPART_TODAY: "2025-06-15", NO_COLOR: "1" },
      });
      expect(r.stderr).toBe("");
      expect(r.stdout).toMatch(/^acme: \d+ zones, .*; 0 errors, /m);
      expect(r.status).toBe(0);
    });
  },
);
