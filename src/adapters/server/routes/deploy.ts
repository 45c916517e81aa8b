// Compile and plan per point, deployment records and their verification, uploaded configurations analysed or
// verified, and flow recertification.

import { z } from "zod";
import type { AnalysisService } from "../../../app/workflow/analysis-service.js";
import type { Deployments } from "../../../app/workflow/deploy.js";
import type { Recertification } from "../../../app/workflow/recert.js";
import { notFound } from "../problem.js";
import { dateString, idParams, recordId, route, type RouteSpec, unwrap, versionQuery } from "../route.js";

export interface DeployServices {
  readonly deployments: Deployments;
  readonly analysis: AnalysisService;
  readonly recertification: Recertification;
}

const UPLOAD_LIMIT = 12 * 1024 * 1024;
const pointName = z.string().min(1).max(128);
const versionId = recordId;
const files = z
  .array(z.object({ name: z.string().min(1).max(200), text: z.string().max(10 * 1024 * 1024) }).strict())
  .min(1)
  .max(20)
  .describe("the configuration files as read from the device");
const format = z.string().min(1).max(32).optional().describe("the files' format; detected when absent");
const note = z.string().max(2000).optional();

function actorName(identity: { user: { username: string } } | undefined): string {
  return identity!.user.username;
}

export function deployRoutes(s: DeployServices): RouteSpec[] {
  return [
    route({
      method: "POST",
      path: "/api/v1/compile",
      summary:
        "Compile one enforcement point or all of a version, prove each, and keep the proven configurations",
      tag: "deploy",
      access: "deploy:write",
      body: z.object({ version: versionId.optional(), point: pointName.optional() }).strict(),
      handler: async ({ body, identity }) => {
        const r = unwrap(
          await s.deployments.compile(actorName(identity), {
            ...(body.version !== undefined && { versionId: body.version }),
            ...(body.point !== undefined && { point: body.point }),
          }),
        );
        return { body: { version: r.versionId, points: r.points } };
      },
    }),
    route({
      method: "GET",
      path: "/api/v1/points/:point/plan",
      summary: "What deploying the point's configuration would change: lines, packets opened and closed",
      tag: "deploy",
      access: "policy:read",
      params: z.object({ point: pointName }).strict(),
      query: versionQuery,
      handler: async ({ params, query, identity }) => {
        const r = unwrap(
          await s.deployments.plan(actorName(identity), {
            point: params.point,
            ...(query.version !== undefined && { versionId: query.version }),
          }),
        );
        return { body: { version: r.versionId, deployment: r.deployment, plan: r.plan } };
      },
    }),
    route({
      method: "GET",
      path: "/api/v1/configs/:id",
      summary: "A stored compiled configuration, with its files",
      tag: "deploy",
      access: "policy:read",
      params: idParams,
      handler: async ({ params }) => {
        const c = await s.deployments.config(params.id);
        if (!c) throw notFound(`Configuration ${params.id}`);
        return { body: c };
      },
    }),
    route({
      method: "GET",
      path: "/api/v1/deployments",
      summary: "Deployments, newest first",
      tag: "deploy",
      access: "policy:read",
      query: z.object({ point: pointName.optional() }).strict(),
      handler: async ({ query }) => ({ body: { deployments: await s.deployments.list(query.point) } }),
    }),
    route({
      method: "POST",
      path: "/api/v1/deployments",
      summary: "Record that a compiled configuration was put on its device",
      tag: "deploy",
      access: "deploy:write",
      successStatus: 201,
      body: z
        .object({
          configId: z
            .number()
            .int()
            .positive()
            .max(2 ** 31 - 1),
          note,
        })
        .strict(),
      handler: async ({ body, identity }) => {
        const r = unwrap(
          await s.deployments.record(actorName(identity), {
            configId: body.configId,
            ...(body.note !== undefined && { note: body.note }),
          }),
        );
        return { status: 201, body: r.deployment };
      },
    }),
    route({
      method: "POST",
      path: "/api/v1/deployments/:id/verify",
      summary: "Verify the configuration read back from the device against the deployment's version",
      tag: "deploy",
      access: "deploy:write",
      params: idParams,
      bodyLimit: UPLOAD_LIMIT,
      body: z.object({ files, format }).strict(),
      handler: async ({ params, body, identity }) => {
        const r = unwrap(
          await s.deployments.verify(actorName(identity), params.id, {
            files: body.files,
            ...(body.format !== undefined && { format: body.format }),
          }),
        );
        return { body: { deployment: r.deployment, report: r.report, implemented: r.implemented } };
      },
    }),
    route({
      method: "POST",
      path: "/api/v1/analyze",
      summary: "Rule anomalies and risky rules of uploaded configurations (optionally against the policy)",
      tag: "analysis",
      access: "config:analyze",
      bodyLimit: UPLOAD_LIMIT,
      body: z
        .object({
          files,
          format,
          policy: z.boolean().optional(),
          version: versionId.optional(),
          point: pointName.optional(),
        })
        .strict(),
      handler: async ({ body, identity }) => {
        const r = unwrap(
          await s.analysis.analyzeUpload(actorName(identity), {
            files: body.files,
            ...(body.format !== undefined && { format: body.format }),
            ...(body.policy !== undefined && { policy: body.policy }),
            ...(body.version !== undefined && { versionId: body.version }),
            ...(body.point !== undefined && { point: body.point }),
          }),
        );
        return { body: { id: r.id, report: r.report } };
      },
    }),
    route({
      method: "POST",
      path: "/api/v1/verify",
      summary: "Whether an uploaded configuration lets through exactly what an enforcement point must",
      tag: "analysis",
      access: "config:analyze",
      bodyLimit: UPLOAD_LIMIT,
      body: z.object({ point: pointName, version: versionId.optional(), files, format }).strict(),
      handler: async ({ body, identity }) => {
        const r = unwrap(
          await s.analysis.verifyUpload(actorName(identity), {
            point: body.point,
            files: body.files,
            ...(body.version !== undefined && { versionId: body.version }),
            ...(body.format !== undefined && { format: body.format }),
          }),
        );
        return { body: { id: r.id, version: r.versionId, report: r.report } };
      },
    }),
    route({
      method: "GET",
      path: "/api/v1/analyses",
      summary: "Stored analysis and verification results, newest first",
      tag: "analysis",
      access: "policy:read",
      query: z
        .object({
          kind: z.enum(["analyze", "verify"]).optional(),
          limit: z.coerce.number().int().min(1).max(500).optional(),
        })
        .strict(),
      handler: async ({ query }) => ({
        body: {
          analyses: await s.analysis.list({
            ...(query.kind !== undefined && { kind: query.kind }),
            ...(query.limit !== undefined && { limit: query.limit }),
          }),
        },
      }),
    }),
    route({
      method: "GET",
      path: "/api/v1/analyses/:id",
      summary: "One stored analysis or verification result",
      tag: "analysis",
      access: "policy:read",
      params: idParams,
      handler: async ({ params }) => {
        const a = await s.analysis.get(params.id);
        if (!a) throw notFound(`Analysis ${params.id}`);
        return { body: a };
      },
    }),
    route({
      method: "GET",
      path: "/api/v1/recertification",
      summary: "Flows expiring within N days (default 30) or expired, and flows that never expire",
      tag: "recertification",
      access: "policy:read",
      query: z.object({ withinDays: z.coerce.number().int().min(0).max(3650).optional() }).strict(),
      handler: async ({ query }) => {
        const r = unwrap(
          await s.recertification.due(query.withinDays === undefined ? {} : { withinDays: query.withinDays }),
        );
        return { body: r.report };
      },
    }),
    route({
      method: "POST",
      path: "/api/v1/recertification/:flow/recertify",
      summary: "Keep a flow for longer: a new version with its new expiry (at most a year ahead)",
      tag: "recertification",
      access: "recert:decide",
      params: z.object({ flow: z.string().min(1).max(128) }).strict(),
      body: z.object({ until: dateString, note }).strict(),
      handler: async ({ params, body, identity }) => {
        const r = unwrap(
          await s.recertification.recertify(identity!.user, params.flow, {
            until: body.until,
            ...(body.note !== undefined && { note: body.note }),
          }),
        );
        return { body: { version: r.version.id, decision: r.decision } };
      },
    }),
    route({
      method: "POST",
      path: "/api/v1/recertification/:flow/expire",
      summary: "Let a flow lapse on its expiry date",
      tag: "recertification",
      access: "recert:decide",
      params: z.object({ flow: z.string().min(1).max(128) }).strict(),
      body: z.object({ note }).strict(),
      handler: async ({ params, body, identity }) => {
        const r = unwrap(await s.recertification.letExpire(identity!.user, params.flow, body.note));
        return { body: { decision: r.decision } };
      },
    }),
    route({
      method: "GET",
      path: "/api/v1/recertification/decisions",
      summary: "Recertification decisions, for one flow or all",
      tag: "recertification",
      access: "policy:read",
      query: z.object({ flow: z.string().min(1).max(128).optional() }).strict(),
      handler: async ({ query }) => ({ body: { decisions: await s.recertification.decisions(query.flow) } }),
    }),
  ];
}
