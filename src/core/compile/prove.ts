// The proof: read a configuration back with its importer and compare what it lets through with the intent.

import type { Intent } from "../policy/intent.js";
import type { ConfigFile, ConfigSource, ImportContext, Importer, ImportResult } from "../import/model.js";
import type { Packet } from "../space/packet.js";
import type { PacketSet } from "../space/packet-set.js";
import { boxToSet, decompose, formatBox, type PacketBox } from "../space/summarize.js";
import type { PointScope } from "./scope.js";

export interface Proof {
  readonly equivalent: boolean;
  /** Let through by the configuration, not by the intent. */
  readonly allowedNotIntended: PacketSet;
  /** Allowed by the intent, not let through by the configuration. */
  readonly intendedNotAllowed: PacketSet;
  readonly imported: ImportResult;
}

/** One box of a difference, explained. */
export interface DifferenceEntry {
  /** The box as services and addresses, e.g. "tcp/22 from 10.1.0.0/16 to 10.2.0.5". */
  readonly summary: string;
  readonly box: PacketBox;
  readonly witness: Packet;
  /** Policy flows and denies that match the witness (expired ones marked). */
  readonly flows: string[];
  /** Configuration rules that match the witness, in evaluation order. */
  readonly lines: ConfigSource[];
}

/** The context an importer needs for a point: its role, its hosts, its interfaces and zone spaces. */
export function importContext(intent: Intent, scope: PointScope): ImportContext {
  const point = scope.point.point;
  return {
    space: intent.space,
    role: point.role,
    hosts: scope.hosts.map((a) => ({
      name: a.name,
      addresses: a.addresses.map((n) => n.prefix),
      ...(a.k8s && { k8s: a.k8s }),
    })),
    interfaces: point.interfaces,
    zoneSpace: (zone, dir) =>
      intent.resolved.zones.has(zone) ? intent.zoneSpace(zone, dir) : intent.space.none(),
  };
}

/** Compares a configuration with what the point must let through, within `domain`. */
export function prove(
  importer: Importer,
  files: readonly ConfigFile[],
  context: ImportContext,
  expected: PacketSet,
  domain: PacketSet,
): Proof {
  const imported = importer.import(files, context);
  const actual = imported.accepted.intersect(domain);
  const want = expected.intersect(domain);
  const allowedNotIntended = actual.minus(want);
  const intendedNotAllowed = want.minus(actual);
  return {
    equivalent: allowedNotIntended.isEmpty() && intendedNotAllowed.isEmpty(),
    allowedNotIntended,
    intendedNotAllowed,
    imported,
  };
}

/** Explains a difference box by box: a witness each, the policy rules and the config lines behind it. */
export function describeDifference(
  set: PacketSet,
  intent: Intent,
  imported: ImportResult,
  maxEntries = 50,
): { entries: DifferenceEntry[]; truncated: boolean } {
  const { boxes, truncated } = decompose(set, maxEntries);
  const entries = boxes.map((box): DifferenceEntry => {
    const witness = boxToSet(set.space, box).witness()!;
    const why = intent.explain(witness);
    const flows = [
      ...why.allowedBy.map((r) => r.name),
      ...why.deniedBy.map((r) => r.name),
      ...why.expired.map((r) => `${r.name} (expired)`),
    ];
    const lines = imported.rules
      .filter((r) => r.action !== "other" && r.match.contains(witness))
      .slice(0, 10)
      .map((r) => r.source);
    return { summary: formatBox(box), box, witness, flows, lines };
  });
  return { entries, truncated };
}
