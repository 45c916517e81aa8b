// aclgen's output read back with Rampart's importers and proven against each point's intent, the way Rampart
// proves its own output.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describeDifference, importContext, prove, type Proof } from "../src/core/compile/prove.js";
import { pointScope } from "../src/core/compile/scope.js";
import { findTarget } from "../src/core/compile/targets/index.js";
import type { ConfigFile } from "../src/core/import/model.js";
import { findImporter } from "../src/core/import/formats/index.js";
import { conntrackClasses } from "../src/core/import/match.js";
import type { Intent } from "../src/core/policy/intent.js";
import type { ResolvedPoint } from "../src/core/policy/resolve.js";
import type { PacketSet } from "../src/core/space/packet-set.js";
import type { CapircaPolicy, CapircaTarget, UntranslatedPart } from "./capirca-policy.js";

export interface OutputProofs {
  /** Every point's output lets through exactly what the point must. */
  readonly equivalent: boolean;
  /** Every difference lies in what Capirca cannot express (see `inexpressible`): it renders the rest exactly. */
  readonly expressible: boolean;
  /** Importer diagnostics; an importer that throws counts as one. */
  readonly diagnostics: number;
}

/**
 * aclgen's output as the files the importer reads. nftables: Capirca 2.0.6 cannot hook forward, so its base
 * chains hook input; they are moved to forward (nothing else changes) so that they filter the traffic the
 * point forwards. iptables: Capirca writes the IPv4 and IPv6 filters one after the other as bare commands;
 * each becomes the iptables-restore file it is meant for (`*filter` ... `COMMIT`, as iptables-restore
 * accepts them), named `.rules.v4` / `.rules.v6` so that the importer knows its family.
 */
export function aclgenConfig(target: CapircaTarget, output: string, text: string): ConfigFile[] {
  switch (target) {
    case "nftables":
      return [
        { name: output, text: text.replaceAll("type filter hook input ", "type filter hook forward ") },
      ];
    case "iptables":
      return text
        .split(/^# Iptables FORWARD Policy$/m)
        .slice(1)
        .map((section) => {
          const family = /^# inet6$/m.test(section) ? 6 : 4;
          const commands = section.split("\n").filter((l) => l.startsWith("-"));
          return {
            name: `${output}.rules.v${family}`,
            text: ["*filter", ...commands, "COMMIT", ""].join("\n"),
          };
        });
  }
}

/**
 * What Capirca cannot express for a point: the rule parts its policy leaves out, and every first packet that
 * conntrack does not call new (ICMP errors and replies, ICMP of the other IP version, neighbour discovery),
 * since Capirca accepts only `ct state new` (nftables) and `--state NEW,...` (iptables) packets.
 */
function inexpressible(intent: Intent, parts: readonly UntranslatedPart[]): PacketSet {
  const { invalid, untracked } = conntrackClasses(intent.space);
  return intent.space.unionAll([
    invalid,
    untracked,
    ...parts.map((u) =>
      intent
        .addresses(u.rule.from, "src")
        .intersect(intent.addresses(u.rule.to, "dst"))
        .intersect(intent.services([u.atom])),
    ),
  ]);
}

function reportDifference(intent: Intent, proof: Proof, progress: (message: string) => void): void {
  for (const [what, set] of [
    ["allows, not intended", proof.allowedNotIntended],
    ["intended, not allowed", proof.intendedNotAllowed],
  ] as const) {
    if (set.isEmpty()) continue;
    for (const e of describeDifference(set, intent, proof.imported, 5).entries) {
      const lines = e.lines.map((l) => `${l.file}:${l.line}: ${l.text.slice(0, 120)}`);
      const flows = e.flows.join(", ") || "none";
      progress(
        `  ${what}: ${e.summary.slice(0, 200)} (flows: ${flows}; config: ${lines.join(" / ") || "none"})`,
      );
    }
  }
}

/** Proves aclgen's output for every point of one target, reporting each difference on `progress`. */
export function proveOutputs(
  intent: Intent,
  points: readonly ResolvedPoint[],
  policy: CapircaPolicy,
  target: CapircaTarget,
  dir: string,
  progress: (message: string) => void,
): OutputProofs {
  const importer = findImporter(target);
  const caps = findTarget(target)?.capabilities;
  if (!importer || !caps) throw new TypeError(`The "${target}" target or importer is not registered`);
  let equivalent = true;
  let expressible = true;
  let diagnostics = 0;
  for (const o of policy.points.filter((x) => x.target === target)) {
    const point = points.find((p) => p.point.name === o.name)!;
    const files = aclgenConfig(target, o.output, readFileSync(join(dir, "out", o.output), "utf8"));
    const scope = pointScope(intent, point, caps);
    let proof: Proof;
    try {
      proof = prove(importer, files, importContext(intent, scope), scope.expected, scope.renderDomain);
    } catch (e) {
      progress(`the ${target} importer failed on aclgen's ${o.output}: ${(e as Error).message}`);
      [equivalent, expressible] = [false, false];
      diagnostics++;
      continue;
    }
    diagnostics += proof.imported.diagnostics.length;
    for (const d of proof.imported.diagnostics.slice(0, 5))
      progress(`${d.file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}`);
    const missing = inexpressible(
      intent,
      policy.untranslated.filter((u) => u.point === o.name),
    );
    if (!proof.equivalent) equivalent = false;
    if (!proof.allowedNotIntended.union(proof.intendedNotAllowed).isSubsetOf(missing)) expressible = false;
    progress(`aclgen's ${o.output} ${proof.equivalent ? "is proven equivalent" : "differs from the intent"}`);
    reportDifference(intent, proof, progress);
  }
  return { equivalent, expressible, diagnostics };
}
