// A Rampart policy written as Capirca input (def/NETWORK.net, def/SERVICES.svc, one .pol per point), so that
// `aclgen` compiles the same rules Rampart does and the two can be timed side by side.
//
// What Capirca 2.0.6 (Debian's python3-capirca) needs, learnt from its nftables.py and iptables.py:
// - nftables only hooks input/output, so a point's header is `nftables inet input` (the chain is the same as a
//   forward one; capirca-proof.ts moves it to the forward hook before proving it).
// - One header per address family: with `mixed`, a protocol term gets `ip6 ... ip protocol gre`, which nft
//   refuses to load ("conflicting protocols"), and a term whose protocols do not exist in a family (icmpv6 in
//   IPv4) is rendered there with no protocol match at all, accepting everything between its addresses. So
//   each family gets its own header, and only the terms that mean something in it.
// - nftables drops a term's destination ports unless it also has source ports, in IPv4 always (it writes
//   `ip protocol tcp`: aerleon/aerleon#376) and in IPv6 for several protocols (`meta l4proto { tcp, udp }`),
//   so nftables port terms say `source-port:: ANY_PORT` (0-65535), which changes nothing else.
// - nftables crashes on a term with exactly one icmp-type, so a single type is written twice.
// - Ports in a term apply to every protocol of the term, so a term only groups protocols with equal ports.
// - ICMP codes: iptables only, one type per term, and only the codes Capirca lists for that type; protocols
//   by name from Capirca's table. Anything else is left out and reported in `untranslated`.

import { type Family, formatAddress } from "../src/core/net/address.js";
import { hostMask, type Prefix, rangeToPrefixes } from "../src/core/net/prefix.js";
import { PROTO } from "../src/core/net/protocol.js";
import type { ResolvedPoint, ResolvedPolicy, ResolvedRule } from "../src/core/policy/resolve.js";
import type { AddressTerm, PortRange, ServiceAtom } from "../src/core/policy/types.js";
import { CAPIRCA_PROTOCOLS, ICMP_CODES, ICMP_NAMES } from "./capirca-tables.js";

/** The targets both Rampart and Capirca compile to. */
export type CapircaTarget = "nftables" | "iptables";

export interface CapircaFile {
  /** Relative to the Capirca base folder: `def/NETWORK.net`, `policies/pol/<point>.pol`. */
  readonly path: string;
  readonly text: string;
}

export interface CapircaPolicy {
  readonly files: CapircaFile[];
  /** Per point: its .pol file and the file aclgen renders it to (relative to the output folder). */
  readonly points: { readonly name: string; readonly target: CapircaTarget; readonly output: string }[];
  readonly terms: number;
  /** Parts of rules Capirca cannot express, left out (so its output allows less, or more, than the policy). */
  readonly untranslated: UntranslatedPart[];
}

/** One service of one rule that a point's Capirca policy leaves out. */
export interface UntranslatedPart {
  readonly point: string;
  readonly rule: ResolvedRule;
  readonly atom: ServiceAtom;
  readonly message: string;
}

// ---- Address sets as sorted, disjoint inclusive ranges of one family ----

interface Span {
  readonly lo: bigint;
  readonly hi: bigint;
}
type Spans = Readonly<Record<Family, readonly Span[]>>;

const FAMILIES: readonly Family[] = [4, 6];

function prefixSpan(p: Prefix): Span {
  return { lo: p.value, hi: p.value | hostMask(p.family, p.length) };
}

/** Sorts and merges overlapping or adjacent spans. */
function normalize(spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.lo <= last.hi + 1n) {
      if (s.hi > last.hi) out[out.length - 1] = { lo: last.lo, hi: s.hi };
    } else out.push(s);
  }
  return out;
}

/** `span` minus the sorted, disjoint `holes`. */
function subtract(span: Span, holes: readonly Span[]): Span[] {
  const out: Span[] = [];
  let lo = span.lo;
  for (const h of holes) {
    if (h.hi < lo || h.lo > span.hi) continue;
    if (h.lo > lo) out.push({ lo, hi: h.lo - 1n });
    lo = h.hi + 1n;
    if (lo > span.hi) return out;
  }
  out.push({ lo, hi: span.hi });
  return out;
}

