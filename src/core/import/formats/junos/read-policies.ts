// Security policies: zone-pair policies, global policies, the default policy, and `insert` reordering.

import type { SourceLocation } from "../../../policy/diagnostics.js";
import { contextKey, type JunosConfig, type PolicyDef, type Reporter } from "./config.js";
import type { InsertOp } from "./parse-set.js";
import { locAt, type Statement, values, wordLoc } from "./statements.js";

/** `security policies` statements that do not change which connections pass. */
const NEUTRAL = new Set(["policy-rematch", "policy-stats", "traceoptions", "pre-id-default-policy"]);
/** Match conditions Rampart cannot see: the policy is read without them. */
const UNSEEN_MATCH = new Set([
  "source-identity",
  "dynamic-application",
  "url-category",
  "source-end-user-profile",
  "services-offload",
]);

/** Reads `security policies ...` (words[1] is "policies"). */
export function readPolicies(cfg: JunosConfig, rep: Reporter, s: Statement): void {
  const w = s.words;
  const kind = w[2]?.text;
  if (kind === "from-zone" && w[4]?.text === "to-zone" && w[6]?.text === "policy" && w[7]) {
    const list = contextList(cfg, w[3]!.text, w[5]!.text);
    readPolicy(policyIn(list, s, 6, { from: w[3]!.text, to: w[5]!.text }), rep, s, 8);
  } else if (kind === "global" && w[3]?.text === "policy" && w[4]) {
    readPolicy(policyIn(cfg.global, s, 3, {}), rep, s, 5);
  } else if (kind === "default-policy") {
    const v = w[3]?.text;
    if (v === "permit-all" || v === "deny-all") cfg.defaultPolicy = v;
    else rep.syntax(`Cannot read default policy "${v ?? ""}"`, wordLoc(s, 3));
  } else if (kind !== undefined && NEUTRAL.has(kind)) return;
  else if (kind !== undefined)
    rep.unsupported(`Statement "security policies ${kind}" is not modelled`, s.loc);
}

function contextList(cfg: JunosConfig, from: string, to: string): PolicyDef[] {
  const key = contextKey(from, to);
  let list = cfg.contexts.get(key);
  if (!list) {
    list = [];
    cfg.contexts.set(key, list);
  }
  return list;
}

/** The policy the statement names (word `at` is "policy"), created on its first statement. */
function policyIn(
  list: PolicyDef[],
  s: Statement,
  at: number,
  pair: { from?: string; to?: string },
): PolicyDef {
  const name = s.words[at + 1]!.text;
  let p = list.find((x) => x.name === name);
  if (!p) {
    const where = locAt(s, at);
    p = {
      name,
      ...pair,
      loc: where.loc,
      text: where.text,
      sources: [],
      destinations: [],
      applications: [],
      sourceExcluded: false,
      destinationExcluded: false,
      fromZones: [],
      toZones: [],
      log: false,
    };
    list.push(p);
  }
  return p;
}

function readPolicy(p: PolicyDef, rep: Reporter, s: Statement, i: number): void {
  const section = s.words[i]?.text;
  if (section === undefined || section === "description" || section === "policy-id") return;
  if (section === "match") readMatch(p, rep, s, i + 1);
  else if (section === "then") readThen(p, rep, s, i + 1);
  else if (section === "scheduler-name")
    rep.unsupported(
      `Policy "${p.name}" is limited in time by scheduler "${s.words[i + 1]?.text ?? ""}"; it is read as always active`,
      wordLoc(s, i),
    );
  else rep.unsupported(`Policy statement "${section}" is not modelled`, wordLoc(s, i));
}

