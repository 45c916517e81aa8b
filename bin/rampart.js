#!/usr/bin/env node
// Entry point installed as `rampart`: runs the compiled CLI, or says how to build it.
import { existsSync } from "node:fs";

const main = new URL("../dist/src/adapters/cli/main.js", import.meta.url);
if (!existsSync(main)) {
  console.error("rampart: not built yet; run `bash scripts/setup.sh` in the project folder first");
  process.exit(2);
}
await import(main.href);
