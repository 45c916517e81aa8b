// `rampart explain --packets FILE`: one verdict line per packet line, streamed, for files of any size.

import { judgePacket, type PacketVerdict } from "../../app/explain.js";
import { parsePacketLine } from "../../app/packet-input.js";
import type { Intent } from "../../core/policy/intent.js";
import { formatPacket, type Packet } from "../../core/space/packet.js";
import { openLines } from "../fs/lines.js";
import { CliError, type CommandContext } from "./io.js";
import { plural } from "./output.js";

/** Output is written in chunks of about this many characters: one write per line is slow on pipes. */
const CHUNK = 1 << 16;

/**
 * Writes exactly one line per non-blank input line, in order. A malformed line becomes
 * `{"line": N, "error": "..."}` (in both output modes, so it stays machine-readable) and never stops the run;
 * the exit code is then 2.
 */
export async function explainPacketsFile(
  file: string,
  intent: Intent,
  ctx: CommandContext,
  options: { json: boolean },
): Promise<number> {
  const opened = await openLines(file, ctx.io.cwd, ctx.io.stdin ?? process.stdin);
  if (!opened.ok) throw new CliError(opened.message);
  let chunk = "";
  let flushScheduled = false;
  const flush = () => {
    flushScheduled = false;
    if (chunk === "") return;
    ctx.io.stdout(chunk);
    chunk = "";
  };
  let lineNo = 0;
  let packets = 0;
  let malformed = 0;
  try {
    for await (const raw of opened.lines) {
      lineNo++;
      const line = lineNo === 1 ? raw.replace(/^\uFEFF/, "") : raw;
      if (line.trim() === "") continue;
      packets++;
      const r = parsePacketLine(line);
      if (r.ok) {
        const v = judgePacket(intent, r.packet);
        chunk += (options.json ? JSON.stringify(v) : verdictLine(v, r.packet)) + "\n";
      } else {
        malformed++;
        chunk += JSON.stringify({ line: lineNo, error: r.message }) + "\n";
      }
      // Lines already read are processed before the immediate runs, so output goes out one write per
      // input chunk: fast on large files, and still prompt when packets trickle in through a pipe.
      if (chunk.length >= CHUNK) flush();
      else if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flush);
      }
    }
  } catch (e) {
    flush();
    // A file-system error is the user's to fix; anything else is a bug, reported as such at the top.
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code !== "string") throw e;
    throw new CliError(`Cannot read "${file}" past line ${lineNo}: ${(e as Error).message}`);
  }
  flush();
  if (malformed === 0) return 0;
  ctx.io.stderr(`rampart: ${plural(malformed, "malformed packet line")} of ${packets}\n`);
  return 2;
}

/** "allow tcp 10.0.0.1:40000 -> 10.1.0.1:443 (flow web-in)"; "deny ... (deny no-telnet over flow x)". */
function verdictLine(v: PacketVerdict, p: Packet): string {
  const flows = v.flows.join(", ");
  let why: string;
  if (v.verdict === "allow") why = `flow ${flows}`;
  else if (v.denies.length > 0) why = `deny ${v.denies.join(", ")}${flows ? ` over flow ${flows}` : ""}`;
  else why = "no flow allows it";
  return `${v.verdict.padEnd(5)} ${formatPacket(p)} (${why})`;
}
