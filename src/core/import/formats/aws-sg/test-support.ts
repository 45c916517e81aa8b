// Shared helpers for the aws-sg importer tests: a context with three hosts and one-packet questions.

import { parseAddress } from "../../../net/address.js";
import { parsePrefix } from "../../../net/prefix.js";
import { PROTO } from "../../../net/protocol.js";
import { makePacket } from "../../../space/packet.js";
import { PacketSpace } from "../../../space/packet-set.js";
import { summarize } from "../../../space/summarize.js";
import type { ConfigFile, ImportContext, ImportResult } from "../../model.js";

/** A context protecting web-1, app-1 and db-1, or only those named. */
export function hostContext(role: ImportContext["role"] = "host", only?: readonly string[]): ImportContext {
  const space = new PacketSpace();
  const host = (name: string, ...cidrs: string[]) => ({ name, addresses: cidrs.map(parsePrefix) });
  return {
    space,
    role,
    hosts: [
      host("web-1", "10.0.1.10", "2001:db8:1::10"),
      host("app-1", "10.0.2.20"),
      host("db-1", "10.0.3.30"),
    ].filter((h) => only === undefined || only.includes(h.name)),
    interfaces: {},
    zoneSpace: () => space.none(),
  };
}

/** Whether the result lets through one new connection, e.g. `allows(r, "tcp", "1.2.3.4", "10.0.1.10", 443)`. */
export function allows(
  r: ImportResult,
  proto: keyof typeof PROTO,
  src: string,
  dst: string,
  port = 0,
  icmpCode = 0,
): boolean {
  const number = PROTO[proto];
  const icmp = number === PROTO.icmp || number === PROTO.icmpv6;
  const packet = makePacket({
    src: parseAddress(src),
    dst: parseAddress(dst),
    proto: number,
    sport: 40000,
    dport: port,
    icmpType: icmp ? port : 0,
    icmpCode,
  });
  return r.accepted.contains(packet);
}

/** The 1-based line of the first line containing `needle`. */
export function lineOf(text: string, needle: string, after = 0): number {
  const lines = text.split("\n");
  const i = lines.findIndex((l, k) => k >= after && l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not in text`);
  return i + 1;
}

/** A readable listing of an import: every rule and every diagnostic, for golden files. */
export function describeImport(r: ImportResult): string {
  const rules = r.rules.map(
    (rule) =>
      `${rule.source.file}:${rule.source.line} [${rule.list}] ${rule.action}${rule.label ? ` "${rule.label}"` : ""}\n` +
      summarize(rule.match, 6)
        .map((l) => `    ${l}`)
        .join("\n"),
  );
  const diagnostics = r.diagnostics.map(
    (d) => `${d.file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}`,
  );
  return `${["# rules", ...rules, "", "# diagnostics", ...diagnostics].join("\n")}\n`;
}

export function files(...list: [string, string][]): ConfigFile[] {
  return list.map(([name, text]) => ({ name, text }));
}
