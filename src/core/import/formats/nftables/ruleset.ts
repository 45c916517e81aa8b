// The nftables configuration as nft holds it: tables of chains and sets, rules as parsed statements.

import type { Token } from "./lexer.js";

export type TableFamily = "ip" | "ip6" | "inet" | "arp" | "bridge" | "netdev";

export const TABLE_FAMILIES: readonly TableFamily[] = ["ip", "ip6", "inet", "arp", "bridge", "netdev"];

/** A verdict: what a rule (or a verdict-map element) does with the packets it matches. */
export type Verdict =
  | { readonly kind: "accept" | "drop" | "continue" | "return" | "queue" }
  | { readonly kind: "jump" | "goto"; readonly chain: string; readonly token: Token };

/** One element of a set or of an anonymous `{ ... }` list, as written. */
export interface Element {
  readonly text: string;
  readonly token: Token;
  /** Verdict maps: what the element maps to. */
  readonly verdict?: Verdict;
  /** The element is not a single value: a concatenation (see `parts`) or a value a data map maps to. */
  readonly complex?: boolean;
  /** A concatenation's values, `a . b` → [a, b]. */
  readonly parts?: readonly { readonly text: string; readonly token: Token }[];
  /** A data map's element (`key : value`, the value no verdict): it decides nothing by itself. */
  readonly data?: boolean;
}

/** The value a match compares with: a literal list (one element for a plain value) or a named set. */
export type MatchValue =
  | { readonly kind: "list"; readonly elements: readonly Element[] }
  | { readonly kind: "set"; readonly name: string; readonly token: Token };

export type Operator = "==" | "!=" | "<" | ">" | "<=" | ">=";

/** One statement of a rule. */
export type Statement =
  | {
      readonly kind: "match";
      /** Normalized selector: "ip saddr", "meta l4proto", "tcp dport", "ct state" ... */
      readonly selector: string;
      readonly op: Operator;
      readonly value: MatchValue;
      readonly token: Token;
    }
  | { readonly kind: "vmap"; readonly selector: string; readonly map: MatchValue; readonly token: Token }
  | { readonly kind: "verdict"; readonly verdict: Verdict; readonly token: Token }
  | { readonly kind: "log"; readonly token: Token }
  /** `counter packets N bytes M` as `nft list ruleset` shows it: `packets` becomes the rule's hits. */
  | { readonly kind: "counter"; readonly token: Token; readonly packets?: number }
  | { readonly kind: "comment"; readonly text: string; readonly token: Token }
  /** Network address translation: ends the chain like accept. */
  | { readonly kind: "nat"; readonly which: string; readonly token: Token }
  /** A condition Rampart does not model (rate limits, marks, unknown expressions). */
  | { readonly kind: "unknown-condition"; readonly text: string; readonly token: Token }
  /** An action with no verdict that Rampart does not model (setting marks, notrack ...). */
  | { readonly kind: "unknown-action"; readonly text: string; readonly token: Token };

export interface Rule {
  readonly statements: readonly Statement[];
  readonly file: string;
  readonly line: number;
  /** The rule as written, whitespace collapsed. */
  readonly text: string;
  readonly comment?: string;
}

export interface Chain {
  readonly name: string;
  readonly token: Token;
  hook?: string;
  type?: string;
  priority?: string;
  policy?: "accept" | "drop";
  rules: Rule[];
}

export interface NamedSet {
  readonly name: string;
  readonly token: Token;
  readonly map: boolean;
  /** The words after `type` or `typeof`, for messages. */
  type: string;
  elements: Element[];
}

export interface Table {
  readonly family: TableFamily;
  readonly name: string;
  readonly token: Token;
  dormant: boolean;
  readonly chains: Map<string, Chain>;
  readonly sets: Map<string, NamedSet>;
}

/** Every table, keyed by "family name", in creation order. */
export type Ruleset = Map<string, Table>;

export function tableKey(family: TableFamily, name: string): string {
  return `${family} ${name}`;
}
