// Reads security groups out of Terraform (AWS provider): aws_security_group with inline ingress/egress,
// aws_vpc_security_group_ingress_rule / _egress_rule, and the older aws_security_group_rule.

import { parseHcl, type HclBlock, type HclPos } from "./hcl-parse.js";
import { type Fields, HclValues } from "./hcl-values.js";
import { readProtocol } from "./protocol.js";
import { readCidr } from "./read-json.js";
import type { FileDiagnostics, SgGroup, SgPeer, SgPermission } from "./sg-model.js";

const GROUP_ATTRS = new Set([
  "name",
  "name_prefix",
  "description",
  "vpc_id",
  "tags",
  "tags_all",
  "revoke_rules_on_delete",
  "ingress",
  "egress",
]);
const INLINE_ATTRS = new Set([
  "from_port",
  "to_port",
  "protocol",
  "cidr_blocks",
  "ipv6_cidr_blocks",
  "prefix_list_ids",
  "security_groups",
  "self",
  "description",
]);
const VPC_RULE_ATTRS = new Set([
  "security_group_id",
  "ip_protocol",
  "from_port",
  "to_port",
  "cidr_ipv4",
  "cidr_ipv6",
  "prefix_list_id",
  "referenced_security_group_id",
  "description",
  "tags",
]);
const LEGACY_RULE_ATTRS = new Set([
  "type",
  "security_group_id",
  "protocol",
  "from_port",
  "to_port",
  "cidr_blocks",
  "ipv6_cidr_blocks",
  "prefix_list_ids",
  "source_security_group_id",
  "self",
  "description",
]);
const NO_BLOCKS = new Set<string>();
/** Network ACLs: they filter, but are read from describe-network-acls JSON only. */
const NACL_TYPES = new Set(["aws_network_acl", "aws_network_acl_rule", "aws_default_network_acl"]);

const IGNORED_TOP = new Set([
  "terraform",
  "provider",
  "variable",
  "locals",
  "output",
  "data",
  "moved",
  "import",
]);

class TerraformReader {
  private readonly v: HclValues;

  constructor(
    private readonly d: FileDiagnostics,
    /** Every file's groups by label: a rule may sit in another file than its group. */
    private readonly groups: Map<string, SgGroup>,
  ) {
    this.v = new HclValues(d);
  }

  private where(pos: HclPos) {
    return this.d.where(pos.line, pos.column);
  }

  /** CIDR, prefix-list and group peers of a rule with list-valued sources (inline blocks, legacy rules). */
  private listPeers(f: Fields, selfKey: string | undefined, description: string | undefined): SgPeer[] {
    const desc = description !== undefined ? { description } : {};
    const cidrs = (key: string, family: 4 | 6) =>
      this.v.strings(f.get(key)?.expr, `"${key}"`).flatMap((c): SgPeer[] => {
        const prefix = readCidr(c.value, family, this.d, c.pos);
        return prefix ? [{ kind: "cidr", prefix, ...desc, at: this.where(c.pos) }] : [];
      });
    const groups: SgPeer[] = [
      ...this.v.groupRefs(f.get("security_groups")?.expr, '"security_groups"'),
      ...[this.v.groupRef(f.get("source_security_group_id")?.expr, '"source_security_group_id"')].flatMap(
        (g) => g ?? [],
      ),
    ].map((g) => ({ kind: "group", group: g.key, ...desc, at: this.where(g.pos) }));
    const self = f.get("self");
    if (self && this.v.bool(self.expr, '"self"') && selfKey !== undefined)
      groups.push({ kind: "group", group: selfKey, ...desc, at: this.where(self.pos) });
    const lists = this.v
      .strings(f.get("prefix_list_ids")?.expr, '"prefix_list_ids"')
      .map((p): SgPeer => ({ kind: "prefix-list", id: p.value, at: this.where(p.pos) }));
    return [...cidrs("cidr_blocks", 4), ...cidrs("ipv6_cidr_blocks", 6), ...groups, ...lists];
  }

