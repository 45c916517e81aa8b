// Reads `aws ec2 describe-security-groups` output (or a bare list of groups, or one group) into groups.

import { checkPrefix, type Prefix } from "../../../net/prefix.js";
import { field, type JsonPos, type JsonValue, parseJson } from "./json-parse.js";
import { knownObject, list, num, str } from "./json-values.js";
import { readProtocol } from "./protocol.js";
import { type Nacl, readNacls } from "./read-nacl.js";
import { FileDiagnostics, type SgGroup, type SgPeer, type SgPermission } from "./sg-model.js";

const GROUP_KEYS = new Set([
  "Description",
  "GroupName",
  "IpPermissions",
  "OwnerId",
  "GroupId",
  "IpPermissionsEgress",
  "Tags",
  "VpcId",
  "SecurityGroupArn",
]);
const PERMISSION_KEYS = new Set([
  "IpProtocol",
  "FromPort",
  "ToPort",
  "UserIdGroupPairs",
  "IpRanges",
  "Ipv6Ranges",
  "PrefixListIds",
]);

/** A CIDR as AWS reads it: host bits are cleared (AWS stores the network). */
export function readCidr(text: string, family: 4 | 6, d: FileDiagnostics, at: JsonPos): Prefix | undefined {
  const r = checkPrefix(text);
  if (!r.ok && r.reason !== "host-bits") {
    d.syntax(at, `${r.message}; the entry is left out`);
    return undefined;
  }
  const prefix = r.ok ? r.prefix : r.network;
  if (prefix.family !== family) {
    d.syntax(at, `"${text}" is not an IPv${family} CIDR; the entry is left out`);
    return undefined;
  }
  if (!r.ok) d.ignored(at, `${r.message}; AWS stores the network`);
  return prefix;
}

function cidrPeers(v: JsonValue | undefined, family: 4 | 6, d: FileDiagnostics): SgPeer[] {
  const key = family === 4 ? "CidrIp" : "CidrIpv6";
  return list(v, family === 4 ? "IpRanges" : "Ipv6Ranges", d).flatMap((item): SgPeer[] => {
    const cidr = field(item, key);
    if (cidr?.kind !== "string") {
      d.syntax(item.pos, `An address range needs a "${key}" string; it is left out`);
      return [];
    }
    const prefix = readCidr(cidr.value, family, d, cidr.pos);
    const description = str(field(item, "Description"));
    const at = d.where(cidr.pos.line, cidr.pos.column);
    return prefix ? [{ kind: "cidr", prefix, ...(description !== undefined && { description }), at }] : [];
  });
}

function groupPeers(v: JsonValue | undefined, d: FileDiagnostics): SgPeer[] {
  return list(v, "UserIdGroupPairs", d).flatMap((item): SgPeer[] => {
    const id = field(item, "GroupId") ?? field(item, "GroupName");
    if (id?.kind !== "string") {
      d.syntax(item.pos, 'A security group pair needs a "GroupId"; it is left out');
      return [];
    }
    const description = str(field(item, "Description"));
    const at = d.where(id.pos.line, id.pos.column);
    return [{ kind: "group", group: id.value, ...(description !== undefined && { description }), at }];
  });
}

function prefixListPeers(v: JsonValue | undefined, d: FileDiagnostics): SgPeer[] {
  return list(v, "PrefixListIds", d).map((item): SgPeer => {
    const id = field(item, "PrefixListId");
    const pos = id?.pos ?? item.pos;
    return { kind: "prefix-list", id: str(id) ?? "?", at: d.where(pos.line, pos.column) };
  });
}

function readPermission(v: JsonValue, direction: SgPermission["direction"], d: FileDiagnostics) {
  if (!knownObject(v, "A permission", PERMISSION_KEYS, d)) return undefined;
  const proto = field(v, "IpProtocol");
  const protoText = proto?.kind === "number" ? String(proto.value) : str(proto);
  if (protoText === undefined) {
    d.syntax(v.pos, 'A permission needs an "IpProtocol"; it is left out');
    return undefined;
  }
  const pos = proto!.pos;
  const protocol = readProtocol(protoText, num(field(v, "FromPort")), num(field(v, "ToPort")), d, pos);
  if (!protocol) return undefined;
  const peers = [
    ...cidrPeers(field(v, "IpRanges"), 4, d),
    ...cidrPeers(field(v, "Ipv6Ranges"), 6, d),
    ...groupPeers(field(v, "UserIdGroupPairs"), d),
    ...prefixListPeers(field(v, "PrefixListIds"), d),
  ];
  const permission: SgPermission = { direction, protocol, peers, at: d.where(pos.line, pos.column) };
  return permission;
}

function tagValue(tags: JsonValue | undefined, key: string, d: FileDiagnostics): string | undefined {
  for (const t of list(tags, "Tags", d)) if (str(field(t, "Key")) === key) return str(field(t, "Value"));
  return undefined;
}

function readGroup(v: JsonValue, index: number, d: FileDiagnostics): SgGroup | undefined {
  if (!knownObject(v, "A security group", GROUP_KEYS, d)) return undefined;
  const id = field(v, "GroupId");
  const name = str(field(v, "GroupName"));
  const key = str(id) ?? name ?? `#${index + 1}`;
  const asset = tagValue(field(v, "Tags"), "rampart:asset", d);
  const permissions = [
    ...list(field(v, "IpPermissions"), "IpPermissions", d).map((p) => readPermission(p, "ingress", d)),
    ...list(field(v, "IpPermissionsEgress"), "IpPermissionsEgress", d).map((p) =>
      readPermission(p, "egress", d),
    ),
  ].filter((p): p is SgPermission => p !== undefined);
  const pos = id?.pos ?? v.pos;
  return {
    key,
    name: name ?? key,
    ...(asset !== undefined && { asset }),
    permissions,
    at: d.where(pos.line, pos.column),
  };
}

