// Reachability questions answered exactly: is every, some or no packet of from × to × services allowed?

import type { Intent } from "../policy/intent.js";
import type { AddressTerm, Rule, ServiceAtom } from "../policy/types.js";
import type { Packet } from "../space/packet.js";
import type { PacketSet } from "../space/packet-set.js";
import { summarize } from "../space/summarize.js";

export type ReachVerdict = "allow" | "deny" | "partial";

export interface ReachAnswer {
  readonly verdict: ReachVerdict;
  /** True when the question itself holds no packet (e.g. IPv4 sources to IPv6 destinations). */
  readonly emptyQuery: boolean;
  readonly allowed: PacketSet;
  readonly denied: PacketSet;
  /** Active flows that let part of the question through. */
  readonly flows: Rule[];
  /** Active denies that block part of what flows would allow. */
  readonly denies: Rule[];
  readonly allowedSummary: string[];
  readonly deniedSummary: string[];
  readonly allowedExample?: Packet;
  readonly deniedExample?: Packet;
}

export function queryReach(
  intent: Intent,
  from: readonly AddressTerm[],
  to: readonly AddressTerm[],
  services: readonly ServiceAtom[],
): ReachAnswer {
  const query = intent
    .services(services)
    .intersect(intent.addresses(to, "dst"))
    .intersect(intent.addresses(from, "src"));
  const allowed = query.intersect(intent.allowed);
  const denied = query.minus(intent.allowed);
  const verdict: ReachVerdict = allowed.isEmpty() ? "deny" : denied.isEmpty() ? "allow" : "partial";
  const flows = intent.flows.filter((f) => !f.resolved.expired && f.set.overlaps(allowed)).map((f) => f.rule);
  const blocked = query.intersect(intent.denied);
  // A deny is involved when it blocks part of the question that some active flow would otherwise allow.
  const denies = intent.denies
    .filter((d) => !d.resolved.expired && d.set.overlaps(blocked))
    .filter((d) => {
      const hit = blocked.intersect(d.set);
      return intent.flows.some((f) => !f.resolved.expired && f.set.overlaps(hit));
    })
    .map((d) => d.rule);
  const allowedExample = allowed.witness();
  const deniedExample = denied.witness();
  return {
    verdict,
    emptyQuery: query.isEmpty(),
    allowed,
    denied,
    flows,
    denies,
    allowedSummary: verdict === "deny" ? [] : summarize(allowed),
    deniedSummary: verdict === "allow" ? [] : summarize(denied),
    ...(allowedExample ? { allowedExample } : {}),
    ...(deniedExample ? { deniedExample } : {}),
  };
}
