// Data the console needs beyond the workflow routes: the live risk check of an access request being typed.

import { z } from "zod";
import { checkAccessRequest } from "../../../app/workflow/requests-check.js";
import type { AccessRequests } from "../../../app/workflow/requests.js";
import type { PolicyVersions } from "../../../app/workflow/versions.js";
import { problemFromApp } from "../problem.js";
import { dateString, route, type RouteSpec } from "../route.js";

export interface ConsoleDataServices {
  readonly versions: PolicyVersions;
  readonly requests: AccessRequests;
}

const refs = z.array(z.string().min(1).max(512)).min(1).max(50);

/** POST /requests' body, but the justification may still be missing or short: it is typed last. */
const checkBody = z
  .object({
    from: refs,
    to: refs,
    services: z.array(z.string().min(1).max(128)).min(1).max(50),
    justification: z.string().max(2000).optional(),
    until: dateString.optional(),
    owner: z.string().min(1).max(128).optional(),
    ticket: z.string().min(1).max(128).optional(),
  })
  .strict();

export function consoleDataRoutes(s: ConsoleDataServices): RouteSpec[] {
  return [
    route({
      method: "POST",
      path: "/api/v1/requests/check",
      summary:
        "The risk check of an access request against the version in force, storing nothing (the live check)",
      tag: "requests",
      access: "request:create",
      body: checkBody,
      handler: async ({ body, identity }) => {
        const r = await checkAccessRequest(s, identity!.user.username, body);
        if (!r.ok) throw problemFromApp(r);
        return { body: { flow: r.flow, risk: r.risk } };
      },
    }),
  ];
}
