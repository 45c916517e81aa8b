import { describe, expect, it } from "vitest";
import { TARGETS as COMPILE_TARGETS } from "../src/core/compile/targets/index.js";
import { loadPolicy } from "../src/core/policy/load.js";
import type { ResolvedPoint } from "../src/core/policy/resolve.js";
import { benchCompile, COMPILE_MEASUREMENTS, pointsToCompile, timeCompilePoint } from "./compile.js";
import { generatePolicy, GENERATED_TODAY } from "./generate-policy.js";
import type { Measurement } from "./timing.js";

const loaded = loadPolicy(generatePolicy({ flows: 50, assets: 40, seed: 5 }), { today: GENERATED_TODAY });
const points = loaded.resolved.points;

describe("the generated policy's enforcement points", () => {
  it("load with no error and cover all 7 targets, host points naming the hosts they protect", () => {
    expect(loaded.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(new Set(points.map((p) => p.point.target.value))).toEqual(
      new Set(COMPILE_TARGETS.map((t) => t.id)),
    );
    const hostPoints = points.filter((p) => p.point.role === "host");
    expect(hostPoints.map((p) => p.point.target.value).sort()).toEqual(["aws-sg", "k8s"]);
    for (const p of hostPoints) {
      expect(p.point.hosts?.map((h) => h.value)).toHaveLength(1);
      expect(p.hosts.length).toBeGreaterThan(0);
    }
  });

  it("give the k8s point pods: assets with a namespace and labels of their own", () => {
    const k8s = points.find((p) => p.point.target.value === "k8s")!;
    const pods = k8s.hosts.filter((a) => a.k8s !== undefined);
    expect(pods.length).toBe(k8s.hosts.length);
    for (const a of pods) expect(a.k8s).toEqual({ namespace: a.zone?.value, labels: expect.any(Object) });
    expect(new Set(pods.map((a) => JSON.stringify(a.k8s?.labels))).size).toBe(pods.length);
    expect(loaded.policy.assets.filter((a) => a.k8s).length).toBe(pods.length);
  });
});

describe("benchCompile", () => {
  it("emits the load time, the totals and the time of every target, with sane values", () => {
    const out: Measurement[] = [];
    const runs = benchCompile(loaded.intent, points, 12.5, (m) => out.push(m));
    expect(out.map((m) => m.name)).toEqual(COMPILE_MEASUREMENTS);
    const value = (name: string) => out.find((m) => m.name === name)!.value;
    expect(value("compile.load_ms")).toBe(12.5);
    expect(value("compile.points")).toBe(10);
    expect(runs).toHaveLength(10);
    // Every target compiles the generated policy: proven, or refused where the target cannot express a part.
    expect(
      runs.map((r) => r.error ?? r.compiled!.status).filter((s) => s !== "proven" && s !== "refused"),
    ).toEqual([]);
    const compiled = runs.filter((r) => r.compiled);
    expect(value("compile.failed")).toBe(10 - compiled.length);
    expect(value("compile.proven")).toBe(compiled.filter((r) => r.compiled!.status === "proven").length);
    expect(value("compile.rules")).toBe(compiled.reduce((n, r) => n + r.compiled!.stats.rules, 0));
    if (compiled.length > 0) expect(value("compile.rules")).toBeGreaterThan(0);
    for (const m of out) {
      expect(Number.isFinite(m.value)).toBe(true);
      expect(m.value).toBeGreaterThanOrEqual(0);
    }
    // The points' times add up to at most the total (each is rounded to a microsecond).
    const perTarget = COMPILE_TARGETS.map((t) => value(`compile.${t.id}_ms`));
    expect(perTarget.reduce((n, v) => n + v, 0)).toBeLessThanOrEqual(value("compile.all_ms") + 0.001 * 7);
  });

  it("leaves out the time of targets the policy has no point for", () => {
    const out: string[] = [];
    benchCompile(loaded.intent, points.slice(0, 2), 0, (m) => out.push(m.name));
    expect(out.filter((n) => n.endsWith("_ms") && n !== "compile.all_ms" && n !== "compile.load_ms")).toEqual(
      [`compile.${points[0]!.point.target.value}_ms`, `compile.${points[1]!.point.target.value}_ms`],
    );
  });
});

describe("pointsToCompile", () => {
  const only =
    (...prefixes: string[]) =>
    (name: string) =>
      prefixes.some((p) => name.startsWith(p));
  const targets = (selected: (name: string) => boolean) =>
    pointsToCompile(points, selected).map((p) => p.point.target.value);

  it("compiles every point for a total, only the points of a target for its time, none otherwise", () => {
    expect(targets(only("compile"))).toHaveLength(10);
    expect(targets(only("compile.rules"))).toHaveLength(10);
    expect(targets(only("compile.k8s", "compile.junos_ms"))).toEqual(["junos", "k8s"]);
    expect(targets(only("reach."))).toEqual([]);
  });
});

describe("timeCompilePoint", () => {
  it("records a compiler that throws instead of stopping the benchmark", () => {
    const p = points[0]!;
    const broken: ResolvedPoint = {
      ...p,
      point: {
        ...p.point,
        get target(): never {
          throw new Error("boom");
        },
      },
    };
    const run = timeCompilePoint(loaded.intent, broken);
    expect(run.error).toBe("boom");
    expect(run.compiled).toBeUndefined();
    expect(run.ms).toBeGreaterThanOrEqual(0);
  });

  it("reports a point whose target is unknown as not compiled", () => {
    const p = points[0]!;
    const unknown: ResolvedPoint = {
      ...p,
      point: { ...p.point, target: { ...p.point.target, value: "pf" } },
    };
    expect(timeCompilePoint(loaded.intent, unknown).compiled?.status).toBe("not-compiled");
  });
});
