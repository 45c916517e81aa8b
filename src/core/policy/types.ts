// The policy model: what the YAML says, with the source location of every part.

import type { Prefix } from "../net/prefix.js";
import type { SourceLocation } from "./diagnostics.js";

/** A piece of text from the policy and where it stands. */
export interface Located<T = string> {
  readonly value: T;
  readonly loc: SourceLocation;
}

export interface NetworkEntry {
  readonly prefix: Prefix;
  /** As written, e.g. "10.0.0.0/8". */
  readonly text: string;
  readonly loc: SourceLocation;
}

export interface Zone {
  readonly name: string;
  readonly loc: SourceLocation;
  readonly networks: readonly NetworkEntry[];
  readonly description?: string;
}

/** One entry of a service list: a spec ("tcp/443", "icmp", "proto/47") or the name of another service. */
export type ServiceEntry = Located<string>;

export interface ServiceDef {
  readonly name: string;
  readonly loc: SourceLocation;
  readonly entries: readonly ServiceEntry[];
}

export type Criticality = "low" | "medium" | "high" | "critical";

export interface K8sSelector {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface Asset {
  readonly name: string;
  readonly loc: SourceLocation;
  readonly addresses: readonly NetworkEntry[];
  readonly zone?: Located<string>;
  readonly owner?: string;
  readonly criticality?: Criticality;
  readonly data: readonly string[];
  readonly tags: readonly string[];
  readonly description?: string;
  readonly k8s?: K8sSelector;
}

/**
 * A reference to addresses: "zone:N", "asset:N", "group:N", "app:N", "app:N/TIER", "any",
 * or a literal IP or CIDR.
 */
export type Reference = Located<string>;

export interface Group {
  readonly name: string;
  readonly loc: SourceLocation;
  readonly members: readonly Reference[];
}

export interface Tier {
  readonly name: string;
  readonly loc: SourceLocation;
  readonly members: readonly Reference[];
}

export interface Application {
  readonly name: string;
  readonly loc: SourceLocation;
  readonly owner?: string;
  readonly description?: string;
  readonly tiers: readonly Tier[];
}

export type RuleKind = "flow" | "deny";

/** A business flow that must work, or a prohibition: both have the same shape. */
export interface Rule {
  readonly kind: RuleKind;
  readonly name: string;
  readonly loc: SourceLocation;
  readonly from: readonly Reference[];
  readonly to: readonly Reference[];
  /** Empty means every service (all protocols and ports). */
  readonly services: readonly ServiceEntry[];
  readonly owner?: string;
  readonly justification?: string;
  readonly ticket?: string;
  /** ISO date "YYYY-MM-DD": the rule stops applying at the end of that day (UTC). */
  readonly expires?: Located<string>;
  readonly log: boolean;
  readonly description?: string;
}

export type PointRole = "network" | "host";

export interface EnforcementPoint {
  readonly name: string;
  readonly loc: SourceLocation;
  /** Target id, e.g. "nftables", "iptables", "cisco-ios". */
  readonly target: Located<string>;
  /** "all" or a list of zone names. */
  readonly zones: "all" | readonly Located<string>[];
  readonly role: PointRole;
  /**
   * For `role: host`: references to the addresses of the hosts the point's rules run on. Every asset whose
   * addresses all lie there is a protected host. Absent: the assets of the point's zones.
   */
  readonly hosts?: readonly Reference[];
  /** Zone name → interface name, for targets that bind rules to interfaces. */
  readonly interfaces: Readonly<Record<string, string>>;
  /** Target-specific options, passed through unchanged. */
  readonly options: Readonly<Record<string, unknown>>;
  readonly description?: string;
}

export type Expectation = "allow" | "deny";

export interface Assertion {
  readonly loc: SourceLocation;
  readonly name?: string;
  readonly from: readonly Reference[];
  readonly to: readonly Reference[];
  /** Empty means every service. */
  readonly services: readonly ServiceEntry[];
  readonly expect: Located<Expectation>;
}

export interface Policy {
  readonly zones: readonly Zone[];
  readonly services: readonly ServiceDef[];
  readonly assets: readonly Asset[];
  readonly groups: readonly Group[];
  readonly applications: readonly Application[];
  readonly flows: readonly Rule[];
  readonly denies: readonly Rule[];
  readonly enforcement: readonly EnforcementPoint[];
  readonly assertions: readonly Assertion[];
}

/** A source file of the policy: its path as shown in diagnostics, and its text. */
export interface PolicySource {
  readonly path: string;
  readonly text: string;
}

// ---- Resolved forms (shared by the intent builder and the reference evaluator) ----

/** One resolved service atom: a protocol (or every protocol) with optional port or ICMP constraints. */
export type ServiceAtom =
  | { readonly kind: "any" }
  | { readonly kind: "protocol"; readonly proto: number }
  | { readonly kind: "ports"; readonly proto: number; readonly ranges: readonly PortRange[] }
  | { readonly kind: "icmp"; readonly proto: number; readonly type: number; readonly code?: number };

/** Inclusive port range. */
export interface PortRange {
  readonly lo: number;
  readonly hi: number;
}

/** A set of addresses as a union of prefixes, each minus some more specific prefixes. */
export interface AddressTerm {
  readonly prefix: Prefix;
  readonly except: readonly Prefix[];
}
