// Runs the CLI in-process for tests: captured output, a fixed date, no terminal, the fixture folder as cwd.

import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { run } from "./main.js";

/** The fixture policies: lab/ (a folder, clean but for one expired flow), broken.yaml, failing.yaml. */
export const TESTDATA = fileURLToPath(new URL("./testdata/", import.meta.url));

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliRunOptions {
  readonly cwd?: string;
  readonly env?: Record<string, string | undefined>;
  readonly isTTY?: boolean;
  readonly stdin?: string;
  readonly today?: string;
}

export async function runCli(argv: string[], options: CliRunOptions = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await run(argv, {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    isTTY: options.isTTY ?? false,
    env: options.env ?? {},
    cwd: options.cwd ?? TESTDATA,
    today: options.today ?? "2025-06-15",
    stdin: Readable.from([options.stdin ?? ""]),
  });
  return { code, stdout, stderr };
}

/** Runs and parses standard output as JSON. */
export async function runCliJson<T = unknown>(
  argv: string[],
  options: CliRunOptions = {},
): Promise<CliRun & { json: T }> {
  const r = await runCli(argv, options);
  return { ...r, json: JSON.parse(r.stdout) as T };
}
