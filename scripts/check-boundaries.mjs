#!/usr/bin/env node
// Import-boundary check: the core stays pure and imports point inward (net ← space ← policy ← … ← app ← adapters).
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, dirname, resolve, sep } from "node:path";

const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
const src = join(root, "src");

// Layer rank: a module may import only from layers of lower or equal rank, and core/net from nothing else.
const layers = [
  ["core/net", 0],
  ["core/space", 1],
  ["core/policy", 2],
  ["core/compile", 3],
  ["core/import", 3],
  ["core/analysis", 4],
  ["core/classify", 3],
  ["core", 5],
  ["app", 6],
  ["adapters", 7],
];
// Packages the core may import: pure libraries with no I/O.
const corePackages = new Set(["yaml"]);
// Constructs that mean I/O, a clock, randomness or the environment.
const impure = [
  [/\bprocess\./, "process"],
  [/\bDate\.now\(/, "Date.now()"],
  [/new Date\(\)/, "new Date() without a value"],
  [/\bMath\.random\(/, "Math.random()"],
  [/\bconsole\./, "console"],
  [/\b(setTimeout|setInterval|fetch)\(/, "timers or fetch"],
];

function layerOf(file) {
  const rel = relative(src, file).split(sep).join("/");
  for (const [prefix, rank] of layers)
    if (rel === prefix || rel.startsWith(prefix + "/")) return [prefix, rank];
  return ["src", 99];
}

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    // Tests, and the fixtures in testing/ folders that only tests import, may reach any layer (a real store).
    else if (p.endsWith(".ts") && !p.endsWith(".test.ts") && !p.split(sep).includes("testing")) yield p;
  }
}

const problems = [];
for (const file of walk(src)) {
  const [layer, rank] = layerOf(file);
  const text = readFileSync(file, "utf8");
  const rel = relative(root, file);
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    const m =
      /^\s*(?:import|export)\s[^"']*?from\s+["']([^"']+)["']|^\s*import\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/.exec(
        line,
      );
    const spec = m && (m[1] ?? m[2] ?? m[3]);
    if (spec) {
      if (spec.startsWith(".")) {
        const target = resolve(dirname(file), spec);
        const [tLayer, tRank] = layerOf(target);
        if (tRank > rank && !(layer === "core" && tLayer.startsWith("core")))
          problems.push(`${rel}:${i + 1}: ${layer} must not import ${tLayer} ("${spec}")`);
      } else if (layer.startsWith("core")) {
        const pkg = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
        if (!corePackages.has(pkg))
          problems.push(`${rel}:${i + 1}: the core must not import "${spec}" (I/O or impure package)`);
      }
    }
    if (layer.startsWith("core") && !/^\s*(\/\/|\*)/.test(line)) {
      for (const [re, what] of impure)
        if (re.test(line)) problems.push(`${rel}:${i + 1}: the core must not use ${what}`);
    }
  });
}

if (problems.length) {
  for (const p of problems) console.error(p);
  console.error(`${problems.length} boundary violation(s)`);
  process.exit(1);
}
console.log("boundaries: ok");
