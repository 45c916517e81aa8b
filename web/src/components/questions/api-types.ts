// The answer shapes of the question, risk and analysis routes, taken type-only from the server.

export type { ExplainReport } from "../../../../src/app/explain.js";
export type { PacketJson } from "../../../../src/app/packet-input.js";
export type { ReachReport } from "../../../../src/app/reach.js";
export type { RuleInfo } from "../../../../src/app/rule-info.js";
export type { StoredRisk } from "../../../../src/app/workflow/requests.js";
export type { RequestSpec } from "../../../../src/app/workflow/requests-spec.js";
export type { RequestCheck } from "../../../../src/app/workflow/requests-check.js";
export type { RiskFinding } from "../../../../src/core/analysis/risk/scoring.js";
