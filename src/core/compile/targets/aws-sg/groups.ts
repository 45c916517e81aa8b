// From a host-role IR to security groups: one group per protected asset, its rules as permissions.

import { type Diagnostic, diagnostic } from "../../../policy/diagnostics.js";
import type { IrHostRules, IrPoint, IrRule } from "../../ir.js";
import { deviceName, shortHash } from "../../names.js";
import { coversHost } from "./host-scope.js";
import { anyPrefix, type Permission, PermissionTable, ruleSpecs } from "./permissions.js";

/** Characters AWS accepts in group names and descriptions (the API reference's list, minus "/"). */
export const AWS_TEXT = /[A-Za-z0-9 ._\-:()#,@[\]+=&;{}!$*]/;
/** Characters of a Terraform resource label. */
const TF_LABEL = /[A-Za-z0-9_-]/;
/** AWS caps group names, group descriptions and rule descriptions at 255 characters. */
export const AWS_TEXT_MAX = 255;

export interface SecurityGroup {
  /** The asset the group protects (its `rampart:asset` tag). */
  readonly asset: string;
  readonly groupName: string;
  readonly groupId: string;
  readonly description: string;
  /** The Terraform resource label. */
  readonly label: string;
  readonly ingress: Permission[];
  readonly egress: Permission[];
}

/** A made-up but stable group id: "sg-" and 17 hex digits from the point and asset names. */
function groupId(point: string, asset: string): string {
  const key = `${point}\u0000${asset}`;
  return `sg-${shortHash(key)}${shortHash(`${key}\u0001`)}${shortHash(`${key}\u0002`).slice(0, 1)}`;
}

/** Makes names unique: a name already taken gets a hash of what it stands for. */
function uniqueName(taken: Set<string>, name: string, of: string, max: number): string {
  let out = name;
  if (taken.has(out)) out = `${name.slice(0, Math.max(1, max - 9))}-${shortHash(of)}`;
  taken.add(out);
  return out;
}

function terraformLabel(asset: string): string {
  const clean = deviceName(asset, 64, TF_LABEL);
  return /^[A-Za-z_]/.test(clean) ? clean : `sg_${clean}`;
}

interface Reporter {
  refuse(rule: IrRule, why: string): void;
  log(rule: IrRule): void;
}

/** Ingress rules are written by their source, egress rules by their destination; the other side is the host. */
function permissions(
  host: IrHostRules,
  rules: readonly IrRule[],
  dir: "ingress" | "egress",
  ir: IrPoint,
  report: Reporter,
): Permission[] {
  const table = new PermissionTable();
  for (const rule of rules) {
    if (rule.action !== "accept")
      throw new TypeError(`The aws-sg target received a ${rule.action} rule; lowering must subtract denies`);
    const own = dir === "ingress" ? rule.dst : rule.src;
    const peer = dir === "ingress" ? rule.src : rule.dst;
    if (!coversHost(own, rule.family, host.addresses, ir.zoneNetworks.values())) {
      const side = dir === "ingress" ? "destination" : "source";
      report.refuse(
        rule,
        `a security group applies to every address of "${host.name}", and the rule's ${side} is only part of them`,
      );
      continue;
    }
    const specs = ruleSpecs(rule);
    if (!specs.ok) {
      report.refuse(rule, specs.why);
      continue;
    }
    if (rule.log) report.log(rule);
    for (const spec of specs.specs) table.add(spec, peer ?? [anyPrefix(rule.family)], rule.origin.name);
  }
  return table.list();
}

/** Reports each refusal and each logging request once, at the point (the IR keeps no rule places). */
function reporter(point: IrPoint["point"], diagnostics: Diagnostic[], refused: IrRule[]): Reporter {
  const reported = new Set<string>();
  const once = (key: string, severity: "error" | "warning", message: string) => {
    if (reported.has(key)) return;
    reported.add(key);
    diagnostics.push(diagnostic("target-refused", severity, message, point.loc));
  };
  return {
    refuse: (rule, why) => {
      refused.push(rule);
      once(
        `refuse\u0000${rule.origin.name}\u0000${why}`,
        "error",
        `Flow "${rule.origin.name}" cannot be written for enforcement point "${point.name}" (aws-sg): ${why}`,
      );
    },
    log: (rule) =>
      once(
        `log\u0000${rule.origin.name}`,
        "warning",
        `Flow "${rule.origin.name}" asks for logging, which security groups cannot do; turn on VPC Flow Logs for the protected network interfaces`,
      ),
  };
}

export function buildGroups(ir: IrPoint): {
  groups: SecurityGroup[];
  diagnostics: Diagnostic[];
  refused: IrRule[];
} {
  const point = ir.point;
  const diagnostics: Diagnostic[] = [];
  const refused: IrRule[] = [];
  const report = reporter(point, diagnostics, refused);
  const names = new Set<string>();
  const labels = new Set<string>();
  const groups = ir.hosts.map((host): SecurityGroup => {
    const name = deviceName(`rampart-${point.name}-${host.name}`, AWS_TEXT_MAX, AWS_TEXT);
    const groupName = uniqueName(names, name, host.name, AWS_TEXT_MAX);
    const within = (dir: "ingress" | "egress") =>
      withinHardLimit(
        host,
        dir,
        permissions(host, host[dir], dir, ir, report),
        groupName,
        point,
        (d, rules) => {
          diagnostics.push(d);
          refused.push(...rules);
        },
      );
    return {
      asset: host.name,
      groupName,
      groupId: groupId(point.name, host.name),
      description: deviceName(`Rampart ${point.name}: asset ${host.name}`, AWS_TEXT_MAX, AWS_TEXT),
      label: uniqueName(labels, terraformLabel(host.name), host.name, 64),
      ingress: within("ingress"),
      egress: within("egress"),
    };
  });
  return { groups, diagnostics: [...diagnostics, ...deployWarnings(point, groups)], refused };
}

/**
 * AWS's hard ceiling on rules per group, per direction and family: the rules-per-group quota times the
 * groups-per-interface quota cannot exceed 1,000, and an interface carries at least this one group.
 */
export const RULES_PER_GROUP_MAX = 1000;

function ruleCount(perms: readonly Permission[], family: 4 | 6): number {
  return perms.reduce((sum, p) => sum + (family === 4 ? p.v4 : p.v6).length, 0);
}

/**
 * The permissions of one direction, with each family that exceeds AWS's hard ceiling left out (no quota
 * can be raised to deploy it): reported as an error naming the asset and the count, its rules refused.
 * Checked per host as soon as its permissions exist, so nothing undeployable is rendered or proven.
 */
function withinHardLimit(
  host: IrHostRules,
  dir: "ingress" | "egress",
  perms: Permission[],
  groupName: string,
  point: IrPoint["point"],
  refuse: (d: Diagnostic, rules: readonly IrRule[]) => void,
): Permission[] {
  const over = ([4, 6] as const).filter((f) => ruleCount(perms, f) > RULES_PER_GROUP_MAX);
  if (over.length === 0) return perms;
  for (const family of over)
    refuse(
      diagnostic(
        "target-refused",
        "error",
        `Asset "${host.name}" needs ${ruleCount(perms, family)} ${dir === "ingress" ? "inbound" : "outbound"} IPv${family} rules in security group "${groupName}"; AWS allows at most ${RULES_PER_GROUP_MAX} (rules per group times groups per interface), so they are left out: narrow the flows or split the asset`,
        point.loc,
      ),
      // One rule for all that is left out (what the group would let through in that direction and family):
      // the same set, within what the point must let through, as the host's many rules there.
      [
        {
          action: "accept",
          family,
          ...(dir === "ingress" ? { dst: host.addresses } : { src: host.addresses }),
          origin: { kind: "flow", name: `${host.name} ${dir}` },
          log: false,
        },
      ],
    );
  return perms
    .map((p) => ({
      spec: p.spec,
      v4: over.includes(4) ? [] : p.v4,
      v6: over.includes(6) ? [] : p.v6,
    }))
    .filter((p) => p.v4.length + p.v6.length > 0);
}

/** Characters AWS accepts in tag values. */
const TAG_VALUE = /^[\p{L}\p{N} _.:/=+\-@]{0,256}$/u;

/**
 * AWS's default quota of rules per group, per direction, counted separately for IPv4 and IPv6 (each CIDR
 * of a permission is a rule). It can be raised, so exceeding it is a warning, not a refusal.
 */
export const RULES_PER_GROUP = 60;

/** What would stop a deployment: rule counts above AWS's default quota, asset names AWS rejects as tags. */
function deployWarnings(point: IrPoint["point"], groups: readonly SecurityGroup[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const g of groups)
    if (!TAG_VALUE.test(g.asset))
      out.push(
        diagnostic(
          "target-refused",
          "warning",
          `Asset "${g.asset}" has characters AWS does not allow in a tag value; the "rampart:asset" tag of "${g.groupName}" will be rejected`,
          point.loc,
        ),
      );
  for (const g of groups)
    for (const [dir, perms] of [
      ["inbound", g.ingress],
      ["outbound", g.egress],
    ] as const)
      for (const family of [4, 6] as const) {
        const n = perms.reduce((sum, p) => sum + (family === 4 ? p.v4 : p.v6).length, 0);
        if (n <= RULES_PER_GROUP) continue;
        out.push(
          diagnostic(
            "target-refused",
            "warning",
            `Security group "${g.groupName}" has ${n} ${dir} IPv${family} rules; AWS allows ${RULES_PER_GROUP} by default ("Inbound or outbound rules per security group"): raise the quota before deploying`,
            point.loc,
          ),
        );
      }
  return out;
}

/** A rule description: the flows that need the entry, in policy order, in AWS's characters. */
export function describeFlows(flows: readonly string[]): string {
  return deviceName(flows.join(", "), AWS_TEXT_MAX, AWS_TEXT);
}
