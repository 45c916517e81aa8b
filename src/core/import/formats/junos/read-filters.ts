// Firewall filters (`firewall [family F] filter NAME term T from ... then ...`), the prefix lists they name
// (`policy-options prefix-list`), and the interface units they are applied to, read into the vendor model.

import type { FilterDef, FilterTerm, JunosConfig, Reporter } from "./config.js";
import { locAt, type Statement, values, wordLoc } from "./statements.js";

/** Filter-level statements with no effect on which packets a filter passes. */
const FILTER_NEUTRAL = new Set([
  "interface-specific",
  "physical-interface-filter",
  "enhanced-mode",
  "enhanced-mode-override",
  "instance-shared",
  "fast-lookup-filter",
  "description",
]);

/** Conditions other platforms (and batfish's tests) spell differently, with the same meaning. */
const ALIASES: Readonly<Record<string, string>> = {
  "ip-source-address": "source-address",
  "ip-destination-address": "destination-address",
  "ip-address": "address",
  "ip-protocol": "protocol",
  "ip-protocol-except": "protocol-except",
  "source-port-range-optimize": "source-port",
  "destination-port-range-optimize": "destination-port",
};

/** `firewall ...`: a filter's statement, or other firewall configuration (policers ...), reported. */
export function readFirewall(cfg: JunosConfig, rep: Reporter, s: Statement): void {
  const w = s.words.map((x) => x.text);
  const family = w[1] === "family" ? w[2] : "inet";
  const at = w[1] === "family" ? 3 : 1;
  if (w[at] !== "filter") {
    const what = w.slice(1, at + 1).join(" ");
    if (w[at] === "policer" || w[at] === "three-color-policer" || w[at] === "hierarchical-policer")
      rep.ignored(
        `Policer "${w[at + 1] ?? ""}" ignored: it limits rates, it does not decide`,
        s.loc,
        `pol ${w[at + 1]}`,
      );
    else rep.ignored(`"firewall ${what}" is not read`, s.loc, `fw ${what}`);
    return;
  }
  const name = w[at + 1];
  if (name === undefined || family === undefined) {
    rep.syntax(`Cannot read "${s.text}": the filter has no name`, s.loc);
    return;
  }
  const filter = filterOf(cfg, rep, family, name, s, at);
  const part = w[at + 2];
  if (part === undefined || FILTER_NEUTRAL.has(part)) return;
  if (part !== "term" || w[at + 3] === undefined) {
    rep.unsupported(`Filter statement "${part}" is not modelled`, wordLoc(s, at + 2));
    return;
  }
  const term = termOf(filter, w[at + 3]!, s, at + 2);
  readTermPart(term, rep, s, at + 4);
}

function filterOf(
  cfg: JunosConfig,
  rep: Reporter,
  family: string,
  name: string,
  s: Statement,
  at: number,
): FilterDef {
  const key = `${family}|${name}`;
  let f = cfg.filters.get(key);
  const where = locAt(s, at);
  // "replace: filter F { ... }" written again (a load file) replaces the filter read so far.
  const replaces =
    where.text.startsWith("replace:") &&
    f !== undefined &&
    (f.loc.line !== where.loc.line || f.loc.file !== where.loc.file);
  if (replaces)
    rep.ignored(
      `Filter "${name}" is replaced at ${where.loc.file}:${where.loc.line}; the terms above are left out`,
      f!.loc,
    );
  if (!f || replaces) {
    f = { family, name, loc: where.loc, text: where.text, terms: [] };
    cfg.filters.set(key, f);
  }
  return f;
}

function termOf(filter: FilterDef, name: string, s: Statement, at: number): FilterTerm {
  let t = filter.terms.find((x) => x.name === name);
  if (!t) {
    const where = locAt(s, at);
    t = { name, loc: where.loc, text: where.text, from: new Map(), then: [] };
    filter.terms.push(t);
  }
  return t;
}

/** The words of a term after its name: "from COND VALUE [except]", "then ACTION ...", "filter F". */
function readTermPart(term: FilterTerm, rep: Reporter, s: Statement, i: number): void {
  const w = s.words;
  const section = w[i]?.text;
  if (section === undefined) return;
  if (section === "from") {
    const written = w[i + 1]?.text;
    if (written === undefined) return;
    const cond = ALIASES[written] ?? written;
    const list = term.from.get(cond) ?? [];
    term.from.set(cond, list);
    const value = w[i + 2];
    const except = w[i + 3]?.text === "except";
    for (const text of values(value)) list.push({ text, except, loc: wordLoc(s, i + 2) });
    // Conditions without a value ("tcp-established", "first-fragment") are recorded with none.
  } else if (section === "then") {
    const words = s.words.slice(i + 1).flatMap((x) => values(x));
    if (words.length > 0) term.then.push({ words, loc: wordLoc(s, i + 1) });
  } else if (section === "filter" && w[i + 1]) term.nested = { name: w[i + 1]!.text, loc: wordLoc(s, i) };
  else rep.syntax(`Cannot read term statement "${section}"`, wordLoc(s, i));
}

/** `policy-options prefix-list NAME PREFIX`; other policy options concern routing and are ignored. */
export function readPolicyOptions(cfg: JunosConfig, rep: Reporter, s: Statement): void {
  const w = s.words;
  if (w[1]?.text !== "prefix-list" || !w[2]) {
    rep.ignored(
      `Hierarchy "policy-options" ignored: routing policy does not filter traffic`,
      s.loc,
      "top policy-options",
    );
    return;
  }
  const name = w[2].text;
  let list = cfg.prefixLists.get(name);
  if (!list) {
    list = { items: [], loc: wordLoc(s, 2) };
    cfg.prefixLists.set(name, list);
  }
  const what = w[3];
  if (what === undefined) return;
  if (what.text === "apply-path") {
    rep.unsupported(
      `Prefix list "${name}" uses apply-path, which is not expanded: read as empty`,
      wordLoc(s, 3),
    );
    return;
  }
  for (const text of values(what)) list.items.push({ text, except: false, loc: wordLoc(s, 3) });
}

/** `interfaces IF unit N family F filter input|output NAME` (also `input-list [ A B ]`). */
export function readInterfaceFilter(cfg: JunosConfig, rep: Reporter, s: Statement): boolean {
  const w = s.words.map((x) => x.text);
  const f = w.indexOf("filter");
  const fam = w.indexOf("family");
  if (f < 0 || fam < 0 || fam > f || w[0] !== "interfaces") return false;
  const iface = w[1] === "interface-range" ? `${w[1]} ${w[2]}` : w[1]!;
  const unit = w.indexOf("unit");
  const name = unit > 0 && unit < fam ? `${iface}.${w[unit + 1]}` : iface;
  const kind = w[f + 1];
  const dir = kind?.startsWith("input") ? "input" : kind?.startsWith("output") ? "output" : undefined;
  if (dir === undefined) {
    rep.syntax(`Cannot read the interface filter "${s.text}": expected input or output`, s.loc);
    return true;
  }
  const filters = values(s.words[f + 2]);
  const list = kind!.endsWith("-list");
  // A list written one name per statement (set form) grows the binding of that unit and direction.
  const family = w[fam + 1]!;
  const same = cfg.filterBindings.find(
    (b) => list && b.iface === name && b.family === family && b.direction === dir,
  );
  if (same) same.filters.push(...filters);
  else cfg.filterBindings.push({ iface: name, family, direction: dir, filters, loc: s.loc });
  return true;
}
