// The contract every compile target implements, and the capabilities shared code reads instead of its name.

import type { Family } from "../net/address.js";
import type { Diagnostic } from "../policy/diagnostics.js";
import type { PointRole } from "../policy/types.js";
import type { IrPoint, IrRule } from "./ir.js";

/** What a target can express; lowering refuses (with a diagnostic) whatever falls outside. */
export interface TargetCapabilities {
  /** Address families the target filters. A point's rules of another family are refused. */
  readonly families: readonly Family[];
  /** Roles the target supports. */
  readonly roles: readonly PointRole[];
  /** Tracks connections, so replies pass by state. When false, lowering adds explicit reply rules. */
  readonly stateful: boolean;
  /** Can drop ahead of accepts (first match). When false, denies are subtracted from the flows. */
  readonly deny: boolean;
  /** Protocols the target can match one by one; "any" means every IP protocol number. */
  readonly protocols: "any" | readonly number[];
  /** Can leave the protocol unconstrained (match every protocol). */
  readonly anyProtocol: boolean;
  /** Can match ICMP types and codes. */
  readonly icmp: boolean;
  /** Can match source ports. */
  readonly sourcePorts: boolean;
  /**
   * Host role: "shared" renders one rule set that every protected host runs; "per-asset" one per asset.
   * Network-role points ignore it.
   */
  readonly hostRules: "shared" | "per-asset";
  /** Host role: only assets carrying this metadata key (e.g. `k8s`) can be protected. */
  readonly hostMetadata?: "k8s";
  /** Longest name or comment the device keeps; longer ones are shortened deterministically. */
  readonly nameMaxLength: number;
}

/** One file of a target's output, named relative to the output folder. */
export interface OutputFile {
  readonly name: string;
  readonly text: string;
}

export interface RenderResult {
  readonly files: OutputFile[];
  /** Problems the target found while rendering (options it does not accept, say). */
  readonly diagnostics: Diagnostic[];
  /**
   * IR rules (or parts of them, as IR rules) the renderer could not write exactly, each reported in
   * `diagnostics`: the proof counts them as refused rather than as a mismatch.
   */
  readonly refused?: readonly IrRule[];
  /** Counts for the summary: rules written and named objects (sets, object-groups, address-book entries). */
  readonly stats: { readonly rules: number; readonly objects: number };
}

export interface Target {
  /** Lowercase id used in policies: "nftables", "cisco-ios". */
  readonly id: string;
  readonly description: string;
  readonly capabilities: TargetCapabilities;
  /** The importer (format id) that reads this target's output back. */
  readonly format: string;
  /** Renders the point's IR; the output must be byte-identical for the same input. */
  render(ir: IrPoint): RenderResult;
}
