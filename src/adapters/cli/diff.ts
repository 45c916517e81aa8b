// `rampart diff OLD NEW [PATH]`: what a change opens and closes, for two configurations, two policy versions,
// or two git revisions of a policy repository.

import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "commander";
import {
  type ConfigDiffReport,
  type DevicePair,
  deviceName,
  diffConfigFiles,
  diffPolicySources,
  type ImpactReport,
  pairDevices,
  type PolicyDiffReport,
  type RuleRef,
} from "../../app/diff.js";
import type { ConfigFile, ConfigSource } from "../../core/import/model.js";
import type { PolicySource } from "../../core/policy/types.js";
import { readConfigFiles } from "../fs/config-files.js";
import { readPolicyFiles } from "../fs/policy-files.js";
import { isGitRevision, readPolicyAtRevision } from "../git/revision.js";
import { CliError, type CommandContext } from "./io.js";
import {
  colors,
  type Colors,
  plural,
  printConfigDiagnostics,
  printDiagnostics,
  printJson,
} from "./output.js";
import { openForQuestions } from "./policy.js";

interface DiffOptions {
  verbose?: boolean;
  format?: string;
  point?: string;
  policy?: string;
  json?: boolean;
  detailedExitcode?: boolean;
}

type Side = { kind: "path"; path: string; folder: boolean } | { kind: "revision"; rev: string };

const HELP = `
OLD and NEW are each an existing file or folder, else a git revision (a branch, a tag, a commit, HEAD~1)
of the repository the current folder is in; an existing path wins over a revision of the same name.
  - Two configuration files, or two folders of them (files matched by device: the name up to its first
    dot, as \`rampart compile --out\` names them): the packets each device now accepts or no longer
    accepts, the rules responsible, and the rules added, removed, changed and moved.
  - Two policies (files or folders with zones, flows or enforcement), or a revision on either side (PATH,
    default ".", is then the policy inside the repository): per enforcement point, the packets it must
    newly let through or stop; the flows and denies added, removed or changed; the zone matrix cells that move.
Exit 0, also when something changed; with --detailed-exitcode, 1 when something changed (as \`plan\`).
`;

export function registerDiff(program: Command, ctx: CommandContext): void {
  program
    .command("diff")
    .description("show which packets a change opens and closes (configurations, policies or git revisions)")
    .argument("<old>", "the old version: a file, a folder or a git revision")
    .argument("<new>", "the new version: a file, a folder or a git revision")
    .argument("[path]", "with revisions: the policy file or folder inside the repository", ".")
    .option("--format <id>", "the configurations' format (default: the point's target, else from file names)")
    .option("--policy <path>", "read configurations in the context of this policy's enforcement points")
    .option("--point <name>", "the enforcement point the configurations are for (needs --policy)")
    .option("--detailed-exitcode", "exit 1 when something changed")
    .option("--json", "print the result as JSON (schema in docs/diff.md)")
    .addHelpText("after", HELP)
    .option("-v, --verbose", "also list the lines ignored on purpose (info)")
    .action(async (oldArg: string, newArg: string, path: string, opts: DiffOptions) => {
      const before = await resolveSide(oldArg, ctx);
      const after = await resolveSide(newArg, ctx);
      const oldIsPolicy = await looksLikePolicy(before, ctx);
      const newIsPolicy = await looksLikePolicy(after, ctx);
      // A revision always stands for a policy (PATH inside the repository).
      if (oldIsPolicy !== newIsPolicy)
        throw new CliError(
          `Cannot compare a policy with a configuration: "${oldIsPolicy ? oldArg : newArg}" is a policy, "${oldIsPolicy ? newArg : oldArg}" is not`,
        );
      const policyMode = oldIsPolicy && newIsPolicy;
      const c = colors(ctx.io);
      let changed: boolean;
      if (policyMode) {
        if (opts.point !== undefined || opts.policy !== undefined || opts.format !== undefined)
          throw new CliError(
            "--point, --policy and --format apply to configurations, not to policy versions",
          );
        const a = await policySources(before, path, ctx);
        const b = await policySources(after, path, ctx);
        const result = diffPolicySources(a, b, { today: ctx.today });
        if (!result.ok) {
          printDiagnostics((s) => ctx.io.stderr(s), result.diagnostics, c);
          throw new CliError(result.message);
        }
        if (opts.json) printJson(ctx.io, result.report);
        else ctx.io.stdout(formatPolicyDiff(result.report, c));
        changed = result.report.changed;
      } else {
        const policy =
          opts.policy !== undefined ? (await openForQuestions(opts.policy, ctx, {})).loaded : undefined;
        const pairs = await configPairs(before, after, ctx);
        const result = diffConfigFiles(pairs, {
          ...(opts.format !== undefined && { format: opts.format }),
          ...(opts.point !== undefined && { point: opts.point }),
          ...(policy && { policy }),
        });
        if (!result.ok) throw new CliError(result.message);
        printConfigDiagnostics((s) => ctx.io.stderr(s), result.report.diagnostics, c, opts.verbose);
        if (opts.json) printJson(ctx.io, result.report);
        else ctx.io.stdout(formatConfigDiff(result.report, c));
        changed = result.report.changed;
      }
      ctx.exitCode = opts.detailedExitcode && changed ? 1 : 0;
    });
}

