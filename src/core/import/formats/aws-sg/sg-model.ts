// Security groups as both readers (describe-security-groups JSON, Terraform) see them, before any packet
// set is built: groups, their permissions, and the peers each permission allows.

import type { Prefix } from "../../../net/prefix.js";
import { type Diagnostic, diagnostic } from "../../../policy/diagnostics.js";

/** A place in a configuration file: for diagnostics (line, column) and rule sources (line text). */
export interface Where {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The line as written, trimmed. */
  readonly text: string;
}

/** What a permission matches besides its peers. */
export type SgProtocol =
  | { readonly kind: "all" }
  /** TCP or UDP destination ports lo-hi. */
  | { readonly kind: "ports"; readonly proto: number; readonly lo: number; readonly hi: number }
  /** ICMP or ICMPv6: a type, and a code, when given (absent: every one). */
  | { readonly kind: "icmp"; readonly proto: number; readonly type?: number; readonly code?: number }
  /** Any other protocol, on every port. */
  | { readonly kind: "protocol"; readonly proto: number };

export type SgPeer =
  | { readonly kind: "cidr"; readonly prefix: Prefix; readonly description?: string; readonly at: Where }
  /** Another group (its GroupId, or its Terraform label), standing for the hosts that carry it. */
  | { readonly kind: "group"; readonly group: string; readonly description?: string; readonly at: Where }
  | { readonly kind: "prefix-list"; readonly id: string; readonly at: Where };

export interface SgPermission {
  readonly direction: "ingress" | "egress";
  readonly protocol: SgProtocol;
  readonly peers: readonly SgPeer[];
  readonly at: Where;
}

export interface SgGroup {
  /** GroupId (JSON) or resource label (Terraform): what rules and other groups refer to it by. */
  readonly key: string;
  readonly name: string;
  /** The `rampart:asset` tag: the host the group is attached to. */
  readonly asset?: string;
  readonly permissions: SgPermission[];
  readonly at: Where;
}

/** Collects diagnostics for one file, each at a place of it. */
export class FileDiagnostics {
  readonly list: Diagnostic[] = [];
  constructor(
    readonly file: string,
    private readonly lines: readonly string[],
  ) {}

  where(line: number, column: number): Where {
    return { file: this.file, line, column, text: (this.lines[line - 1] ?? "").trim() };
  }

  syntax(at: { line: number; column: number }, message: string): void {
    this.list.push(diagnostic("config-syntax", "error", message, { file: this.file, ...pos(at) }));
  }

  unsupported(at: { line: number; column: number }, message: string): void {
    this.list.push(diagnostic("config-unsupported", "warning", message, { file: this.file, ...pos(at) }));
  }

  ignored(at: { line: number; column: number }, message: string): void {
    this.list.push(diagnostic("config-ignored", "info", message, { file: this.file, ...pos(at) }));
  }
}

function pos(at: { line: number; column: number }): { line: number; column: number } {
  return { line: at.line, column: at.column };
}
