// The audit log over the API: pages of entries, the chain's verification, and exports (JSON lines, syslog),
// each export itself an audit entry.

import { hostname } from "node:os";
import { z } from "zod";
import type { AuditLog } from "../../../app/audit.js";
import { AuditChainChecker, auditToJsonLines, auditToSyslog } from "../../../app/audit-verify.js";
import type { AuditEntry, Store } from "../../../app/store.js";
import { route, type RouteSpec } from "../route.js";

const PAGE = 1000;

/** Every entry in seq order, read in pages so that a long log is never held twice. */
async function* allEntries(store: Store): AsyncGenerator<AuditEntry> {
  let after = 0;
  for (;;) {
    const page = await store.audit.list({ afterSeq: after, limit: PAGE });
    yield* page;
    if (page.length < PAGE) return;
    after = page[page.length - 1]!.seq;
  }
}

export function auditRoutes(store: Store, audit: AuditLog): RouteSpec[] {
  return [
    route({
      method: "GET",
      path: "/api/v1/audit",
      summary: "Audit entries in order, after a seq, optionally by actor or action",
      tag: "audit",
      access: "audit:read",
      query: z
        .object({
          after: z.coerce
            .number()
            .int()
            .min(0)
            .max(2 ** 53)
            .optional(),
          limit: z.coerce.number().int().min(1).max(PAGE).optional(),
          actor: z.string().min(1).max(128).optional(),
          action: z.string().min(1).max(64).optional(),
        })
        .strict(),
      handler: async ({ query }) => {
        const entries = await store.audit.list({
          afterSeq: query.after ?? 0,
          limit: query.limit ?? 100,
          ...(query.actor !== undefined && { actor: query.actor }),
          ...(query.action !== undefined && { action: query.action }),
        });
        return { body: { entries } };
      },
    }),
    route({
      method: "GET",
      path: "/api/v1/audit/verify",
      summary: "Check the whole hash chain: entries changed, inserted or deleted; the head hash to record",
      tag: "audit",
      access: "audit:read",
      query: z
        .object({
          expectHead: z
            .string()
            .regex(/^[0-9a-f]{64}$/)
            .optional(),
        })
        .strict(),
      handler: async ({ query }) => {
        const checker = new AuditChainChecker(
          query.expectHead === undefined ? {} : { expectHead: query.expectHead },
        );
        for await (const e of allEntries(store)) checker.check(e);
        return { body: checker.report() };
      },
    }),
    route({
      method: "GET",
      path: "/api/v1/audit/export",
      summary: "The whole log as JSON lines or RFC 5424 syslog lines (the export is audited)",
      tag: "audit",
      access: "audit:read",
      query: z.object({ format: z.enum(["jsonl", "syslog"]).optional() }).strict(),
      handler: async ({ query, identity, client }) => {
        const format = query.format ?? "jsonl";
        const head = await store.audit.count();
        await audit.record({
          actor: identity!.user.username,
          action: "audit.export",
          clientAddress: client.address,
          detail: { format, entries: head },
        });
        const entries: AuditEntry[] = [];
        for await (const e of allEntries(store)) entries.push(e);
        const lines =
          format === "jsonl"
            ? [...auditToJsonLines(entries)]
            : [...auditToSyslog(entries, { hostname: hostname(), appName: "rampart" })];
        return {
          body: lines.join(""),
          contentType:
            format === "jsonl" ? "application/x-ndjson; charset=utf-8" : "text/plain; charset=utf-8",
          headers: {
            "content-disposition": `attachment; filename="rampart-audit.${format === "jsonl" ? "jsonl" : "log"}"`,
          },
        };
      },
    }),
  ];
}
