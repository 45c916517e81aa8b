// `rampart diff`: change impact between two versions of device configurations or of a policy, as plain data
// for printing and JSON.

import { type ConfigDiff, diffConfigs, type ImpactBox } from "../core/analysis/diff/config-diff.js";
import { diffPolicies, type PolicyImpactBox } from "../core/analysis/diff/policy-diff.js";
import type { RuleChange } from "../core/analysis/diff/rule-changes.js";
import { importContext } from "../core/compile/prove.js";
import { pointScope } from "../core/compile/scope.js";
import { findTarget } from "../core/compile/targets/index.js";
import { detectFormat } from "../core/import/detect.js";
import { findImporter, IMPORTERS } from "../core/import/formats/index.js";
import type { ConfigFile, ConfigSource, ImportedRule, ImportResult } from "../core/import/model.js";
import { standaloneContext } from "../core/import/standalone.js";
import { type Diagnostic, hasErrors, sortDiagnostics } from "../core/policy/diagnostics.js";
import { checkIntent, Intent } from "../core/policy/intent.js";
import type { LoadedPolicy } from "../core/policy/load.js";
import { parsePolicy } from "../core/policy/parse.js";
import { resolvePolicy } from "../core/policy/resolve.js";
import type { PolicySource } from "../core/policy/types.js";
import { formatPacket } from "../core/space/packet.js";
import { PacketSpace, type PacketSet } from "../core/space/packet-set.js";
import { summarize } from "../core/space/summarize.js";
import { checkTargets } from "./open-policy.js";
import { type PacketJson, packetToJson } from "./packet-input.js";

/** A rule as reported: where it is, what it says. */
export interface RuleRef {
  readonly file: string;
  readonly line: number;
  readonly text: string;
  readonly list: string;
  readonly action: ImportedRule["action"];
  readonly label: string | null;
}

/** A box of packets that changes verdict, a witness, and the rules behind it. */
export interface ImpactReport {
  readonly packets: string;
  /** The witness as text, e.g. "tcp 10.0.0.1:0 -> 10.2.0.5:22". */
  readonly witness: string;
  /** The witness in the `explain --packets` form. */
  readonly example: PacketJson;
  /** Config diff: the responsible version's rules matching the witness; policy diff: flow and deny names. */
  readonly rules: (ConfigSource | string)[];
  /** Config diff only: the other version's rules matching the witness. */
  readonly counterpart?: ConfigSource[];
}

export interface RuleChanges {
  readonly added: RuleRef[];
  readonly removed: RuleRef[];
  readonly changed: { before: RuleRef; after: RuleRef; aspects: string[] }[];
  readonly moved: { before: RuleRef; after: RuleRef }[];
  /** Rules identical in both (possibly reworded or renumbered: "text" aspects are not listed). */
  readonly unchanged: number;
}

export interface DeviceDiff {
  /** The device: the file name up to its first dot, as `rampart compile` names a point's files. */
  readonly name: string;
  readonly format: string;
  /** "added"/"removed": the device has files in one version only. */
  readonly status: "added" | "removed" | "changed" | "unchanged";
  readonly before: string[];
  readonly after: string[];
  readonly becomeAllowed: ImpactReport[];
  readonly becomeDenied: ImpactReport[];
  readonly truncated: boolean;
  readonly rules: RuleChanges;
}

export interface ConfigDiffReport {
  readonly kind: "config";
  readonly devices: DeviceDiff[];
  readonly changed: boolean;
  /** What the importers could not read or model, in both versions. */
  readonly diagnostics: Diagnostic[];
}

/** One device's files in both versions (either side may be empty). */
export interface DevicePair {
  readonly name: string;
  readonly before: readonly ConfigFile[];
  readonly after: readonly ConfigFile[];
}

export interface ConfigDiffOptions {
  /** Format id for every device; default: the point's target, else guessed from the file names. */
  readonly format?: string;
  /** Read the configurations in this point's context (needs `policy`). */
  readonly point?: string;
  /** With a policy, a device named like an enforcement point is read in that point's context. */
  readonly policy?: LoadedPolicy;
  readonly maxBoxes?: number;
}

export type ConfigDiffResult = { ok: true; report: ConfigDiffReport } | { ok: false; message: string };

/** File-name endings of `rampart compile` outputs, for when the content does not tell the format. */
const FORMAT_BY_NAME: readonly [RegExp, string][] = [
  [/\.nft$/i, "nftables"],
  [/\.(rules\.v[46]|ipset|iptables|ip6tables)$/i, "iptables"],
  [/\.ios$/i, "cisco-ios"],
  [/\.asa$/i, "cisco-asa"],
  [/\.(set|junos)$/i, "junos"],
  [/\.(sg\.json|tf)$/i, "aws-sg"],
  [/\.ya?ml$/i, "k8s"],
];

export function formatFromName(name: string): string | undefined {
  return FORMAT_BY_NAME.find(([re]) => re.test(name))?.[1];
}

/**
 * Read on their own, formats whose target only protects hosts (security groups, NetworkPolicy) take the host
 * role; with no hosts known they accept nothing, so only their rules are compared (docs/diff.md).
 */
