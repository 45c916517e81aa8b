// Compiled enforcement points kept in memory by version, day and point: compiling the example organization
// takes about half a second, and compile, plan, verify and the request bookkeeping ask for the same ones.

import type { CompiledPoint } from "../../core/compile/compile.js";
import type { LoadedPolicy } from "../../core/policy/load.js";
import type { ResolvedPoint } from "../../core/policy/resolve.js";
import { compilePoints } from "../compile.js";
import type { PolicyFile } from "../store.js";

export class CompiledCache {
  private readonly versions = new Map<string, Map<string, CompiledPoint>>();

  /** @param capacity how many (version, day) pairs stay compiled; the least recently used goes first. */
  constructor(private readonly capacity = 6) {}

  /** Point `point` of version `versionId` as of `today`, compiled once. */
  get(versionId: number, today: string, loaded: LoadedPolicy, point: ResolvedPoint): CompiledPoint {
    const key = `${versionId}@${today}`;
    let points = this.versions.get(key);
    if (points) this.versions.delete(key);
    points ??= new Map();
    this.versions.set(key, points);
    while (this.versions.size > this.capacity) this.versions.delete(this.versions.keys().next().value!);
    const name = point.point.name;
    const hit = points.get(name);
    if (hit) return hit;
    const compiled = compilePoints(loaded, [point])[0]!;
    points.set(name, compiled);
    return compiled;
  }

  has(versionId: number, today: string, point: string): boolean {
    return this.versions.get(`${versionId}@${today}`)?.has(point) ?? false;
  }
}

/** Whether two sets of files hold the same names and texts, in any order. */
export function sameFiles(a: readonly PolicyFile[], b: readonly { name: string; text: string }[]): boolean {
  if (a.length !== b.length) return false;
  const byName = new Map(a.map((f) => [f.path, f.text]));
  return b.every((f) => byName.get(f.name) === f.text);
}
