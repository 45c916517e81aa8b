// Golden files: the expected output lives beside the test. UPDATE_GOLDEN=1 rewrites it; a mismatch writes
// NAME.actual next to it (for a diff) and fails.

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { expect } from "vitest";

export function expectGolden(path: string, actual: string): void {
  const update = process.env["UPDATE_GOLDEN"] === "1";
  const actualPath = `${path}.actual`;
  if (update || !existsSync(path)) {
    if (!update && (process.env["CI"] || process.env["RAMPART_REQUIRE_ORACLES"] === "1"))
      throw new Error(`Golden file ${path} is missing; run the tests with UPDATE_GOLDEN=1 and commit it`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    rmSync(actualPath, { force: true });
    return;
  }
  const expected = readFileSync(path, "utf8");
  if (expected === actual) {
    rmSync(actualPath, { force: true });
    return;
  }
  writeFileSync(actualPath, actual);
  expect(actual, `${path} differs; see ${actualPath} (UPDATE_GOLDEN=1 accepts it)`).toBe(expected);
}