function standaloneRole(format: string): "host" | "network" {
  const target = findTarget(format);
  return target && !target.capabilities.roles.includes("network") ? "host" : "network";
}

/** The format the content shows (the first file that tells), else the one the file name suggests. */
function guessFormat(files: readonly ConfigFile[]): string | undefined {
  for (const f of files) {
    const detected = detectFormat(f);
    if (detected !== undefined) return detected;
  }
  return formatFromName(files[0]?.name ?? "");
}

/** Groups files by device name (the base name up to its first dot). */
export function deviceName(file: string): string {
  const base = file.split("/").pop() ?? file;
  const dot = base.indexOf(".");
  return dot > 0 ? base.slice(0, dot) : base;
}

export function pairDevices(before: readonly ConfigFile[], after: readonly ConfigFile[]): DevicePair[] {
  const names = [...new Set([...before, ...after].map((f) => deviceName(f.name)))].sort();
  return names.map((name) => ({
    name,
    before: before.filter((f) => deviceName(f.name) === name),
    after: after.filter((f) => deviceName(f.name) === name),
  }));
}

export function diffConfigFiles(
  pairs: readonly DevicePair[],
  options: ConfigDiffOptions = {},
): ConfigDiffResult {
  const policy = options.policy;
  if (options.point !== undefined && !policy)
    return { ok: false, message: "Cannot use --point without a policy (--policy PATH)" };
  if (options.point !== undefined && !policy!.resolved.points.some((p) => p.point.name === options.point)) {
    const names = policy!.resolved.points.map((p) => `"${p.point.name}"`).join(", ");
    return {
      ok: false,
      message: `Unknown enforcement point "${options.point}"; the policy has ${names || "none"}`,
    };
  }
  const space = policy?.intent.space ?? new PacketSpace();
  const devices: DeviceDiff[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const pair of pairs) {
    const pointName = options.point ?? pair.name;
    const point = policy?.resolved.points.find((p) => p.point.name === pointName);
    const target = point ? findTarget(point.point.target.value) : undefined;
    const files = [...pair.after, ...pair.before];
    const format = options.format ?? target?.format ?? guessFormat(files);
    if (format === undefined)
      return {
        ok: false,
        message: `Cannot tell the format of "${files[0]?.name ?? pair.name}"; give it with --format (${IMPORTERS.map((i) => i.id).join(", ")})`,
      };
    const importer = findImporter(format);
    if (!importer)
      return {
        ok: false,
        message: `Unknown format "${format}"; known formats: ${IMPORTERS.map((i) => i.id).join(", ")}`,
      };
    const context =
      point && target && policy
        ? importContext(policy.intent, pointScope(policy.intent, point, target.capabilities))
        : standaloneContext(space, standaloneRole(format));
    const read = (fs: readonly ConfigFile[]): ImportResult =>
      fs.length > 0 ? importer.import(fs, context) : { accepted: space.none(), rules: [], diagnostics: [] };
    const a = read(pair.before);
    const b = read(pair.after);
    diagnostics.push(...a.diagnostics, ...b.diagnostics);
    const d = diffConfigs(a, b, { maxBoxes: options.maxBoxes ?? 50 });
    devices.push(deviceReport(pair, format, d));
  }
  const changed = devices.some((d) => d.status !== "unchanged");
  return {
    ok: true,
    report: { kind: "config", devices, changed, diagnostics: sortDiagnostics(diagnostics) },
  };
}

function deviceReport(pair: DevicePair, format: string, d: ConfigDiff): DeviceDiff {
  const rules = ruleChanges(d.rules);
  const textSame =
    pair.before.length === pair.after.length && pair.before.every((f, i) => f.text === pair.after[i]?.text);
  const same =
    d.opened.isEmpty() &&
    d.closed.isEmpty() &&
    rules.added.length + rules.removed.length + rules.changed.length + rules.moved.length === 0 &&
    textSame;
  return {
    name: pair.name,
    format,
    status:
      pair.before.length === 0
        ? "added"
        : pair.after.length === 0
          ? "removed"
          : same
            ? "unchanged"
            : "changed",
    before: pair.before.map((f) => f.name),
    after: pair.after.map((f) => f.name),
    becomeAllowed: d.openedBoxes.map(impact),
    becomeDenied: d.closedBoxes.map(impact),
    truncated: d.truncated,
    rules,
  };
}

function impact(b: ImpactBox): ImpactReport {
  return {
    packets: b.summary,
    witness: formatPacket(b.witness),
    example: packetToJson(b.witness),
    rules: b.responsible.map(location),
    counterpart: b.counterpart.map(location),
  };
}

function location(s: ConfigSource): ConfigSource {
  return { file: s.file, line: s.line, text: s.text };
}

export function ruleRef(r: ImportedRule): RuleRef {
  return { ...location(r.source), list: r.list, action: r.action, label: r.label ?? null };
}

