// `overly-permissive` without a policy: accepting rules that are any-to-any or open huge address ranges to
// every service.

import type { ImportedRule } from "../../import/model.js";
import { decompose, type PacketBox, type ValueRange } from "../../space/summarize.js";
import type { Box } from "../anomalies/box.js";
import { type Finding, makeFinding } from "../anomalies/finding.js";

/** Addresses on each side at or beyond which a range is huge: a /8 in IPv4, a /32 in IPv6. */
export const HUGE_ADDRESSES: Readonly<Record<4 | 6, bigint>> = { 4: 1n << 24n, 6: 1n << 96n };

/** How wide one decomposed piece of a rule is. */
interface Width {
  readonly src: bigint;
  readonly dst: bigint;
  readonly family: 4 | 6;
  /** Every protocol. */
  readonly anyProtocol: boolean;
  /** Every protocol, or every destination port of a port protocol. */
  readonly allPorts: boolean;
}

const span = (rs: readonly ValueRange[]) => rs.reduce((n, r) => n + (r.hi - r.lo + 1n), 0n);

function widthOfPacketBox(b: PacketBox): Width {
  const anyProtocol = span(b.protocols) === 256n;
  return {
    src: span(b.src),
    dst: span(b.dst),
    family: b.family,
    anyProtocol,
    allPorts: anyProtocol || (b.dstPorts === undefined && b.icmpTypes === undefined),
  };
}

function widthOfBox(b: Box): Width {
  const anyProtocol = b[6] === 0 && b[7] === 255;
  return {
    dst: BigInt(b[1]! - b[0]! + 1),
    src: BigInt(b[3]! - b[2]! + 1),
    family: 4,
    anyProtocol,
    allPorts: anyProtocol || (b[4] === 0 && b[5] === 65535 && b[10] === 0 && b[11] === 255),
  };
}

/**
 * The finding for an accepting rule that holds a piece with both address sides at least HUGE_ADDRESSES wide and
 * every service (all protocols, or all ports of a protocol). Rules too fragmented to decompose in 200 boxes
 * are judged on their first 200.
 */
export function thresholdFinding(rule: ImportedRule, boxes?: readonly Box[]): Finding | undefined {
  if (rule.action !== "accept" || rule.match.isEmpty()) return undefined;
  const widths = boxes ? boxes.map(widthOfBox) : decompose(rule.match, 200).boxes.map(widthOfPacketBox);
  const full = (w: Width) => (w.family === 4 ? 1n << 32n : 1n << 128n);
  for (const w of widths) {
    if (w.anyProtocol && w.src === full(w) && w.dst === full(w))
      return makeFinding("overly-permissive", rule, `Accepts any to any (IPv${w.family}), every service`);
  }
  for (const w of widths) {
    const huge = HUGE_ADDRESSES[w.family];
    if (w.allPorts && w.src >= huge && w.dst >= huge)
      return makeFinding(
        "overly-permissive",
        rule,
        `Accepts ${w.anyProtocol ? "every service" : "every port"} between huge ranges: ${w.src} source and ${w.dst} destination addresses (IPv${w.family}; a /${w.family === 4 ? 8 : 32} or wider on both sides)`,
      );
  }
  return undefined;
}
