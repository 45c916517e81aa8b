// What an access request asks, checked field by field before the policy is consulted.

import { isCalendarDate } from "../../core/policy/parse-rules.js";
import { type Problem, problem } from "./problem.js";

export interface RequestSpec {
  /** Policy references as flows write them: "zone:x", "asset:y", "app:a/b", "group:g", "any", an IP or CIDR. */
  readonly from: readonly string[];
  readonly to: readonly string[];
  /** Service names or specs as the format allows ("https", "tcp/8443", "any"). */
  readonly services: readonly string[];
  readonly justification: string;
  /** "YYYY-MM-DD": the last day the access is needed. */
  readonly until?: string;
  readonly owner?: string;
  readonly ticket?: string;
}

const KEYS = new Set(["from", "to", "services", "justification", "until", "owner", "ticket"]);

function texts(value: unknown, field: string, maxItems: number, maxLength: number): string[] | string {
  if (!Array.isArray(value) || value.length === 0 || value.length > maxItems)
    return `"${field}" must be a list of 1 to ${maxItems} entries`;
  const out: string[] = [];
  for (const v of value) {
    if (typeof v !== "string" || v.trim().length === 0 || v.length > maxLength)
      return `each entry of "${field}" must be text of 1 to ${maxLength} characters`;
    out.push(v.trim());
  }
  return out;
}

function optional(value: unknown, field: string): string | undefined | { error: string } {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || value.trim().length === 0 || value.length > 128)
    return { error: `"${field}" must be text of 1 to 128 characters` };
  return value.trim();
}

/**
 * The request as stored: trimmed, every problem named in one message. `today` bounds `until` from below; pass
 * undefined to skip that check (a request approved after its date is judged by the caller).
 */
export function parseRequestSpec(
  value: unknown,
  today: string | undefined,
): { ok: true; spec: RequestSpec } | Problem {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return problem(
      "invalid-input",
      "Invalid request: expected an object with from, to, services and justification",
    );
  const v = value as Record<string, unknown>;
  const issues: string[] = [];
  const unknown = Object.keys(v).filter((k) => !KEYS.has(k));
  if (unknown.length) issues.push(`unknown field ${unknown.map((k) => `"${k}"`).join(", ")}`);
  const from = texts(v.from, "from", 50, 512);
  const to = texts(v.to, "to", 50, 512);
  const services = texts(v.services, "services", 50, 128);
  for (const r of [from, to, services]) if (typeof r === "string") issues.push(r);
  const justification = typeof v.justification === "string" ? v.justification.trim() : "";
  if (justification.length < 10 || justification.length > 2000)
    issues.push(`"justification" must say why in 10 to 2000 characters`);
  const until = v.until;
  if (until !== undefined && (typeof until !== "string" || !isCalendarDate(until)))
    issues.push(`"until" must be a date as YYYY-MM-DD`);
  else if (typeof until === "string" && today !== undefined && until < today)
    issues.push(`"until" (${until}) is in the past; today is ${today}`);
  const owner = optional(v.owner, "owner");
  const ticket = optional(v.ticket, "ticket");
  for (const o of [owner, ticket]) if (typeof o === "object") issues.push(o.error);
  if (issues.length) return problem("invalid-input", `Invalid request: ${issues.join("; ")}`);
  const spec: RequestSpec = {
    from: from as string[],
    to: to as string[],
    services: services as string[],
    justification,
    ...(typeof until === "string" && { until }),
    ...(typeof owner === "string" && { owner }),
    ...(typeof ticket === "string" && { ticket }),
  };
  return { ok: true, spec };
}
