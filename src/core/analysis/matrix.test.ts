import { describe, expect, it } from "vitest";
import { GENERATED_TODAY, generatePolicy } from "../../../bench/generate-policy.js";
import { acmeSources, FIXTURE_TODAY } from "../../../test/support/deployed.js";
import type { Intent } from "../policy/intent.js";
import { loadPolicy } from "../policy/load.js";
import type { PolicySource } from "../policy/types.js";
import { projectServices } from "../space/packet-set.js";
import { decompose, formatServices } from "../space/summarize.js";
import { type CellLevel, type MatrixCell, zoneMatrix } from "./matrix.js";

/** The first, obviously right matrix: every cell computed from scratch, every active flow tested against it. */
function referenceMatrix(intent: Intent): { zones: string[]; cells: MatrixCell[] } {
  const zones = [...intent.resolved.zones.keys()];
  const active = intent.flows.filter((f) => !f.resolved.expired);
  const cells: MatrixCell[] = [];
  for (const from of zones) {
    for (const to of zones) {
      const traffic = intent.zoneSpace(from, "src").intersect(intent.zoneSpace(to, "dst"));
      const allowed = traffic.intersect(intent.allowed);
      const level: CellLevel = allowed.isEmpty() ? "none" : allowed.equals(traffic) ? "all" : "partial";
      const services =
        level === "none"
          ? []
          : [...new Set(decompose(projectServices(allowed), 100).boxes.map(formatServices))];
      const flows =
        level === "none" ? [] : active.filter((f) => f.set.overlaps(allowed)).map((f) => f.rule.name);
      cells.push({ from, to, level, services, flows });
    }
  }
  return { zones, cells };
}

function intentOf(sources: PolicySource[], today: string): Intent {
  const loaded = loadPolicy(sources, { today });
  expect(loaded.diagnostics.filter((d) => d.severity === "error" && d.code !== "assertion-failed")).toEqual(
    [],
  );
  return loaded.intent;
}

describe("zoneMatrix", () => {
  it("gives the example organization the same matrix as computing every cell from scratch", () => {
    const intent = intentOf(acmeSources(), FIXTURE_TODAY);
    const matrix = zoneMatrix(intent);
    expect(matrix).toEqual(referenceMatrix(intent));
    expect(matrix.cells.some((c) => c.level === "none")).toBe(true);
    expect(matrix.cells.some((c) => c.level === "partial" && c.flows.length > 0)).toBe(true);
  });

  it.each([1, 2])(
    "gives generated policies (seed %i) the same matrix as computing every cell from scratch",
    (seed) => {
      const sources = generatePolicy({ seed, assets: 300, flows: 600, zones: 12, expired: 20 });
      const intent = intentOf(sources, GENERATED_TODAY);
      const matrix = zoneMatrix(intent);
      expect(matrix.cells).toHaveLength(144);
      expect(matrix).toEqual(referenceMatrix(intent));
    },
  );

  it("leaves expired flows out of the cells they would open", () => {
    const intent = intentOf(
      generatePolicy({ seed: 4, assets: 100, flows: 200, zones: 6, expired: 30 }),
      GENERATED_TODAY,
    );
    const expired = new Set(intent.flows.filter((f) => f.resolved.expired).map((f) => f.rule.name));
    expect(expired.size).toBeGreaterThan(0);
    for (const c of zoneMatrix(intent).cells) for (const f of c.flows) expect(expired.has(f)).toBe(false);
  });
});
