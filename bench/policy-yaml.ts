// A plain description of a generated policy, and its rendering as Rampart YAML (one file, or one per section).

import type { PolicySource } from "../src/core/policy/types.js";

export interface ZoneSpec {
  readonly name: string;
  readonly networks: readonly string[];
  readonly description: string;
}

export interface AssetSpec {
  readonly name: string;
  readonly zone: string;
  readonly addresses: readonly string[];
  readonly owner: string;
  readonly criticality: "low" | "medium" | "high" | "critical";
  readonly data: readonly string[];
  readonly tags: readonly string[];
  /** A Kubernetes workload (what the k8s target selects pods by). */
  readonly k8s?: { readonly namespace: string; readonly labels: Readonly<Record<string, string>> };
}

export interface NamedList {
  readonly name: string;
  readonly entries: readonly string[];
}

export interface AppSpec {
  readonly name: string;
  readonly owner: string;
  readonly zone: string;
  readonly tiers: readonly NamedList[];
}

export interface RuleSpec {
  readonly name: string;
  readonly from: readonly string[];
  readonly to: readonly string[];
  /** Empty: every service (the key is left out). */
  readonly services: readonly string[];
  readonly owner: string;
  readonly justification: string;
  readonly ticket: string;
  readonly expires?: string;
  readonly log?: boolean;
}

export interface PointSpec {
  readonly name: string;
  readonly target: string;
  readonly zones: "all" | readonly string[];
  readonly role: "network" | "host";
  /** Host role: references to the hosts the point protects (absent: every asset of its zones). */
  readonly hosts?: readonly string[];
  readonly interfaces: Readonly<Record<string, string>>;
}

export interface AssertionSpec {
  readonly name: string;
  readonly from: readonly string[];
  readonly to: readonly string[];
  readonly services: readonly string[];
  readonly expect: "allow" | "deny";
}

export interface PolicySpec {
  readonly header: string;
  readonly zones: readonly ZoneSpec[];
  readonly services: readonly NamedList[];
  readonly assets: readonly AssetSpec[];
  readonly groups: readonly NamedList[];
  readonly applications: readonly AppSpec[];
  readonly flows: readonly RuleSpec[];
  readonly denies: readonly RuleSpec[];
  readonly enforcement: readonly PointSpec[];
  readonly assertions: readonly AssertionSpec[];
}

/** JSON strings are valid YAML double-quoted scalars: quoting everything avoids every plain-scalar pitfall. */
const q = (s: string): string => JSON.stringify(s);
const list = (items: readonly string[]): string => `[${items.map(q).join(", ")}]`;

function renderZones(zones: readonly ZoneSpec[]): string[] {
  const out = ["zones:"];
  for (const z of zones)
    out.push(`  ${z.name}:`, `    networks: ${list(z.networks)}`, `    description: ${q(z.description)}`);
  return out;
}

function renderNamedLists(section: string, items: readonly NamedList[]): string[] {
  return [`${section}:`, ...items.map((s) => `  ${s.name}: ${list(s.entries)}`)];
}

function renderAssets(assets: readonly AssetSpec[]): string[] {
  const out = ["assets:"];
  for (const a of assets) {
    out.push(
      `  ${a.name}:`,
      `    addresses: ${list(a.addresses)}`,
      `    zone: ${a.zone}`,
      `    owner: ${a.owner}`,
      `    criticality: ${a.criticality}`,
      `    data: ${list(a.data)}`,
      `    tags: ${list(a.tags)}`,
    );
    if (a.k8s) {
      const labels = Object.entries(a.k8s.labels).map(([k, v]) => `${q(k)}: ${q(v)}`);
      out.push(`    k8s: { namespace: ${q(a.k8s.namespace)}, labels: { ${labels.join(", ")} } }`);
    }
  }
  return out;
}

function renderApplications(apps: readonly AppSpec[]): string[] {
  const out = ["applications:"];
  for (const app of apps) {
    out.push(`  ${app.name}:`, `    owner: ${app.owner}`, `    tiers:`);
    for (const t of app.tiers) out.push(`      ${t.name}: ${list(t.entries)}`);
  }
  return out;
}

function renderRules(section: string, rules: readonly RuleSpec[]): string[] {
  const out = [`${section}:`];
  for (const r of rules) {
    out.push(`  - name: ${q(r.name)}`, `    from: ${list(r.from)}`, `    to: ${list(r.to)}`);
    if (r.services.length > 0) out.push(`    services: ${list(r.services)}`);
    out.push(
      `    owner: ${r.owner}`,
      `    justification: ${q(r.justification)}`,
      `    ticket: ${q(r.ticket)}`,
    );
    if (r.expires !== undefined) out.push(`    expires: ${q(r.expires)}`);
    if (r.log !== undefined) out.push(`    log: ${r.log}`);
  }
  return out;
}

function renderEnforcement(points: readonly PointSpec[]): string[] {
  const out = ["enforcement:"];
  for (const p of points) {
    out.push(`  ${p.name}:`, `    target: ${p.target}`);
    out.push(`    zones: ${p.zones === "all" ? "all" : list(p.zones)}`, `    role: ${p.role}`);
    if (p.hosts) out.push(`    hosts: ${list(p.hosts)}`);
    const interfaces = Object.entries(p.interfaces);
    if (interfaces.length > 0) {
      out.push("    interfaces:");
      for (const [zone, name] of interfaces) out.push(`      ${zone}: ${q(name)}`);
    }
  }
  return out;
}

function renderAssertions(assertions: readonly AssertionSpec[]): string[] {
  const out = ["assertions:"];
  for (const a of assertions) {
    out.push(`  - name: ${q(a.name)}`, `    from: ${list(a.from)}`, `    to: ${list(a.to)}`);
    if (a.services.length > 0) out.push(`    services: ${list(a.services)}`);
    out.push(`    expect: ${a.expect}`);
  }
  return out;
}

/** The sections in the order a person would write them, each as YAML lines (empty sections left out). */
function renderSections(spec: PolicySpec): [string, string[]][] {
  const sections: [string, string[]][] = [
    ["zones", renderZones(spec.zones)],
    ["services", renderNamedLists("services", spec.services)],
    ["assets", renderAssets(spec.assets)],
    ["groups", renderNamedLists("groups", spec.groups)],
    ["applications", renderApplications(spec.applications)],
    ["flows", renderRules("flows", spec.flows)],
    ["denies", renderRules("denies", spec.denies)],
    ["enforcement", renderEnforcement(spec.enforcement)],
    ["assertions", renderAssertions(spec.assertions)],
  ];
  return sections.filter(([, lines]) => lines.length > 1);
}

/**
 * The policy as YAML sources: one file `<base>.yaml`, or with `split` one file per section in the folder
 * `<base>/` (the way a team would lay out a real policy repository).
 */
export function renderPolicy(
  spec: PolicySpec,
  options: { base?: string; split?: boolean } = {},
): PolicySource[] {
  const base = options.base ?? "generated";
  const header = spec.header
    .split("\n")
    .map((l) => `# ${l}`)
    .join("\n");
  const sections = renderSections(spec);
  if (!options.split) {
    const body = sections.map(([, lines]) => lines.join("\n")).join("\n\n");
    return [{ path: `${base}.yaml`, text: `${header}\n\nversion: 1\n\n${body}\n` }];
  }
  return sections.map(([name, lines]) => ({
    path: `${base}/${name}.yaml`,
    text: `${header}\n\n${lines.join("\n")}\n`,
  }));
}