  private permission(
    f: Fields,
    protoKey: "protocol" | "ip_protocol",
    direction: SgPermission["direction"],
    pos: HclPos,
    peers: (description: string | undefined) => SgPeer[],
  ): SgPermission | undefined {
    const protoText = this.v.string(f.get(protoKey)?.expr, `"${protoKey}"`);
    if (protoText === undefined) {
      if (!f.has(protoKey)) this.d.syntax(pos, `A rule needs "${protoKey}"; it is left out`);
      return undefined;
    }
    const from = this.v.number(f.get("from_port")?.expr, '"from_port"');
    const to = this.v.number(f.get("to_port")?.expr, '"to_port"');
    const protocol = readProtocol(protoText, from, to, this.d, f.get(protoKey)!.pos);
    if (!protocol) return undefined;
    const description = this.v.string(f.get("description")?.expr, '"description"');
    return { direction, protocol, peers: peers(description), at: this.where(pos) };
  }

  group(block: HclBlock, label: string): void {
    const what = `aws_security_group "${label}"`;
    const f = this.v.blockFields(block.body, GROUP_ATTRS, what, new Set(["ingress", "egress"]));
    const permissions: SgPermission[] = [];
    const inline = (direction: SgPermission["direction"], fields: Fields, pos: HclPos) => {
      for (const [name, field] of fields)
        if (!INLINE_ATTRS.has(name))
          this.d.ignored(field.pos, `Attribute "${name}" of an ${direction} rule is ignored`);
      const p = this.permission(fields, "protocol", direction, pos, (desc) =>
        this.listPeers(fields, label, desc),
      );
      if (p) permissions.push(p);
    };
    for (const item of block.body)
      if (item.kind === "block" && (item.type === "ingress" || item.type === "egress"))
        inline(
          item.type,
          this.v.blockFields(item.body, INLINE_ATTRS, `an ${item.type} rule`, NO_BLOCKS),
          item.pos,
        );
    for (const direction of ["ingress", "egress"] as const) {
      const attr = f.get(direction);
      if (!attr) continue;
      if (attr.expr.kind !== "list") {
        this.v.string(attr.expr, `"${direction}"`);
        continue;
      }
      for (const item of attr.expr.items) {
        const fields = this.v.objectFields(item);
        if (fields) inline(direction, fields, item.pos);
        else this.d.unsupported(item.pos, `Cannot evaluate an entry of "${direction}": it is not an object`);
      }
    }
    const name = this.v.string(f.get("name")?.expr, '"name"') ?? label;
    const asset = this.tag(f.get("tags")?.expr, "rampart:asset");
    const group: SgGroup = {
      key: label,
      name,
      ...(asset !== undefined && { asset }),
      permissions,
      at: this.where(block.pos),
    };
    if (this.groups.has(label)) {
      this.d.syntax(block.pos, `aws_security_group "${label}" is defined twice; this one is left out`);
      return;
    }
    this.groups.set(label, group);
  }

  private tag(e: Parameters<HclValues["objectFields"]>[0] | undefined, key: string): string | undefined {
    if (e === undefined) return undefined;
    const fields = this.v.objectFields(e);
    if (!fields) {
      this.v.string(e, '"tags"');
      return undefined;
    }
    const entry = fields.get(key);
    return entry ? this.v.string(entry.expr, `tag "${key}"`) : undefined;
  }

  /** A standalone rule: attached to its group once every group has been read. */
  rule(block: HclBlock, type: string, label: string): void {
    const what = `${type} "${label}"`;
    const legacy = type === "aws_security_group_rule";
    const f = this.v.blockFields(block.body, legacy ? LEGACY_RULE_ATTRS : VPC_RULE_ATTRS, what, NO_BLOCKS);
    const target = this.v.groupRef(f.get("security_group_id")?.expr, '"security_group_id"');
    if (!target) {
      if (!f.has("security_group_id"))
        this.d.syntax(block.pos, `${what} needs "security_group_id"; it is left out`);
      return;
    }
    const group = this.groups.get(target.key);
    if (!group) {
      this.d.unsupported(
        target.pos,
        `${what} belongs to security group "${target.key}", which this configuration does not define; it is left out`,
      );
      return;
    }
    let direction: SgPermission["direction"] = type.endsWith("egress_rule") ? "egress" : "ingress";
    if (legacy) {
      const t = this.v.string(f.get("type")?.expr, '"type"');
      if (t !== "ingress" && t !== "egress") {
        this.d.syntax(block.pos, `${what} needs "type" "ingress" or "egress"; it is left out`);
        return;
      }
      direction = t;
    }
    const p = legacy
      ? this.permission(f, "protocol", direction, block.pos, (desc) => this.listPeers(f, group.key, desc))
      : this.permission(f, "ip_protocol", direction, block.pos, (desc) =>
          this.vpcRulePeer(f, what, desc, block.pos),
        );
    if (p) group.permissions.push(p);
  }

