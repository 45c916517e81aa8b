// Custom applications (`applications application`, with or without terms) and application-sets.

import type { SourceLocation } from "../../../policy/diagnostics.js";
import type { ApplicationDef, JunosConfig, Reporter, TermDef } from "./config.js";
import {
  ICMP_CODES,
  ICMP_TYPES,
  ICMP6_TYPES,
  JUNOS_PROTOCOLS,
  numberOrKeyword,
  parsePortRange,
} from "./keywords.js";
import { PINHOLE_ALGS } from "./predefined.js";
import { type Statement, wordLoc } from "./statements.js";

type MutableTerm = { -readonly [K in keyof TermDef]: TermDef[K] };

/** Attributes that take a value but do not change which connections an application matches. */
const NEUTRAL = new Set([
  "description",
  "inactivity-timeout",
  "ttl-threshold",
  "child-inactivity-timeout",
  "gate-timeout",
  "sip-call-hold-timeout",
]);
/** Attributes without a value, equally neutral. */
const NEUTRAL_FLAGS = new Set([
  "learn-sip-register",
  "do-not-translate-A-query-to-AAAA-query",
  "do-not-translate-AAAA-query-to-A-query",
]);
/** Attributes that narrow the match to something Rampart cannot see (RPC programs, SNMP commands). */
const NARROWING = new Set(["rpc-program-number", "uuid", "snmp-command", "ether-type"]);

/** Reads `applications ...` statements (words[0] is "applications"). */
export function readApplications(cfg: JunosConfig, rep: Reporter, s: Statement): void {
  const kind = s.words[1]?.text;
  const name = s.words[2]?.text;
  if (name === undefined) {
    if (kind !== undefined) rep.syntax(`Cannot read "${s.text}": the ${kind} has no name`, wordLoc(s, 1));
    return;
  }
  if (kind === "application") readApplication(cfg, rep, s, name);
  else if (kind === "application-set") readApplicationSet(cfg, rep, s, name);
  else rep.ignored(`Statement "applications ${kind}" is not modelled`, wordLoc(s, 1));
}

function readApplicationSet(cfg: JunosConfig, rep: Reporter, s: Statement, name: string): void {
  let set = cfg.applicationSets.get(name);
  if (!set) {
    set = { name, loc: s.loc, members: [] };
    cfg.applicationSets.set(name, set);
  }
  const kind = s.words[3]?.text;
  const member = s.words[4];
  if (kind === undefined || kind === "description") return;
  if ((kind === "application" || kind === "application-set") && member)
    for (const m of member.items ?? [member.text]) set.members.push({ name: m, loc: wordLoc(s, 4) });
  else rep.syntax(`Cannot read "${s.text}": expected "application" or "application-set"`, wordLoc(s, 3));
}

function readApplication(cfg: JunosConfig, rep: Reporter, s: Statement, name: string): void {
  let app = cfg.applications.get(name);
  if (!app) {
    app = { name, loc: s.loc, terms: new Map() };
    cfg.applications.set(name, app);
  }
  // Terms are made on their first attribute, so `application A term t1 ...` leaves no empty unnamed term.
  let termName = "";
  let termLoc = s.loc;
  const w = s.words;
  for (let k = 3; k < w.length; k += 2) {
    const key = w[k]!.text;
    const value = w[k + 1]?.text;
    const loc = wordLoc(s, k);
    if (NEUTRAL_FLAGS.has(key)) {
      k--;
      continue;
    }
    if (value === undefined) {
      rep.syntax(`Cannot read "${s.text}": "${key}" has no value`, loc);
      termOf(app, termName, termLoc).broken = true;
      return;
    }
    if (key === "term") {
      termName = value;
      termLoc = loc;
      termOf(app, termName, termLoc);
      continue;
    }
    if (NEUTRAL.has(key)) continue;
    if (!setAttribute(app, termOf(app, termName, termLoc), key, value, wordLoc(s, k + 1), rep)) return;
  }
}

function termOf(app: ApplicationDef, name: string, loc: SourceLocation): MutableTerm {
  let t = app.terms.get(name) as MutableTerm | undefined;
  if (!t) {
    t = { loc };
    app.terms.set(name, t);
  }
  return t;
}

/** Applies one attribute to a term; false when the rest of the statement cannot be trusted. */
function setAttribute(
  app: ApplicationDef,
  term: MutableTerm,
  key: string,
  value: string,
  loc: SourceLocation,
  rep: Reporter,
): boolean {
  const bad = (what: string) => {
    rep.syntax(`Cannot read ${what} "${value}" of application "${app.name}"`, loc);
    term.broken = true;
    return false;
  };
  switch (key) {
    case "protocol": {
      const p = numberOrKeyword(value, JUNOS_PROTOCOLS, 255);
      if (p === undefined) return bad("protocol");
      term.proto = p;
      return true;
    }
    case "destination-port":
    case "source-port": {
      const r = parsePortRange(value);
      if (!r) return bad("port");
      if (key === "destination-port") term.dstPorts = r;
      else term.srcPorts = r;
      return true;
    }
    case "icmp-type":
    case "icmp6-type": {
      const t = numberOrKeyword(value, key === "icmp-type" ? ICMP_TYPES : ICMP6_TYPES, 255);
      if (t === undefined) return bad("ICMP type");
      term.icmpType = t;
      return true;
    }
    case "icmp-code":
    case "icmp6-code": {
      const c = numberOrKeyword(value, ICMP_CODES, 255);
      if (c === undefined) return bad("ICMP code");
      term.icmpCode = c;
      return true;
    }
    case "application-protocol":
    case "alg":
      if (PINHOLE_ALGS.has(value)) {
        app.alg = value;
        rep.unsupported(
          `Application "${app.name}" runs the ${value} ALG, which also admits the connections it negotiates; those are not modelled`,
          loc,
        );
      }
      return true;
  }
  if (NARROWING.has(key)) {
    rep.unsupported(
      `Application "${app.name}" narrows its match with "${key}", which Rampart cannot see; it is read by protocol and ports only`,
      loc,
    );
    return true;
  }
  rep.unsupported(`Application attribute "${key}" is not modelled`, loc);
  term.broken = true;
  return false;
}
