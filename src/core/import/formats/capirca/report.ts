// Diagnostics of the Capirca importer: one function to report a problem at a file and line.

import {
  diagnostic,
  type Diagnostic,
  type DiagnosticCode,
  type Severity,
} from "../../../policy/diagnostics.js";

export interface Loc {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export type Report = (code: DiagnosticCode, severity: Severity, message: string, loc: Loc) => void;

/** A reporter that collects into `out`, once per distinct diagnostic (definitions are resolved many times). */
export function collector(out: Diagnostic[]): Report {
  const seen = new Set<string>();
  return (code, severity, message, loc) => {
    const key = `${loc.file}:${loc.line}:${loc.column}:${code}:${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(diagnostic(code, severity, message, loc));
  };
}
