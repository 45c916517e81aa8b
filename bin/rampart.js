#!/usr/bin/env node
// Entry point installed as `rampart`: runs the compiled CLI.
import "../dist/src/adapters/cli/main.js";