function intersect(a: readonly Span[], b: readonly Span[]): Span[] {
  const out: Span[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    const lo = x.lo > y.lo ? x.lo : y.lo;
    const hi = x.hi < y.hi ? x.hi : y.hi;
    if (lo <= hi) out.push({ lo, hi });
    if (x.hi < y.hi) i++;
    else j++;
  }
  return out;
}

/** The exact addresses of some terms (each prefix minus its exceptions), per family. */
export function termSpans(terms: readonly AddressTerm[]): Spans {
  const byFamily: Record<Family, Span[]> = { 4: [], 6: [] };
  for (const t of terms) {
    const holes = normalize(t.except.filter((e) => e.family === t.prefix.family).map(prefixSpan));
    byFamily[t.prefix.family].push(...subtract(prefixSpan(t.prefix), holes));
  }
  return { 4: normalize(byFamily[4]), 6: normalize(byFamily[6]) };
}

/** The fewest prefixes covering exactly the spans. */
export function spanPrefixes(family: Family, spans: readonly Span[]): Prefix[] {
  return spans.flatMap((s) => rangeToPrefixes(family, s.lo, s.hi));
}

// ---- Definitions (tokens), deduplicated by content ----

class Definitions {
  private readonly networks = new Map<string, string>();
  private readonly services = new Map<string, string>();
  private readonly networkText: string[] = [];
  private readonly serviceText: string[] = [
    "ANY_PORT = 0-65535/tcp\n          0-65535/udp\n          0-65535/sctp",
  ];

  network(family: Family, spans: readonly Span[]): string {
    const lines = spanPrefixes(family, spans).map(
      (p) => `${formatAddress({ family, value: p.value })}/${p.length}`,
    );
    return this.token(this.networks, this.networkText, "NET", lines);
  }

  ports(protocols: readonly string[], ranges: readonly PortRange[]): string {
    const lines = protocols.flatMap((proto) =>
      ranges.map((r) => `${r.lo === r.hi ? r.lo : `${r.lo}-${r.hi}`}/${proto}`),
    );
    return this.token(this.services, this.serviceText, "SVC", lines);
  }

  private token(seen: Map<string, string>, text: string[], kind: string, lines: readonly string[]): string {
    const key = lines.join(" ");
    let name = seen.get(key);
    if (name === undefined) {
      name = `${kind}${seen.size + 1}`;
      seen.set(key, name);
      const indent = " ".repeat(name.length + 3);
      text.push(`${name} = ${lines.join(`\n${indent}`)}`);
    }
    return name;
  }

  files(): CapircaFile[] {
    return [
      { path: "def/NETWORK.net", text: this.networkText.join("\n\n") + "\n" },
      { path: "def/SERVICES.svc", text: this.serviceText.join("\n\n") + "\n" },
    ];
  }
}

// ---- Terms ----

/** What a term matches besides its addresses. */
type Match =
  | { readonly kind: "any" }
  | { readonly kind: "protocols"; readonly protocols: string[] }
  | { readonly kind: "ports"; readonly protocols: string[]; readonly ranges: PortRange[] }
  | { readonly kind: "icmp"; readonly protocol: string; readonly types: string[]; readonly codes?: number[] };

type Report = (atom: ServiceAtom, part: string) => void;

function mergePorts(ranges: readonly PortRange[]): PortRange[] {
  const sorted = [...ranges].sort((a, b) => a.lo - b.lo);
  const out: PortRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.lo <= last.hi + 1) out[out.length - 1] = { lo: last.lo, hi: Math.max(last.hi, r.hi) };
    else out.push(r);
  }
  return out;
}

/** The family an ICMP protocol belongs to; undefined for every other protocol. */
function icmpFamily(proto: number): Family | undefined {
  return proto === PROTO.icmp ? 4 : proto === PROTO.icmpv6 ? 6 : undefined;
}

