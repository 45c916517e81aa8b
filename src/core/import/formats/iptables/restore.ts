// An iptables-save / iptables-restore file run against an empty filter table, command by command, as
// iptables-restore runs it: `*filter` starts the table afresh, chain lines declare (or flush), then -A, -I,
// -D, -R, -N, -X, -F, -P, -E; other tables are skipped.

import type { Family } from "../../../net/address.js";
import { diagnostic, type Diagnostic } from "../../../policy/diagnostics.js";
import type { ConfigFile, ConfigSource } from "../../model.js";
import { parseRule, type ParsedRule } from "./parse-rule.js";
import { type Token, tokenize } from "./tokenize.js";

export interface TableRule {
  readonly rule: ParsedRule;
  readonly source: ConfigSource;
  /** Packets counted for the rule (`iptables-save -c`: "[packets:bytes]" or "-c packets bytes"). */
  readonly hits?: number;
}

export interface Chain {
  readonly name: string;
  readonly builtIn: boolean;
  policy: "accept" | "drop";
  rules: TableRule[];
  /** The line that declares the chain (`:NAME POLICY [0:0]`, `-N NAME`), when there is one. */
  source?: ConfigSource;
}

export interface FilterTable {
  readonly chains: Map<string, Chain>;
}

export const BUILT_IN = ["INPUT", "FORWARD", "OUTPUT"] as const;

export function emptyTable(): FilterTable {
  return {
    chains: new Map(BUILT_IN.map((n) => [n, { name: n, builtIn: true, policy: "accept", rules: [] }])),
  };
}

type Report = (code: Diagnostic["code"], column: number, message: string) => void;

/** Runs one file; the filter table it leaves is written into `table` (which a `*filter` line resets). */
export function runFile(
  file: ConfigFile,
  family: Family,
  table: FilterTable,
  diagnostics: Diagnostic[],
): void {
  const lines = file.text.split(/\r?\n/);
  // Without any "*table" line the file is a list of iptables commands on the filter table (aerleon's
  // iptables output, `iptables ...` lines of a shell script), each run as the iptables command would run it.
  const commandsOnly = !lines.some((l) => l.trim().startsWith("*"));
  let current: "filter" | "other" | undefined = commandsOnly ? "filter" : undefined;
  let lastLine = 0;
  lines.forEach((raw, index) => {
    const line = index + 1;
    const report: Report = (code, column, message) =>
      diagnostics.push(diagnostic(code, severity(code), message, { file: file.name, line, column }));
    const text = raw.trim();
    if (text === "" || text.startsWith("#")) return;
    lastLine = line;
    const indent = raw.length - raw.trimStart().length;
    if (text.startsWith("*")) {
      if (current !== undefined)
        report("config-syntax", indent + 1, `Table "${text.slice(1)}" starts before COMMIT`);
      current = startTable(text.slice(1), table, report, indent + 1);
      return;
    }
    if (text === "COMMIT") {
      if (current === undefined) report("config-syntax", indent + 1, "COMMIT outside a table");
      current = undefined;
      return;
    }
    if (current === "other") return;
    if (current === undefined)
      return report("config-syntax", indent + 1, "Line outside a table (*filter ... COMMIT)");
    const t = tokenize(raw);
    if (!t.ok) return report("config-syntax", t.column, t.message);
    const source = { file: file.name, line, text };
    const tokens = commandsOnly ? scriptCommand(t.tokens, report) : t.tokens;
    if (tokens === undefined || tokens.length === 0) return;
    const { tokens: rest, hits } = takeCounters(tokens);
    command(rest, family, table, source, report, hits);
  });
  if (current !== undefined && !commandsOnly)
    diagnostics.push(
      diagnostic(
        "config-syntax",
        "error",
        "The file ends without COMMIT; iptables-restore would not load it",
        {
          file: file.name,
          line: Math.max(1, lastLine),
          column: 1,
        },
      ),
    );
}

function severity(code: Diagnostic["code"]): Diagnostic["severity"] {
  return code === "config-syntax" ? "error" : code === "config-unsupported" ? "warning" : "info";
}

function startTable(name: string, table: FilterTable, report: Report, column: number): "filter" | "other" {
  if (name === "filter") {
    // Without --noflush, iptables-restore replaces the table: every chain empty, built-in policies ACCEPT.
    table.chains.clear();
    for (const [n, c] of emptyTable().chains) table.chains.set(n, c);
    return "filter";
  }
  const why =
    name === "nat"
      ? "Rampart reads the filter table only; NAT rewrites addresses before filtering, which is not modelled"
      : "Rampart reads the filter table only";
  report("config-ignored", column, `Table "${name}" is ignored: ${why}`);
  return "other";
}

