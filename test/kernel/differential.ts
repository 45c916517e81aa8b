// One differential run: a point's packets and their expected verdicts, a ruleset loaded into a fresh router,
// and the packets on which the kernel and the reference evaluator disagree.

import { pointScope } from "../../src/core/compile/scope.js";
import { findTarget } from "../../src/core/compile/targets/index.js";
import type { LoadedPolicy } from "../../src/core/policy/load.js";
import type { ResolvedPoint } from "../../src/core/policy/resolve.js";
import { formatPacket } from "../../src/core/space/packet.js";
import { drawPackets, type DrawnPackets } from "./draw-packets.js";
import { expectedVerdicts, type Verdict } from "./expected.js";
import { loadRuleset, type RulesetFile, type RulesetFormat } from "./load-ruleset.js";
import { withTopology } from "./topology.js";
import { backlogDrops, exchange, type WirePacket } from "./wire.js";

export interface DifferentialCase {
  readonly loaded: LoadedPolicy;
  readonly point: ResolvedPoint;
  readonly packets: readonly WirePacket[];
  readonly expected: readonly Verdict[];
  readonly drawn: DrawnPackets;
}

export function findPoint(loaded: LoadedPolicy, name: string): ResolvedPoint {
  const point = loaded.resolved.points.find((p) => p.point.name === name);
  if (!point) throw new RangeError(`Unknown enforcement point "${name}"`);
  return point;
}

/** Draws the packets for a point and judges each with the reference evaluator. */
export function prepareCase(
  loaded: LoadedPolicy,
  pointName: string,
  options: { today: string; seed: number; count: number },
): DifferentialCase {
  const point = findPoint(loaded, pointName);
  const target = findTarget(point.point.target.value);
  if (!target) throw new RangeError(`Unknown target "${point.point.target.value}"`);
  // The same scope compilePoint computes (its `scope.allowed`); computed here so that drawing does not wait
  // for rendering.
  const scope = pointScope(loaded.intent, point, target.capabilities);
  const drawn = drawPackets({ policy: loaded.policy, intent: loaded.intent, scope, ...options });
  const packets = drawn.packets;
  const expected = expectedVerdicts(
    loaded.policy,
    point,
    options.today,
    packets.map((w) => w.packet),
  );
  return { loaded, point, packets, expected, drawn };
}

export function countVerdicts(c: DifferentialCase): string {
  const forward = c.expected.filter((v) => v === "forward").length;
  return `${c.packets.length} packets, ${forward} to forward, ${c.packets.length - forward} to drop`;
}

let nonce = (process.pid * 7919) >>> 0;
/** Attempts when the machine's input backlog overflowed during a run (each pausing longer between bursts). */
const ATTEMPTS = 3;

/**
 * Loads the ruleset into a fresh router (none for `undefined`), sends the packets, returns what arrived. A run
 * during which the kernel dropped packets for a full input backlog proves nothing: it is run again.
 */
export async function forwardedByKernel(
  ruleset: { format: RulesetFormat; files: readonly RulesetFile[] } | undefined,
  packets: readonly WirePacket[],
): Promise<Verdict[]> {
  for (let attempt = 0; ; attempt++) {
    const run = (nonce = (nonce + 1) >>> 0);
    const dropsBefore = backlogDrops();
    const arrived = await withTopology(async (t) => {
      if (ruleset) loadRuleset(t.router, ruleset.format, ruleset.files);
      return exchange(t, packets, { nonce: run, pause: 0.002 * 4 ** attempt });
    });
    const lost = backlogDrops() - dropsBefore;
    if (lost === 0) return packets.map((_, i) => (arrived.has(i) ? "forward" : "drop"));
    if (attempt + 1 >= ATTEMPTS)
      throw new Error(`Cannot trust the run: the kernel dropped ${lost} packets for a full input backlog`);
  }
}

/** The packets the kernel treated otherwise than expected, formatted; at most `limit` listed. */
export function disagreements(
  packets: readonly WirePacket[],
  expected: readonly Verdict[],
  actual: readonly Verdict[],
  limit = 10,
): string[] {
  const wrong = packets
    .map((w, i) => ({ w, i }))
    .filter(({ i }) => expected[i] !== actual[i])
    .map(({ w, i }) => `#${i} ${formatPacket(w.packet)}: expected ${expected[i]}, kernel ${actual[i]}`);
  if (wrong.length <= limit) return wrong;
  return [...wrong.slice(0, limit), `… and ${wrong.length - limit} more (${wrong.length} in all)`];
}
