// The risk check's individual findings, each judged on the packets a change asks for.

import type { Intent } from "../../policy/intent.js";
import type { ResolvedAssertion, ResolvedPolicy } from "../../policy/resolve.js";
import type { Rule } from "../../policy/types.js";
import { formatPacket, type Packet } from "../../space/packet.js";
import type { PacketSet } from "../../space/packet-set.js";
import { decompose, type PacketBox, type ValueRange } from "../../space/summarize.js";
import { HUGE_ADDRESSES } from "../permissive/thresholds.js";
import { policyFacts } from "../permissive/policy-checks.js";
import { CLEARTEXT_SERVICES } from "./cleartext.js";
import { dataClassWeight, makeRiskFinding, type RiskFinding } from "./scoring.js";

/** Active denies of the policy that close part of what is asked: the request cannot take effect there. */
export function denyConflicts(intent: Intent, asked: PacketSet): RiskFinding[] {
  const out: RiskFinding[] = [];
  for (const d of intent.denies) {
    if (d.resolved.expired) continue;
    const hit = asked.intersect(d.set);
    const w = hit.witness();
    if (!w) continue;
    const all = asked.isSubsetOf(d.set);
    out.push(
      makeRiskFinding(
        "deny-conflict",
        `Deny "${d.rule.name}" keeps ${all ? "all" : "part"} of what is asked closed (e.g. ${formatPacket(w)}): the request cannot take effect there`,
        { deny: d.rule.name, file: d.rule.loc.file, line: d.rule.loc.line, all, example: formatPacket(w) },
      ),
    );
  }
  return out;
}

/** Why an assertion fails on an intent (a packet that breaks it), or undefined when it holds. */
export function assertionFailure(intent: Intent, a: ResolvedAssertion): Packet | "empty" | undefined {
  const query = intent
    .services(a.services)
    .intersect(intent.addresses(a.to, "dst"))
    .intersect(intent.addresses(a.from, "src"));
  if (a.assertion.expect.value === "deny") return query.intersect(intent.allowed).witness();
  if (query.isEmpty()) return "empty";
  return query.minus(intent.allowed).witness();
}

function assertionKey(a: ResolvedAssertion): string {
  const loc = a.assertion.expect.loc;
  return a.assertion.name ?? `${loc.file}:${loc.line}`;
}

/** Assertions that held before the change and fail after it, by name (or place, for unnamed ones). */
export function brokenAssertions(before: Intent, after: Intent): RiskFinding[] {
  const held = new Set(
    before.resolved.assertions.filter((a) => assertionFailure(before, a) === undefined).map(assertionKey),
  );
  const out: RiskFinding[] = [];
  for (const a of after.resolved.assertions) {
    if (!held.has(assertionKey(a))) continue;
    const failure = assertionFailure(after, a);
    if (failure === undefined) continue;
    const name = a.assertion.name ?? `at ${assertionKey(a)}`;
    const packet = failure === "empty" ? null : formatPacket(failure);
    const expect = a.assertion.expect.value;
    const what = expect === "deny" ? `${packet} would be allowed` : `${packet ?? "nothing"} would be denied`;
    out.push(
      makeRiskFinding("assertion-broken", `Assertion "${name}" (expect ${expect}) would fail: ${what}`, {
        assertion: name,
        expect,
        file: a.assertion.expect.loc.file,
        line: a.assertion.expect.loc.line,
        example: packet,
      }),
    );
  }
  return out;
}

/** One finding per cleartext protocol among the packets asked. */
export function cleartextFindings(asked: PacketSet): RiskFinding[] {
  const space = asked.space;
  const out: RiskFinding[] = [];
  for (const s of CLEARTEXT_SERVICES) {
    const w = asked.intersect(space.ports(s.proto, "dst", s.lo, s.hi)).witness();
    if (!w) continue;
    out.push(
      makeRiskFinding("cleartext", `Opens ${s.name}: ${s.why} (e.g. ${formatPacket(w)})`, {
        service: s.name,
        example: formatPacket(w),
      }),
    );
  }
  return out;
}

/** Assets whose addresses receive some of the packets, in policy order. */
export function assetsReached(resolved: ResolvedPolicy, intent: Intent, packets: PacketSet) {
  return resolved.policy.assets.filter((a) =>
    packets.overlaps(
      intent.addresses(
        a.addresses.map((n) => ({ prefix: n.prefix, except: [] })),
        "dst",
      ),
    ),
  );
}

