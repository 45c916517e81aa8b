// The vendor-shaped model of a Junos security configuration: zones, address books, applications, policies.

import type { Family } from "../../../net/address.js";
import type { Prefix } from "../../../net/prefix.js";
import { diagnostic, type Diagnostic, type SourceLocation } from "../../../policy/diagnostics.js";
import type { AppTerm } from "./predefined.js";

/** What one address-book address stands for. */
export type AddressItem =
  | { readonly kind: "prefix"; readonly prefix: Prefix }
  | { readonly kind: "range"; readonly family: Family; readonly lo: bigint; readonly hi: bigint }
  | { readonly kind: "wildcard"; readonly family: Family; readonly value: bigint; readonly mask: bigint }
  /** A DNS name or anything else Rampart cannot resolve: it matches no packet (reported). */
  | { readonly kind: "none" };

export interface Named {
  readonly name: string;
  readonly loc: SourceLocation;
}

export interface AddressBook {
  /** "global", a named book, or "zone <Z>" for the addresses written under a security zone. */
  readonly name: string;
  readonly addresses: Map<string, { item: AddressItem; loc: SourceLocation }>;
  readonly sets: Map<string, { members: Named[]; sets: Named[]; loc: SourceLocation }>;
  /** Zones the book is attached to (a zone's own book: that zone; the global book: none, it serves all). */
  readonly zones: string[];
}

/** One term of a custom application, as written (a term not understood is `broken` and matches nothing). */
export interface TermDef extends AppTerm {
  readonly loc: SourceLocation;
  readonly broken?: boolean;
}

export interface ApplicationDef {
  readonly name: string;
  readonly loc: SourceLocation;
  /** Term name ("" for the attributes written on the application itself) → term. */
  readonly terms: Map<string, TermDef>;
  /** The ALG named by `application-protocol`, when it admits connections of its own. */
  alg?: string;
}

export interface ApplicationSetDef {
  readonly name: string;
  readonly loc: SourceLocation;
  readonly members: Named[];
}

export type PolicyAction = "permit" | "deny" | "reject";

export interface PolicyDef {
  readonly name: string;
  /** The zone pair, or undefined for a global policy. */
  readonly from?: string;
  readonly to?: string;
  /** Where the policy starts (its first line, or its `policy P {` line), for attribution. */
  readonly loc: SourceLocation;
  readonly text: string;
  readonly sources: Named[];
  readonly destinations: Named[];
  readonly applications: Named[];
  sourceExcluded: boolean;
  destinationExcluded: boolean;
  /** Global policies: `match from-zone` / `to-zone` ("any" or names); empty means any. */
  readonly fromZones: string[];
  readonly toZones: string[];
  action?: PolicyAction;
  actionLoc?: SourceLocation;
  log: boolean;
}

/** One value of a firewall filter match condition, with `except` when it excludes. */
export interface ConditionValue {
  readonly text: string;
  readonly except: boolean;
  readonly loc: SourceLocation;
}

/** One term of a firewall filter, as written: its `from` conditions and `then` actions. */
export interface FilterTerm {
  readonly name: string;
  readonly loc: SourceLocation;
  readonly text: string;
  /** Condition keyword ("source-address", "protocol-except") → its values, in order. */
  readonly from: Map<string, ConditionValue[]>;
  /** Each `then` statement's words ("accept"; "count", "c1"; "next", "term"). */
  readonly then: { words: string[]; loc: SourceLocation }[];
  /** `term T filter F`: another filter's terms in place of this one (not modelled). */
  nested?: { name: string; loc: SourceLocation };
}

/** A firewall filter of one family ("inet", "inet6", "ethernet-switching" ...). */
export interface FilterDef {
  readonly family: string;
  readonly name: string;
  readonly loc: SourceLocation;
  readonly text: string;
  readonly terms: FilterTerm[];
}

/**
 * An interface unit's filter: `interfaces IF unit N family F filter input|output NAME`, or a list of filters
 * (`input-list [ A B ]`) evaluated as one: their terms in order, with the last one's implicit discard.
 */
export interface FilterBinding {
  readonly iface: string;
  readonly family: string;
  readonly direction: "input" | "output";
  readonly filters: string[];
  readonly loc: SourceLocation;
}

export interface JunosConfig {
  /** Security zones in order of appearance, with the interfaces bound to each. */
  readonly zones: Map<string, { loc: SourceLocation; interfaces: string[] }>;
  readonly books: Map<string, AddressBook>;
  readonly applications: Map<string, ApplicationDef>;
  readonly applicationSets: Map<string, ApplicationSetDef>;
  /** "from\u0000to" → the zone pair's policies, in evaluation order. */
  readonly contexts: Map<string, PolicyDef[]>;
  readonly global: PolicyDef[];
  defaultPolicy: "deny-all" | "permit-all";
  /** Firewall filters by "family|name", in order of appearance. */
  readonly filters: Map<string, FilterDef>;
  readonly filterBindings: FilterBinding[];
  /** `policy-options prefix-list NAME` → its prefixes as written. */
  readonly prefixLists: Map<string, { items: ConditionValue[]; loc: SourceLocation }>;
  /** `security forwarding-options family inet6 mode`; absent: flow-based (the current default). */
  inet6Mode?: { mode: string; loc: SourceLocation };
}

export function emptyConfig(): JunosConfig {
  return {
    zones: new Map(),
    books: new Map(),
    applications: new Map(),
    applicationSets: new Map(),
    contexts: new Map(),
    global: [],
    defaultPolicy: "deny-all",
    filters: new Map(),
    filterBindings: [],
    prefixLists: new Map(),
  };
}

export function contextKey(from: string, to: string): string {
  return `${from}\u0000${to}`;
}

/** Collects diagnostics, reporting each unsupported or ignored construct once. */
export class Reporter {
  readonly diagnostics: Diagnostic[] = [];
  private readonly seen = new Set<string>();

  syntax(message: string, loc: SourceLocation): void {
    this.diagnostics.push(diagnostic("config-syntax", "error", message, loc));
  }

  /** Parsed but not modelled: the result may be wrong. `key` reports a construct once. */
  unsupported(message: string, loc: SourceLocation, key = `${loc.file}:${loc.line}:${message}`): void {
    if (this.once(`u|${key}`))
      this.diagnostics.push(diagnostic("config-unsupported", "warning", message, loc));
  }

  /** Not understood, but with no effect on which connections pass. */
  ignored(message: string, loc: SourceLocation, key = `${loc.file}:${loc.line}:${message}`): void {
    if (this.once(`i|${key}`)) this.diagnostics.push(diagnostic("config-ignored", "info", message, loc));
  }

  private once(key: string): boolean {
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }
}
