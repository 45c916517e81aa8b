// Opening a policy for questions: load it, count what it holds, and say which problems block answers.

import { closestTarget, findTarget } from "../core/compile/targets/index.js";
import { diagnostic, type Diagnostic, hasErrors, sortDiagnostics } from "../core/policy/diagnostics.js";
import { type LoadedPolicy, loadPolicy } from "../core/policy/load.js";
import type { PolicySource } from "../core/policy/types.js";

export interface PolicyCounts {
  readonly zones: number;
  readonly services: number;
  readonly assets: number;
  readonly groups: number;
  readonly applications: number;
  readonly flows: number;
  readonly denies: number;
  readonly points: number;
  readonly assertions: number;
  readonly assertionsPassed: number;
  readonly assertionsFailed: number;
  readonly errors: number;
  readonly warnings: number;
}

export interface OpenedPolicy {
  readonly loaded: LoadedPolicy;
  readonly counts: PolicyCounts;
  /**
   * Errors that make answers untrustworthy: every error but a failed assertion. A failed assertion is itself
   * an answer about a well-formed policy, so questions can still be asked (and are how one investigates it).
   */
  readonly blocking: Diagnostic[];
}

export function openPolicy(sources: readonly PolicySource[], options: { today: string }): OpenedPolicy {
  const base = loadPolicy(sources, options);
  const diagnostics = sortDiagnostics([...base.diagnostics, ...checkTargets(base)]);
  const loaded: LoadedPolicy = { ...base, diagnostics, ok: !hasErrors(diagnostics) };
  const blocking = loaded.diagnostics.filter((d) => d.severity === "error" && d.code !== "assertion-failed");
  return { loaded, counts: countPolicy(loaded), blocking };
}

export function countPolicy(loaded: LoadedPolicy): PolicyCounts {
  const p = loaded.policy;
  const ds = loaded.diagnostics;
  // Each failing assertion is reported exactly once, at its `expect`.
  const assertionsFailed = ds.filter((d) => d.code === "assertion-failed").length;
  return {
    zones: p.zones.length,
    services: p.services.length,
    assets: p.assets.length,
    groups: p.groups.length,
    applications: p.applications.length,
    flows: p.flows.length,
    denies: p.denies.length,
    points: p.enforcement.length,
    assertions: p.assertions.length,
    assertionsPassed: Math.max(0, p.assertions.length - assertionsFailed),
    assertionsFailed,
    errors: ds.filter((d) => d.severity === "error").length,
    warnings: ds.filter((d) => d.severity === "warning").length,
  };
}

/** Each enforcement point must name a known target that supports its role. */
export function checkTargets(loaded: LoadedPolicy): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const point of loaded.policy.enforcement) {
    const id = point.target.value;
    const target = findTarget(id);
    if (!target) {
      const hint = closestTarget(id);
      const message = `Unknown target "${id}" for enforcement point "${point.name}"${hint ? `; did you mean "${hint}"?` : ""}`;
      out.push(diagnostic("unknown-target", "error", message, point.target.loc));
    } else if (!target.capabilities.roles.includes(point.role)) {
      const roles = target.capabilities.roles.map((r) => `"${r}"`).join(" or ");
      const message = `Target "${id}" has no role "${point.role}"; enforcement point "${point.name}" needs role ${roles}`;
      out.push(diagnostic("target-refused", "error", message, point.target.loc));
    }
  }
  return out;
}