/** Port atoms: one term per set of protocols with the same ports. */
function portMatches(atoms: readonly ServiceAtom[]): Match[] {
  const byProto = new Map<number, PortRange[]>();
  for (const a of atoms)
    if (a.kind === "ports") byProto.set(a.proto, [...(byProto.get(a.proto) ?? []), ...a.ranges]);
  const byRanges = new Map<string, { protocols: string[]; ranges: PortRange[] }>();
  for (const [proto, list] of [...byProto].sort((a, b) => a[0] - b[0])) {
    const ranges = mergePorts(list);
    const key = ranges.map((r) => `${r.lo}-${r.hi}`).join(",");
    const entry = byRanges.get(key) ?? { protocols: [], ranges };
    entry.protocols.push(CAPIRCA_PROTOCOLS[proto] ?? String(proto));
    byRanges.set(key, entry);
  }
  return [...byRanges.values()].map((e) => ({ kind: "ports", ...e }));
}

/** ICMP atoms of one family: one term for the types without a code, one per type with codes. */
function icmpMatches(atoms: readonly ServiceAtom[], family: Family, target: CapircaTarget, report: Report) {
  const protocol = family === 4 ? "icmp" : "icmpv6";
  const types: string[] = [];
  const codes = new Map<string, number[]>();
  for (const a of atoms) {
    if (a.kind !== "icmp" || icmpFamily(a.proto) !== family) continue;
    const name = ICMP_NAMES[family][a.type];
    const spec = `${protocol}/${a.type}${a.code === undefined ? "" : `/${a.code}`}`;
    if (name === undefined) report(a, `${spec}: ICMP type ${a.type} has no name in Capirca`);
    else if (a.code === undefined) types.push(name);
    else if (target === "nftables") report(a, `${spec}: Capirca's nftables has no ICMP codes`);
    else if (!ICMP_CODES[name]?.includes(a.code))
      report(a, `${spec}: Capirca allows no code ${a.code} for "${name}"`);
    else codes.set(name, [...(codes.get(name) ?? []), a.code]);
  }
  const out: Match[] = [];
  if (types.length > 0) out.push({ kind: "icmp", protocol, types: [...new Set(types)] });
  for (const [name, list] of codes)
    out.push({ kind: "icmp", protocol, types: [name], codes: [...new Set(list)] });
  return out;
}

/** The terms one rule needs in one family's header, each with what it matches besides addresses. */
function ruleMatches(
  atoms: readonly ServiceAtom[],
  family: Family,
  target: CapircaTarget,
  report: Report,
): Match[] {
  if (atoms.some((a) => a.kind === "any")) return [{ kind: "any" }];
  const protocols: string[] = [];
  for (const a of atoms) {
    if (a.kind !== "protocol" || (icmpFamily(a.proto) ?? family) !== family) continue;
    const name = CAPIRCA_PROTOCOLS[a.proto];
    if (name === undefined) report(a, `protocol ${a.proto}: not in Capirca's protocol table`);
    else protocols.push(name);
  }
  return [
    ...(protocols.length > 0 ? [{ kind: "protocols" as const, protocols: [...new Set(protocols)] }] : []),
    ...portMatches(atoms),
    ...icmpMatches(atoms, family, target, report),
  ];
}

function matchLines(m: Match, target: CapircaTarget, defs: Definitions): string[] {
  switch (m.kind) {
    case "any":
      return [];
    case "protocols":
      return [`  protocol:: ${m.protocols.join(" ")}`];
    case "ports":
      return [
        `  protocol:: ${m.protocols.join(" ")}`,
        ...(target === "nftables" ? ["  source-port:: ANY_PORT"] : []),
        `  destination-port:: ${defs.ports(m.protocols, m.ranges)}`,
      ];
    case "icmp": {
      // Capirca's nftables crashes on a single icmp-type; twice the same type means the same.
      const types = target === "nftables" && m.types.length === 1 ? [m.types[0]!, m.types[0]!] : m.types;
      return [
        `  protocol:: ${m.protocol}`,
        `  icmp-type:: ${types.join(" ")}`,
        ...(m.codes ? [`  icmp-code:: ${m.codes.join(" ")}`] : []),
      ];
    }
  }
}

interface RuleEnds {
  readonly kind: "flow" | "deny";
  /** Short term name: Capirca's iptables prefixes it and keeps names of at most 24 characters. */
  readonly term: string;
  readonly rule: ResolvedRule;
  readonly from: Spans;
  readonly to: Spans;
}

