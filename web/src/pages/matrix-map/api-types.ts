// The answer shapes the matrix and map pages read, taken type-only from the server (nothing reaches the bundle).

import type { ZoneMatrix, MatrixCell, CellLevel } from "../../../../src/core/analysis/matrix.js";
import type { ReachReport } from "../../../../src/app/reach.js";
import type { RuleInfo } from "../../../../src/app/rule-info.js";
import type {
  GraphApplication,
  GraphAsset,
  GraphFlow,
  GraphPoint,
  GraphZone,
  PolicyGraph,
} from "../../../../src/adapters/server/routes/graph.js";

export type {
  CellLevel,
  GraphApplication,
  GraphAsset,
  GraphFlow,
  GraphPoint,
  GraphZone,
  MatrixCell,
  RuleInfo,
};

/** GET /matrix */
export type MatrixAnswer = ZoneMatrix & { version: number };
/** GET /graph */
export type GraphAnswer = PolicyGraph & { version: number };
/** POST /reach */
export type ReachAnswer = ReachReport & { version: number };
