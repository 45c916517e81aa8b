// Policy versions (list, view, compare, propose, approve, reject, restore) and access requests (file, decide,
// withdraw): the change workflow, with four eyes enforced by the services.

import { z } from "zod";
import type { AccessRequests } from "../../../app/workflow/requests.js";
import type { PolicyVersions } from "../../../app/workflow/versions.js";
import { notFound } from "../problem.js";
import { dateString, idParams, route, type RouteSpec, unwrap } from "../route.js";

const POLICY_LIMIT = 6 * 1024 * 1024;
const note = z.string().max(2000).optional();
const id = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1);
const policyFiles = z
  .array(z.object({ path: z.string().min(1).max(256), text: z.string().max(5 * 1024 * 1024) }).strict())
  .min(1)
  .max(500)
  .describe("the policy repository's YAML files, by relative path");

function versionRoutesOnly(v: PolicyVersions): RouteSpec[] {
  return [
    route({
      method: "GET",
      path: "/api/v1/versions",
      summary: "Policy versions, newest first (without files)",
      tag: "versions",
      access: "policy:read",
      query: z
        .object({
          state: z.enum(["proposed", "approved", "rejected"]).optional(),
          limit: z.coerce.number().int().min(1).max(1000).optional(),
        })
        .strict(),
      handler: async ({ query }) => ({
        body: {
          versions: await v.list({
            ...(query.state !== undefined && { state: query.state }),
            ...(query.limit !== undefined && { limit: query.limit }),
          }),
        },
      }),
    }),
    route({
      method: "GET",
      path: "/api/v1/versions/current",
      summary: "The approved version in force, with its files and counts",
      tag: "versions",
      access: "policy:read",
      handler: async () => {
        const c = await v.current();
        if (!c) throw notFound("An approved policy version");
        return { body: { ...c.record, counts: c.opened.counts, diagnostics: c.opened.loaded.diagnostics } };
      },
    }),
    route({
      method: "GET",
      path: "/api/v1/versions/:id",
      summary: "One version with its files, counts and diagnostics",
      tag: "versions",
      access: "policy:read",
      params: idParams,
      handler: async ({ params }) => {
        const c = await v.open(params.id);
        if (!c) throw notFound(`Policy version ${params.id}`);
        return { body: { ...c.record, counts: c.opened.counts, diagnostics: c.opened.loaded.diagnostics } };
      },
    }),
    route({
      method: "GET",
      path: "/api/v1/versions/:id/diff",
      summary:
        "What changes from another version (default: its parent) to this one: packets opened and closed",
      tag: "versions",
      access: "policy:read",
      params: idParams,
      query: z.object({ against: id.optional() }).strict(),
      handler: async ({ params, query }) => {
        const r = unwrap(await v.diff(query.against ?? null, params.id));
        return { body: r };
      },
    }),
    route({
      method: "POST",
      path: "/api/v1/versions",
      summary: "Propose a new version (the whole repository's files); another person approves it",
      tag: "versions",
      access: "policy:write",
      successStatus: 201,
      bodyLimit: POLICY_LIMIT,
      body: z.object({ files: policyFiles, message: z.string().min(1).max(2000) }).strict(),
      handler: async ({ body, identity, client }) => {
        const r = unwrap(
          await v.propose(identity!.user.username, { files: body.files, message: body.message }, client),
        );
        return { status: 201, body: r.version };
      },
    }),
    route({
      method: "POST",
      path: "/api/v1/versions/:id/approve",
      summary: "Approve a proposed version (not one's own): it becomes the policy in force",
      tag: "versions",
      access: "request:decide",
      params: idParams,
      body: z.object({ note }).strict().optional(),
      handler: async ({ params, identity, client }) => {
        const r = unwrap(await v.approve(identity!.user.username, params.id, client));
        return { body: r.version };
      },
    }),
    route({
      method: "POST",
      path: "/api/v1/versions/:id/reject",
      summary: "Reject a proposed version",
      tag: "versions",
      access: "request:decide",
      params: idParams,
      body: z.object({ note: z.string().min(1).max(2000) }).strict(),
      handler: async ({ params, body, identity }) => {
        const r = unwrap(await v.reject(identity!.user.username, params.id, body.note));
        return { body: r.version };
      },
    }),
    route({
      method: "POST",
      path: "/api/v1/versions/:id/restore",
      summary: "Propose an earlier version's files again (another person approves it)",
      tag: "versions",
      access: "policy:write",
      successStatus: 201,
      params: idParams,
      body: z.object({ message: z.string().min(1).max(2000) }).strict(),
      handler: async ({ params, body, identity }) => {
        const r = unwrap(await v.restore(identity!.user.username, params.id, body.message));
        return { status: 201, body: r.version };
      },
    }),
  ];
}