async function resolveSide(arg: string, ctx: CommandContext): Promise<Side> {
  const info = await stat(resolve(ctx.io.cwd, arg)).catch(() => undefined);
  if (info) return { kind: "path", path: arg, folder: info.isDirectory() };
  if (await isGitRevision(ctx.io.cwd, arg)) return { kind: "revision", rev: arg };
  throw new CliError(`Cannot read "${arg}": it is neither a file or folder nor a git revision here`);
}

const POLICY_KEY = /^(zones|flows|denies|enforcement|assets|groups|applications|services|assertions)\s*:/m;

/** A side is a policy when it is YAML holding one of the policy's top-level sections. */
async function looksLikePolicy(side: Side, ctx: CommandContext): Promise<boolean> {
  if (side.kind === "revision") return true;
  if (!side.folder && !/\.ya?ml$/i.test(side.path)) return false;
  const r = await readPolicyFiles(side.path, ctx.io.cwd);
  return r.ok && r.files.sources.some((s) => POLICY_KEY.test(s.text));
}

async function policySources(side: Side, path: string, ctx: CommandContext): Promise<PolicySource[]> {
  if (side.kind === "revision") {
    const r = await readPolicyAtRevision(ctx.io.cwd, side.rev, path);
    if (!r.ok) throw new CliError(r.message);
    return r.sources;
  }
  const r = await readPolicyFiles(side.path, ctx.io.cwd);
  if (!r.ok) throw new CliError(r.message);
  return r.files.sources;
}

async function readSide(side: Side & { kind: "path" }, ctx: CommandContext): Promise<ConfigFile[]> {
  const r = await readConfigFiles([side.path], ctx.io.cwd);
  if (!r.ok) throw new CliError(r.message);
  return r.value;
}

async function configPairs(before: Side, after: Side, ctx: CommandContext): Promise<DevicePair[]> {
  if (before.kind !== "path" || after.kind !== "path") throw new TypeError("Configurations are paths");
  if (before.folder !== after.folder)
    throw new CliError(`Cannot compare a file with a folder: "${before.path}" and "${after.path}"`);
  const a = await readSide(before, ctx);
  const b = await readSide(after, ctx);
  // Two files are one device whatever their names.
  if (!before.folder) return [{ name: deviceName(b[0]!.name), before: a, after: b }];
  return pairDevices(a, b);
}

// ---- Text output ----

function where(s: ConfigSource): string {
  return `${s.file}:${s.line}: ${s.text}`;
}

function ruleLine(r: RuleRef): string {
  return `${r.file}:${r.line}: ${r.text}`;
}

function impactLines(
  title: string,
  entries: readonly ImpactReport[],
  responsible: string,
  c: Colors,
): string {
  if (entries.length === 0) return "";
  let out = `  ${c.bold(title)}:\n`;
  for (const e of entries) {
    out += `    ${e.packets}\n      e.g. ${e.witness}\n`;
    const rules = e.rules.map((r) => (typeof r === "string" ? r : where(r)));
    if (rules.length === 0) out += `      ${responsible}: ${c.dim("no rule (the default applies)")}\n`;
    else if (typeof e.rules[0] === "string") out += `      ${responsible}: ${rules.join(", ")}\n`;
    else for (const r of rules.slice(0, 3)) out += `      ${responsible}: ${r}\n`;
  }
  return out;
}