/** iptables-save -c writes "[packets:bytes]" before each rule; the packets are the rule's hits. */
function takeCounters(tokens: Token[]): { tokens: Token[]; hits?: number } {
  const m = /^\[([0-9]+):[0-9]+\]$/.exec(tokens[0]?.text ?? "");
  return m ? { tokens: tokens.slice(1), hits: Number(m[1]) } : { tokens };
}

/** "-c PACKETS BYTES" inside a rule (iptables-restore's other way of setting counters). */
function optionCounters(tokens: readonly Token[]): number | undefined {
  const k = tokens.findIndex((t) => !t.quoted && (t.text === "-c" || t.text === "--set-counters"));
  const packets = k >= 0 ? tokens[k + 1]?.text : undefined;
  return packets !== undefined && /^[0-9]+$/.test(packets) ? Number(packets) : undefined;
}

/**
 * A line of a command list: "iptables" (or ip6tables, a path to either) is dropped, and a command on
 * another table than filter (`-t nat`) is ignored; undefined when the line is not for the filter table.
 */
function scriptCommand(tokens: Token[], report: Report): Token[] | undefined {
  let out = tokens;
  if (/(^|\/)ip6?tables(-legacy|-nft)?$/.test(out[0]?.text ?? "")) out = out.slice(1);
  const k = out.findIndex((t) => !t.quoted && (t.text === "-t" || t.text === "--table"));
  if (k < 0) return out;
  const name = out[k + 1]?.text;
  if (name !== "filter") {
    report(
      "config-ignored",
      out[k]!.column,
      `Table "${name ?? ""}" is ignored: Rampart reads the filter table only`,
    );
    return undefined;
  }
  return [...out.slice(0, k), ...out.slice(k + 2)];
}

const COMMANDS: Readonly<Record<string, string>> = {
  "-A": "-A",
  "--append": "-A",
  "-I": "-I",
  "--insert": "-I",
  "-D": "-D",
  "--delete": "-D",
  "-R": "-R",
  "--replace": "-R",
  "-N": "-N",
  "--new-chain": "-N",
  "-X": "-X",
  "--delete-chain": "-X",
  "-F": "-F",
  "--flush": "-F",
  "-P": "-P",
  "--policy": "-P",
  "-E": "-E",
  "--rename-chain": "-E",
  "-Z": "-Z",
  "--zero": "-Z",
};

function command(
  tokens: Token[],
  family: Family,
  table: FilterTable,
  source: ConfigSource,
  report: Report,
  hits?: number,
): void {
  const first = tokens[0]!;
  if (first.text.startsWith(":")) return declare(tokens, table, report, source);
  const cmd = COMMANDS[first.text];
  if (cmd === undefined) return report("config-syntax", first.column, `Unknown command "${first.text}"`);
  const chainTok = tokens[1];
  const chain = chainTok ? table.chains.get(chainTok.text) : undefined;
  const needChain = (): Chain | undefined => {
    if (!chainTok) report("config-syntax", first.column, `"${first.text}" needs a chain`);
    else if (!chain) report("config-syntax", chainTok.column, `Chain "${chainTok.text}" does not exist`);
    return chain;
  };
  switch (cmd) {
    case "-A":
    case "-I":
    case "-R":
    case "-D":
      return ruleCommand(cmd, tokens, family, needChain(), source, report, hits);
    case "-N":
      if (!chainTok) return report("config-syntax", first.column, `"-N" needs a chain name`);
      if (chain) return report("config-syntax", chainTok.column, `Chain "${chainTok.text}" already exists`);
      table.chains.set(chainTok.text, {
        name: chainTok.text,
        builtIn: false,
        policy: "drop",
        rules: [],
        source,
      });
      return;
    case "-X":
      return deleteChains(table, chainTok, report);
    case "-F":
      if (!chainTok) for (const c of table.chains.values()) c.rules = [];
      else if (needChain()) chain!.rules = [];
      return;
    case "-P":
      return setPolicy(needChain(), tokens[2], report, first.column);
    case "-E":
      return renameChain(table, needChain(), tokens[2], report, first.column);
    case "-Z":
      return;
  }
}

