// The policy front-end: YAML files to the Policy model, every problem reported at its place, none fatal.

import { type Document, isMap, isScalar, LineCounter, parseDocument, visit } from "yaml";
import { type Diagnostic, diagnostic, type SourceLocation, sortDiagnostics } from "./diagnostics.js";
import { describe, NodeReader, scalarText } from "./parse-reader.js";
import { readAssertions, readEnforcement, readRules } from "./parse-rules.js";
import { readApplications, readAssets, readGroups, readServices, readZones } from "./parse-sections.js";
import type { Policy, PolicySource, Rule } from "./types.js";

const SECTIONS = [
  "zones",
  "services",
  "assets",
  "groups",
  "applications",
  "flows",
  "denies",
  "enforcement",
  "assertions",
] as const;
const TOP_KEYS: readonly string[] = [...SECTIONS, "version", "metadata"];

type MutablePolicy = { [K in keyof Policy]: Policy[K][number][] };

/**
 * Parses the files of a policy (one file, or every file of a folder in a stable order) and merges their
 * sections. Never throws on bad input: what cannot be read is reported and left out of the model.
 */
export function parsePolicy(sources: readonly PolicySource[]): { policy: Policy; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const parts: MutablePolicy = {
    zones: [],
    services: [],
    assets: [],
    groups: [],
    applications: [],
    flows: [],
    denies: [],
    enforcement: [],
    assertions: [],
  };
  for (const source of sources) parseFile(source, parts, diagnostics);
  const [flows, denies] = uniqueRules(parts.flows, parts.denies, diagnostics);
  const policy: Policy = {
    zones: uniqueNames(parts.zones, "Zone", diagnostics),
    services: uniqueNames(parts.services, "Service", diagnostics),
    assets: uniqueNames(parts.assets, "Asset", diagnostics),
    groups: uniqueNames(parts.groups, "Group", diagnostics),
    applications: uniqueNames(parts.applications, "Application", diagnostics),
    flows,
    denies,
    enforcement: uniqueNames(parts.enforcement, "Enforcement point", diagnostics),
    assertions: parts.assertions,
  };
  return { policy, diagnostics: sortDiagnostics(diagnostics) };
}

function parseFile(source: PolicySource, parts: MutablePolicy, diagnostics: Diagnostic[]): void {
  const lineCounter = new LineCounter();
  // Duplicate keys are found by our own walk, which can say where the first one is.
  const doc = parseDocument(source.text, { prettyErrors: false, uniqueKeys: false, lineCounter });
  const r = new NodeReader(source.path, lineCounter, doc, diagnostics);
  for (const w of doc.warnings)
    diagnostics.push(diagnostic("yaml-syntax", "warning", w.message, r.locAt(w.pos[0])));
  if (doc.errors.length > 0) {
    // A broken file could be read half-way in misleading ways: report every syntax error, use nothing.
    for (const e of doc.errors) r.report("yaml-syntax", e.message, r.locAt(e.pos[0]));
    return;
  }
  reportDuplicateKeys(r, doc);
  const start: SourceLocation = { file: source.path, line: 1, column: 1 };
  const top = doc.contents;
  if (top === null || (isScalar(top) && top.value === null)) return; // an empty file (or only comments)
  const topLoc = r.locOf(top, start);
  if (!isMap(top)) {
    r.report(
      "invalid-type",
      `Expected a map of sections (zones, flows ...) in the file, got ${describe(top)}`,
      topLoc,
    );
    return;
  }
  const fields = r.fields(top, topLoc, "at the top level", TOP_KEYS);
  const version = fields.get("version");
  if (version && !(isScalar(version.node) && ["string", "number"].includes(typeof version.node.value)))
    r.report(
      "invalid-type",
      `Expected a number or string for "version", got ${describe(version.node)}`,
      version.loc,
    );
  const metadata = fields.get("metadata");
  if (metadata) r.map(metadata.node, metadata.loc, `"metadata"`);
  const section = (key: (typeof SECTIONS)[number]) => fields.get(key) ?? { node: undefined, loc: start };
  // Appends a section's entries to `into`. An empty section (a key with nothing under it) is allowed and adds
  // nothing. A loop, not push(...items): spreading 100,000+ entries would overflow the call stack.
  const read = <T>(
    into: T[],
    key: (typeof SECTIONS)[number],
    fn: (node: unknown, loc: SourceLocation) => T[],
  ) => {
    const f = section(key);
    if (f.node === undefined || (isScalar(f.node) && f.node.value === null)) return;
    for (const item of fn(f.node, f.loc)) into.push(item);
  };
  read(parts.zones, "zones", (n, l) => readZones(r, n, l));
  read(parts.services, "services", (n, l) => readServices(r, n, l));
  read(parts.assets, "assets", (n, l) => readAssets(r, n, l));
  read(parts.groups, "groups", (n, l) => readGroups(r, n, l));
  read(parts.applications, "applications", (n, l) => readApplications(r, n, l));
  read(parts.flows, "flows", (n, l) => readRules(r, n, l, "flow"));
  read(parts.denies, "denies", (n, l) => readRules(r, n, l, "deny"));
  read(parts.enforcement, "enforcement", (n, l) => readEnforcement(r, n, l));
  read(parts.assertions, "assertions", (n, l) => readAssertions(r, n, l));
}

/** Every map of the document, any depth: a key written twice is an error at the second, naming the first. */
function reportDuplicateKeys(r: NodeReader, doc: Document): void {
  visit(doc, {
    Map(_, map) {
      const first = new Map<string, SourceLocation>();
      for (const pair of map.items) {
        if (!isScalar(pair.key) || pair.key.value === null) continue;
        const key = scalarText(pair.key);
        const loc = r.locOf(pair.key, r.locAt(0));
        const seen = first.get(key);
        if (seen)
          r.report("duplicate-name", `Duplicate key "${key}"; the first is on line ${seen.line}`, loc);
        else first.set(key, loc);
      }
    },
  });
}

function formatLocation(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}:${loc.column}`;
}

/** Definitions merged from several files: a name defined again is an error at the second; the first wins. */
function uniqueNames<T extends { readonly name: string; readonly loc: SourceLocation }>(
  items: readonly T[],
  label: string,
  diagnostics: Diagnostic[],
): T[] {
  const first = new Map<string, T>();
  for (const item of items) {
    const seen = first.get(item.name);
    if (!seen) first.set(item.name, item);
    else
      diagnostics.push(
        diagnostic(
          "duplicate-name",
          "error",
          `${label} "${item.name}" is already defined at ${formatLocation(seen.loc)}`,
          item.loc,
        ),
      );
  }
  return [...first.values()];
}

/** Flows and denies share one namespace, so a rule name says which rule a finding is about. */
function uniqueRules(
  flows: readonly Rule[],
  denies: readonly Rule[],
  diagnostics: Diagnostic[],
): [Rule[], Rule[]] {
  const first = new Map<string, Rule>();
  for (const rule of [...flows, ...denies]) {
    const seen = first.get(rule.name);
    if (!seen) first.set(rule.name, rule);
    else
      diagnostics.push(
        diagnostic(
          "duplicate-name",
          "error",
          `Rule name "${rule.name}" is already used by the ${seen.kind} at ${formatLocation(seen.loc)}`,
          rule.loc,
        ),
      );
  }
  const kept = [...first.values()];
  return [kept.filter((x) => x.kind === "flow"), kept.filter((x) => x.kind === "deny")];
}
