// Readers for the list sections and enforcement: flows, denies, assertions and enforcement points.

import { isScalar, isSeq } from "yaml";
import type { SourceLocation } from "./diagnostics.js";
import { describe, type Field, type NodeReader } from "./parse-reader.js";
import { namedEntries, optionalText } from "./parse-sections.js";
import type {
  Assertion,
  EnforcementPoint,
  Expectation,
  Located,
  PointRole,
  Rule,
  RuleKind,
} from "./types.js";

const RULE_KEYS = [
  "name",
  "from",
  "to",
  "services",
  "owner",
  "justification",
  "ticket",
  "expires",
  "log",
  "description",
] as const;
const ASSERTION_KEYS = ["name", "from", "to", "service", "services", "expect"] as const;
const POINT_KEYS = ["target", "zones", "role", "hosts", "interfaces", "options", "description"] as const;
const ROLES: readonly PointRole[] = ["network", "host"];
const EXPECTATIONS: readonly Expectation[] = ["allow", "deny"];

/** The maps of a list section, each with its fields and the words that name it in messages. */
function listItems(
  r: NodeReader,
  node: unknown,
  loc: SourceLocation,
  section: string,
  kind: string,
  allowed: readonly string[],
): { fields: Map<string, Field>; loc: SourceLocation; name?: Located<string>; context: string }[] {
  const out = [];
  for (const [i, item] of (r.seq(node, loc, `the "${section}" section`) ?? []).entries()) {
    const map = r.map(item.node, item.loc, `${kind} #${i + 1} in "${section}"`);
    if (!map) continue;
    const entries = r.entries(map, item.loc);
    const nameField = entries.find((e) => e.key === "name");
    const name = nameField && r.text(nameField.node, nameField.loc, `"name" of ${kind} #${i + 1}`);
    const context = name ? `in ${kind} "${name.value}"` : `in ${kind} #${i + 1}`;
    out.push({
      fields: r.checkKeys(entries, context, allowed),
      loc: item.loc,
      context,
      ...(name && { name }),
    });
  }
  return out;
}

export function readRules(r: NodeReader, node: unknown, loc: SourceLocation, kind: RuleKind): Rule[] {
  const rules: Rule[] = [];
  const section = kind === "flow" ? "flows" : "denies";
  for (const item of listItems(r, node, loc, section, kind, RULE_KEYS)) {
    const { fields, context, name } = item;
    const complete = r.require(fields, ["name", "from", "to"], item.loc, context);
    const refs = (key: string) => {
      const f = fields.get(key);
      return (f && r.texts(f.node, f.loc, `"${key}" ${context}`, true)) ?? [];
    };
    const from = refs("from");
    const to = refs("to");
    const services = refs("services");
    const owner = optionalText(r, fields, "owner", context);
    const justification = optionalText(r, fields, "justification", context);
    const ticket = optionalText(r, fields, "ticket", context);
    const expiresField = fields.get("expires");
    const expires = expiresField && readDate(r, expiresField, `"expires" ${context}`);
    const logField = fields.get("log");
    const log = (logField && r.bool(logField.node, logField.loc, `"log" ${context}`)) ?? false;
    const description = optionalText(r, fields, "description", context);
    if (!complete || !name) continue;
    rules.push({
      kind,
      name: name.value,
      loc: name.loc,
      from,
      to,
      services,
      ...(owner !== undefined && { owner }),
      ...(justification !== undefined && { justification }),
      ...(ticket !== undefined && { ticket }),
      ...(expires && { expires }),
      log,
      ...(description !== undefined && { description }),
    });
  }
  return rules;
}

/** A calendar date written YYYY-MM-DD (a YAML timestamp is accepted too); impossible dates are invalid. */
function readDate(r: NodeReader, field: Field, what: string): Located<string> | undefined {
  const node = field.node;
  if (isScalar(node) && node.value instanceof Date) {
    const value = node.value.toISOString().slice(0, 10);
    return { value, loc: field.loc };
  }
  const text = r.text(node, field.loc, what);
  if (!text) return undefined;
  if (isCalendarDate(text.value)) return text;
  r.report(
    "invalid-value",
    `Invalid date "${text.value}" for ${what}; expected a real date as YYYY-MM-DD`,
    text.loc,
  );
  return undefined;
}

