// The enforcement points of a policy version with what Rampart holds for each: the newest proven configuration
// stored for that version and the newest deployment recorded, for the console's points page.

import type { Store } from "../../../app/store.js";
import type { PolicyVersions } from "../../../app/workflow/versions.js";
import { notFound } from "../problem.js";
import { route, type RouteSpec, versionQuery } from "../route.js";

export interface PointServices {
  readonly store: Store;
  readonly versions: PolicyVersions;
}

export interface PointSummary {
  readonly name: string;
  readonly target: string;
  readonly role: string;
  /** Zone names the point stands between ("all" already expanded). */
  readonly zones: string[];
  readonly description: string | null;
  /** The newest configuration stored for this point and version; only proven ones are stored. */
  readonly config: {
    id: number;
    target: string;
    proven: boolean;
    createdAt: string;
    createdBy: string;
  } | null;
  /** The newest deployment of the point, whatever version it carried. */
  readonly deployment: {
    id: number;
    versionId: number;
    configId: number;
    state: string;
    recordedAt: string;
    recordedBy: string;
  } | null;
}

/** The points of a version (default: the one in force); undefined when there is no such version. */
export async function listPoints(
  s: PointServices,
  versionId?: number,
): Promise<{ version: number; points: PointSummary[] } | undefined> {
  const view = versionId === undefined ? await s.versions.current() : await s.versions.open(versionId);
  if (!view) return undefined;
  const id = view.record.id;
  const [configs, deployments] = await Promise.all([
    s.store.configs.list({ versionId: id }),
    s.store.deployments.list(),
  ]);
  // Both lists may come in any order: keep the highest id per point (ids grow with time).
  const newestConfig = new Map<string, (typeof configs)[number]>();
  for (const c of configs) if ((newestConfig.get(c.point)?.id ?? 0) < c.id) newestConfig.set(c.point, c);
  const newestDeployment = new Map<string, (typeof deployments)[number]>();
  for (const d of deployments)
    if ((newestDeployment.get(d.point)?.id ?? 0) < d.id) newestDeployment.set(d.point, d);
  const points = view.opened.loaded.resolved.points.map((rp): PointSummary => {
    const c = newestConfig.get(rp.point.name);
    const d = newestDeployment.get(rp.point.name);
    return {
      name: rp.point.name,
      target: rp.point.target.value,
      role: rp.point.role,
      zones: [...rp.zones],
      description: rp.point.description ?? null,
      config: c
        ? { id: c.id, target: c.target, proven: c.proven, createdAt: c.createdAt, createdBy: c.createdBy }
        : null,
      deployment: d
        ? {
            id: d.id,
            versionId: d.versionId,
            configId: d.configId,
            state: d.state,
            recordedAt: d.recordedAt,
            recordedBy: d.recordedBy,
          }
        : null,
    };
  });
  return { version: id, points };
}

export function pointRoutes(s: PointServices): RouteSpec[] {
  return [
    route({
      method: "GET",
      path: "/api/v1/points",
      summary:
        "The enforcement points of a version (default: in force) with their newest stored configuration and deployment",
      tag: "deploy",
      access: "policy:read",
      query: versionQuery,
      handler: async ({ query }) => {
        const r = await listPoints(s, query.version);
        if (!r)
          throw notFound(
            query.version === undefined ? "An approved policy version" : `Policy version ${query.version}`,
          );
        return { body: r };
      },
    }),
  ];
}