/** Untrusted zones reaching sensitive assets or admin services, with the zone definitions of policy-checks. */
export function untrustedFindings(resolved: ResolvedPolicy, intent: Intent, asked: PacketSet): RiskFinding[] {
  const facts = policyFacts(intent);
  const exposed = asked.intersect(facts.untrusted);
  if (exposed.isEmpty()) return [];
  const zones = facts.untrustedZones.filter((z) => exposed.overlaps(intent.zoneSpace(z, "src")));
  const out: RiskFinding[] = [];
  const toSensitive = exposed.intersect(facts.sensitive);
  const ws = toSensitive.witness();
  if (ws) {
    const sensitive = new Set(facts.sensitiveNames);
    const assets = assetsReached(resolved, intent, toSensitive)
      .map((a) => a.name)
      .filter((n) => sensitive.has(n));
    out.push(
      makeRiskFinding(
        "untrusted-to-sensitive",
        `Lets untrusted zones (${zones.join(", ")}) reach sensitive assets (${assets.slice(0, 5).join(", ")}${assets.length > 5 ? " ..." : ""}), e.g. ${formatPacket(ws)}`,
        { zones, assets, example: formatPacket(ws) },
      ),
    );
  }
  const wa = exposed.intersect(facts.admin).witness();
  if (wa)
    out.push(
      makeRiskFinding(
        "admin-from-untrusted",
        `Lets untrusted zones (${zones.join(", ")}) reach administration or database services, e.g. ${formatPacket(wa)}`,
        { zones, example: formatPacket(wa) },
      ),
    );
  return out;
}

/** One finding per data class held by the assets the packets reach, weighted by class. */
export function dataFindings(resolved: ResolvedPolicy, intent: Intent, asked: PacketSet): RiskFinding[] {
  const byClass = new Map<string, string[]>();
  for (const a of assetsReached(resolved, intent, asked))
    for (const c of a.data) byClass.set(c, [...(byClass.get(c) ?? []), a.name]);
  return [...byClass].map(([c, assets]) =>
    makeRiskFinding(
      "data-classification",
      `Reaches ${c} data on ${assets.slice(0, 5).join(", ")}${assets.length > 5 ? ` and ${assets.length - 5} more` : ""}`,
      { classification: c, assets },
      dataClassWeight(c),
    ),
  );
}

const span = (rs: readonly ValueRange[]) => rs.reduce((n, r) => n + (r.hi - r.lo + 1n), 0n);

/** Any-to-any, very wide sources or destinations (HUGE_ADDRESSES), every protocol; judged on 200 boxes. */
export function widthFindings(asked: PacketSet): RiskFinding[] {
  const { boxes } = decompose(asked, 200);
  const first = (pred: (b: PacketBox) => boolean) => boxes.find(pred);
  const huge = (b: PacketBox, side: "src" | "dst") => span(b[side]) >= HUGE_ADDRESSES[b.family];
  const anyProto = (b: PacketBox) => span(b.protocols) === 256n;
  const allPorts = (b: PacketBox) => anyProto(b) || (b.dstPorts === undefined && b.icmpTypes === undefined);
  const out: RiskFinding[] = [];
  const wide = (b: PacketBox) =>
    `IPv${b.family}: ${span(b.src)} source and ${span(b.dst)} destination addresses`;
  const a2a = first((b) => huge(b, "src") && huge(b, "dst") && allPorts(b));
  if (a2a)
    out.push(
      makeRiskFinding(
        "any-to-any",
        `Opens every ${anyProto(a2a) ? "service" : "port"} between huge ranges (${wide(a2a)})`,
        {
          family: a2a.family,
        },
      ),
    );
  else {
    const src = first((b) => huge(b, "src"));
    if (src)
      out.push(makeRiskFinding("wide-source", `Very wide source (${wide(src)})`, { family: src.family }));
    const dst = first((b) => huge(b, "dst"));
    if (dst)
      out.push(
        makeRiskFinding("wide-destination", `Very wide destination (${wide(dst)})`, { family: dst.family }),
      );
  }
  if (first(anyProto)) out.push(makeRiskFinding("all-services", "Asks for every protocol and port", {}));
  return out;
}

/** No expiry date, or one more than a year after today (dates are YYYY-MM-DD, so text order is date order). */
export function expiryFindings(rule: Rule, today: string): RiskFinding[] {
  const until = rule.expires?.value;
  if (until === undefined)
    return [makeRiskFinding("no-expiry", "No expiry date: the access stays until someone removes it", {})];
  const yearLater = `${Number(today.slice(0, 4)) + 1}${today.slice(4)}`;
  if (until > yearLater)
    return [
      makeRiskFinding("long-lived", `Expires on ${until}, more than a year from ${today}`, {
        until,
      }),
    ];
  return [];
}
