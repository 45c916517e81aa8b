// nft commands applied to a ruleset: tables, chains, rules, sets and elements, in blocks or one per line.

import { braced, isTok, splitStatements, type Token } from "./lexer.js";
import { parseElements, parseRule } from "./parse-rule.js";
import type { Report } from "./report.js";
import {
  type Chain,
  type Rule,
  type Ruleset,
  TABLE_FAMILIES,
  type Table,
  type TableFamily,
  tableKey,
} from "./ruleset.js";

/** What commands change, and where they report. */
export interface CommandContext {
  readonly ruleset: Ruleset;
  /** Each file's lines, for the text of a rule. */
  readonly lines: Map<string, string[]>;
  readonly report: Report;
}

const VERBS = new Set([
  "add",
  "create",
  "insert",
  "delete",
  "destroy",
  "flush",
  "list",
  "reset",
  "replace",
  "rename",
  "monitor",
  "describe",
  "export",
  "import",
  "get",
]);
const NAMED_OBJECTS = new Set(["counter", "quota", "limit", "ct", "flowtable", "secmark", "synproxy"]);

/** Family and name of a table reference at `i` (family defaults to ip, as in nft). */
function tableRef(stmt: Token[], i: number): { family: TableFamily; name: Token; next: number } | undefined {
  const a = stmt[i];
  const b = stmt[i + 1];
  if (!a || a.kind === "punct") return undefined;
  const fam = TABLE_FAMILIES.find((f) => f === a.text);
  if (fam && b && b.kind !== "punct" && b.kind !== "nl") return { family: fam, name: b, next: i + 2 };
  return { family: "ip", name: a, next: i + 1 };
}

function ensureTable(ctx: CommandContext, family: TableFamily, name: Token): Table {
  const key = tableKey(family, name.text);
  let t = ctx.ruleset.get(key);
  if (!t) {
    t = { family, name: name.text, token: name, dormant: false, chains: new Map(), sets: new Map() };
    ctx.ruleset.set(key, t);
  }
  return t;
}

function ensureChain(table: Table, name: Token): Chain {
  let c = table.chains.get(name.text);
  if (!c) {
    c = { name: name.text, token: name, rules: [] };
    table.chains.set(name.text, c);
  }
  return c;
}

function existingTable(
  ctx: CommandContext,
  stmt: Token[],
  i: number,
): { table: Table; next: number } | undefined {
  const ref = tableRef(stmt, i);
  if (!ref) {
    ctx.report("config-syntax", "Missing table name", stmt[i - 1] ?? stmt[0]!);
    return undefined;
  }
  const table = ctx.ruleset.get(tableKey(ref.family, ref.name.text));
  if (!table) {
    ctx.report("config-syntax", `Unknown table "${ref.family} ${ref.name.text}"`, ref.name);
    return undefined;
  }
  return { table, next: ref.next };
}

export function runCommand(ctx: CommandContext, stmt: Token[]): void {
  if (stmt.length === 0) return;
  let i = 0;
  let verb = "add";
  if (stmt[0]!.kind === "word" && VERBS.has(stmt[0]!.text)) {
    verb = stmt[0]!.text;
    i = 1;
  }
  const obj = stmt[i];
  if (!obj || obj.kind !== "word") {
    ctx.report("config-syntax", `Unexpected "${obj?.text ?? stmt[0]!.text}"`, obj ?? stmt[0]!);
    return;
  }
  if (verb === "list" || verb === "monitor" || verb === "describe" || verb === "export" || verb === "get")
    return;
  switch (obj.text) {
    case "table":
      return tableCommand(ctx, verb, stmt, i + 1);
    case "chain":
      return chainCommand(ctx, verb, stmt, i + 1);
    case "rule":
      return ruleCommand(ctx, verb, stmt, i + 1);
    case "set":
    case "map":
      return setCommand(ctx, verb, stmt, i + 1, obj.text === "map");
    case "element":
      return elementCommand(ctx, verb, stmt, i + 1);
    case "ruleset":
      if (verb === "flush") flushRuleset(ctx, stmt[i + 1]?.text);
      return;
    default:
      if (NAMED_OBJECTS.has(obj.text)) {
        ctx.report("config-ignored", `Named ${obj.text} objects do not filter by themselves`, obj);
        return;
      }
      ctx.report("config-syntax", `Unknown command "${obj.text}"`, obj);
  }
}

function flushRuleset(ctx: CommandContext, family: string | undefined): void {
  for (const [key, t] of [...ctx.ruleset])
    if (family === undefined || t.family === family) ctx.ruleset.delete(key);
}

