// Problems in user input, as data: a stable code, a location and a message; printed FILE:LINE:COL.

export type Severity = "error" | "warning" | "info";

export interface SourceLocation {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
}

export type DiagnosticCode =
  | "yaml-syntax"
  | "file-unreadable"
  | "invalid-type"
  | "invalid-value"
  | "missing-key"
  | "unknown-key"
  | "unknown-reference"
  | "reference-cycle"
  | "invalid-cidr"
  | "host-bits"
  | "duplicate-network"
  | "address-outside-zone"
  | "invalid-service"
  | "port-range"
  | "duplicate-name"
  | "flow-cancelled"
  | "flow-expired"
  | "empty-flow"
  | "assertion-failed"
  | "unknown-target"
  | "target-refused"
  | "target-option"
  | "proof-failed"
  | "config-syntax"
  | "config-unsupported"
  | "config-ignored";

export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export function diagnostic(
  code: DiagnosticCode,
  severity: Severity,
  message: string,
  loc: SourceLocation,
): Diagnostic {
  return { code, severity, message, file: loc.file, line: loc.line, column: loc.column };
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}`;
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === "error");
}

/** Orders diagnostics by file, line, column, so output is stable whatever order checks ran in. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort(
    (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column,
  );
}

/** The closest candidate by edit distance, for "did you mean" hints; undefined when nothing is close. */
export function closestName(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDist = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDist) {
      bestDist = d;
      best = c;
    }
  }
  const limit = Math.max(1, Math.floor(word.length / 3));
  return bestDist <= limit ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}