export function ruleChanges(changes: readonly RuleChange[]): RuleChanges {
  const out: Omit<RuleChanges, "unchanged"> = { added: [], removed: [], changed: [], moved: [] };
  let unchanged = 0;
  for (const c of changes) {
    switch (c.kind) {
      case "added":
        out.added.push(ruleRef(c.new!));
        break;
      case "removed":
        out.removed.push(ruleRef(c.old!));
        break;
      case "changed":
        out.changed.push({ before: ruleRef(c.old!), after: ruleRef(c.new!), aspects: [...c.aspects] });
        break;
      case "moved":
        out.moved.push({ before: ruleRef(c.old!), after: ruleRef(c.new!) });
        break;
      case "unchanged":
        unchanged++;
        break;
      default: {
        const never: never = c.kind;
        throw new TypeError(`Unknown rule change "${String(never)}"`);
      }
    }
  }
  return { ...out, unchanged };
}

// ---- Policy versions ----

export interface PointDiffReport {
  readonly point: string;
  readonly status: "added" | "removed" | "changed" | "unchanged" | "not-compared";
  readonly targetBefore: string | null;
  readonly targetAfter: string | null;
  readonly becomeAllowed: ImpactReport[];
  readonly becomeDenied: ImpactReport[];
  readonly truncated: boolean;
}

export interface PolicyRuleReport {
  readonly kind: "flow" | "deny";
  readonly name: string;
  readonly change: "added" | "removed" | "changed";
  readonly aspects: string[];
  /** Where the rule is written in the new version (the old one when removed). */
  readonly file: string;
  readonly line: number;
  /** Packets it now matches and did not, and the reverse (summaries). */
  readonly widened: string[];
  readonly narrowed: string[];
}

export interface PolicyDiffReport {
  readonly kind: "policy";
  readonly changed: boolean;
  /** Everything the policy allows in the new version and not the old (and the reverse). */
  readonly becomeAllowed: string[];
  readonly becomeDenied: string[];
  readonly points: PointDiffReport[];
  readonly rules: PolicyRuleReport[];
  readonly matrix: {
    from: string;
    to: string;
    before: string;
    after: string;
    servicesBefore: string[];
    servicesAfter: string[];
  }[];
}

export type PolicyDiffResult =
  | { ok: true; report: PolicyDiffReport; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[]; message: string };

/** Loads a policy into a given packet space (loadPolicy's steps, with the space shared by both versions). */
function loadInSpace(sources: readonly PolicySource[], today: string, space: PacketSpace) {
  const parsed = parsePolicy(sources);
  const { resolved, diagnostics } = resolvePolicy(parsed.policy, { today });
  const intent = new Intent(resolved, space);
  const loaded: LoadedPolicy = {
    policy: parsed.policy,
    resolved,
    intent,
    diagnostics: [],
    ok: true,
  };
  const all = sortDiagnostics([
    ...parsed.diagnostics,
    ...diagnostics,
    ...checkIntent(intent),
    ...checkTargets(loaded),
  ]);
  return { intent, diagnostics: all };
}

export function diffPolicySources(
  before: readonly PolicySource[],
  after: readonly PolicySource[],
  options: { today: string; maxBoxes?: number },
): PolicyDiffResult {
  const space = new PacketSpace(1 << 18);
  const a = loadInSpace(before, options.today, space);
  const b = loadInSpace(after, options.today, space);
  const diagnostics = [...a.diagnostics, ...b.diagnostics];
  const blocking = diagnostics.filter((d) => d.severity === "error" && d.code !== "assertion-failed");
  if (hasErrors(blocking))
    return {
      ok: false,
      diagnostics: blocking,
      message: "Cannot compare: a version of the policy has errors",
    };
  const d = diffPolicies(a.intent, b.intent, { maxBoxes: options.maxBoxes ?? 20 });
  const policyImpact = (x: PolicyImpactBox): ImpactReport => ({
    packets: x.summary,
    witness: formatPacket(x.witness),
    example: packetToJson(x.witness),
    rules: x.rules,
  });
  const sum = (s: PacketSet) => (s.isEmpty() ? [] : summarize(s));
  const points = d.points.map((p): PointDiffReport => ({
    point: p.point,
    status: p.status,
    targetBefore: p.targetBefore,
    targetAfter: p.targetAfter,
    becomeAllowed: p.openedBoxes.map(policyImpact),
    becomeDenied: p.closedBoxes.map(policyImpact),
    truncated: p.truncated,
  }));
  const rules = d.rules.map((r): PolicyRuleReport => {
    const where = (r.after ?? r.before)!.loc;
    return {
      kind: r.kind,
      name: r.name,
      change: r.change,
      aspects: [...r.aspects],
      file: where.file,
      line: where.line,
      widened: sum(r.widened),
      narrowed: sum(r.narrowed),
    };
  });
  const report: PolicyDiffReport = {
    kind: "policy",
    changed:
      !d.opened.isEmpty() ||
      !d.closed.isEmpty() ||
      points.some((p) => p.status !== "unchanged") ||
      rules.length > 0 ||
      d.matrix.length > 0,
    becomeAllowed: sum(d.opened),
    becomeDenied: sum(d.closed),
    points,
    rules,
    matrix: d.matrix.map((m) => ({ ...m })),
  };
  return { ok: true, report, diagnostics };
}
