// The iptables point options (`chain`, `ipset`, `ipsetThreshold`, `loopback`, `ndp`), checked: a problem
// is a target-option warning and the default is used instead.

import { closestName, diagnostic, type Diagnostic } from "../../../policy/diagnostics.js";
import type { EnforcementPoint } from "../../../policy/types.js";

export interface IptablesOptions {
  /** Stem of every chain and set Rampart writes: chains STEM-FWD, STEM-IN, STEM-OUT, sets stem-fwd4-1. */
  readonly chain: string;
  /** Put long address lists into ipsets. */
  readonly ipset: boolean;
  /** A list with more entries than this goes into an ipset. */
  readonly ipsetThreshold: number;
  /** Host role: accept loopback traffic (127.0.0.0/8 and ::1 to themselves). */
  readonly loopback: boolean;
  /** Host role: accept link-local ICMPv6 (neighbour discovery, MLD) between link-local addresses. */
  readonly ndp: boolean;
}

export const DEFAULT_OPTIONS: IptablesOptions = {
  chain: "RAMPART",
  ipset: true,
  ipsetThreshold: 8,
  loopback: true,
  ndp: true,
};

/**
 * Chain names may be 28 characters; the longest Rampart derives is STEM-FWD-NNNN, and the longest set
 * name stem-host6-NNNN-t must fit ipset's 31.
 */
const STEM_MAX = 16;
const STEM = /^[A-Za-z][A-Za-z0-9_]*(-[A-Za-z0-9_]+)*$/;
const BUILT_IN = new Set(["INPUT", "FORWARD", "OUTPUT", "PREROUTING", "POSTROUTING"]);
const TARGET_WORDS = new Set(["ACCEPT", "DROP", "REJECT", "RETURN", "LOG", "QUEUE", "NFQUEUE"]);

const KNOWN = ["chain", "ipset", "ipsetThreshold", "loopback", "ndp"] as const;

export function readOptions(point: EnforcementPoint): {
  options: IptablesOptions;
  diagnostics: Diagnostic[];
} {
  const diagnostics: Diagnostic[] = [];
  const warn = (message: string) =>
    diagnostics.push(diagnostic("target-option", "warning", message, point.loc));
  const raw = point.options;
  for (const key of Object.keys(raw).sort()) {
    if ((KNOWN as readonly string[]).includes(key)) continue;
    const near = closestName(key, KNOWN);
    warn(`Unknown iptables option "${key}"${near ? `; did you mean "${near}"?` : ""}`);
  }
  const bool = (key: "ipset" | "loopback" | "ndp"): boolean => {
    const v = raw[key];
    if (v === undefined) return DEFAULT_OPTIONS[key];
    if (typeof v === "boolean") return v;
    warn(`Option "${key}" must be true or false; "${String(v)}" is ignored`);
    return DEFAULT_OPTIONS[key];
  };
  return {
    options: {
      chain: readChain(raw["chain"], warn),
      ipset: bool("ipset"),
      ipsetThreshold: readThreshold(raw["ipsetThreshold"], warn),
      loopback: bool("loopback"),
      ndp: bool("ndp"),
    },
    diagnostics,
  };
}

function readChain(v: unknown, warn: (m: string) => void): string {
  if (v === undefined) return DEFAULT_OPTIONS.chain;
  const fallback = `; the chains are named after "${DEFAULT_OPTIONS.chain}"`;
  if (typeof v !== "string") {
    warn(`Option "chain" must be a string such as "RAMPART"${fallback}`);
    return DEFAULT_OPTIONS.chain;
  }
  if (!STEM.test(v) || v.length > STEM_MAX) {
    warn(
      `Option "chain" is "${v}": it must be 1-${STEM_MAX} letters, digits, "_" or "-", starting with a letter${fallback}`,
    );
    return DEFAULT_OPTIONS.chain;
  }
  if (BUILT_IN.has(v.toUpperCase()) || TARGET_WORDS.has(v.toUpperCase())) {
    warn(`Option "chain" is "${v}", which iptables reserves${fallback}`);
    return DEFAULT_OPTIONS.chain;
  }
  return v;
}

function readThreshold(v: unknown, warn: (m: string) => void): number {
  if (v === undefined) return DEFAULT_OPTIONS.ipsetThreshold;
  if (typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 65536) return v;
  warn(
    `Option "ipsetThreshold" must be a whole number from 1 to 65536; "${String(v)}" is ignored and ${DEFAULT_OPTIONS.ipsetThreshold} is used`,
  );
  return DEFAULT_OPTIONS.ipsetThreshold;
}