function requestRoutes(r: AccessRequests): RouteSpec[] {
  const refs = z.array(z.string().min(1).max(512)).min(1).max(50);
  return [
    route({
      method: "GET",
      path: "/api/v1/requests",
      summary: "Access requests, newest first",
      tag: "requests",
      access: "policy:read",
      query: z
        .object({
          state: z.enum(["pending", "approved", "rejected", "withdrawn", "implemented"]).optional(),
          requester: z.string().min(1).max(64).optional(),
        })
        .strict(),
      handler: async ({ query }) => ({
        body: {
          requests: await r.list({
            ...(query.state !== undefined && { state: query.state }),
            ...(query.requester !== undefined && { requester: query.requester }),
          }),
        },
      }),
    }),
    route({
      method: "POST",
      path: "/api/v1/requests",
      summary:
        "Ask for access: from, to, services, why, until; answered with the risk check and the packets it opens",
      tag: "requests",
      access: "request:create",
      successStatus: 201,
      body: z
        .object({
          from: refs,
          to: refs,
          services: z.array(z.string().min(1).max(128)).min(1).max(50),
          justification: z.string().min(10).max(2000),
          until: dateString.optional(),
          owner: z.string().min(1).max(128).optional(),
          ticket: z.string().min(1).max(128).optional(),
        })
        .strict(),
      handler: async ({ body, identity, client }) => {
        const res = unwrap(await r.create(identity!.user.username, body, client));
        return { status: 201, body: res.request };
      },
    }),
    route({
      method: "GET",
      path: "/api/v1/requests/:id",
      summary: "One access request with its risk check",
      tag: "requests",
      access: "policy:read",
      params: idParams,
      handler: async ({ params }) => {
        const found = await r.get(params.id);
        if (!found) throw notFound(`Access request ${params.id}`);
        return { body: found };
      },
    }),
    route({
      method: "POST",
      path: "/api/v1/requests/:id/approve",
      summary: "Approve someone else's request: it becomes a new policy version in force",
      tag: "requests",
      access: "request:decide",
      params: idParams,
      body: z.object({ note }).strict().optional(),
      handler: async ({ params, body, identity }) => {
        const res = unwrap(await r.approve(identity!.user.username, params.id, body?.note));
        return { body: { request: res.request, version: res.version } };
      },
    }),
    route({
      method: "POST",
      path: "/api/v1/requests/:id/reject",
      summary: "Reject a request",
      tag: "requests",
      access: "request:decide",
      params: idParams,
      body: z.object({ note: z.string().min(1).max(2000) }).strict(),
      handler: async ({ params, body, identity }) => {
        const res = unwrap(await r.reject(identity!.user.username, params.id, body.note));
        return { body: res.request };
      },
    }),
    route({
      method: "POST",
      path: "/api/v1/requests/:id/withdraw",
      summary: "Withdraw one's own pending request",
      tag: "requests",
      access: "request:create",
      params: idParams,
      body: z.object({}).strict().optional(),
      handler: async ({ params, identity }) => {
        const res = unwrap(await r.withdraw(identity!.user.username, params.id));
        return { body: res.request };
      },
    }),
  ];
}

export function versionRoutes(v: PolicyVersions, r: AccessRequests): RouteSpec[] {
  return [...versionRoutesOnly(v), ...requestRoutes(r)];
}
