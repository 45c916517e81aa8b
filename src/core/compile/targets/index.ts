// The compile targets: one row each. Shared code finds a target here and reads its capabilities.

import { closestName } from "../../policy/diagnostics.js";
import type { Target } from "../target.js";
import { awsSgTarget } from "./aws-sg/target.js";
import { ciscoAsaTarget } from "./cisco-asa/target.js";
import { ciscoIosTarget } from "./cisco-ios/target.js";
import { iptablesTarget } from "./iptables/target.js";
import { junosTarget } from "./junos/target.js";
import { k8sTarget } from "./k8s/target.js";
import { nftablesTarget } from "./nftables/target.js";

export const TARGETS: readonly Target[] = [
  nftablesTarget,
  iptablesTarget,
  ciscoIosTarget,
  ciscoAsaTarget,
  junosTarget,
  awsSgTarget,
  k8sTarget,
];

export function findTarget(id: string): Target | undefined {
  return TARGETS.find((t) => t.id === id);
}

/** "did you mean" for an unknown target id. */
export function closestTarget(id: string): string | undefined {
  return closestName(
    id,
    TARGETS.map((t) => t.id),
  );
}
