// The capirca importer against a plain reference: random policies and packets, each packet evaluated term by
// term, first match, straight from the policy's model (prefix containment, Capirca's port translation).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Address, parseAddress } from "../../../net/address.js";
import { type Prefix, parsePrefix, prefixContains } from "../../../net/prefix.js";
import { makePacket, type Packet } from "../../../space/packet.js";
import { PacketSpace } from "../../../space/packet-set.js";
import { standaloneContext } from "../../standalone.js";
import { capircaImporter, listAccepts } from "./importer.js";

const PREFIXES = [
  "10.0.0.0/8",
  "10.1.0.0/16",
  "10.1.2.0/24",
  "192.0.2.0/24",
  "192.0.2.128/25",
  "2001:db8::/32",
  "2001:db8:1::/48",
];
const ADDRESSES = [
  "10.1.2.3",
  "10.1.9.9",
  "10.200.0.1",
  "192.0.2.1",
  "192.0.2.200",
  "8.8.8.8",
  "2001:db8:1::5",
  "2001:db8:2::1",
  "2001:4860::8888",
];
const PROTOCOLS: Record<string, number> = { tcp: 6, udp: 17, icmp: 1, gre: 47, icmpv6: 58 };
const PORTS = [22, 53, 80, 443, 1000, 5000];

interface Service {
  readonly lo: number;
  readonly hi: number;
  readonly proto: "tcp" | "udp";
}
interface Term {
  readonly src: number[];
  readonly srcExclude?: number;
  readonly dst: number[];
  readonly protocols: string[];
  readonly dports: number[];
  readonly action: "accept" | "deny";
}
interface Model {
  readonly networks: number[][];
  readonly services: Service[][];
  readonly terms: Term[];
  readonly acceptByDefault: boolean;
}