function tableCommand(ctx: CommandContext, verb: string, stmt: Token[], i: number): void {
  const ref = tableRef(stmt, i);
  if (!ref) {
    ctx.report("config-syntax", "Missing table name", stmt[i - 1]!);
    return;
  }
  const key = tableKey(ref.family, ref.name.text);
  if (verb === "delete" || verb === "destroy") {
    ctx.ruleset.delete(key);
    return;
  }
  if (verb === "flush") {
    for (const c of ctx.ruleset.get(key)?.chains.values() ?? []) c.rules = [];
    return;
  }
  const table = ensureTable(ctx, ref.family, ref.name);
  if (isTok(stmt[ref.next], "{")) {
    const b = braced(stmt, ref.next);
    if (!b) ctx.report("config-syntax", 'Unclosed "{"', stmt[ref.next]!);
    else tableBody(ctx, table, b.inner);
  }
}

function tableBody(ctx: CommandContext, table: Table, inner: Token[]): void {
  for (const s of splitStatements(inner)) {
    const head = s[0]!;
    const name = s[1];
    if (isTok(head, "chain") && name && name.kind !== "punct") {
      const chain = ensureChain(table, name);
      if (isTok(s[2], "{")) chainBlock(ctx, table, chain, s, 2);
    } else if ((isTok(head, "set") || isTok(head, "map")) && name && isTok(s[2], "{")) {
      const b = braced(s, 2);
      if (b) setBody(ctx, table, name, head.text === "map", b.inner);
    } else if (isTok(head, "flags")) {
      if (s.some((t) => t.text === "dormant")) table.dormant = true;
    } else if (isTok(head, "comment")) {
      continue;
    } else if (head.kind === "word" && NAMED_OBJECTS.has(head.text)) {
      ctx.report("config-ignored", `Named ${head.text} objects do not filter by themselves`, head);
    } else {
      ctx.report("config-syntax", `Unexpected "${head.text}" in table "${table.name}"`, head);
    }
  }
}

function chainBlock(ctx: CommandContext, table: Table, chain: Chain, s: Token[], open: number): void {
  const b = braced(s, open);
  if (!b) {
    ctx.report("config-syntax", 'Unclosed "{"', s[open]!);
    return;
  }
  for (const item of splitStatements(b.inner)) chainItem(ctx, table, chain, item);
}

function chainItem(ctx: CommandContext, table: Table, chain: Chain, item: Token[]): void {
  const head = item[0]!;
  if (isTok(head, "type") && item.some((t) => isTok(t, "hook"))) {
    chain.type = item[1]?.text;
    const hook = item.findIndex((t) => isTok(t, "hook"));
    chain.hook = item[hook + 1]?.text;
    const prio = item.findIndex((t) => isTok(t, "priority"));
    if (prio >= 0)
      chain.priority = item
        .slice(prio + 1)
        .map((t) => t.text)
        .join(" ");
    return;
  }
  if (isTok(head, "policy")) {
    const p = item[1]?.text;
    if (p === "accept" || p === "drop") chain.policy = p;
    else
      ctx.report(
        "config-syntax",
        `Chain policy must be "accept" or "drop", not "${p ?? ""}"`,
        item[1] ?? head,
      );
    return;
  }
  if (isTok(head, "comment") || isTok(head, "devices") || isTok(head, "device")) return;
  chain.rules.push(makeRule(ctx, table, chain, item));
}

/**
 * `jump { ... }` / `goto { ... }` (a chain binding): the rules in braces become an anonymous chain of the
 * table, named "PARENT#N" (the parent's Nth binding), and the verdict jumps to it by that name.
 */
function bindChains(ctx: CommandContext, table: Table, parent: Chain, tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    out.push(t);
    if (!(isTok(t, "jump") || isTok(t, "goto")) || !isTok(tokens[k + 1], "{")) continue;
    const b = braced(tokens, k + 1);
    if (!b) continue;
    const open = tokens[k + 1]!;
    const n = [...table.chains.keys()].filter((c) => c.startsWith(`${parent.name}#`)).length + 1;
    const name: Token = { ...open, kind: "word", text: `${parent.name}#${n}` };
    const chain = ensureChain(table, name);
    for (const item of splitStatements(b.inner)) chainItem(ctx, table, chain, item);
    out.push(name);
    k = b.next - 1;
  }
  return out;
}

function makeRule(ctx: CommandContext, table: Table, chain: Chain, all: Token[], from = 0): Rule {
  const tokens = bindChains(ctx, table, chain, all);
  const body = tokens.slice(from);
  const first = body[0] ?? tokens[0]!;
  const last = tokens[tokens.length - 1]!;
  const lines = ctx.lines.get(first.file) ?? [];
  const text = lines
    .slice(tokens[0]!.line - 1, last.line)
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
  const statements = parseRule(body, ctx.report);
  const comment = statements.find((s) => s.kind === "comment");
  return {
    statements,
    file: first.file,
    line: tokens[0]!.line,
    text,
    ...(comment?.kind === "comment" && { comment: comment.text }),
  };
}

