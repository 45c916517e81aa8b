// The risk check's vocabulary and arithmetic: finding codes, their weights, and how a score becomes a level.

export type RiskSeverity = "info" | "low" | "medium" | "high" | "critical";
export type RiskLevel = "low" | "medium" | "high" | "critical";

export const RISK_CODES = [
  "deny-conflict",
  "assertion-broken",
  "cleartext",
  "untrusted-to-sensitive",
  "admin-from-untrusted",
  "any-to-any",
  "wide-source",
  "wide-destination",
  "all-services",
  "data-classification",
  "no-expiry",
  "long-lived",
] as const;
export type RiskCode = (typeof RISK_CODES)[number];

export interface RiskFinding {
  readonly code: RiskCode;
  readonly severity: RiskSeverity;
  /** Points this finding adds to the score (docs/risk-check.md). */
  readonly weight: number;
  readonly message: string;
  /** Plain JSON: names, example packets as text, counts. */
  readonly detail: Readonly<Record<string, unknown>>;
}

/** Severity and weight of each code; data-classification's depend on the class (DATA_CLASSES). */
export const RISK_WEIGHTS: Readonly<Record<RiskCode, { severity: RiskSeverity; weight: number }>> = {
  "any-to-any": { severity: "critical", weight: 50 },
  "admin-from-untrusted": { severity: "critical", weight: 40 },
  "untrusted-to-sensitive": { severity: "high", weight: 35 },
  "assertion-broken": { severity: "high", weight: 30 },
  "deny-conflict": { severity: "high", weight: 20 },
  cleartext: { severity: "medium", weight: 15 },
  "wide-destination": { severity: "medium", weight: 15 },
  "wide-source": { severity: "medium", weight: 10 },
  "all-services": { severity: "medium", weight: 10 },
  "data-classification": { severity: "medium", weight: 10 },
  "no-expiry": { severity: "low", weight: 5 },
  "long-lived": { severity: "low", weight: 5 },
};

/** Data classes by how much harm their exposure does; a class not listed counts as "medium", 10. */
export const DATA_CLASSES: Readonly<Record<string, { severity: RiskSeverity; weight: number }>> = {
  cardholder: { severity: "high", weight: 25 },
  pci: { severity: "high", weight: 25 },
  credentials: { severity: "high", weight: 20 },
  secrets: { severity: "high", weight: 20 },
  "ot-control": { severity: "high", weight: 20 },
  pii: { severity: "medium", weight: 15 },
  personal: { severity: "medium", weight: 15 },
  health: { severity: "medium", weight: 15 },
  confidential: { severity: "medium", weight: 10 },
  internal: { severity: "low", weight: 3 },
  telemetry: { severity: "low", weight: 3 },
  public: { severity: "info", weight: 0 },
};

export function dataClassWeight(name: string): { severity: RiskSeverity; weight: number } {
  return DATA_CLASSES[name.toLowerCase()] ?? { severity: "medium", weight: 10 };
}

/** Score bands: below 25 low, below 50 medium, below 75 high, else critical. */
export function riskLevel(score: number): RiskLevel {
  if (score >= 75) return "critical";
  if (score >= 50) return "high";
  if (score >= 25) return "medium";
  return "low";
}

/**
 * Each code counts once, at its heaviest finding (ten data classes are not ten times the risk of one), and the
 * sum is capped at 100.
 */
export function riskScore(findings: readonly RiskFinding[]): number {
  const worst = new Map<RiskCode, number>();
  for (const f of findings) worst.set(f.code, Math.max(worst.get(f.code) ?? 0, f.weight));
  let sum = 0;
  for (const w of worst.values()) sum += w;
  return Math.min(100, sum);
}

export function makeRiskFinding(
  code: RiskCode,
  message: string,
  detail: Readonly<Record<string, unknown>>,
  override?: { severity: RiskSeverity; weight: number },
): RiskFinding {
  const { severity, weight } = override ?? RISK_WEIGHTS[code];
  return { code, severity, weight, message, detail };
}
