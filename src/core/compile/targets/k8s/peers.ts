// NetworkPolicy peers for an exact address set: whole known pods by selector, every other address by ipBlock.

import type { Family } from "../../../net/address.js";
import { formatPrefix, type Prefix } from "../../../net/prefix.js";
import type { K8sSelector } from "../../../policy/types.js";
import { type AddressSet, intersect, isEmpty, isSubset, minus, toCidrBlocks, union } from "./address-set.js";

/** A pod asset known to the point: its selector and every address its pods have. */
export interface KnownPod {
  readonly name: string;
  readonly k8s: K8sSelector;
  readonly addresses: AddressSet;
}

/** The label every namespace carries with its own name (Kubernetes 1.21 and later). */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

export type Peer =
  | { readonly kind: "pod"; readonly pod: KnownPod }
  | { readonly kind: "ipBlock"; readonly cidr: string; readonly except: readonly string[] };

export interface Peers {
  readonly peers: Peer[];
  /** Known pods some of whose addresses (not all) the set holds: only an ipBlock can reach them. */
  readonly partialPods: KnownPod[];
}

/**
 * Peers whose union is exactly `set` in the address families `families` (the protected pod's: no packet of
 * another family ever leaves or reaches it). A known pod whose addresses of those families all lie in the set
 * is selected by its labels; the rest becomes ipBlocks, with every selected pod's addresses in `except` so that
 * no ipBlock covers a pod the policy means to select (plugins differ on whether ipBlock applies to pods).
 */
export function peersFor(set: AddressSet, pods: readonly KnownPod[], families: readonly Family[]): Peers {
  const relevant = (p: KnownPod) => p.addresses.filter((r) => families.includes(r.family));
  const selected = pods.filter((p) => !isEmpty(relevant(p)) && isSubset(relevant(p), set));
  const rest = minus(set, union(...selected.map((p) => p.addresses)));
  const partialPods = pods.filter((p) => !selected.includes(p) && !isEmpty(intersect(p.addresses, rest)));
  const blocks = toCidrBlocks(rest).map((b): Peer => ({
    kind: "ipBlock",
    cidr: formatCidr(b.cidr),
    except: b.except.map(formatCidr),
  }));
  return { peers: [...blocks, ...selected.map((pod): Peer => ({ kind: "pod", pod }))], partialPods };
}

/** A prefix as NetworkPolicy wants it: always with a length, so "10.0.0.1/32", never "10.0.0.1". */
function formatCidr(p: Prefix): string {
  const text = formatPrefix(p);
  return text.includes("/") ? text : `${text}/${p.length}`;
}

/** The peer as a NetworkPolicy object, seen from a policy in `namespace`. */
export function peerObject(peer: Peer, namespace: string): Record<string, unknown> {
  switch (peer.kind) {
    case "ipBlock":
      return { ipBlock: { cidr: peer.cidr, ...(peer.except.length > 0 && { except: [...peer.except] }) } };
    case "pod": {
      const podSelector = labelSelector(peer.pod.k8s.labels);
      if (peer.pod.k8s.namespace === namespace) return { podSelector };
      return {
        namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: peer.pod.k8s.namespace } },
        podSelector,
      };
    }
    default: {
      const never: never = peer;
      throw new TypeError(`Unknown peer ${JSON.stringify(never)}`);
    }
  }
}

/** `{matchLabels: ...}` with keys sorted, or `{}` (every pod) for no labels. */
export function labelSelector(labels: Readonly<Record<string, string>>): Record<string, unknown> {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return {};
  return { matchLabels: Object.fromEntries(keys.map((k) => [k, labels[k]!])) };
}
