// The OpenAPI 3.1 document, written from the route list: the same zod schemas that check the input describe it.

import { z } from "zod";
import type { RouteSpec } from "./route.js";

type JsonSchema = Record<string, unknown>;

function schemaOf(schema: z.ZodType): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io: "input",
    unrepresentable: "any",
  }) as JsonSchema;
  return rest;
}

/** Query and path objects become one parameter per property. */
function parametersOf(schema: z.ZodType | undefined, where: "query" | "path"): JsonSchema[] {
  if (!schema) return [];
  const json = schemaOf(schema);
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, s]) => ({
    name,
    in: where,
    required: where === "path" || required.has(name),
    schema: s,
    ...(typeof s.description === "string" ? { description: s.description } : {}),
  }));
}

const problemSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: { code: { type: "string" }, message: { type: "string" }, details: {} },
    },
  },
};

export function openApiDocument(routes: readonly RouteSpec[], info: { version: string }): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z_]+)/g, "{$1}");
    const operation: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method.toLowerCase()}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
      parameters: [...parametersOf(r.params, "path"), ...parametersOf(r.query, "query")],
      responses: {
        [String(r.successStatus ?? 200)]: {
          description: "Success",
          ...(r.response ? { content: { "application/json": { schema: schemaOf(r.response) } } } : {}),
        },
        "400": { description: "Invalid input", content: { "application/json": { schema: problemSchema } } },
        ...(r.access === "public"
          ? {}
          : {
              "401": {
                description: "Not signed in",
                content: { "application/json": { schema: problemSchema } },
              },
              "403": {
                description: "Not allowed",
                content: { "application/json": { schema: problemSchema } },
              },
            }),
      },
      "x-rampart-access": r.access,
    };
    if (r.body)
      operation.requestBody = {
        required: true,
        content: { "application/json": { schema: schemaOf(r.body) } },
      };
    if (r.access !== "public") operation.security = [{ session: [], token: [] }];
    (paths[path] ??= {})[r.method.toLowerCase()] = operation;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Rampart management API",
      version: info.version,
      description:
        "Policy versions, questions (matrix, reach, explain), compile and plan, access requests, recertification, users, tokens and the audit log. Sign in with POST /api/v1/auth/login (a session cookie; send the returned csrfToken as X-CSRF-Token on writes) or send an API token as `Authorization: Bearer rmp_...`.",
    },
    components: {
      securitySchemes: {
        session: { type: "apiKey", in: "cookie", name: "rampart_session" },
        token: { type: "http", scheme: "bearer" },
      },
    },
    paths,
  };
}
