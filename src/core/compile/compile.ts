// Compiling one enforcement point: scope, lowering, rendering, and the proof that the output is exact.

import { diagnostic, type Diagnostic } from "../policy/diagnostics.js";
import type { Intent } from "../policy/intent.js";
import type { ResolvedPoint } from "../policy/resolve.js";
import { findImporter } from "../import/formats/index.js";
import type { IrPoint } from "./ir.js";
import { irRuleSet } from "./ir-set.js";
import { lowerPoint } from "./lower.js";
import { importContext, prove, type Proof } from "./prove.js";
import { replySet } from "./replies.js";
import { pointScope, type PointScope } from "./scope.js";
import type { OutputFile, Target } from "./target.js";
import { findTarget } from "./targets/index.js";

/**
 * "proven": the output lets through exactly what the point must. "refused": it leaves out only what the
 * target cannot express (each part named by a diagnostic). "mismatch": anything else, a bug in Rampart.
 * "not-compiled": the point names no known target.
 */
export type ProofStatus = "proven" | "refused" | "mismatch" | "not-compiled";

export interface CompiledPoint {
  readonly point: ResolvedPoint;
  readonly target?: Target;
  readonly ir?: IrPoint;
  readonly scope?: PointScope;
  readonly files: OutputFile[];
  readonly stats: { readonly rules: number; readonly objects: number };
  readonly diagnostics: Diagnostic[];
  readonly proof?: Proof;
  readonly status: ProofStatus;
}

export function compilePoint(intent: Intent, point: ResolvedPoint): CompiledPoint {
  const target = findTarget(point.point.target.value);
  const none = { files: [], stats: { rules: 0, objects: 0 } };
  if (!target)
    return {
      point,
      ...none,
      diagnostics: [unknownTarget(point)],
      status: "not-compiled",
    };
  if (!target.capabilities.roles.includes(point.point.role))
    return {
      point,
      target,
      ...none,
      diagnostics: [
        diagnostic(
          "target-refused",
          "error",
          `Target "${target.id}" has no role "${point.point.role}"; enforcement point "${point.point.name}" is not compiled`,
          point.point.target.loc,
        ),
      ],
      status: "not-compiled",
    };
  const scope = pointScope(intent, point, target.capabilities);
  const lowered = lowerPoint(intent, scope, target);
  const rendered = target.render(lowered.ir);
  const importer = findImporter(target.format);
  if (!importer) throw new TypeError(`Target "${target.id}" names unknown format "${target.format}"`);
  const proof = prove(
    importer,
    rendered.files,
    importContext(intent, scope),
    scope.expected,
    scope.renderDomain,
  );
  const diagnostics = [...lowered.diagnostics, ...rendered.diagnostics];
  let status: ProofStatus = "proven";
  if (!proof.equivalent) {
    const space = intent.space;
    const byRenderer = space.unionAll((rendered.refused ?? []).map((r) => irRuleSet(space, r)));
    const left = lowered.refused.union(byRenderer.intersect(scope.expected));
    const refused = target.capabilities.stateful ? left : left.union(replySet(left));
    const onlyRefused =
      proof.allowedNotIntended.isEmpty() && !left.isEmpty() && proof.intendedNotAllowed.isSubsetOf(refused);
    status = onlyRefused ? "refused" : "mismatch";
  }
  return { point, target, ir: lowered.ir, scope, ...rendered, diagnostics, proof, status };
}

export function unknownTarget(point: ResolvedPoint): Diagnostic {
  const t = point.point.target;
  return diagnostic(
    "unknown-target",
    "error",
    `Unknown target "${t.value}" for enforcement point "${point.point.name}"`,
    t.loc,
  );
}
