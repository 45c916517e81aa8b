// Reads VPC network ACLs from `aws ec2 describe-network-acls` (or `create-network-acl`) JSON: each ACL's
// numbered entries, in each direction, and the subnets it is associated with.

import { field, type JsonValue } from "./json-parse.js";
import { knownObject, list as items, num, str } from "./json-values.js";
import { readProtocol } from "./protocol.js";
import { readCidr } from "./read-json.js";
import type { FileDiagnostics, SgProtocol, Where } from "./sg-model.js";
import type { Prefix } from "../../../net/prefix.js";

export interface NaclEntry {
  readonly number: number;
  readonly direction: "ingress" | "egress";
  readonly action: "allow" | "deny";
  readonly protocol: SgProtocol;
  /** The remote side: the source of ingress packets, the destination of egress ones. */
  readonly cidr: Prefix;
  readonly at: Where;
}

export interface Nacl {
  readonly id: string;
  readonly subnets: readonly string[];
  readonly entries: readonly NaclEntry[];
  readonly at: Where;
}

const NACL_KEYS = new Set([
  "Associations",
  "Entries",
  "IsDefault",
  "NetworkAclId",
  "Tags",
  "VpcId",
  "OwnerId",
]);
const ENTRY_KEYS = new Set([
  "CidrBlock",
  "Ipv6CidrBlock",
  "Egress",
  "Protocol",
  "RuleAction",
  "RuleNumber",
  "PortRange",
  "IcmpTypeCode",
]);

/** The ports (PortRange) or ICMP type and code (IcmpTypeCode) of an entry, as FromPort/ToPort would give them. */
function bounds(v: JsonValue): { from: number | undefined; to: number | undefined } {
  const ports = field(v, "PortRange");
  if (ports) return { from: num(field(ports, "From")), to: num(field(ports, "To")) };
  const icmp = field(v, "IcmpTypeCode");
  if (icmp) return { from: num(field(icmp, "Type")), to: num(field(icmp, "Code")) };
  return { from: undefined, to: undefined };
}

function readEntry(v: JsonValue, d: FileDiagnostics): NaclEntry | undefined {
  if (!knownObject(v, "A network ACL entry", ENTRY_KEYS, d)) return undefined;
  const numberValue = field(v, "RuleNumber");
  const number = num(numberValue);
  const action = str(field(v, "RuleAction"))?.toLowerCase();
  const egress = field(v, "Egress");
  const protoValue = field(v, "Protocol");
  const proto = protoValue?.kind === "number" ? String(protoValue.value) : str(protoValue);
  if (number === undefined || !Number.isInteger(number) || number < 1 || number > 32767) {
    d.syntax(numberValue?.pos ?? v.pos, "A network ACL entry needs a RuleNumber of 1-32767; it is left out");
    return undefined;
  }
  if (action !== "allow" && action !== "deny") {
    d.syntax(v.pos, 'A network ACL entry needs a RuleAction "allow" or "deny"; it is left out');
    return undefined;
  }
  if (egress?.kind !== "boolean" || proto === undefined) {
    d.syntax(v.pos, 'A network ACL entry needs "Egress" (true or false) and "Protocol"; it is left out');
    return undefined;
  }
  const { from, to } = bounds(v);
  const protocol = readProtocol(proto, from, to, d, protoValue!.pos);
  if (!protocol) return undefined;
  const v4 = field(v, "CidrBlock");
  const v6 = field(v, "Ipv6CidrBlock");
  const cidrValue = v4 ?? v6;
  if (str(cidrValue) === undefined) {
    d.syntax(v.pos, 'A network ACL entry needs a "CidrBlock" or an "Ipv6CidrBlock"; it is left out');
    return undefined;
  }
  const cidr = readCidr(str(cidrValue)!, v4 ? 4 : 6, d, cidrValue!.pos);
  if (!cidr) return undefined;
  const at = d.where(numberValue!.pos.line, numberValue!.pos.column);
  return { number, direction: egress.value ? "egress" : "ingress", action, protocol, cidr, at };
}

function readNacl(v: JsonValue, index: number, d: FileDiagnostics): Nacl | undefined {
  if (!knownObject(v, "A network ACL", NACL_KEYS, d)) return undefined;
  const idValue = field(v, "NetworkAclId");
  const id = str(idValue) ?? `network-acl-${index + 1}`;
  const subnets = items(field(v, "Associations"), "Associations", d)
    .map((a) => str(field(a, "SubnetId")))
    .filter((s): s is string => s !== undefined);
  const entries = items(field(v, "Entries"), "Entries", d)
    .map((e) => readEntry(e, d))
    .filter((e): e is NaclEntry => e !== undefined);
  const pos = idValue?.pos ?? v.pos;
  return { id, subnets, entries, at: d.where(pos.line, pos.column) };
}

/** The network ACLs of a `{"NetworkAcls": [...]}` or `{"NetworkAcl": {...}}` value. */
export function readNacls(root: JsonValue, d: FileDiagnostics): Nacl[] {
  const many = field(root, "NetworkAcls");
  const one = field(root, "NetworkAcl");
  const list = many ? items(many, "NetworkAcls", d) : one ? [one] : [];
  return list.map((n, i) => readNacl(n, i, d)).filter((n): n is Nacl => n !== undefined);
}
