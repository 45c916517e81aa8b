// One family's rules file: the filter table as iptables-restore --noflush loads it, owning the built-in
// chain(s) of the role and Rampart's own chains, and leaving every other chain and table alone.

import type { Family } from "../../../net/address.js";
import { parsePrefix, type Prefix, prefixCovers } from "../../../net/prefix.js";
import type { IrPoint, IrRule } from "../../ir.js";
import type { SetRegistry } from "./ipsets.js";
import type { IptablesOptions } from "./options.js";
import { type ChainWriter, line, prefixText, writeRules } from "./rule-lines.js";
import { commentLine } from "./text.js";

/** A built-in chain Rampart takes over, and the chain it hands every packet to. */
interface Hook {
  readonly builtIn: "FORWARD" | "INPUT" | "OUTPUT";
  readonly chain: string;
  readonly rules: readonly IrRule[];
}

export interface FamilyFile {
  readonly name: string;
  readonly text: string;
  readonly writer: ChainWriter;
}

const LOOPBACK: Record<Family, string> = { 4: "127.0.0.0/8", 6: "::1/128" };
/** Neighbour discovery and MLD stay on the link: link-local or unspecified source, link scope target. */
const LINK_LOCAL_PAIRS = [
  ["fe80::/10", "fe80::/10"],
  ["fe80::/10", "ff02::/16"],
  ["::/128", "ff02::/16"],
] as const;

export function hooks(ir: IrPoint, family: Family, stem: string): Hook[] {
  const of = (rules: readonly IrRule[]) => rules.filter((r) => r.family === family);
  if (ir.point.role === "network")
    return [{ builtIn: "FORWARD", chain: `${stem}-FWD`, rules: of(ir.forward) }];
  return [
    { builtIn: "INPUT", chain: `${stem}-IN`, rules: of(ir.hosts.flatMap((h) => h.ingress)) },
    { builtIn: "OUTPUT", chain: `${stem}-OUT`, rules: of(ir.hosts.flatMap((h) => h.egress)) },
  ];
}

export function renderFamily(
  ir: IrPoint,
  family: Family,
  options: IptablesOptions,
  sets: SetRegistry,
): FamilyFile {
  const writer: ChainWriter = { family, options, sets, chains: new Map(), subChains: 0, refusals: [] };
  const hs = hooks(ir, family, options.chain);
  for (const h of hs) {
    const lines: string[] = [];
    writer.chains.set(h.chain, lines);
    // No INVALID drop: conntrack calls a first ICMP error or reply INVALID, and the policy may allow it.
    lines.push(`-A ${h.chain} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`);
    if (ir.point.role === "host") lines.push(...hostExtras(ir, family, options, h.chain));
    writeRules(writer, h.chain, h.rules);
  }
  for (const h of hs)
    writer.chains.get(h.chain)!.push(line(h.chain, ANY, ANY, undefined, "rampart default deny", "DROP"));
  const name = `${ir.point.name}.rules.v${family}`;
  return { name, text: fileText(ir, family, name, hs, writer), writer };
}

const ANY = { kind: "any" } as const;

/** Loopback and link-local ICMPv6, unless an asset's own addresses lie there (the rules would then decide
 *  traffic the policy speaks about). */
function hostExtras(ir: IrPoint, family: Family, options: IptablesOptions, chain: string): string[] {
  const own = ir.hosts.flatMap((h) => h.addresses);
  const clear = (...texts: string[]) => texts.every((t) => !overlaps(own, parsePrefix(t)));
  const out: string[] = [];
  const lo = LOOPBACK[family];
  if (options.loopback && clear(lo)) {
    const a = { kind: "prefix", text: lo } as const;
    out.push(line(chain, a, a, undefined, "rampart loopback", "ACCEPT"));
  }
  if (family === 6 && options.ndp)
    for (const [s, d] of LINK_LOCAL_PAIRS) {
      if (!clear(s, d)) continue;
      const part = { proto: "ipv6-icmp", matches: [] };
      const src = { kind: "prefix", text: prefixText(parsePrefix(s)) } as const;
      const dst = { kind: "prefix", text: prefixText(parsePrefix(d)) } as const;
      out.push(line(chain, src, dst, part, "rampart link-local icmpv6", "ACCEPT"));
    }
  return out;
}

function overlaps(list: readonly Prefix[], p: Prefix): boolean {
  return list.some((q) => prefixCovers(p, q) || prefixCovers(q, p));
}

function fileText(ir: IrPoint, family: Family, name: string, hs: Hook[], w: ChainWriter): string {
  const point = ir.point.name;
  const restore = family === 4 ? "iptables-restore" : "ip6tables-restore";
  const owned = hs.map((h) => h.builtIn).join(" and ");
  const left = ir.point.role === "network" ? "INPUT, OUTPUT" : "FORWARD";
  const out = [
    `# Rampart: enforcement point "${commentLine(point)}" (iptables target, ${ir.point.role} role), IPv${family} filter table.`,
    `# Load the ipsets first when there is a ${point}.ipset file:  ipset -exist restore < ${point}.ipset`,
    `# Then:  ${restore} --noflush < ${name}`,
    `# This replaces the rules of ${owned} (policy DROP) and of Rampart's chains ${chainList(hs)};`,
    `# ${left}, other chains and the nat, mangle and raw tables stay as they are.`,
    `# Without --noflush, ${restore} replaces the whole filter table.`,
    "*filter",
    ...hs.map((h) => `:${h.builtIn} DROP [0:0]`),
    ...[...w.chains.keys()].map((c) => `:${c} - [0:0]`),
    ...hs.map((h) => `-F ${h.builtIn}`),
    ...hs.map((h) => `-A ${h.builtIn} -j ${h.chain}`),
    ...[...w.chains.values()].flat(),
    "COMMIT",
  ];
  return `${out.join("\n")}\n`;
}

function chainList(hs: Hook[]): string {
  return hs.map((h) => `${h.chain}*`).join(", ");
}
