// Serves the built console (dist/web): hashed assets cached for a year, index.html never, and for unknown paths.

import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Where `npm run build` puts the console, from this file's place in dist/src/adapters/server or src/adapters/server. */
export function defaultConsoleDir(): string {
  const root = fileURLToPath(new URL("../../../", import.meta.url));
  return basename(root) === "dist" ? join(root, "web") : join(root, "dist", "web");
}

/** Paths the console never answers with its page: the API, and anything that looks like a file. */
function isServerPath(path: string): boolean {
  return (
    path.startsWith("/api/") ||
    path === "/api" ||
    path === "/metrics" ||
    path === "/healthz" ||
    path.startsWith("/assets/") ||
    /\.[a-z0-9]+$/i.test(path)
  );
}

/**
 * Serves the console from `dir` on the server's own origin. Registers nothing (and returns false) when the
 * console is not built, so the API still works without it.
 */
export async function registerConsole(app: FastifyInstance, dir: string): Promise<boolean> {
  if (!existsSync(`${dir}/index.html`)) return false;
  await app.register(fastifyStatic, {
    root: dir,
    prefix: "/",
    wildcard: false,
    index: false,
    cacheControl: false,
    setHeaders: (res, path) => {
      // File names under assets/ carry a content hash: a new build is a new name, so they never go stale.
      const hashed = /[\\/]assets[\\/]/.test(path);
      res.setHeader("cache-control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
    },
  });
  const page = (path: string) => !isServerPath(path);
  app.get("/*", async (request, reply) => {
    const path = request.url.split("?")[0] ?? "/";
    if (!page(path)) return reply.callNotFound();
    reply.header("cache-control", "no-cache");
    return reply.sendFile("index.html");
  });
  app.get("/", async (_request, reply) => {
    reply.header("cache-control", "no-cache");
    return reply.sendFile("index.html");
  });
  return true;
}
