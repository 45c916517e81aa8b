// A permission's protocol and FromPort/ToPort read the way AWS reads them: ports for TCP and UDP, type and
// code for ICMP and ICMPv6 (-1: every one), and every port for any other protocol.

import { hasIcmp, PROTO, tryParseProtocol } from "../../../net/protocol.js";
import type { FileDiagnostics, SgProtocol } from "./sg-model.js";

interface At {
  readonly line: number;
  readonly column: number;
}

function isInt(v: number | undefined, lo: number, hi: number): boolean {
  return v !== undefined && Number.isInteger(v) && v >= lo && v <= hi;
}

function ignoredPorts(from: number | undefined, to: number | undefined): boolean {
  return [from, to].some((v) => v !== undefined && v !== 0 && v !== -1);
}

function portsOf(
  proto: number,
  from: number | undefined,
  to: number | undefined,
  d: FileDiagnostics,
  at: At,
) {
  const name = proto === PROTO.tcp ? "tcp" : "udp";
  if (from === undefined || to === undefined) {
    d.syntax(at, `A ${name} rule needs a port range (FromPort and ToPort); the rule is left out`);
    return undefined;
  }
  if (!isInt(from, 0, 65535) || !isInt(to, 0, 65535) || from > to) {
    d.syntax(at, `Port range "${from}-${to}" is not a range of 0-65535; the rule is left out`);
    return undefined;
  }
  return { kind: "ports", proto, lo: from, hi: to } as const;
}

function icmpOf(proto: number, from: number | undefined, to: number | undefined, d: FileDiagnostics, at: At) {
  if (from === undefined || from === -1) {
    if (to !== undefined && to !== -1) {
      d.syntax(at, `Every ICMP type (-1) needs every code (-1), not "${to}"; the rule is left out`);
      return undefined;
    }
    return { kind: "icmp", proto } as const;
  }
  if (!isInt(from, 0, 255) || (to !== undefined && to !== -1 && !isInt(to, 0, 255))) {
    d.syntax(at, `ICMP type "${from}" and code "${to}" must be 0-255 or -1; the rule is left out`);
    return undefined;
  }
  return { kind: "icmp", proto, type: from, ...(to !== undefined && to !== -1 && { code: to }) } as const;
}

/** The protocol of a permission; undefined (with a diagnostic) when AWS would not accept it. */
export function readProtocol(
  protocol: string | number,
  from: number | undefined,
  to: number | undefined,
  d: FileDiagnostics,
  at: At,
): SgProtocol | undefined {
  const text = String(protocol).trim().toLowerCase();
  if (text === "-1" || text === "all") {
    if (ignoredPorts(from, to)) d.ignored(at, "Ports of an all-protocols rule are ignored by AWS");
    return { kind: "all" };
  }
  const proto = tryParseProtocol(text);
  if (proto === undefined) {
    d.syntax(at, `Unknown protocol "${String(protocol)}"; the rule is left out`);
    return undefined;
  }
  if (proto === PROTO.tcp || proto === PROTO.udp) return portsOf(proto, from, to, d, at);
  if (hasIcmp(proto)) return icmpOf(proto, from, to, d, at);
  if (ignoredPorts(from, to))
    d.ignored(at, `Ports of protocol "${text}" are ignored by AWS: the rule allows every port`);
  return { kind: "protocol", proto };
}
