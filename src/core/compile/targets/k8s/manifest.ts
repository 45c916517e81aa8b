// NetworkPolicy objects as YAML documents: fixed key order, one comment per rule naming its flow.

import { Document, isNode } from "yaml";
import { shortHash } from "../../names.js";
import type { IrOrigin } from "../../ir.js";
import { labelSelector, peerObject } from "./peers.js";
import type { PolicyRule } from "./rules.js";

export const MANAGED_BY = { "app.kubernetes.io/managed-by": "rampart" } as const;
export const DEFAULT_DENY_NAME = "rampart-default-deny";

/** Longest object name Kubernetes accepts (a DNS subdomain). */
const NAME_MAX = 253;

/**
 * The NetworkPolicy name for an asset: "rampart-<asset>" when that is a valid name (lowercase letters, digits
 * and "-"), else a cleaned and cut form ending in a hash of the asset's name, so two assets never collide.
 */
export function policyName(asset: string): string {
  const raw = `rampart-${asset}`;
  const clean = raw.toLowerCase().replace(/[^a-z0-9-]/g, "-");
  if (clean === raw && clean.length <= NAME_MAX && /[a-z0-9]$/.test(clean) && clean !== DEFAULT_DENY_NAME)
    return clean;
  const hash = shortHash(asset);
  return `${clean.slice(0, NAME_MAX - hash.length - 1).replace(/-+$/, "")}-${hash}`;
}

function originComment(origin: IrOrigin, log: boolean): string {
  const extra = [
    origin.ticket !== undefined && `ticket ${origin.ticket}`,
    origin.owner !== undefined && `owner ${origin.owner}`,
    log && "log requested (NetworkPolicy cannot log)",
  ].filter((x): x is string => typeof x === "string");
  return [` ${origin.name}`, ...(extra.length > 0 ? [` ${extra.join(", ")}`] : [])].join("\n");
}

function ruleObject(rule: PolicyRule, namespace: string, peerKey: "from" | "to"): Record<string, unknown> {
  // No peers would mean "every peer" to Kubernetes: an empty peer set must never reach this point.
  if (rule.peers.length === 0) throw new TypeError(`Rule of flow "${rule.origin.name}" has no peers`);
  return {
    [peerKey]: rule.peers.map((p) => peerObject(p, namespace)),
    ...(rule.ports && { ports: rule.ports.map((p) => ({ ...p })) }),
  };
}

export interface PodPolicy {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly ingress: readonly PolicyRule[];
  readonly egress: readonly PolicyRule[];
}

/** The policy that isolates one pod asset and allows what its flows allow, as a YAML document. */
export function podPolicyDocument(p: PodPolicy): string {
  const spec = {
    podSelector: labelSelector(p.labels),
    policyTypes: ["Ingress", "Egress"],
    ...(p.ingress.length > 0 && { ingress: p.ingress.map((r) => ruleObject(r, p.namespace, "from")) }),
    ...(p.egress.length > 0 && { egress: p.egress.map((r) => ruleObject(r, p.namespace, "to")) }),
  };
  const doc = new Document({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: p.name, namespace: p.namespace, labels: { ...MANAGED_BY }, annotations: p.annotations },
    spec,
  });
  const comment = (list: "ingress" | "egress", rules: readonly PolicyRule[]) =>
    rules.forEach((r, i) => {
      const node = doc.getIn(["spec", list, i], true);
      if (isNode(node)) node.commentBefore = originComment(r.origin, r.log);
    });
  comment("ingress", p.ingress);
  comment("egress", p.egress);
  return doc.toString({ lineWidth: 0 });
}

/** Every pod of the namespace isolated both ways: what a pod asset's flows do not allow is dropped. */
export function defaultDenyDocument(namespace: string, point: string): string {
  const doc = new Document({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: {
      name: DEFAULT_DENY_NAME,
      namespace,
      labels: { ...MANAGED_BY },
      annotations: { "rampart.dev/point": point },
    },
    spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
  });
  return doc.toString({ lineWidth: 0 });
}
