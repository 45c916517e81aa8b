// From policy files to a checked intent: parse, resolve, build the exact sets, run the policy's own checks.

import { type Diagnostic, hasErrors, sortDiagnostics } from "./diagnostics.js";
import { checkIntent, Intent } from "./intent.js";
import { parsePolicy } from "./parse.js";
import { type ResolvedPolicy, resolvePolicy } from "./resolve.js";
import type { Policy, PolicySource } from "./types.js";

export interface LoadedPolicy {
  readonly policy: Policy;
  readonly resolved: ResolvedPolicy;
  readonly intent: Intent;
  /** Every problem found, sorted by file and position. */
  readonly diagnostics: Diagnostic[];
  readonly ok: boolean;
}

export interface LoadOptions {
  /** Today's date, "YYYY-MM-DD", for expiry. */
  readonly today: string;
}

/**
 * Loads a policy from its sources. Never throws on bad input: whatever parsed is resolved and built, so that
 * questions can still be answered while the diagnostics say what is wrong.
 */
export function loadPolicy(sources: readonly PolicySource[], options: LoadOptions): LoadedPolicy {
  const parsed = parsePolicy(sources);
  const { resolved, diagnostics: resolveDiagnostics } = resolvePolicy(parsed.policy, {
    today: options.today,
  });
  const intent = new Intent(resolved);
  const diagnostics = sortDiagnostics([...parsed.diagnostics, ...resolveDiagnostics, ...checkIntent(intent)]);
  return { policy: parsed.policy, resolved, intent, diagnostics, ok: !hasErrors(diagnostics) };
}
