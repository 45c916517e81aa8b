// nft files read into a ruleset the way `nft -f` applies them: commands, table blocks, variables, includes.

import type { ConfigFile } from "../../model.js";
import { isTok, type LexProblem, splitStatements, type Token, tokenize } from "./lexer.js";
import { type CommandContext, runCommand } from "./parse-commands.js";
import type { Report } from "./report.js";
import type { Ruleset } from "./ruleset.js";

const MAX_INCLUDE_DEPTH = 8;

interface Context extends CommandContext {
  readonly vars: Map<string, Token[]>;
  readonly files: readonly ConfigFile[];
}

/** Reads every file in order into one ruleset, as consecutive `nft -f` runs would build it. */
export function parseFiles(files: readonly ConfigFile[], report: Report): Ruleset {
  const ctx: Context = { ruleset: new Map(), vars: new Map(), files, lines: new Map(), report };
  for (const f of files) runFile(ctx, f, 0);
  return ctx.ruleset;
}

function runFile(ctx: Context, f: ConfigFile, depth: number): void {
  const problems: LexProblem[] = [];
  const tokens = tokenize(f.name, f.text, problems);
  ctx.lines.set(f.name, f.text.split("\n"));
  for (const p of problems) ctx.report("config-syntax", p.message, p.token);
  for (const stmt of splitStatements(tokens)) runTopStatement(ctx, stmt, depth);
}

function runTopStatement(ctx: Context, stmt: Token[], depth: number): void {
  const head = stmt[0]!;
  if (head.kind === "word" && (head.text === "define" || head.text === "redefine")) {
    const name = stmt[1];
    if (!name || !isTok(stmt[2], "=") || stmt.length < 4) {
      ctx.report("config-syntax", `"${head.text}" needs "NAME = VALUE"`, head);
      return;
    }
    ctx.vars.set(name.text, substitute(ctx, stmt.slice(3), 0));
    return;
  }
  if (head.kind === "word" && head.text === "undefine") {
    if (stmt[1]) ctx.vars.delete(stmt[1].text);
    return;
  }
  if (head.kind === "word" && head.text === "include") {
    include(ctx, stmt, depth);
    return;
  }
  runCommand(ctx, substitute(ctx, stmt, 0));
}

/** Replaces `$name` by the variable's tokens (recursively, with a depth limit against cycles). */
function substitute(ctx: Context, tokens: readonly Token[], depth: number): Token[] {
  const out: Token[] = [];
  for (const t of tokens) {
    if (t.kind !== "word" || !t.text.startsWith("$")) {
      out.push(t);
      continue;
    }
    const value = ctx.vars.get(t.text.slice(1));
    if (!value || depth > 16) {
      ctx.report("config-syntax", `Unknown variable "${t.text}"`, t);
      out.push({ ...t, text: t.text.slice(1) });
      continue;
    }
    out.push(...substitute(ctx, value, depth + 1).map((v) => ({ ...v, line: t.line, column: t.column })));
  }
  return out;
}

function include(ctx: Context, stmt: Token[], depth: number): void {
  const head = stmt[0]!;
  const path = stmt[1];
  if (!path || path.kind !== "string") {
    ctx.report("config-syntax", '"include" needs a quoted file name', head);
    return;
  }
  const base = (p: string) => p.split("/").pop() ?? p;
  const target =
    ctx.files.find((f) => f.name === path.text) ?? ctx.files.find((f) => base(f.name) === base(path.text));
  if (!target || /[*?[]/.test(path.text) || depth >= MAX_INCLUDE_DEPTH) {
    ctx.report("config-unsupported", `Included file "${path.text}" is not among the files read`, path);
    return;
  }
  runFile(ctx, target, depth + 1);
}
