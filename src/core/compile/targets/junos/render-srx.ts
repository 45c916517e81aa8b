// SRX security policies in `set` form: zones and their interfaces, one address book per zone, applications,
// the policies of each zone pair in first-match order, and the default policy.

import type { Family } from "../../../net/address.js";
import { formatPrefix, type Prefix } from "../../../net/prefix.js";
import { diagnostic, type Diagnostic } from "../../../policy/diagnostics.js";
import type { IrOrigin, IrPoint } from "../../ir.js";
import { deviceName } from "../../names.js";
import type { RenderResult } from "../../target.js";
import { type Spans, spansEqual, spansToPrefixes } from "./address-space.js";
import { type AppSpec, applicationBody, compareApplications } from "./applications.js";
import { pairKey, planPolicies, type PlannedPolicy, zoneSpaces, type ZoneSpaces } from "./plan.js";

const MAX_NAME = 63;
/** Characters of an address name: the prefix itself, slash and colons included. */
const ADDRESS_CHARS = /[A-Za-z0-9_.:/-]/;

interface Book {
  readonly name: string;
  readonly addresses: Map<string, Prefix>;
  /** Base name and members → set name and member names. */
  readonly sets: Map<string, { name: string; members: string[] }>;
  readonly taken: Set<string>;
}

/** A unique device name: the base, then "-2", "-3" … when it is taken. */
function uniqueName(base: string, taken: Set<string>): string {
  let name = deviceName(base, MAX_NAME);
  for (let k = 2; taken.has(name); k++) name = `${deviceName(base, MAX_NAME - `-${k}`.length)}-${k}`;
  taken.add(name);
  return name;
}

function comparePrefixes(a: Prefix, b: Prefix): number {
  if (a.family !== b.family) return a.family - b.family;
  if (a.value !== b.value) return a.value < b.value ? -1 : 1;
  return a.length - b.length;
}

/** A prefix with its length always written ("10.0.0.1/32"), as address names and values. */
function prefixText(p: Prefix): string {
  const text = formatPrefix(p);
  return text.includes("/") ? text : `${text}/${p.length}`;
}

function quote(text: string): string {
  return `"${text.replace(/["\\]/g, "'").slice(0, 255)}"`;
}

function describe(origin: IrOrigin): string {
  const extra = [origin.ticket && `ticket ${origin.ticket}`, origin.owner && `owner ${origin.owner}`];
  return [`${origin.kind} ${origin.name}`, ...extra.filter((x) => x)].join(", ");
}

/** The names a policy side matches: `any`/`any-ipv4`/`any-ipv6`, an address, or an address-set. */
function sideNames(
  book: Book,
  base: string,
  side: readonly { family: Family; spans: Spans }[],
  zone: Readonly<Record<Family, Spans>>,
): string[] {
  const whole = side.filter((s) => spansEqual(s.spans, zone[s.family])).map((s) => s.family);
  const names: string[] =
    whole.length === 2 ? ["any"] : whole.map((f) => (f === 4 ? "any-ipv4" : "any-ipv6"));
  const prefixes = side
    .filter((s) => !whole.includes(s.family))
    .flatMap((s) => spansToPrefixes(s.family, s.spans));
  const members = prefixes.map((p) => {
    const name = deviceName(prefixText(p), MAX_NAME, ADDRESS_CHARS);
    if (!book.addresses.has(name)) {
      book.addresses.set(name, p);
      book.taken.add(name);
    }
    return name;
  });
  if (members.length === 1) names.push(members[0]!);
  else if (members.length > 1) {
    // Shared only by policies of the same name: a set named after one flow never serves another.
    const key = `${base} ${members.join(" ")}`;
    let set = book.sets.get(key);
    if (!set) {
      set = { name: uniqueName(base, book.taken), members };
      book.sets.set(key, set);
    }
    names.push(set.name);
  }
  return names;
}

interface Written {
  readonly lines: string[];
  readonly policies: number;
}

function policyLines(
  p: PlannedPolicy,
  name: string,
  books: ReadonlyMap<string, Book>,
  zoneNames: ReadonlyMap<string, string>,
  spaces: ZoneSpaces,
  apps: Map<string, AppSpec>,
): string[] {
  const from = zoneNames.get(p.from)!;
  const to = zoneNames.get(p.to)!;
  const head = `set security policies from-zone ${from} to-zone ${to} policy ${name}`;
  const fams = [...p.families.entries()].sort(([a], [b]) => a - b);
  const src = sideNames(
    books.get(p.from)!,
    `${name}-src`,
    fams.map(([family, m]) => ({ family, spans: m.src })),
    spaces.get(p.from)!,
  );
  const dst = sideNames(
    books.get(p.to)!,
    `${name}-dst`,
    fams.map(([family, m]) => ({ family, spans: m.dst })),
    spaces.get(p.to)!,
  );
  const specs = [...p.apps.entries()].sort(([, a], [, b]) => compareApplications(a, b));
  for (const [appName, a] of specs) if (a.proto !== undefined) apps.set(appName, a);
  return [
    `${head} description ${quote(describe(p.origin))}`,
    ...src.map((n) => `${head} match source-address ${n}`),
    ...dst.map((n) => `${head} match destination-address ${n}`),
    ...specs.map(([n]) => `${head} match application ${n}`),
    `${head} then ${p.action === "accept" ? "permit" : "deny"}`,
    ...(p.log ? [`${head} then log session-init`] : []),
  ];
}

