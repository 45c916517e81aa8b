// Packets as JSON lines, read and written exactly as `rampart explain --packets` does (src/app/packet-input.ts).

import { packetToJson, parsePacketLine } from "../src/app/packet-input.js";
import type { Packet } from "../src/core/space/packet.js";

export function formatPacketLine(p: Packet): string {
  return JSON.stringify(packetToJson(p));
}

/** Reads JSON lines (blank lines skipped); throws a RangeError naming the first malformed line. */
export function parsePacketLines(text: string, file = "packets"): Packet[] {
  const out: Packet[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    const r = parsePacketLine(line);
    if (!r.ok) throw new RangeError(`Cannot read packets: ${file}:${i + 1}: ${r.message}`);
    out.push(r.packet);
  });
  return out;
}