  /** The one source (ingress) or destination (egress) of an aws_vpc_security_group_*_rule. */
  private vpcRulePeer(f: Fields, what: string, description: string | undefined, pos: HclPos): SgPeer[] {
    const keys = ["cidr_ipv4", "cidr_ipv6", "prefix_list_id", "referenced_security_group_id"].filter((k) =>
      f.has(k),
    );
    if (keys.length !== 1) {
      this.d.syntax(
        pos,
        `${what} needs exactly one of "cidr_ipv4", "cidr_ipv6", "prefix_list_id", "referenced_security_group_id"; it matches nothing`,
      );
      return [];
    }
    const key = keys[0]!;
    const desc = description !== undefined ? { description } : {};
    const expr = f.get(key)!.expr;
    if (key === "referenced_security_group_id") {
      const g = this.v.groupRef(expr, `"${key}"`);
      return g ? [{ kind: "group", group: g.key, ...desc, at: this.where(g.pos) }] : [];
    }
    const text = this.v.string(expr, `"${key}"`);
    if (text === undefined) return [];
    if (key === "prefix_list_id") return [{ kind: "prefix-list", id: text, at: this.where(expr.pos) }];
    const prefix = readCidr(text, key === "cidr_ipv4" ? 4 : 6, this.d, expr.pos);
    return prefix ? [{ kind: "cidr", prefix, ...desc, at: this.where(expr.pos) }] : [];
  }
}

const RULE_TYPES = new Set([
  "aws_vpc_security_group_ingress_rule",
  "aws_vpc_security_group_egress_rule",
  "aws_security_group_rule",
]);

/** The groups of a Terraform configuration (one or more files); problems go to each file's diagnostics. */
export function readTerraformGroups(files: readonly { text: string; d: FileDiagnostics }[]): SgGroup[] {
  const groups = new Map<string, SgGroup>();
  const rules: { reader: TerraformReader; block: HclBlock }[] = [];
  for (const { text, d } of files) {
    const parsed = parseHcl(text);
    for (const e of parsed.errors)
      d.syntax(e.pos, `Cannot parse Terraform: ${e.message}; skipped to the next block`);
    const reader = new TerraformReader(d, groups);
    for (const item of parsed.body) {
      if (item.kind === "attribute") {
        d.syntax(item.pos, `Unexpected top-level attribute "${item.name}"`);
        continue;
      }
      const [type = "", label = ""] = item.labels;
      if (item.type === "resource" && type === "aws_security_group") reader.group(item, label);
      else if (item.type === "resource" && RULE_TYPES.has(type)) rules.push({ reader, block: item });
      else if (item.type === "resource" && type === "aws_default_security_group")
        d.unsupported(item.pos, `aws_default_security_group "${label}" is not read`);
      else if (item.type === "module")
        d.unsupported(item.pos, `Module "${type}" is not read; security groups it creates are not seen`);
      else if (item.type === "resource" && NACL_TYPES.has(type))
        d.unsupported(
          item.pos,
          `Resource ${type} "${label}" is not read: read network ACLs from describe-network-acls JSON`,
        );
      else if (item.type === "resource") d.ignored(item.pos, `Resource ${type} "${label}" is ignored`);
      else if (IGNORED_TOP.has(item.type))
        d.ignored(item.pos, `Block "${item.type}" is ignored: it does not filter traffic`);
      else d.ignored(item.pos, `Block "${item.type}" is ignored`);
    }
  }
  for (const { reader, block } of rules) reader.rule(block, block.labels[0]!, block.labels[1] ?? "");
  return [...groups.values()];
}