export function isCalendarDate(text: string): boolean {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return days !== undefined && day >= 1 && day <= days;
}

export function readAssertions(r: NodeReader, node: unknown, loc: SourceLocation): Assertion[] {
  const out: Assertion[] = [];
  for (const item of listItems(r, node, loc, "assertions", "assertion", ASSERTION_KEYS)) {
    const { fields, context, name } = item;
    const complete = r.require(fields, ["from", "to", "expect"], item.loc, context);
    const refs = (key: string, single: boolean) => {
      const f = fields.get(key);
      return (f && r.texts(f.node, f.loc, `"${key}" ${context}`, single)) ?? [];
    };
    const one = fields.get("service");
    const many = fields.get("services");
    if (one && many)
      r.report("invalid-value", `Use "service" or "services", not both, ${context}`, many.keyLoc);
    const service = one && r.text(one.node, one.loc, `"service" ${context}`);
    const services = service ? [service] : refs("services", true);
    const expectField = fields.get("expect");
    const expect =
      expectField && r.choice(expectField.node, expectField.loc, `"expect" ${context}`, EXPECTATIONS);
    const from = refs("from", true);
    const to = refs("to", true);
    if (!complete || !expect) continue;
    out.push({ loc: item.loc, ...(name && { name: name.value }), from, to, services, expect });
  }
  return out;
}

export function readEnforcement(r: NodeReader, node: unknown, loc: SourceLocation): EnforcementPoint[] {
  const out: EnforcementPoint[] = [];
  for (const f of namedEntries(r, node, loc, 'the "enforcement" section', "enforcement point")) {
    const context = `in enforcement point "${f.key}"`;
    const map = r.map(f.node, f.loc, `enforcement point "${f.key}"`);
    if (!map) continue;
    const fields = r.fields(map, f.loc, context, POINT_KEYS);
    const complete = r.require(fields, ["target", "zones"], f.keyLoc, context);
    const targetField = fields.get("target");
    const target = targetField && r.text(targetField.node, targetField.loc, `"target" ${context}`);
    const zonesField = fields.get("zones");
    const zones = zonesField && readPointZones(r, zonesField, `"zones" ${context}`);
    const roleField = fields.get("role");
    const role = roleField && r.choice(roleField.node, roleField.loc, `"role" ${context}`, ROLES);
    const hostsField = fields.get("hosts");
    const hosts = hostsField && r.texts(hostsField.node, hostsField.loc, `"hosts" ${context}`, true);
    const interfaces = readInterfaces(r, fields.get("interfaces"), `"interfaces" ${context}`);
    const optionsField = fields.get("options");
    const optionsMap = optionsField && r.map(optionsField.node, optionsField.loc, `"options" ${context}`);
    const options = (optionsMap && r.plain(optionsMap, optionsField.loc, `"options" ${context}`)) ?? {};
    const description = optionalText(r, fields, "description", context);
    if (!complete || !target || !zones) continue;
    out.push({
      name: f.key,
      loc: f.keyLoc,
      target,
      zones,
      role: role?.value ?? "network",
      ...(hosts && { hosts }),
      interfaces,
      options,
      ...(description !== undefined && { description }),
    });
  }
  return out;
}

function readPointZones(r: NodeReader, field: Field, what: string): EnforcementPoint["zones"] | undefined {
  if (isSeq(field.node)) return r.texts(field.node, field.loc, what);
  if (isScalar(field.node) && field.node.value === "all") return "all";
  const expected = `"all" or a list of zone names`;
  if (isScalar(field.node) && typeof field.node.value === "string")
    r.report(
      "invalid-value",
      `Invalid value "${field.node.value}" for ${what}; expected ${expected}`,
      field.loc,
    );
  else if (field.node !== undefined)
    r.report("invalid-type", `Expected ${expected} for ${what}, got ${describe(field.node)}`, field.loc);
  return undefined;
}

function readInterfaces(r: NodeReader, field: Field | undefined, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  const map = field && r.map(field.node, field.loc, what);
  for (const e of map ? r.entries(map, field.loc) : []) {
    const name = r.text(e.node, e.loc, `zone "${e.key}" in ${what}`);
    if (name) out[e.key] = name.value;
  }
  return out;
}
