// The exact packets an IR rule matches, and what an IR rule list accepts: the IR's own meaning, against
// which every rendered-and-imported configuration is checked in tests.

import { PROTO } from "../net/protocol.js";
import { allOf, firstMatch, icmpMatch, portMatch, prefixMatch, protocolMatch } from "../import/match.js";
import type { PacketSet, PacketSpace } from "../space/packet-set.js";
import { type IrRule, rangeValues } from "./ir.js";

export function irRuleSet(space: PacketSpace, rule: IrRule): PacketSet {
  const parts: PacketSet[] = [space.family(rule.family)];
  if (rule.src) parts.push(prefixMatch(space, "src", rule.src));
  if (rule.dst) parts.push(prefixMatch(space, "dst", rule.dst));
  if (rule.protocols) parts.push(protocolMatch(space, rule.protocols));
  const protos = rule.protocols ? rangeValues(rule.protocols) : [PROTO.tcp, PROTO.udp, PROTO.sctp];
  if (rule.dstPorts) parts.push(portMatch(space, protos, "dst", rule.dstPorts));
  if (rule.srcPorts) parts.push(portMatch(space, protos, "src", rule.srcPorts));
  if (rule.icmpTypes || rule.icmpCodes) {
    const proto = rule.family === 4 ? PROTO.icmp : PROTO.icmpv6;
    parts.push(icmpMatch(space, proto, rule.icmpTypes, rule.icmpCodes));
  }
  return allOf(space, parts);
}

/** What an ordered IR rule list accepts (first match, default drop). */
export function irListAccepts(space: PacketSpace, rules: readonly IrRule[]): PacketSet {
  return firstMatch(
    space,
    rules.map((r) => ({ action: r.action, match: irRuleSet(space, r) })),
    "drop",
  );
}
