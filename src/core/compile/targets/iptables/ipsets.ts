// The ipsets of a point: long address lists as hash:net sets, shared by every rule with the same list, and
// the file `ipset restore` loads them from.

import type { Family } from "../../../net/address.js";
import { formatPrefix, type Prefix } from "../../../net/prefix.js";
import { commentLine } from "./text.js";

export interface IpSet {
  readonly name: string;
  readonly family: Family;
  readonly prefixes: readonly Prefix[];
  /** Who uses the set, for the file's comments: "sources of flow x". */
  readonly users: string[];
}

/** ipset's own limit on set names, the temporary "-t" name included. */
export const SET_NAME_MAX = 31;
/** hash:net holds 65536 entries unless told otherwise. */
const DEFAULT_MAXELEM = 65536;

export class SetRegistry {
  private readonly byKey = new Map<string, IpSet>();
  private readonly counts: Record<Family, number> = { 4: 0, 6: 0 };

  /** `stem` is the chain option; `tag` tells a network point's sets from a host point's. */
  constructor(
    private readonly stem: string,
    private readonly tag: "fwd" | "host",
  ) {}

  /** The name of the set holding exactly these prefixes (one family), made on first use. */
  use(family: Family, prefixes: readonly Prefix[], user: string): string {
    const texts = prefixes.map(formatPrefix);
    const key = `${family} ${[...texts].sort().join(" ")}`;
    let set = this.byKey.get(key);
    if (!set) {
      this.counts[family] += 1;
      const name = `${this.stem.toLowerCase()}-${this.tag}${family}-${this.counts[family]}`;
      if (name.length + 2 > SET_NAME_MAX) throw new RangeError(`Set name "${name}" is too long for ipset`);
      set = { name, family, prefixes, users: [] };
      this.byKey.set(key, set);
    }
    if (!set.users.includes(user)) set.users.push(user);
    return set.name;
  }

  sets(): IpSet[] {
    return [...this.byKey.values()];
  }
}

/**
 * The ipset file. Each set is filled under a temporary name and swapped in, so reloading replaces its
 * content in one step while rules keep pointing at it; `-exist` lets `create` meet a set that is there.
 */
export function renderIpsets(point: string, role: string, sets: readonly IpSet[]): string {
  const out: string[] = [
    `# Rampart: ipsets of enforcement point "${commentLine(point)}" (iptables target, ${role} role).`,
    `# Load them before the rules:  ipset -exist restore < ${point}.ipset`,
    "# Each set is filled under a temporary name (NAME-t) and swapped in, so a reload replaces it at once.",
  ];
  for (const s of sets) {
    const type = `hash:net family ${s.family === 4 ? "inet" : "inet6"}${maxelem(s.prefixes.length)}`;
    const tmp = `${s.name}-t`;
    out.push(
      "",
      `# ${s.name}: ${commentLine(s.users.join("; "))}`,
      `create ${s.name} ${type}`,
      `create ${tmp} ${type}`,
      `flush ${tmp}`,
      ...s.prefixes.map((p) => `add ${tmp} ${formatPrefix(p)}`),
      `swap ${tmp} ${s.name}`,
      `destroy ${tmp}`,
    );
  }
  return `${out.join("\n")}\n`;
}

function maxelem(count: number): string {
  return count > DEFAULT_MAXELEM ? ` maxelem ${count}` : "";
}