/** The groups of one JSON file; problems go to `d`. */
export function readJsonGroups(text: string, d: FileDiagnostics): SgGroup[] {
  return readJsonConfig(text, d).groups;
}

/** What one JSON file describes: security groups and network ACLs. */
export interface JsonConfig {
  readonly groups: SgGroup[];
  readonly nacls: Nacl[];
}

/**
 * Security groups (describe-security-groups, describe-security-group-rules, authorize-security-group-*
 * output, a list of groups or one group) and network ACLs (describe-network-acls, create-network-acl), also
 * inside a recorded API response ({"status_code": 200, "data": {...}}). Any other JSON is reported.
 */
export function readJsonConfig(text: string, d: FileDiagnostics): JsonConfig {
  const parsed = parseJson(text);
  if (!parsed.ok) {
    d.syntax(parsed.pos, `Cannot parse JSON: ${parsed.message}`);
    return { groups: [], nacls: [] };
  }
  let root = parsed.value;
  const data = field(root, "data");
  if (data?.kind === "object" && field(root, "status_code") !== undefined) root = data;
  if (field(root, "NetworkAcls") !== undefined || field(root, "NetworkAcl") !== undefined)
    return { groups: [], nacls: readNacls(root, d) };
  if (field(root, "SecurityGroupRules") !== undefined)
    return { groups: readGroupRules(field(root, "SecurityGroupRules")!, d), nacls: [] };
  const known =
    root.kind !== "object" || root.entries.some((e) => e.key === "SecurityGroups" || GROUP_KEYS.has(e.key));
  if (!known) {
    const keys = root.kind === "object" ? root.entries.map((e) => `"${e.key}"`).join(", ") : "";
    d.unsupported(
      root.pos,
      `Not security groups or network ACLs (keys ${keys || "none"}): nothing is read from this file`,
    );
    return { groups: [], nacls: [] };
  }
  return { groups: readGroupList(root, d), nacls: [] };
}

/** describe-security-group-rules output: one rule each, gathered into their groups by GroupId. */
function readGroupRules(v: JsonValue, d: FileDiagnostics): SgGroup[] {
  const groups = new Map<string, SgGroup>();
  for (const item of list(v, "SecurityGroupRules", d)) {
    const id = field(item, "GroupId");
    const protoValue = field(item, "IpProtocol");
    const proto = protoValue?.kind === "number" ? String(protoValue.value) : str(protoValue);
    if (id?.kind !== "string" || proto === undefined) {
      d.syntax(item.pos, 'A security group rule needs a "GroupId" and an "IpProtocol"; it is left out');
      continue;
    }
    let group = groups.get(id.value);
    if (!group) {
      group = { key: id.value, name: id.value, permissions: [], at: d.where(id.pos.line, id.pos.column) };
      groups.set(id.value, group);
    }
    const pos = protoValue!.pos;
    const protocol = readProtocol(proto, num(field(item, "FromPort")), num(field(item, "ToPort")), d, pos);
    if (!protocol) continue;
    const description = str(field(item, "Description"));
    const peers: SgPeer[] = [];
    const v4 = field(item, "CidrIpv4");
    const v6 = field(item, "CidrIpv6");
    for (const [value, family] of [
      [v4, 4],
      [v6, 6],
    ] as const) {
      if (value?.kind !== "string") continue;
      const prefix = readCidr(value.value, family, d, value.pos);
      const at = d.where(value.pos.line, value.pos.column);
      if (prefix) peers.push({ kind: "cidr", prefix, ...(description !== undefined && { description }), at });
    }
    const ref = field(item, "ReferencedGroupInfo");
    const refId = ref && field(ref, "GroupId");
    if (refId?.kind === "string") {
      const at = d.where(refId.pos.line, refId.pos.column);
      peers.push({
        kind: "group",
        group: refId.value,
        ...(description !== undefined && { description }),
        at,
      });
    }
    const prefixList = field(item, "PrefixListId");
    if (prefixList?.kind === "string")
      peers.push({
        kind: "prefix-list",
        id: prefixList.value,
        at: d.where(prefixList.pos.line, prefixList.pos.column),
      });
    const egress = field(item, "IsEgress");
    group.permissions.push({
      direction: egress?.kind === "boolean" && egress.value ? "egress" : "ingress",
      protocol,
      peers,
      at: d.where(pos.line, pos.column),
    });
  }
  return [...groups.values()];
}

function readGroupList(root: JsonValue, d: FileDiagnostics): SgGroup[] {
  let items: JsonValue[];
  if (root.kind === "array") items = root.items;
  else if (root.kind === "object" && field(root, "SecurityGroups") !== undefined)
    items = list(field(root, "SecurityGroups"), "SecurityGroups", d);
  else if (root.kind === "object") items = [root];
  else {
    d.syntax(root.pos, 'Expected describe-security-groups output: {"SecurityGroups": [...]}');
    items = [];
  }
  return items.map((g, i) => readGroup(g, i, d)).filter((g): g is SgGroup => g !== undefined);
}
