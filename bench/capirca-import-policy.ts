// A large generated Capirca policy (NETWORK.net, SERVICES.svc, one .pol with nftables headers) for timing the
// capirca importer and compiler against aclgen on the same files.

import type { CapircaFile } from "./capirca-policy.js";
import { Random } from "./prng.js";

export interface CapircaImportOptions {
  readonly terms?: number;
  readonly headers?: number;
  readonly networks?: number;
  readonly services?: number;
  readonly seed?: number;
}

export interface GeneratedCapirca {
  readonly files: CapircaFile[];
  readonly terms: number;
}

function v4(rng: Random): string {
  const len = rng.pick([16, 20, 24, 24, 28, 32, 32]);
  const a = [10, rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)];
  const value = ((a[0]! << 24) | (a[1]! << 16) | (a[2]! << 8) | a[3]!) >>> 0;
  const net = len === 32 ? value : (value & ~((1 << (32 - len)) - 1)) >>> 0;
  return `${net >>> 24}.${(net >>> 16) & 255}.${(net >>> 8) & 255}.${net & 255}/${len}`;
}

function v6(rng: Random): string {
  return `2001:db8:${rng.int(0, 0xffff).toString(16)}:${rng.int(0, 0xffff).toString(16)}::/64`;
}

function networksText(rng: Random, count: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const values = [
      // Always an IPv4 prefix: aclgen's nftables writes a broken rule ("ct state newaccept") for a term whose
      // source and destination share no family.
      v4(rng),
      ...Array.from({ length: rng.int(0, 5) }, () => (rng.chance(0.2) ? v6(rng) : v4(rng))),
    ];
    // Some names nest earlier ones, as real definition files do.
    if (i > 10 && rng.chance(0.2)) values.push(`NET${rng.int(0, i - 1)}`);
    out.push(`NET${i} = ${values.join("\n        ")}`);
  }
  return out.join("\n") + "\n";
}

/** The services' text, and each service's protocols (a term's protocols are those of its services). */
function servicesText(rng: Random, count: number): { text: string; protocols: string[][] } {
  const out: string[] = ["ANY_HIGH = 1024-65535/tcp 1024-65535/udp"];
  const protocols: string[][] = [];
  for (let i = 0; i < count; i++) {
    const port = rng.int(1, 65000);
    const hi = rng.chance(0.2) ? Math.min(65535, port + rng.int(1, 500)) : port;
    const text = hi === port ? String(port) : `${port}-${hi}`;
    const protos = rng.pick([["tcp"], ["udp"], ["tcp", "udp"]]);
    protocols.push(protos);
    out.push(`SVC${i} = ${protos.map((p) => `${text}/${p}`).join(" ")}`);
  }
  return { text: out.join("\n") + "\n", protocols };
}

function termText(rng: Random, name: string, networks: number, services: readonly string[][]): string {
  const net = () => `NET${rng.int(0, networks - 1)}`;
  const lines = [`term ${name} {`];
  if (rng.chance(0.8))
    lines.push(`  source-address:: ${Array.from({ length: rng.int(1, 3) }, net).join(" ")}`);
  // aclgen's nftables drops a source-exclude that comes without a source-address.
  if (lines.length > 1 && rng.chance(0.1)) lines.push(`  source-exclude:: ${net()}`);
  // A term with no condition at all makes aclgen's nftables write "ct state newaccept", which nft refuses.
  if (lines.length === 1 || rng.chance(0.9))
    lines.push(`  destination-address:: ${Array.from({ length: rng.int(1, 3) }, net).join(" ")}`);
  const kind = rng.weighted<"ports" | "icmp" | "any">([
    ["ports", 0.85],
    ["icmp", 0.1],
    ["any", 0.05],
  ]);
  if (kind === "ports") {
    const chosen = Array.from({ length: rng.int(1, 2) }, () => rng.int(0, services.length - 1));
    const protocols = [...new Set(chosen.flatMap((i) => services[i]!))].sort();
    lines.push(`  protocol:: ${protocols.join(" ")}`);
    // aclgen's nftables keeps a term's ports only beside source ports (aerleon/aerleon#376).
    lines.push("  source-port:: ANY_HIGH");
    lines.push(`  destination-port:: ${chosen.map((i) => `SVC${i}`).join(" ")}`);
  } else if (kind === "icmp") {
    // aclgen's nftables crashes on a single icmp-type.
    lines.push("  protocol:: icmp", "  icmp-type:: echo-request echo-reply");
  }
  lines.push(`  action:: ${rng.chance(0.15) ? "deny" : "accept"}`, "}", "");
  return lines.join("\n");
}

/**
 * Writes the policy: `headers` filters (nftables mixed, on the input and output hooks in turn), `terms` terms
 * in all, drawn over `networks` network and `services` service names. Ports always come with a source-port
 * and ICMP types in pairs, so that aclgen renders every term (see capirca-policy.ts).
 */
export function generateCapircaImport(options: CapircaImportOptions = {}): GeneratedCapirca {
  const terms = options.terms ?? 5_000;
  const headers = options.headers ?? 4;
  const networks = options.networks ?? 1_000;
  const services = options.services ?? 200;
  const rng = new Random(options.seed ?? 1);
  const svc = servicesText(rng, services);
  const pol: string[] = [];
  let written = 0;
  for (let h = 0; h < headers; h++) {
    const hook = h % 2 === 0 ? "INPUT" : "OUTPUT";
    pol.push(
      "header {",
      `  comment:: "Generated filter ${h + 1}"`,
      `  target:: nftables mixed ${hook} ${h * 10}`,
      "}",
      "",
    );
    const count = Math.floor(terms / headers) + (h < terms % headers ? 1 : 0);
    for (let t = 0; t < count; t++) pol.push(termText(rng, `t${h}-${t}`, networks, svc.protocols));
    written += count;
  }
  return {
    files: [
      { path: "def/NETWORK.net", text: networksText(rng, networks) },
      { path: "def/SERVICES.svc", text: svc.text },
      { path: "policies/pol/generated.pol", text: pol.join("\n") },
    ],
    terms: written,
  };
}
