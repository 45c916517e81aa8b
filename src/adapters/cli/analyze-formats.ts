// The machine-readable forms of `rampart analyze`: JSON, SARIF 2.1.0 (code scanning) and JUnit XML.

import type { AnalyzeReport } from "../../app/analyze.js";
import type { Finding, FindingKind } from "../../core/analysis/anomalies/finding.js";
import { KIND_SEVERITY } from "../../core/analysis/anomalies/finding.js";

export function analyzeJson(report: AnalyzeReport): unknown {
  return {
    findings: report.findings.map((f) => ({
      kind: f.kind,
      severity: f.severity,
      message: f.message,
      location: f.location,
      related: f.related,
    })),
    diagnostics: report.diagnostics,
  };
}

const KIND_HELP: Readonly<Record<FindingKind, string>> = {
  shadowed:
    "Earlier rules decide every packet of the rule, some with the other action: the rule never takes effect.",
  redundant: "Removing the rule changes no packet's verdict.",
  correlated: "The rule overlaps an earlier rule with the other action, neither containing the other.",
  generalization:
    "The rule strictly contains an earlier rule with the other action (an exception before it).",
  "overly-permissive":
    "The rule accepts too much: any to any, huge ranges, or untrusted zones to sensitive assets or admin services.",
  "policy-violation": "The rule lets through packets a deny of the policy forbids.",
  unused: "The rule's counter is zero while the configuration counts packets.",
  expired: "The rule's expiry date has passed.",
  empty:
    "The rule matches no new connection (contradictory conditions, or established and related traffic only).",
};

const SARIF_LEVEL = { error: "error", warning: "warning", note: "note" } as const;

function sarifLocation(file: string, line: number) {
  return { physicalLocation: { artifactLocation: { uri: file }, region: { startLine: line } } };
}

/** SARIF 2.1.0 as GitHub code scanning reads it: one reporting rule per finding kind used. */
export function analyzeSarif(report: AnalyzeReport, version: string): unknown {
  const kinds = [...new Set(report.findings.map((f) => f.kind))].sort();
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "rampart",
            version,
            rules: kinds.map((k) => ({
              id: k,
              name: k,
              shortDescription: { text: KIND_HELP[k] },
              defaultConfiguration: { level: SARIF_LEVEL[KIND_SEVERITY[k]] },
            })),
          },
        },
        results: report.findings.map((f) => ({
          ruleId: f.kind,
          ruleIndex: kinds.indexOf(f.kind),
          level: SARIF_LEVEL[f.severity],
          message: { text: f.message },
          locations: [sarifLocation(f.location.file, f.location.line)],
          ...(f.related.length > 0 && {
            relatedLocations: f.related.map((r, id) => ({
              id,
              ...sarifLocation(r.file, r.line),
              message: { text: `related rule at line ${r.line}` },
            })),
          }),
        })),
      },
    ],
  };
}

function xml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** JUnit XML: one test suite per file, one failing test case per finding; a file without findings passes. */
export function analyzeJunit(report: AnalyzeReport): string {
  const byFile = new Map<string, Finding[]>();
  for (const { file } of report.formats) byFile.set(file, []);
  for (const f of report.findings) {
    let l = byFile.get(f.location.file);
    if (!l) byFile.set(f.location.file, (l = []));
    l.push(f);
  }
  const suites: string[] = [];
  for (const [file, findings] of byFile) {
    const cases =
      findings.length === 0
        ? [`    <testcase classname="${xml(file)}" name="no findings"/>`]
        : findings.map(
            (f) =>
              `    <testcase classname="${xml(file)}" name="${xml(`${f.kind} at line ${f.location.line}`)}">\n` +
              `      <failure type="${f.kind}" message="${xml(f.message)}">${xml(`${f.severity}: ${f.location.file}:${f.location.line}: ${f.message}`)}</failure>\n` +
              `    </testcase>`,
          );
    suites.push(
      `  <testsuite name="${xml(file)}" tests="${Math.max(1, findings.length)}" failures="${findings.length}">\n${cases.join("\n")}\n  </testsuite>`,
    );
  }
  const failures = report.findings.length;
  const tests = [...byFile.values()].reduce((n, f) => n + Math.max(1, f.length), 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="rampart analyze" tests="${tests}" failures="${failures}">\n${suites.join("\n")}\n</testsuites>\n`;
}