function declare(tokens: Token[], table: FilterTable, report: Report, source: ConfigSource): void {
  const head = tokens[0]!;
  const name = head.text.slice(1);
  const policy = tokens[1]?.text;
  if (name === "") return report("config-syntax", head.column, "A chain line needs a chain name");
  const existing = table.chains.get(name);
  if (existing?.builtIn) {
    existing.source = source;
    return setPolicy(existing, tokens[1], report, head.column);
  }
  if (policy !== undefined && policy !== "-")
    return report("config-syntax", tokens[1]!.column, `User chain "${name}" cannot have policy "${policy}"`);
  // Declaring a chain that is there empties it, as iptables-restore --noflush does.
  if (existing) existing.rules = [];
  else table.chains.set(name, { name, builtIn: false, policy: "drop", rules: [], source });
}

function setPolicy(chain: Chain | undefined, value: Token | undefined, report: Report, column: number): void {
  if (!chain) return;
  const p = value?.text.toUpperCase();
  if (!chain.builtIn)
    return report("config-syntax", column, `Chain "${chain.name}" is not built in and has no policy`);
  if (p !== "ACCEPT" && p !== "DROP")
    return report(
      "config-syntax",
      value?.column ?? column,
      `Policy of "${chain.name}" must be ACCEPT or DROP`,
    );
  chain.policy = p === "ACCEPT" ? "accept" : "drop";
}

function ruleCommand(
  cmd: "-A" | "-I" | "-R" | "-D",
  tokens: Token[],
  family: Family,
  chain: Chain | undefined,
  source: ConfigSource,
  report: Report,
  hits: number | undefined,
): void {
  if (!chain) return;
  let rest = tokens.slice(2);
  let position: number | undefined;
  if ((cmd === "-I" || cmd === "-R" || cmd === "-D") && /^[0-9]+$/.test(rest[0]?.text ?? "")) {
    position = Number(rest[0]!.text);
    rest = rest.slice(1);
  }
  if (cmd === "-D" && position !== undefined && rest.length === 0)
    return removeAt(chain, position, tokens[2]!, report);
  const rule = parseRule(rest, family);
  for (const p of rule.problems) report(p.code, p.column, p.message);
  if (rule.problems.some((p) => p.code === "config-syntax")) return;
  const counted = hits ?? optionCounters(rest);
  const entry: TableRule = { rule, source, ...(counted !== undefined && { hits: counted }) };
  if (cmd === "-A") chain.rules.push(entry);
  else if (cmd === "-I") insertAt(chain, position ?? 1, entry, tokens[0]!, report);
  else if (cmd === "-R") {
    if (position === undefined || position < 1 || position > chain.rules.length)
      return report("config-syntax", tokens[0]!.column, `"-R" needs a rule number of chain "${chain.name}"`);
    chain.rules[position - 1] = entry;
  } else {
    const k = chain.rules.findIndex((r) => r.rule.spec === rule.spec);
    if (k < 0)
      return report("config-syntax", tokens[0]!.column, `No such rule in chain "${chain.name}" to delete`);
    chain.rules.splice(k, 1);
  }
}

function insertAt(chain: Chain, position: number, entry: TableRule, at: Token, report: Report): void {
  if (position < 1 || position > chain.rules.length + 1)
    return report("config-syntax", at.column, `Chain "${chain.name}" has no position ${position}`);
  chain.rules.splice(position - 1, 0, entry);
}

function removeAt(chain: Chain, position: number, at: Token, report: Report): void {
  if (position < 1 || position > chain.rules.length)
    return report("config-syntax", at.column, `Chain "${chain.name}" has no rule ${position}`);
  chain.rules.splice(position - 1, 1);
}

function deleteChains(table: FilterTable, name: Token | undefined, report: Report): void {
  for (const c of [...table.chains.values()]) {
    if (c.builtIn || (name && c.name !== name.text)) continue;
    table.chains.delete(c.name);
  }
  if (name && BUILT_IN.includes(name.text as (typeof BUILT_IN)[number]))
    report("config-syntax", name.column, `Built-in chain "${name.text}" cannot be deleted`);
}

function renameChain(
  table: FilterTable,
  chain: Chain | undefined,
  to: Token | undefined,
  report: Report,
  col: number,
) {
  if (!chain) return;
  if (!to || chain.builtIn)
    return report("config-syntax", col, `"-E" renames a user chain and needs a new name`);
  if (table.chains.has(to.text))
    return report("config-syntax", to.column, `Chain "${to.text}" already exists`);
  table.chains.delete(chain.name);
  table.chains.set(to.text, { ...chain, name: to.text });
}
