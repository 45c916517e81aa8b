// The risk check of an access request without filing it: what the console shows live while someone types one.

import { isProblem, type Result } from "./problem.js";
import type { AccessRequests, StoredRisk } from "./requests.js";
import { parseRequestSpec } from "./requests-spec.js";
import type { PolicyVersions } from "./versions.js";

/** Stands in for a justification not typed yet: the risk does not depend on it, the filing does. */
export const PENDING_JUSTIFICATION = "(not written yet: risk check only)";

export interface RequestCheck {
  /** The flow name the request would get if filed now. */
  readonly flow: string;
  readonly risk: StoredRisk;
}

/**
 * Checks `input` (the body of POST /requests) against the version in force and stores nothing. A missing or
 * short justification is not a problem here: people type it last, and they want the risk before.
 */
export async function checkAccessRequest(
  deps: { readonly versions: PolicyVersions; readonly requests: AccessRequests },
  actor: string,
  input: unknown,
): Promise<Result<RequestCheck>> {
  const body = typeof input === "object" && input !== null && !Array.isArray(input) ? input : {};
  const justification = (body as { justification?: unknown }).justification;
  const withReason =
    typeof justification === "string" && justification.trim().length >= 10
      ? body
      : { ...body, justification: PENDING_JUSTIFICATION };
  const parsed = parseRequestSpec(withReason, deps.versions.today());
  if (!parsed.ok) return parsed;
  const c = await deps.requests.assess(parsed.spec, actor, "check");
  if (isProblem(c)) return c;
  return { ok: true, flow: c.flowName, risk: c.risk };
}
