// Loads compiled firewall files into the router namespace with the tools a Linux host would use.

import { inNetns } from "../support/oracles.js";

export interface RulesetFile {
  readonly name: string;
  readonly text: string;
}

export type RulesetFormat = "nftables" | "iptables";

function run(ns: string, cmd: string, args: readonly string[], file: RulesetFile): void {
  const r = inNetns(ns, cmd, args, file.text);
  if (r.status !== 0)
    throw new Error(`Cannot load "${file.name}" with ${cmd}: ${(r.stderr || r.stdout).trim() || r.status}`);
}

function pick(files: readonly RulesetFile[], suffix: string): RulesetFile[] {
  return files.filter((f) => f.name.endsWith(suffix));
}

/**
 * nftables: every `.nft` file through `nft -f -`. iptables: `.ipset` files through `ipset -exist restore`
 * first (the rules refer to the sets), then `.rules.v4` and `.rules.v6` through iptables-restore and
 * ip6tables-restore with `--noflush`: the commands the files' own headers give.
 */
export function loadRuleset(ns: string, format: RulesetFormat, files: readonly RulesetFile[]): void {
  const steps: [string, string[], RulesetFile[]][] =
    format === "nftables"
      ? [["nft", ["-f", "-"], pick(files, ".nft")]]
      : [
          ["ipset", ["-exist", "restore"], pick(files, ".ipset")],
          ["iptables-restore", ["--noflush"], pick(files, ".rules.v4")],
          ["ip6tables-restore", ["--noflush"], pick(files, ".rules.v6")],
        ];
  const used = steps.flatMap(([, , f]) => f);
  const unused = files.filter((f) => !used.includes(f));
  if (unused.length > 0 || used.length === 0)
    throw new Error(
      `Cannot load ${format} files: unexpected set ${JSON.stringify(files.map((f) => f.name))}`,
    );
  for (const [cmd, args, list] of steps) for (const file of list) run(ns, cmd, args, file);
}
