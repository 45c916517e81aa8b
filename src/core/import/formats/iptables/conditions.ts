// The conditions of an iptables rule, as parsed: what each one says about a packet, before it is turned
// into a packet set.

import type { Family } from "../../../net/address.js";
import type { Prefix } from "../../../net/prefix.js";
import type { Direction } from "../../../space/packet-set.js";
import type { Range } from "../../match.js";
import type { IcmpSpec } from "./names.js";

/** A condition the parser did not model; it is reported with the column where it starts. */
export interface Unsupported {
  readonly kind: "unsupported";
  readonly what: string;
}

export type Condition = { readonly column: number } & (
  | { readonly kind: "family"; readonly family: Family }
  | {
      readonly kind: "address";
      readonly dir: Direction;
      readonly negate: boolean;
      readonly prefixes: Prefix[];
    }
  | {
      readonly kind: "range";
      readonly dir: Direction;
      readonly negate: boolean;
      readonly lo: bigint;
      readonly hi: bigint;
    }
  /** Protocol 0 means every protocol, as `-p all` and `-p 0` do. */
  | { readonly kind: "protocol"; readonly negate: boolean; readonly proto: number }
  | {
      readonly kind: "interface";
      readonly dir: "in" | "out";
      readonly negate: boolean;
      readonly name: string;
    }
  /** Ports of `proto`, or of the rule's own `-p` protocol (multiport). "either": source or destination. */
  | {
      readonly kind: "ports";
      readonly proto: number | "rule";
      readonly dir: Direction | "either";
      readonly negate: boolean;
      readonly ranges: readonly Range[];
    }
  | { readonly kind: "icmp"; readonly family: Family; readonly negate: boolean; readonly spec: IcmpSpec }
  /** Connection states; only NEW is ever the state of a connection's first packet. */
  | { readonly kind: "state"; readonly negate: boolean; readonly states: readonly string[] }
  | {
      readonly kind: "set";
      readonly negate: boolean;
      readonly name: string;
      readonly flags: readonly string[];
    }
  /** Every packet of the protocol (a protocol match without options, `--syn`) or none of them. */
  | { readonly kind: "protocol-test"; readonly proto: number; readonly matches: boolean }
  /** Matches every packet or none (`--ctdir ORIGINAL`, `-f`). */
  | { readonly kind: "constant"; readonly matches: boolean }
  | Unsupported
);

/** Where a rule sends what it matches. */
export type RuleTarget =
  /** No `-j`: the rule only counts. */
  | { readonly kind: "none" }
  | { readonly kind: "verdict"; readonly verdict: "accept" | "drop" | "return"; readonly name: string }
  | { readonly kind: "jump"; readonly chain: string; readonly goto: boolean; readonly column: number }
  /** A target that does something and lets the packet go on (LOG, NFLOG, MARK ...). */
  | { readonly kind: "continue"; readonly name: string }
  /** A target whose verdict Rampart cannot know (NFQUEUE, SET ...). */
  | { readonly kind: "unsupported"; readonly name: string; readonly column: number };