function writePolicies(
  ir: IrPoint,
  spaces: ZoneSpaces,
  books: ReadonlyMap<string, Book>,
  zoneNames: ReadonlyMap<string, string>,
  apps: Map<string, AppSpec>,
): Written {
  const pairs = planPolicies(ir, spaces);
  const lines: string[] = [];
  let policies = 0;
  for (const from of ir.zones)
    for (const to of ir.zones) {
      const list = pairs.get(pairKey(from, to));
      if (!list) continue;
      const taken = new Set<string>();
      lines.push("", `# From zone ${from} to zone ${to}`);
      for (const p of list) {
        lines.push(...policyLines(p, uniqueName(p.origin.name, taken), books, zoneNames, spaces, apps));
        policies++;
      }
    }
  return { lines, policies };
}

function zoneLines(ir: IrPoint, zoneNames: ReadonlyMap<string, string>, diagnostics: Diagnostic[]): string[] {
  const owner = new Map<string, string>();
  const lines: string[] = [];
  for (const zone of ir.zones) {
    const name = zoneNames.get(zone)!;
    const iface = ir.point.interfaces[zone];
    if (iface === undefined || owner.has(iface)) {
      lines.push(`set security zones security-zone ${name}`);
      continue;
    }
    owner.set(iface, zone);
    lines.push(`set security zones security-zone ${name} interfaces ${iface}`);
  }
  for (const [iface, first] of owner) {
    const sharing = ir.zones.filter((z) => ir.point.interfaces[z] === iface);
    if (sharing.length > 1)
      diagnostics.push(
        diagnostic(
          "target-option",
          "warning",
          `Interface "${iface}" is given to zones ${sharing.map((z) => `"${z}"`).join(", ")}; an SRX interface ` +
            `belongs to one zone, so it is bound to "${first}" only and the other zones need interfaces of their own`,
          ir.point.loc,
        ),
      );
  }
  return lines;
}

function bookLines(
  ir: IrPoint,
  books: ReadonlyMap<string, Book>,
  zoneNames: ReadonlyMap<string, string>,
): string[] {
  const lines: string[] = [];
  for (const zone of ir.zones) {
    const book = books.get(zone)!;
    if (book.addresses.size === 0) continue;
    const head = `set security address-book ${book.name}`;
    const sorted = [...book.addresses.entries()].sort(([, a], [, b]) => comparePrefixes(a, b));
    lines.push(...sorted.map(([n, p]) => `${head} address ${n} ${prefixText(p)}`));
    for (const set of book.sets.values())
      lines.push(...set.members.map((m) => `${head} address-set ${set.name} address ${m}`));
    lines.push(`${head} attach zone ${zoneNames.get(zone)!}`);
  }
  return lines;
}

export function renderSrx(ir: IrPoint): RenderResult {
  const diagnostics: Diagnostic[] = [];
  const zoneNames = new Map(ir.zones.map((z) => [z, deviceName(z, MAX_NAME)]));
  for (const [zone, name] of zoneNames)
    if (name !== zone)
      diagnostics.push(
        diagnostic(
          "target-refused",
          "error",
          `Zone "${zone}" is not a valid Junos zone name; it is written as "${name}", which the policy does not know`,
          ir.point.loc,
        ),
      );
  const bookNames = new Set<string>(["global"]);
  const books = new Map(
    ir.zones.map((z): [string, Book] => [
      z,
      {
        name: uniqueName(zoneNames.get(z)!, bookNames),
        addresses: new Map(),
        sets: new Map(),
        taken: new Set(),
      },
    ]),
  );
  const spaces = zoneSpaces(ir);
  const apps = new Map<string, AppSpec>();
  const policies = writePolicies(ir, spaces, books, zoneNames, apps);
  const v6 = ir.forward.some((r) => r.family === 6);
  const appLines = [...apps.entries()]
    .sort(([, a], [, b]) => compareApplications(a, b))
    .map(([n, a]) => `set applications application ${n} ${applicationBody(a)}`);
  const text = [
    `# Rampart: enforcement point "${ir.point.name}" (junos, SRX security policies between zones)`,
    '# Load with "load set"; everything no policy permits is denied.',
    ...(v6 ? ["", "set security forwarding-options family inet6 mode flow-based"] : []),
    "",
    ...zoneLines(ir, zoneNames, diagnostics),
    "",
    ...bookLines(ir, books, zoneNames),
    ...(appLines.length > 0 ? ["", ...appLines] : []),
    ...policies.lines,
    "",
    "set security policies default-policy deny-all",
    "",
  ].join("\n");
  const objects =
    [...books.values()].reduce((n, b) => n + b.addresses.size + b.sets.size, 0) + appLines.length;
  return {
    files: [{ name: `${ir.point.name}.set`, text }],
    diagnostics,
    stats: { rules: policies.policies, objects },
  };
}
