// A header's targets read as a filter: its name, the address families its terms match, and what becomes of a
// packet no term decides (the default each aclgen generator writes).

import type { Family } from "../../../net/address.js";
import type { RuleList } from "../../model.js";
import type { Block } from "./parse-policy.js";
import type { Loc, Report } from "./report.js";

export interface Filter {
  /** The list name: `TARGET:NAME` (nftables: `nftables:FAMILY-HOOK`). */
  readonly name: string;
  /** The first target's generator: the one the filter's meaning is taken from. */
  readonly target: string;
  /** Every target of the header (platform and platform-exclude are read against the first). */
  readonly targets: readonly string[];
  readonly options: readonly string[];
  readonly families: readonly Family[];
  readonly fallThrough: RuleList["fallThrough"];
  readonly loc: Loc;
  readonly comment?: string;
}

/** Targets whose filters use iptables chains: built-in chains take a policy, user chains return. */
const IPTABLES_LIKE = new Set(["iptables", "speedway"]);
const BUILTIN_CHAINS = new Set(["INPUT", "OUTPUT", "FORWARD"]);

function familiesOf(options: readonly string[], fallback: readonly Family[]): Family[] {
  if (options.includes("mixed")) return [4, 6];
  if (options.includes("inet6")) return [6];
  if (options.includes("inet")) return [4];
  return [...fallback];
}

/**
 * The filter a header describes, or undefined (reported) when it has no target. Defaults, from the
 * generators: iptables/speedway built-in chains drop unless the header says ACCEPT (`_DEFAULT_ACTION`), and
 * user chains return to their caller ("next"); nftables base chains drop unless ACCEPT; every other target
 * (router ACLs, Junos filters, SRX and Palo Alto policies, cloud firewalls) ends in an implicit deny.
 */
export function readHeader(block: Block, report: Report): Filter | undefined {
  const targets = block.fields.filter((f) => f.key === "target");
  const comment = block.fields
    .filter((f) => f.key === "comment")
    .flatMap((f) => f.values.map((v) => v.text))
    .join(" ");
  for (const f of block.fields)
    if (
      f.key !== "target" &&
      f.key !== "comment" &&
      f.key !== "apply-groups" &&
      f.key !== "apply-groups-except"
    )
      report("config-ignored", "info", `Header keyword "${f.key}" has no effect on filtering`, f.loc);
  const first = targets[0];
  if (!first || first.values.length === 0) {
    report("config-syntax", "error", "Header without a target: its terms are not read", block.loc);
    return undefined;
  }
  const target = first.values[0]!.text.toLowerCase();
  const options = first.values.slice(1).map((v) => v.text);
  const base = {
    target,
    targets: targets.map((t) => t.values[0]?.text.toLowerCase() ?? ""),
    options,
    loc: block.loc,
  };
  const extra = comment !== "" ? { comment } : {};
  if (IPTABLES_LIKE.has(target)) {
    const chain = options[0] ?? "INPUT";
    const builtin = BUILTIN_CHAINS.has(chain.toUpperCase());
    const fallThrough = !builtin ? "next" : options.includes("ACCEPT") ? "accept" : "drop";
    return { ...base, ...extra, name: `${target}:${chain}`, families: familiesOf(options, [4]), fallThrough };
  }
  if (target === "nftables") {
    const af = options[0] ?? "";
    if (!["inet", "inet6", "mixed"].includes(af))
      report(
        "config-syntax",
        "error",
        `nftables header needs a family inet, inet6 or mixed, found "${af}"`,
        first.loc,
      );
    const hook = (options[1] ?? "input").toLowerCase();
    const fallThrough = options.includes("ACCEPT") ? "accept" : "drop";
    return {
      ...base,
      ...extra,
      name: `nftables:${af}-${hook}`,
      families: familiesOf([af], [4]),
      fallThrough,
    };
  }
  const name = options.find(
    (o) => !["inet", "inet6", "mixed", "extended", "standard", "object-group"].includes(o),
  );
  const zones = /^(srx|paloalto|junipersrx|fortigate)$/.test(target) && options[0] === "from-zone";
  const listName = zones ? `${options[1] ?? ""}>${options[3] ?? ""}` : (name ?? "filter");
  const fallback: Family[] = zones ? [4, 6] : [4];
  return {
    ...base,
    ...extra,
    name: `${target}:${listName}`,
    families: familiesOf(options, fallback),
    fallThrough: "drop",
  };
}