function chainCommand(ctx: CommandContext, verb: string, stmt: Token[], i: number): void {
  const found = existingTable(ctx, stmt, i);
  if (!found) return;
  const name = stmt[found.next];
  if (!name || name.kind === "punct") {
    ctx.report("config-syntax", "Missing chain name", stmt[found.next - 1]!);
    return;
  }
  const { table } = found;
  if (verb === "delete" || verb === "destroy") {
    table.chains.delete(name.text);
    return;
  }
  if (verb === "flush") {
    const c = table.chains.get(name.text);
    if (c) c.rules = [];
    return;
  }
  if (verb === "rename") {
    ctx.report("config-unsupported", "Renaming chains is not modelled", name);
    return;
  }
  const chain = ensureChain(table, name);
  if (isTok(stmt[found.next + 1], "{")) chainBlock(ctx, table, chain, stmt, found.next + 1);
}

function ruleCommand(ctx: CommandContext, verb: string, stmt: Token[], i: number): void {
  if (verb !== "add" && verb !== "insert" && verb !== "create") {
    ctx.report(
      "config-unsupported",
      `"${verb} rule" needs rule handles, which Rampart does not track`,
      stmt[0]!,
    );
    return;
  }
  const found = existingTable(ctx, stmt, i);
  if (!found) return;
  const name = stmt[found.next];
  const chain = name ? found.table.chains.get(name.text) : undefined;
  if (!name || !chain) {
    ctx.report("config-syntax", `Unknown chain "${name?.text ?? ""}"`, name ?? stmt[0]!);
    return;
  }
  let from = found.next + 1;
  if (/^(position|handle|index)$/.test(stmt[from]?.text ?? "")) {
    ctx.report(
      "config-unsupported",
      `Rule placed by "${stmt[from]!.text}": Rampart puts it at the ${verb === "insert" ? "start" : "end"}`,
      stmt[from]!,
    );
    from += 2;
  }
  const rule = makeRule(ctx, found.table, chain, stmt, from);
  if (verb === "insert") chain.rules.unshift(rule);
  else chain.rules.push(rule);
}

function setBody(ctx: CommandContext, table: Table, name: Token, map: boolean, inner: Token[]): void {
  let set = table.sets.get(name.text);
  if (!set) {
    set = { name: name.text, token: name, map, type: "", elements: [] };
    table.sets.set(name.text, set);
  }
  for (const s of splitStatements(inner)) {
    const head = s[0]!;
    if (isTok(head, "type") || isTok(head, "typeof")) {
      set.type = s
        .slice(1)
        .map((t) => t.text)
        .join(" ");
      if (map && !/:\s*verdict$/.test(set.type))
        ctx.report(
          "config-ignored",
          `Map "${name.text}" maps to values, not verdicts: it decides nothing by itself (rules using it are reported)`,
          name,
        );
    } else if (isTok(head, "elements")) {
      const open = s.findIndex((t) => isTok(t, "{"));
      const b = open >= 0 ? braced(s, open) : undefined;
      if (b) set.elements.push(...parseElements(b.inner, ctx.report));
      else ctx.report("config-syntax", '"elements" needs "= { ... }"', head);
    }
  }
}

function setCommand(ctx: CommandContext, verb: string, stmt: Token[], i: number, map: boolean): void {
  const found = existingTable(ctx, stmt, i);
  if (!found) return;
  const name = stmt[found.next];
  if (!name || name.kind === "punct") {
    ctx.report("config-syntax", "Missing set name", stmt[found.next - 1]!);
    return;
  }
  if (verb === "delete" || verb === "destroy") {
    found.table.sets.delete(name.text);
    return;
  }
  if (verb === "flush") {
    const s = found.table.sets.get(name.text);
    if (s) s.elements = [];
    return;
  }
  const b = isTok(stmt[found.next + 1], "{") ? braced(stmt, found.next + 1) : undefined;
  setBody(ctx, found.table, name, map, b?.inner ?? []);
}

function elementCommand(ctx: CommandContext, verb: string, stmt: Token[], i: number): void {
  const found = existingTable(ctx, stmt, i);
  if (!found) return;
  const name = stmt[found.next];
  const set = name ? found.table.sets.get(name.text) : undefined;
  if (!name || !set) {
    ctx.report("config-syntax", `Unknown set "${name?.text ?? ""}"`, name ?? stmt[0]!);
    return;
  }
  const b = isTok(stmt[found.next + 1], "{") ? braced(stmt, found.next + 1) : undefined;
  if (!b) {
    ctx.report("config-syntax", '"element" needs "{ ... }"', name);
    return;
  }
  const elements = parseElements(b.inner, ctx.report);
  if (verb === "delete" || verb === "destroy") {
    const gone = new Set(elements.map((e) => e.text));
    set.elements = set.elements.filter((e) => !gone.has(e.text));
  } else set.elements.push(...elements);
}
