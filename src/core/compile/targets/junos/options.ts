// The junos point options (`mode`), checked: problems are target-option diagnostics at the point.

import { closestName, diagnostic, type Diagnostic } from "../../../policy/diagnostics.js";
import type { EnforcementPoint } from "../../../policy/types.js";

export interface JunosOptions {
  /** "srx": zone-based security policies, the only mode written today. */
  readonly mode: "srx";
}

const KNOWN = ["mode"] as const;

export function readOptions(point: EnforcementPoint): { options: JunosOptions; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const report = (severity: "warning" | "error", message: string) =>
    diagnostics.push(diagnostic("target-option", severity, message, point.loc));
  for (const key of Object.keys(point.options).sort()) {
    if ((KNOWN as readonly string[]).includes(key)) continue;
    const near = closestName(key, KNOWN);
    report("warning", `Unknown junos option "${key}"${near ? `; did you mean "${near}"?` : ""}`);
  }
  const mode = point.options["mode"];
  if (mode === "filter")
    report(
      "error",
      `Option "mode: filter" (stateless firewall filters) is not supported yet: filters need explicit rules for ` +
        `return traffic, which this target does not write; enforcement point "${point.name}" is written as SRX ` +
        `security policies`,
    );
  else if (mode !== undefined && mode !== "srx")
    report("warning", `Option "mode" is ${JSON.stringify(mode)}; the only mode is "srx", which is used`);
  return { options: { mode: "srx" }, diagnostics };
}