const modelArb: fc.Arbitrary<Model> = fc
  .record({
    networks: fc.array(fc.array(fc.nat(PREFIXES.length - 1), { minLength: 1, maxLength: 3 }), {
      minLength: 4,
      maxLength: 4,
    }),
    services: fc.array(
      fc.array(
        fc
          .record({
            lo: fc.constantFrom(...PORTS),
            span: fc.constantFrom(0, 0, 100),
            proto: fc.constantFrom<"tcp" | "udp">("tcp", "udp"),
          })
          .map((s) => ({ lo: s.lo, hi: s.lo + s.span, proto: s.proto })),
        { minLength: 1, maxLength: 2 },
      ),
      { minLength: 3, maxLength: 3 },
    ),
    terms: fc.array(
      fc.record({
        src: fc.array(fc.nat(3), { maxLength: 2 }),
        srcExclude: fc.option(fc.nat(3), { nil: undefined }),
        dst: fc.array(fc.nat(3), { maxLength: 2 }),
        protocols: fc.oneof(
          fc.subarray(["tcp", "udp"]),
          fc.subarray(["tcp", "udp", "icmp", "gre", "icmpv6"]),
        ),
        dports: fc.array(fc.nat(2), { maxLength: 2 }),
        action: fc.constantFrom<"accept" | "deny">("accept", "deny"),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    acceptByDefault: fc.boolean(),
  })
  // Ports only with port protocols, and only when one of them has a port of a named service (else aclgen refuses).
  .map((m) => ({
    ...m,
    terms: m.terms.map((t) => {
      const portsOk =
        t.protocols.length > 0 &&
        t.protocols.every((p) => p === "tcp" || p === "udp") &&
        t.dports.some((s) => m.services[s]!.some((x) => t.protocols.includes(x.proto)));
      return { ...t, dports: portsOk ? t.dports : [] };
    }),
  }));

function policyFiles(m: Model) {
  const net = m.networks.map((ps, i) => `N${i} = ${ps.map((p) => PREFIXES[p]).join(" ")}`).join("\n");
  const svc = m.services
    .map(
      (ss, i) => `S${i} = ${ss.map((s) => `${s.lo}${s.hi > s.lo ? `-${s.hi}` : ""}/${s.proto}`).join(" ")}`,
    )
    .join("\n");
  const terms = m.terms.map((t, i) =>
    [
      `term t${i} {`,
      ...(t.src.length > 0 ? [`  source-address:: ${t.src.map((n) => `N${n}`).join(" ")}`] : []),
      ...(t.srcExclude !== undefined ? [`  source-exclude:: N${t.srcExclude}`] : []),
      ...(t.dst.length > 0 ? [`  destination-address:: ${t.dst.map((n) => `N${n}`).join(" ")}`] : []),
      ...(t.protocols.length > 0 ? [`  protocol:: ${t.protocols.join(" ")}`] : []),
      ...(t.dports.length > 0 ? [`  destination-port:: ${t.dports.map((s) => `S${s}`).join(" ")}`] : []),
      `  action:: ${t.action}`,
      "}",
    ].join("\n"),
  );
  const header = `header {\n  target:: nftables mixed INPUT${m.acceptByDefault ? " ACCEPT" : ""}\n}\n`;
  return [
    { name: "def/NETWORK.net", text: net + "\n" },
    { name: "def/SERVICES.svc", text: svc + "\n" },
    { name: "p.pol", text: header + terms.join("\n") + "\n" },
  ];
}

function inAny(addr: Address, prefixes: readonly Prefix[]): boolean {
  return prefixes.some((p) => p.family === addr.family && prefixContains(p, addr));
}

/** The reference: the policy model evaluated for one packet, term by term. */
function reference(m: Model, src: Address, dst: Address, proto: number, dport: number): boolean {
  const nets = (ids: readonly number[]) =>
    ids.flatMap((i) => m.networks[i]!.map((p) => parsePrefix(PREFIXES[p]!)));
  for (const t of m.terms) {
    if (t.src.length > 0 && !inAny(src, nets(t.src))) continue;
    if (t.srcExclude !== undefined && inAny(src, nets([t.srcExclude]))) continue;
    if (t.dst.length > 0 && !inAny(dst, nets(t.dst))) continue;
    if (t.protocols.length > 0) {
      const allowed = t.protocols.filter((p) =>
        p === "icmp" ? src.family === 4 : p === "icmpv6" ? src.family === 6 : true,
      );
      if (!allowed.some((p) => PROTOCOLS[p] === proto)) continue;
    }
    if (t.dports.length > 0) {
      // Capirca's TranslatePorts: every named service's ports of every protocol of the term, for each protocol.
      const ports = t.dports.flatMap((s) => m.services[s]!.filter((x) => t.protocols.includes(x.proto)));
      if (!ports.some((r) => dport >= r.lo && dport <= r.hi)) continue;
    }
    return t.action === "accept";
  }
  return m.acceptByDefault;
}

const packetArb = fc.record({
  src: fc.nat(ADDRESSES.length - 1),
  dst: fc.nat(ADDRESSES.length - 1),
  proto: fc.constantFrom(6, 17, 1, 47, 58),
  dport: fc.oneof(fc.constantFrom(...PORTS), fc.nat(65535)),
});

describe("capirca importer (property)", () => {
  it("accepts exactly the packets a term-by-term reference accepts", () => {
    fc.assert(
      fc.property(modelArb, fc.array(packetArb, { minLength: 20, maxLength: 40 }), (m, packets) => {
        const space = new PacketSpace(1 << 14);
        const result = capircaImporter.import(policyFiles(m), standaloneContext(space));
        expect(result.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
        const accepted = listAccepts(space, result.rules, result.lists![0]!);
        for (const p of packets) {
          const src = parseAddress(ADDRESSES[p.src]!);
          const dst = parseAddress(ADDRESSES[p.dst]!);
          if (src.family !== dst.family) continue;
          const packet: Packet = makePacket({
            src,
            dst,
            proto: p.proto,
            dport: p.dport,
            sport: 40000,
            icmpType: 8,
          });
          expect(accepted.contains(packet), JSON.stringify({ p, text: policyFiles(m)[2]!.text })).toBe(
            reference(m, src, dst, p.proto, p.dport),
          );
        }
      }),
      { numRuns: 150 },
    );
  });
});
