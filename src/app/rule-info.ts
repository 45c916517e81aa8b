// A flow or deny as reported to a user: its name, who owns it, why it exists, and where it is written.

import type { Rule } from "../core/policy/types.js";

export interface RuleInfo {
  readonly kind: "flow" | "deny";
  readonly name: string;
  readonly owner: string | null;
  readonly justification: string | null;
  readonly ticket: string | null;
  /** YYYY-MM-DD, or null when the rule does not expire. */
  readonly expires: string | null;
  readonly file: string;
  readonly line: number;
}

export function ruleInfo(rule: Rule): RuleInfo {
  return {
    kind: rule.kind,
    name: rule.name,
    owner: rule.owner ?? null,
    justification: rule.justification ?? null,
    ticket: rule.ticket ?? null,
    expires: rule.expires?.value ?? null,
    file: rule.loc.file,
    line: rule.loc.line,
  };
}
