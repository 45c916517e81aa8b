// Migration: a configuration in one format (a Capirca policy, say) rendered by a compile target, list by list,
// each output proven to accept exactly what the list accepts.

import { listToIr } from "../core/compile/from-rules.js";
import type { OutputFile } from "../core/compile/target.js";
import { findTarget, TARGETS } from "../core/compile/targets/index.js";
import { findImporter } from "../core/import/formats/index.js";
import { chooseFormat } from "./import.js";
import { firstMatch } from "../core/import/match.js";
import type { ConfigFile, ImportedRule, Importer, RuleList } from "../core/import/model.js";
import { standaloneContext } from "../core/import/standalone.js";
import { diagnostic, type Diagnostic, sortDiagnostics } from "../core/policy/diagnostics.js";
import { PacketSpace, type PacketSet } from "../core/space/packet-set.js";
import { summarize } from "../core/space/summarize.js";

/** "proven": exact; "refused": short only of what the target cannot express (each part a diagnostic). */
export type ConvertStatus = "proven" | "refused" | "mismatch";

export interface ConvertedList {
  readonly list: string;
  readonly status: ConvertStatus;
  /** The files written for the list. */
  readonly files: string[];
  /** Source rules of the list, and target rules written. */
  readonly sourceRules: number;
  readonly rules: number;
  /** Only for a list that is not proven: what the output lets through and should not, and the reverse. */
  readonly allowedNotIntended: string[];
  readonly intendedNotAllowed: string[];
}

export interface ConvertReport {
  readonly format: string;
  readonly target: string;
  readonly lists: ConvertedList[];
  readonly files: OutputFile[];
  /** The importer's, the conversion's and the target's diagnostics. */
  readonly diagnostics: Diagnostic[];
}

export type ConvertResult = { ok: true; report: ConvertReport } | { ok: false; message: string };

/** A file name for a list: letters, digits, "_" and "-". */
export function listFileName(list: string): string {
  return list.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "") || "list";
}

/** A rule's name in the output: the term or rule name its line declares, else its label, else its line. */
export function ruleName(r: ImportedRule): string {
  const declared = /^(?:term|rule|policy)\s+([A-Za-z0-9_.:/-]+)/.exec(r.source.text)?.[1];
  return declared ?? r.label ?? `${r.source.file}:${r.source.line}`;
}

function listsOf(rules: readonly ImportedRule[], lists: readonly RuleList[] | undefined): RuleList[] {
  if (lists) return [...lists];
  return [...new Set(rules.map((r) => r.list))].map((name) => ({ name, fallThrough: "next" as const }));
}

interface Block {
  readonly action: "accept" | "drop";
  match: PacketSet;
}

/** Consecutive rules with the same key and action, each block's matches united (first match is unchanged). */
function blocks(rules: readonly { action: string; match: PacketSet; key: string }[]): Block[] {
  const out: (Block & { key: string })[] = [];
  for (const r of rules) {
    if (r.action !== "accept" && r.action !== "drop") continue;
    const last = out[out.length - 1];
    if (last && last.key === r.key && last.action === r.action) last.match = last.match.union(r.match);
    else out.push({ action: r.action, match: r.match, key: r.key });
  }
  return out;
}

/**
 * The proof rule by rule, for an nftables rendering: the output, read back by the importer, holds one base
 * chain that drops by default and whose rules, taken in consecutive blocks of one action, match exactly what
 * the list's rules do in the same order. First match over equal blocks in equal order is equal, so this proves
 * the output exact without folding either list (the folds dominate the cost on large lists). The forward
 * chain is read in a host-role context so that the importer converts its rules without folding them. False
 * when the output does not have that shape: the caller then compares the folded sets.
 */
export function proveRuleByRule(
  space: PacketSpace,
  own: readonly ImportedRule[],
  list: RuleList,
  files: readonly ConfigFile[],
  reader: Importer,
): boolean {
  if (reader.id !== "nftables") return false;
  const back = reader.import(files, { ...standaloneContext(space), role: "host", hosts: [] });
  if (back.diagnostics.some((d) => d.code !== "config-ignored")) return false;
  const base = (back.lists ?? []).filter((l) => l.fallThrough !== "next");
  if (base.length !== 1 || base[0]!.fallThrough !== "drop") return false;
  const decided = back.rules.filter((r) => !r.match.isEmpty());
  if (decided.some((r) => r.action === "other" || r.list !== base[0]!.name)) return false;
  const source = own
    .filter((r) => !r.match.isEmpty())
    .map((r) => ({ action: r.action, match: r.match, key: ruleName(r) }));
  if (list.fallThrough === "accept") source.push({ action: "accept", match: space.all(), key: "" });
  const want = blocks(source);
  const got = blocks(decided.map((r) => ({ action: r.action, match: r.match, key: r.label ?? "" })));
  return (
    want.length === got.length &&
    want.every((w, i) => w.action === got[i]!.action && w.match.equals(got[i]!.match))
  );
}