function readMatch(p: PolicyDef, rep: Reporter, s: Statement, i: number): void {
  const w = s.words;
  for (let k = i; k < w.length; k++) {
    const key = w[k]!.text;
    const loc = wordLoc(s, k);
    if (key === "source-address-excluded") p.sourceExcluded = true;
    else if (key === "destination-address-excluded") p.destinationExcluded = true;
    else {
      const value = w[k + 1];
      if (!value) {
        rep.syntax(`Cannot read "${s.text}": "${key}" has no value`, loc);
        return;
      }
      k++;
      const named = values(value).map((name) => ({ name, loc: wordLoc(s, k) }));
      if (key === "source-address") p.sources.push(...named);
      else if (key === "destination-address") p.destinations.push(...named);
      else if (key === "application") p.applications.push(...named);
      else if (key === "from-zone") p.fromZones.push(...named.map((n) => n.name));
      else if (key === "to-zone") p.toZones.push(...named.map((n) => n.name));
      else if (UNSEEN_MATCH.has(key)) {
        if (!(key === "dynamic-application" && ["any", "none"].includes(value.text)))
          rep.unsupported(
            `Policy "${p.name}" also matches on "${key}", which Rampart cannot see; it is read without it`,
            loc,
          );
      } else {
        rep.unsupported(`Match condition "${key}" of policy "${p.name}" is not modelled`, loc);
        return;
      }
    }
  }
}

function readThen(p: PolicyDef, rep: Reporter, s: Statement, i: number): void {
  const w = s.words;
  const what = w[i]?.text;
  const loc = wordLoc(s, i);
  switch (what) {
    case "permit":
    case "deny":
    case "reject":
      setAction(p, what, loc, rep);
      if (what === "permit") permitOptions(p, rep, s, i + 1);
      return;
    case "log":
      if (w.slice(i + 1).some((x) => x.text === "session-init" || x.text === "session-close")) p.log = true;
      return;
    case "count":
    case undefined:
      return;
  }
  rep.unsupported(`Policy action "${what}" of policy "${p.name}" is not modelled`, loc);
}

function setAction(p: PolicyDef, action: PolicyDef["action"], loc: SourceLocation, rep: Reporter): void {
  if (p.action !== undefined && p.action !== action)
    rep.syntax(
      `Policy "${p.name}" has two actions, "${p.action}" and "${action}"; the last one is used`,
      loc,
    );
  p.action = action;
  p.actionLoc = loc;
}

function permitOptions(p: PolicyDef, rep: Reporter, s: Statement, i: number): void {
  const option = s.words[i]?.text;
  if (option === undefined || option === "tunnel" || option === "application-services") return;
  if (option === "firewall-authentication")
    rep.unsupported(
      `Policy "${p.name}" permits only authenticated users; it is read as permitting all`,
      s.loc,
    );
  else if (option === "destination-address")
    rep.unsupported(
      `Policy "${p.name}" matches on NAT translation ("${s.text}"), which is not modelled`,
      s.loc,
    );
  else rep.unsupported(`Permit option "${option}" of policy "${p.name}" is not modelled`, wordLoc(s, i));
}

/** Applies `insert ... policy P before|after policy Q`; other inserts are reported. */
export function applyInserts(cfg: JunosConfig, rep: Reporter, inserts: readonly InsertOp[]): void {
  for (const op of inserts) {
    const w = op.path.map((x) => x.text);
    const ref = op.reference.map((x) => x.text);
    let list: PolicyDef[] | undefined;
    let name: string | undefined;
    if (w[0] === "security" && w[1] === "policies" && w[2] === "from-zone" && w[6] === "policy") {
      list = cfg.contexts.get(contextKey(w[3] ?? "", w[5] ?? ""));
      name = w[7];
    } else if (w[0] === "security" && w[1] === "policies" && w[2] === "global" && w[3] === "policy") {
      list = cfg.global;
      name = w[4];
    }
    const from = list?.findIndex((x) => x.name === name) ?? -1;
    const to = list?.findIndex((x) => ref[0] === "policy" && x.name === ref[1]) ?? -1;
    if (!list || from < 0 || to < 0 || ref.length !== 2) {
      rep.unsupported(
        `Cannot apply "${op.statement.text}": only policies can be reordered`,
        op.statement.loc,
      );
      continue;
    }
    const [moved] = list.splice(from, 1);
    const at = list.findIndex((x) => x.name === ref[1]);
    list.splice(op.position === "before" ? at : at + 1, 0, moved!);
  }
}