const HEADERS: Record<CapircaTarget, Record<Family, string>> = {
  nftables: { 4: "nftables inet input", 6: "nftables inet6 input" },
  iptables: { 4: "iptables FORWARD DROP inet", 6: "iptables FORWARD DROP inet6" },
};

function pointPolicy(
  point: ResolvedPoint,
  target: CapircaTarget,
  zoneSpans: Spans,
  rules: readonly RuleEnds[],
  defs: Definitions,
  untranslated: Map<string, UntranslatedPart>,
): { text: string; terms: number } {
  const out: string[] = [];
  let terms = 0;
  for (const family of FAMILIES) {
    const af = family === 4 ? "IPv4" : "IPv6";
    // aclgen rejects a header without terms ("no terms found"), so a family's header waits for its first term.
    const header = [
      "header {",
      `  comment:: "Rampart enforcement point ${point.point.name}, ${af}"`,
      `  target:: ${HEADERS[target][family]}`,
      "}",
      "",
    ];
    for (const r of rules) {
      const from = intersect(r.from[family], zoneSpans[family]);
      const to = intersect(r.to[family], zoneSpans[family]);
      if (from.length === 0 || to.length === 0) continue;
      const report: Report = (atom, part) => {
        const message = `${point.point.name} (${target}): ${r.kind} "${r.rule.rule.name}": ${part}`;
        untranslated.set(message, { point: point.point.name, rule: r.rule, atom, message });
      };
      const matches = ruleMatches(r.rule.services, family, target, report);
      matches.forEach((m, k) => {
        out.push(...header.splice(0));
        out.push(`term ${r.term}${matches.length > 1 ? `-${k + 1}` : ""} {`);
        out.push(`  comment:: "${r.kind} ${r.rule.rule.name}"`);
        out.push(`  source-address:: ${defs.network(family, from)}`);
        out.push(`  destination-address:: ${defs.network(family, to)}`);
        out.push(...matchLines(m, target, defs));
        if (r.rule.rule.log) out.push("  logging:: true");
        out.push(`  action:: ${r.kind === "deny" ? "deny" : "accept"}`, "}", "");
        terms++;
      });
    }
  }
  return { text: out.join("\n"), terms };
}

/** The points Capirca can compile: network role, on a target both compile to. */
export function capircaTarget(point: ResolvedPoint): CapircaTarget | undefined {
  const t = point.point.target.value;
  if (point.point.role !== "network") return undefined;
  return t === "nftables" || t === "iptables" ? t : undefined;
}

/**
 * Writes the points as Capirca input: denies first (dropping), then flows (accepting), default drop, each
 * rule restricted to the traffic between the point's zones (what Rampart compiles for the point). Expired
 * rules are left out, as they allow and block nothing.
 */
export function capircaPolicy(resolved: ResolvedPolicy, points: readonly ResolvedPoint[]): CapircaPolicy {
  const defs = new Definitions();
  const untranslated = new Map<string, UntranslatedPart>();
  const ends = (kind: "flow" | "deny", rule: ResolvedRule, i: number): RuleEnds => ({
    kind,
    term: `${kind === "deny" ? "d" : "f"}${i + 1}`,
    rule,
    from: termSpans(rule.from),
    to: termSpans(rule.to),
  });
  const rules = [
    ...resolved.denies.map((r, i) => ends("deny", r, i)),
    ...resolved.flows.map((r, i) => ends("flow", r, i)),
  ].filter((r) => !r.rule.expired);
  const files: CapircaFile[] = [];
  const out: CapircaPolicy["points"] = [];
  let terms = 0;
  for (const point of points) {
    const target = capircaTarget(point);
    if (target === undefined) continue;
    const zoneSpans = termSpans(point.zones.flatMap((z) => resolved.zones.get(z) ?? []));
    const pol = pointPolicy(point, target, zoneSpans, rules, defs, untranslated);
    // aclgen rejects a policy file without terms ("no terms found"): such a point is not compared.
    if (pol.terms === 0) continue;
    const name = point.point.name;
    files.push({ path: `policies/pol/${name}.pol`, text: pol.text });
    out.push({ name, target, output: target === "nftables" ? `${name}.nft` : name });
    terms += pol.terms;
  }
  return { files: [...defs.files(), ...files], points: out, terms, untranslated: [...untranslated.values()] };
}
