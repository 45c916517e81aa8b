// Why one packet is allowed or denied: the rules that decide it, for a person or for a stream of packets.

import type { Intent } from "../core/policy/intent.js";
import type { Packet } from "../core/space/packet.js";
import { type PacketJson, packetToJson } from "./packet-input.js";
import { type RuleInfo, ruleInfo } from "./rule-info.js";

export interface ExplainReport {
  readonly verdict: "allow" | "deny";
  /** Active flows matching the packet; when the verdict is deny, the flows a deny overrides. */
  readonly flows: RuleInfo[];
  /** Active denies matching the packet. */
  readonly denies: RuleInfo[];
  /** Expired flows and denies that would have matched. */
  readonly expired: RuleInfo[];
  readonly packet: PacketJson;
}

export function explainPacket(intent: Intent, packet: Packet): ExplainReport {
  const e = intent.explain(packet);
  return {
    verdict: e.verdict,
    flows: e.allowedBy.map(ruleInfo),
    denies: e.deniedBy.map(ruleInfo),
    expired: e.expired.map(ruleInfo),
    packet: packetToJson(packet),
  };
}

/** The short form written once per packet of a stream. */
export interface PacketVerdict {
  readonly verdict: "allow" | "deny";
  readonly flows: string[];
  readonly denies: string[];
}

export function judgePacket(intent: Intent, packet: Packet): PacketVerdict {
  const e = intent.explain(packet);
  return { verdict: e.verdict, flows: e.allowedBy.map((r) => r.name), denies: e.deniedBy.map((r) => r.name) };
}
