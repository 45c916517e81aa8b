// A text file (or standard input) read line by line as a stream, so a large file is never held whole.

import { open } from "node:fs/promises";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { describeFsError } from "./errors.js";

export type LinesResult = { ok: true; lines: AsyncIterable<string> } | { ok: false; message: string };

/** Opens `path` (relative to `cwd`; "-" is `stdin`) for reading lines; "\n" and "\r\n" both end a line. */
export async function openLines(
  path: string,
  cwd: string,
  stdin: NodeJS.ReadableStream,
): Promise<LinesResult> {
  let input: NodeJS.ReadableStream = stdin;
  if (path !== "-") {
    // Open first, so a missing file is a message here rather than an error event later.
    const handle = await open(resolve(cwd, path)).catch((e: unknown) => e as NodeJS.ErrnoException);
    if (handle instanceof Error)
      return { ok: false, message: `Cannot read "${path}": ${describeFsError(handle)}` };
    const stat = await handle.stat();
    if (stat.isDirectory()) {
      await handle.close();
      return { ok: false, message: `Cannot read "${path}": it is a folder` };
    }
    input = handle.createReadStream({ encoding: "utf8" });
  }
  return { ok: true, lines: createInterface({ input, crlfDelay: Infinity }) };
}
