// Questions about a policy version (the current one unless `version` says otherwise): the zone matrix, reach
// between references, and the verdict for one packet with the rules behind it.

import { z } from "zod";
import { explainPacket } from "../../../app/explain.js";
import type { OpenedPolicy } from "../../../app/open-policy.js";
import { parsePacketInput } from "../../../app/packet-input.js";
import { askReach } from "../../../app/reach.js";
import { zoneMatrix, type ZoneMatrix } from "../../../core/analysis/matrix.js";
import type { Located } from "../../../core/policy/types.js";
import { HttpProblem } from "../problem.js";
import { recordId, route, type RouteSpec, versionQuery } from "../route.js";

export interface PolicyAccess {
  /** The version asked for, or the current one; undefined when there is none. */
  open(version: number | undefined): Promise<{ id: number; opened: OpenedPolicy } | undefined>;
}

const versionField = recordId.optional().describe("policy version (default: current)");

const refList = z
  .union([z.string().min(1).max(512), z.array(z.string().min(1).max(512)).min(1).max(100)])
  .transform((v) => (Array.isArray(v) ? v : [v]));

const reachBody = z
  .object({
    from: refList.describe('policy references: "zone:guest-wifi", "asset:card-db", "app:shop/web", a CIDR'),
    to: refList,
    services: z
      .array(z.string().min(1).max(128))
      .max(100)
      .optional()
      .describe('names or "tcp/443"; empty: all'),
    version: versionField,
  })
  .strict();

const port = z.number().int().min(0).max(65535);
const explainBody = z
  .object({
    src: z.string().min(1).max(64),
    dst: z.string().min(1).max(64),
    proto: z.union([z.string().min(1).max(32), z.number().int().min(0).max(255)]),
    sport: port.optional(),
    dport: port.optional(),
    type: z.number().int().min(0).max(255).optional(),
    code: z.number().int().min(0).max(255).optional(),
    version: versionField,
  })
  .strict();

/** Values typed in a request, located by their field so diagnostics can point at them. */
function located(field: string, values: readonly string[]): Located<string>[] {
  return values.map((value, i) => ({ value, loc: { file: `${field}[${i}]`, line: 1, column: 1 } }));
}

const matrices = new WeakMap<OpenedPolicy, ZoneMatrix>();

/** The version asked for (default: in force), or the 404 / 409 that says why there is none. */
export async function versionOrFail(access: PolicyAccess, version: number | undefined) {
  const v = await access.open(version);
  if (!v)
    throw version === undefined
      ? new HttpProblem(409, "no-policy", "No policy version has been approved yet")
      : new HttpProblem(404, "not-found", `Policy version ${version} does not exist`);
  return v;
}

async function openOrFail(access: PolicyAccess, version: number | undefined) {
  const v = await versionOrFail(access, version);
  if (v.opened.blocking.length > 0)
    throw new HttpProblem(
      409,
      "invalid-policy",
      `Policy version ${v.id} has errors; questions cannot be answered`,
      v.opened.blocking,
    );
  return v;
}

export function questionRoutes(access: PolicyAccess): RouteSpec[] {
  return [
    route({
      method: "GET",
      path: "/api/v1/matrix",
      summary: "Zone × zone: what is allowed between every pair of zones",
      tag: "questions",
      access: "policy:read",
      query: versionQuery,
      handler: async ({ query }) => {
        const { id, opened } = await openOrFail(access, query.version);
        let m = matrices.get(opened);
        if (!m) matrices.set(opened, (m = zoneMatrix(opened.loaded.intent)));
        return { body: { version: id, ...m } };
      },
    }),
    route({
      method: "POST",
      path: "/api/v1/reach",
      summary: "Can FROM reach TO (on these services)? allow, deny or partial, with the packets and rules",
      tag: "questions",
      access: "policy:read",
      body: reachBody,
      handler: async ({ body }) => {
        const { id, opened } = await openOrFail(access, body.version);
        const r = askReach(opened.loaded, {
          from: located("from", body.from),
          to: located("to", body.to),
          services: located("services", body.services ?? []),
        });
        if (!r.ok)
          throw new HttpProblem(
            422,
            "invalid-input",
            r.diagnostics[0]?.message ?? "Invalid references",
            r.diagnostics,
          );
        return { body: { version: id, ...r.report } };
      },
    }),
    route({
      method: "POST",
      path: "/api/v1/explain",
      summary: "The verdict for one packet and the flows or denies that decide it",
      tag: "questions",
      access: "policy:read",
      body: explainBody,
      handler: async ({ body }) => {
        const { id, opened } = await openOrFail(access, body.version);
        const p = parsePacketInput(body, (f) => `"${f}"`);
        if (!p.ok) throw new HttpProblem(422, "invalid-input", p.message);
        return { body: { version: id, ...explainPacket(opened.loaded.intent, p.packet) } };
      },
    }),
  ];
}