function proofStatus(allowedNot: PacketSet, intendedNot: PacketSet, refused: PacketSet): ConvertStatus {
  if (allowedNot.isEmpty() && intendedNot.isEmpty()) return "proven";
  if (allowedNot.isEmpty() && !refused.isEmpty() && intendedNot.isSubsetOf(refused)) return "refused";
  return "mismatch";
}

export interface ConvertOptions {
  readonly space?: PacketSpace;
  /** YYYY-MM-DD: rules whose expiry is on or before it are left out, as aclgen leaves out expired terms. */
  readonly today?: string;
}

/** Whether the rule has expired by `today` (aclgen: the expiration date is on or before today). */
function expired(r: ImportedRule, today: string | undefined): boolean {
  return today !== undefined && r.expires !== undefined && r.expires <= today;
}

export function convertConfig(
  input: readonly ConfigFile[],
  formatId: string,
  targetId: string,
  options: ConvertOptions = {},
): ConvertResult {
  const space = options.space ?? new PacketSpace(1 << 18);
  const choice = chooseFormat(input, formatId);
  if (!choice.ok) return { ok: false, message: choice.message };
  const importer = choice.importer;
  const target = findTarget(targetId);
  if (!target)
    return {
      ok: false,
      message: `Unknown target "${targetId}"; known targets: ${TARGETS.map((t) => t.id).join(", ")}`,
    };
  if (!target.capabilities.roles.includes("network"))
    return {
      ok: false,
      message: `Target "${targetId}" has no network role: a rule list cannot be rendered for it`,
    };
  const reader = findImporter(target.format);
  if (!reader) throw new TypeError(`Target "${target.id}" names unknown format "${target.format}"`);
  const context = standaloneContext(space);
  const imported = importer.import(input, context);
  const diagnostics = [...imported.diagnostics];
  const files: OutputFile[] = [];
  const lists: ConvertedList[] = [];
  for (const list of listsOf(imported.rules, imported.lists)) {
    const all = imported.rules.filter((r) => r.list === list.name);
    for (const r of all.filter((x) => expired(x, options.today)))
      diagnostics.push(
        diagnostic(
          "config-ignored",
          "warning",
          `"${r.source.text}" expired on ${r.expires}: left out of the output, as aclgen leaves it out`,
          { file: r.source.file, line: r.source.line, column: 1 },
        ),
      );
    const own = all.filter((r) => !expired(r, options.today));
    const lowered = listToIr(space, own, list, target, listFileName(list.name), ruleName);
    const rendered = target.render(lowered.ir);
    diagnostics.push(...lowered.diagnostics, ...rendered.diagnostics);
    files.push(...rendered.files);
    const entry = {
      list: list.name,
      files: rendered.files.map((f) => f.name),
      sourceRules: all.length,
      rules: rendered.stats.rules,
    };
    const exact = lowered.refused.isEmpty() && lowered.diagnostics.length === 0;
    if (exact && proveRuleByRule(space, own, list, rendered.files, reader)) {
      lists.push({ ...entry, status: "proven", allowedNotIntended: [], intendedNotAllowed: [] });
      continue;
    }
    const expected = firstMatch(space, own, list.fallThrough === "accept" ? "accept" : "drop");
    const actual = reader.import(rendered.files, context).accepted;
    const allowedNot = actual.minus(expected);
    const intendedNot = expected.minus(actual);
    const status = proofStatus(allowedNot, intendedNot, lowered.refused);
    lists.push({
      ...entry,
      status,
      allowedNotIntended: status === "proven" ? [] : summarize(allowedNot, 10),
      intendedNotAllowed: status === "proven" ? [] : summarize(intendedNot, 10),
    });
  }
  const report = {
    format: importer.id,
    target: target.id,
    lists,
    files,
    diagnostics: sortDiagnostics(diagnostics),
  };
  return { ok: true, report };
}