export function formatConfigDiff(r: ConfigDiffReport, c: Colors): string {
  let out = "";
  for (const d of r.devices) {
    const rc = d.rules;
    const counts = `${plural(rc.added.length, "rule")} added, ${rc.removed.length} removed, ${rc.changed.length} changed, ${rc.moved.length} moved`;
    const status =
      d.status === "unchanged"
        ? c.green("no change")
        : d.status === "added"
          ? c.yellow("new")
          : d.status === "removed"
            ? c.yellow("removed")
            : c.yellow("changes");
    out += `${c.bold(d.name)} (${d.format}): ${status}; ${counts}\n`;
    if (d.status === "unchanged") continue;
    if (d.becomeAllowed.length === 0 && d.becomeDenied.length === 0)
      out += c.dim("  the same connections are accepted\n");
    out += impactLines("becomes allowed", d.becomeAllowed, "by", c);
    out += impactLines("becomes denied", d.becomeDenied, "was allowed by", c);
    if (d.truncated) out += c.dim("  (more boxes not listed; --json shows the first 50 each)\n");
    const rules: string[] = [
      ...rc.added.map((x) => `${c.green("+")} ${ruleLine(x)}`),
      ...rc.removed.map((x) => `${c.red("-")} ${ruleLine(x)}`),
      ...rc.changed.map(
        (x) =>
          `${c.yellow("~")} ${ruleLine(x.after)}\n      was ${ruleLine(x.before)} (${x.aspects.join(", ")})`,
      ),
      ...rc.moved.map(
        (x) => `${c.cyan("^")} ${ruleLine(x.after)}\n      was at ${x.before.file}:${x.before.line}`,
      ),
    ];
    if (rules.length > 0) out += `  ${c.bold("rules")}:\n${rules.map((l) => `    ${l}\n`).join("")}`;
  }
  if (r.devices.length === 0) out += "no configuration on either side\n";
  return out;
}

export function formatPolicyDiff(r: PolicyDiffReport, c: Colors): string {
  if (!r.changed) return `${c.green("no change")}: both versions allow exactly the same connections\n`;
  let out = "";
  const section = (title: string, lines: readonly string[]) =>
    lines.length > 0 ? `${c.bold(title)}\n${lines.map((l) => `  ${l}\n`).join("")}` : "";
  out += section("Becomes allowed by the policy:", r.becomeAllowed);
  out += section("Becomes denied by the policy:", r.becomeDenied);
  const points = r.points.filter((p) => p.status !== "unchanged");
  if (points.length > 0) out += `${c.bold("Enforcement points:")}\n`;
  for (const p of points) {
    const target =
      p.targetBefore === p.targetAfter
        ? (p.targetAfter ?? "")
        : `${p.targetBefore ?? "none"} -> ${p.targetAfter ?? "none"}`;
    out += `${c.bold(p.point)} (${target}): ${p.status}\n`;
    out += impactLines("must now let through", p.becomeAllowed, "rules", c);
    out += impactLines("must now stop", p.becomeDenied, "rules (old version)", c);
  }
  if (r.rules.length > 0) out += `${c.bold("Flows and denies:")}\n`;
  for (const x of r.rules) {
    const mark = x.change === "added" ? c.green("+") : x.change === "removed" ? c.red("-") : c.yellow("~");
    const aspects = x.aspects.length > 0 ? ` (${x.aspects.join(", ")})` : "";
    out += `  ${mark} ${x.kind} ${x.name}${aspects} at ${x.file}:${x.line}\n`;
    if (x.change !== "removed" && x.widened.length > 0)
      out += `      ${x.change === "added" ? "matches" : "now also matches"}: ${x.widened.slice(0, 3).join("; ")}\n`;
    if (x.change !== "added" && x.narrowed.length > 0)
      out += `      ${x.change === "removed" ? "matched" : "no longer matches"}: ${x.narrowed.slice(0, 3).join("; ")}\n`;
  }
  if (r.matrix.length > 0) out += `${c.bold("Zone matrix:")}\n`;
  for (const m of r.matrix)
    out += `  ${m.from} -> ${m.to}: ${m.before} -> ${m.after}${m.servicesAfter.length > 0 ? ` (${m.servicesAfter.slice(0, 6).join(", ")})` : ""}\n`;
  return out;
}
