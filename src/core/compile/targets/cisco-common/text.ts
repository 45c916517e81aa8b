// Text the Cisco renderers share: remarks naming the policy rule, protocol and port tokens, point options.

import { diagnostic, type Diagnostic } from "../../../policy/diagnostics.js";
import type { IrOrigin, IrPoint, NumRange } from "../../ir.js";
import { deviceName } from "../../names.js";
import { isAllPorts } from "./services.js";

/** Longest remark IOS and ASA keep. */
export const REMARK_MAX = 100;

/** The remark before a policy rule's entries: its name, marked when the entries are its replies. */
export function remarkText(origin: IrOrigin): string {
  const mark = origin.kind === "reply" ? " (reply)" : "";
  return deviceName(origin.name, REMARK_MAX - mark.length, /[!-~]/) + mark;
}

/** "eq 53" or "range 1024 2047"; empty for every port. */
export function portOp(r: NumRange | undefined): string {
  if (r === undefined || isAllPorts(r)) return "";
  return r.lo === r.hi ? `eq ${r.lo}` : `range ${r.lo} ${r.hi}`;
}

export type OptionKind = "boolean" | readonly string[];

/** Reads the point's options against what the target accepts; unknown keys and bad values are reported. */
export function readOptions(
  ir: IrPoint,
  targetId: string,
  spec: Readonly<Record<string, OptionKind>>,
): { values: Map<string, string | boolean>; diagnostics: Diagnostic[] } {
  const values = new Map<string, string | boolean>();
  const diagnostics: Diagnostic[] = [];
  const where = `enforcement point "${ir.point.name}"`;
  for (const [key, value] of Object.entries(ir.point.options)) {
    const kind = spec[key];
    if (kind === undefined) {
      const known = Object.keys(spec).map((k) => `"${k}"`);
      diagnostics.push(
        diagnostic(
          "target-option",
          "warning",
          `Unknown option "${key}" for target "${targetId}" in ${where}; it takes ${known.join(", ")}`,
          ir.point.loc,
        ),
      );
    } else if (kind === "boolean" ? typeof value === "boolean" : kind.includes(String(value))) {
      values.set(key, value as string | boolean);
    } else {
      const want = kind === "boolean" ? "true or false" : kind.map((k) => `"${k}"`).join(" or ");
      diagnostics.push(
        diagnostic(
          "target-option",
          "error",
          `Option "${key}" of ${where} must be ${want}, not "${String(value)}"`,
          ir.point.loc,
        ),
      );
    }
  }
  return { values, diagnostics };
}

/** The point's zones that have an interface, as distinct interfaces in zone order, and those that have none. */
export function pointInterfaces(ir: IrPoint): { interfaces: string[]; unbound: string[] } {
  const interfaces: string[] = [];
  const unbound: string[] = [];
  for (const zone of ir.zones) {
    const name = ir.point.interfaces[zone];
    if (name === undefined) unbound.push(zone);
    else if (!interfaces.includes(name)) interfaces.push(name);
  }
  return { interfaces, unbound };
}

/** A warning naming the zones of a point that has interfaces for some zones but not these. */
export function unboundZones(ir: IrPoint, unbound: readonly string[], bound: number): Diagnostic[] {
  if (bound === 0 || unbound.length === 0) return [];
  const list = unbound.map((z) => `"${z}"`).join(", ");
  return [
    diagnostic(
      "target-option",
      "warning",
      `Enforcement point "${ir.point.name}" gives no interface for zone(s) ${list}; traffic entering from there is not filtered by the rules written here`,
      ir.point.loc,
    ),
  ];
}

/** The start of the names of the groups a rule needs: its policy rule's name, marked for replies. */
export function groupBase(rule: { readonly origin: IrOrigin }): string {
  return rule.origin.kind === "reply" ? `${rule.origin.name}-reply` : rule.origin.name;
}
