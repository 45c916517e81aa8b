// When an approved access request counts as implemented: every point its version changed runs, verified,
// that version or a later one.

import type { CompiledPoint } from "../../core/compile/compile.js";
import type { LoadedPolicy } from "../../core/policy/load.js";
import type { ResolvedPoint } from "../../core/policy/resolve.js";
import type { Store, VersionRecord } from "../store.js";

/** What the deployment service needs of AccessRequests (kept structural so either can be built first). */
export interface RequestMarker {
  markImplemented(id: number): Promise<unknown>;
}

interface OpenedVersion {
  readonly record: VersionRecord;
  readonly loaded: LoadedPolicy;
}

type Compile = (version: OpenedVersion, point: ResolvedPoint) => CompiledPoint;

/**
 * The points whose compiled files differ between a version and its parent (every point when there is no
 * parent). Comparing the output rather than the policy also catches a change that only reorders or renames
 * what a device holds: that too has to be deployed before the change is in place.
 */
export function affectedPoints(compile: Compile, version: OpenedVersion, parent?: OpenedVersion): string[] {
  const out: string[] = [];
  for (const p of version.loaded.resolved.points) {
    const name = p.point.name;
    const before = parent?.loaded.resolved.points.find((q) => q.point.name === name);
    if (!before) {
      out.push(name);
      continue;
    }
    const a = compile(version, p);
    const b = compile(parent!, before);
    const same =
      a.target?.id === b.target?.id &&
      a.files.length === b.files.length &&
      a.files.every((f, i) => f.name === b.files[i]!.name && f.text === b.files[i]!.text);
    if (!same) out.push(name);
  }
  return out;
}

/**
 * The approved requests now implemented: for each point their version affects, the point's newest
 * deployment is verified and of that version or a later one. Version ids only grow and every approved
 * version is built on the one in force, so a later version carries the change unless someone took it out
 * again (a restore): then the request is still counted as implemented, which is what was asked at the time.
 */
export async function implementedRequests(
  store: Store,
  affected: (versionId: number) => Promise<string[] | undefined>,
): Promise<number[]> {
  const approved = await store.requests.list({ state: "approved" });
  if (approved.length === 0) return [];
  const newest = new Map<string, { versionId: number; state: string; id: number }>();
  for (const d of await store.deployments.list()) {
    const seen = newest.get(d.point);
    if (!seen || d.id > seen.id) newest.set(d.point, d);
  }
  const done: number[] = [];
  for (const r of approved) {
    if (r.versionId === null) continue;
    const points = await affected(r.versionId);
    if (points === undefined) continue;
    const versionId = r.versionId;
    const inPlace = points.every((p) => {
      const d = newest.get(p);
      return d !== undefined && d.state === "verified" && d.versionId >= versionId;
    });
    if (inPlace) done.push(r.id);
  }
  return done;
}
