// Per-rule checks that need the policy: accepting rules that let through what a deny forbids
// (`policy-violation`), and untrusted zones reaching sensitive assets or admin services (`overly-permissive`).

import type { ImportedRule } from "../../import/model.js";
import type { Intent, RuleSet } from "../../policy/intent.js";
import { formatPacket } from "../../space/packet.js";
import type { PacketSet } from "../../space/packet-set.js";
import { type Finding, makeFinding } from "../anomalies/finding.js";

/** A zone is untrusted when its name or description says so, or when it holds the whole address space. */
const UNTRUSTED = /internet|untrust|external|outside|wan\b|guest|public/i;

/** Services an untrusted zone should never reach directly: remote administration and databases. */
export const ADMIN_SERVICES: readonly {
  readonly name: string;
  readonly proto: number;
  readonly port: number;
}[] = [
  { name: "ssh", proto: 6, port: 22 },
  { name: "telnet", proto: 6, port: 23 },
  { name: "rdp", proto: 6, port: 3389 },
  { name: "vnc", proto: 6, port: 5900 },
  { name: "smb", proto: 6, port: 445 },
  { name: "winrm", proto: 6, port: 5985 },
  { name: "winrm-https", proto: 6, port: 5986 },
  { name: "snmp", proto: 17, port: 161 },
  { name: "mysql", proto: 6, port: 3306 },
  { name: "postgresql", proto: 6, port: 5432 },
  { name: "mssql", proto: 6, port: 1433 },
  { name: "oracle", proto: 6, port: 1521 },
  { name: "mongodb", proto: 6, port: 27017 },
  { name: "redis", proto: 6, port: 6379 },
  { name: "elasticsearch", proto: 6, port: 9200 },
  { name: "docker", proto: 6, port: 2375 },
];

/** What the policy checks need, built once per analysis. */
export interface PolicyFacts {
  readonly intent: Intent;
  readonly untrustedZones: readonly string[];
  readonly untrusted: PacketSet;
  /** Packets to assets of high or critical criticality, or holding classified data. */
  readonly sensitive: PacketSet;
  readonly sensitiveNames: readonly string[];
  readonly admin: PacketSet;
  /** Every packet a check may flag: what a deny forbids, and what untrusted zones send. */
  readonly concern: PacketSet;
}

export function policyFacts(intent: Intent): PolicyFacts {
  const space = intent.space;
  const policy = intent.resolved.policy;
  const untrustedZones = policy.zones
    .filter(
      (z) =>
        UNTRUSTED.test(z.name) ||
        UNTRUSTED.test(z.description ?? "") ||
        z.networks.some((n) => n.prefix.length === 0),
    )
    .map((z) => z.name);
  const untrusted = space.unionAll(untrustedZones.map((z) => intent.zoneSpace(z, "src")));
  const sensitiveAssets = policy.assets.filter(
    (a) => a.criticality === "high" || a.criticality === "critical" || a.data.length > 0,
  );
  const sensitive = space.unionAll(
    sensitiveAssets.map((a) =>
      intent.addresses(
        a.addresses.map((n) => ({ prefix: n.prefix, except: [] })),
        "dst",
      ),
    ),
  );
  const admin = space.unionAll(ADMIN_SERVICES.map((s) => space.ports(s.proto, "dst", s.port, s.port)));
  const denied = space.unionAll(activeDenies(intent).map((d) => d.set));
  return {
    intent,
    untrustedZones,
    untrusted,
    sensitive,
    sensitiveNames: sensitiveAssets.map((a) => a.name),
    admin,
    concern: denied.union(untrusted),
  };
}

/**
 * The checks for one rule given its effective part (what it decides, first match). Violations name each active
 * deny of the policy it breaks, with a witness packet.
 */
export function policyFindings(facts: PolicyFacts, rule: ImportedRule, effective: PacketSet): Finding[] {
  if (rule.action !== "accept" || effective.isEmpty()) return [];
  // With a condition left out (an unmapped interface, a rate limit ...), the rule may match less than this.
  const unsure = rule.widened === true || rule.interfaces !== undefined;
  const verb = unsure ? "May accept" : "Accepts";
  const caveat = unsure ? "; the rule has a condition Rampart cannot evaluate here, so check it by hand" : "";
  const out: Finding[] = [];
  for (const deny of activeDenies(facts.intent)) {
    const bad = effective.intersect(deny.set);
    const w = bad.witness();
    if (!w) continue;
    out.push(
      makeFinding(
        "policy-violation",
        rule,
        `${verb} what deny "${deny.rule.name}" (${deny.rule.loc.file}:${deny.rule.loc.line}) forbids, e.g. ${formatPacket(w)}${caveat}`,
      ),
    );
  }
  // What the policy's own flows allow is a decision already taken (and reviewed there): only the rest is flagged.
  const exposed = effective.intersect(facts.untrusted).minus(facts.intent.allowed);
  if (exposed.isEmpty()) return out;
  const toSensitive = exposed.intersect(facts.sensitive).witness();
  const toAdmin = exposed.intersect(facts.admin).witness();
  if (toSensitive || toAdmin) {
    const what = [
      toSensitive &&
        `sensitive assets (${facts.sensitiveNames.slice(0, 5).join(", ")}), e.g. ${formatPacket(toSensitive)}`,
      toAdmin && `admin services, e.g. ${formatPacket(toAdmin)}`,
    ].filter(Boolean);
    out.push(
      makeFinding(
        "overly-permissive",
        rule,
        `${unsure ? "May let" : "Lets"} untrusted zones (${facts.untrustedZones.join(", ")}) reach ${what.join(" and ")}, beyond what the policy's flows allow${caveat}`,
      ),
    );
  }
  return out;
}

function activeDenies(intent: Intent): RuleSet[] {
  return intent.denies.filter((d) => !d.resolved.expired);
}
