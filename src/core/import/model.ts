// The contract every importer implements: a configuration file read into exact packet sets, line by line.

import type { Prefix } from "../net/prefix.js";
import type { Diagnostic } from "../policy/diagnostics.js";
import type { K8sSelector, PointRole } from "../policy/types.js";
import type { PacketSet, PacketSpace } from "../space/packet-set.js";

/** Where a rule of a configuration comes from. */
export interface ConfigSource {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** The line as written (trimmed). */
  readonly text: string;
}

/** One rule of an imported configuration, in evaluation order within its list. */
export interface ImportedRule {
  /** "other": matched but neither accepts nor drops by itself (a jump, a counter, a log-only rule). */
  readonly action: "accept" | "drop" | "other";
  /** The new connections the rule matches, ignoring every rule before it. */
  readonly match: PacketSet;
  readonly source: ConfigSource;
  /** The list the rule belongs to: a chain, an ACL, a zone pair, a security group. */
  readonly list: string;
  /** The comment or name attached to the rule (Rampart writes the flow's name there). */
  readonly label?: string;
  /** Packets the device counted for the rule, when the configuration carries counters (`iptables-save -c`). */
  readonly hits?: number;
  /** The day (YYYY-MM-DD) after which the rule is meant to be gone (a Capirca or Junos expiration). */
  readonly expires?: string;
  /**
   * The interface conditions the context could not map to zones, left out of `match`, as one canonical key
   * (`in=eth0`, `in!=eth0 out=eth1`, wildcards as written: `in=eth+`); absent when there are none. Two rules
   * with equal keys apply to the same interfaces.
   */
  readonly interfaces?: string;
  /**
   * True when `match` is wider than what the rule really matches, because a condition Rampart cannot evaluate
   * (a rate limit, a MAC address, a time range) was left out of it. The analyses then never count on the rule to
   * decide another rule's packets.
   */
  readonly widened?: boolean;
}

/**
 * One ordered rule list of a configuration (a chain, an ACL, a zone pair's policies, a security group), for the
 * analyses that work list by list.
 */
export interface RuleList {
  /** The same name as `ImportedRule.list`. */
  readonly name: string;
  /**
   * What becomes of a packet that no rule of the list decides: accepted, dropped, or "next" when it goes on to
   * whatever is evaluated after the list (the calling chain, the next zone pair, the global policy).
   */
  readonly fallThrough: "accept" | "drop" | "next";
  /** Where the list is declared, when it is declared on a line of its own. */
  readonly source?: ConfigSource;
}

/** A host a host-role configuration runs on (or a security group or pod set is bound to). */
export interface ImportHost {
  readonly name: string;
  readonly addresses: readonly Prefix[];
  readonly k8s?: K8sSelector;
}

/** What an importer needs to know about the place the configuration runs. */
export interface ImportContext {
  readonly space: PacketSpace;
  readonly role: PointRole;
  /** Host role: the hosts the configuration protects. */
  readonly hosts: readonly ImportHost[];
  /** Zone name → interface name, as the policy's enforcement point gives it. */
  readonly interfaces: Readonly<Record<string, string>>;
  /** Packets whose source (or destination) lies in the zone; an empty set for an unknown zone. */
  zoneSpace(zone: string, dir: "src" | "dst"): PacketSet;
}

/** A configuration file's text, named as diagnostics should name it. */
export interface ConfigFile {
  readonly name: string;
  readonly text: string;
}

export interface ImportResult {
  /** Every new connection the configuration lets through, under the format's documented semantics. */
  readonly accepted: PacketSet;
  /** Every rule, with its match set, for attribution and analyses. */
  readonly rules: ImportedRule[];
  /** The rule lists, in the order they appear; a list not given here falls through ("next"). */
  readonly lists?: readonly RuleList[];
  /**
   * Constructs that were not fully understood, each with its line. Codes: "config-syntax",
   * "config-unsupported" (understood but not modelled: the result may be wrong), "config-ignored"
   * (no effect on filtering).
   */
  readonly diagnostics: Diagnostic[];
}

export interface Importer {
  /** Lowercase format id: "nftables", "iptables", "cisco-ios". */
  readonly id: string;
  readonly description: string;
  /** Reads the files of one device. Never throws on bad input; problems are diagnostics. */
  import(files: readonly ConfigFile[], context: ImportContext): ImportResult;
}
