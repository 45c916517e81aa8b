// NetworkPolicy objects as read from YAML, still in Kubernetes' own shape, each part with its source line.

import type { Prefix } from "../../../net/prefix.js";
import type { ConfigSource } from "../../model.js";

export type SelectorOperator = "In" | "NotIn" | "Exists" | "DoesNotExist";

export interface SelectorRequirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values: readonly string[];
}

/** A label selector: every matchLabels pair and every requirement must hold; empty selects everything. */
export interface LabelSelector {
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly requirements: readonly SelectorRequirement[];
  readonly source: ConfigSource;
  /** 1-based column of the selector, for diagnostics about it. */
  readonly column: number;
}

export type PolicyPeer =
  | {
      readonly kind: "ipBlock";
      readonly cidr: Prefix;
      readonly except: readonly Prefix[];
      readonly source: ConfigSource;
      readonly column: number;
    }
  | {
      readonly kind: "selector";
      /** Absent: every pod (of the namespaces the namespace selector picks, else of the policy's namespace). */
      readonly podSelector?: LabelSelector;
      /** Absent: the policy's own namespace. */
      readonly namespaceSelector?: LabelSelector;
      readonly source: ConfigSource;
    }
  /** A peer that could not be read: it matches nothing. */
  | { readonly kind: "invalid"; readonly source: ConfigSource };

/** One entry of `ports`; `port` absent: every port of the protocol. `valid` false: matches nothing. */
export interface PolicyPortEntry {
  readonly protocol: number;
  readonly port?: number;
  readonly endPort?: number;
  readonly valid: boolean;
}

/** One entry of `ingress` or `egress`. */
export interface PolicyRuleSpec {
  /** Absent or empty in the YAML: every peer. */
  readonly peers?: readonly PolicyPeer[];
  /** Absent or empty in the YAML: every protocol and port. */
  readonly ports?: readonly PolicyPortEntry[];
  readonly source: ConfigSource;
  /** The comment above the rule (its first line): Rampart writes the flow's name there. */
  readonly label?: string;
}

export interface NetworkPolicyObject {
  readonly name: string;
  /** Where the policy's name is written. */
  readonly nameAt: { readonly file: string; readonly line: number; readonly column: number };
  readonly namespace: string;
  readonly podSelector: LabelSelector;
  readonly isolatesIngress: boolean;
  readonly isolatesEgress: boolean;
  /** Rules of a type the policy does not list in policyTypes are dropped while reading (they do nothing). */
  readonly ingress: readonly PolicyRuleSpec[];
  readonly egress: readonly PolicyRuleSpec[];
  /** The line where the policy says what it isolates (policyTypes, or the spec when it has none). */
  readonly isolationSource: ConfigSource;
}

/** A Namespace object: the labels namespace selectors can match. */
export interface NamespaceObject {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface ReadObjects {
  readonly policies: NetworkPolicyObject[];
  readonly namespaces: NamespaceObject[];
}
