// Named object-groups shared by the Cisco renderers: one group per distinct content. A first pass counts
// which policy rules use each content, so a group only one rule uses is named after it and a shared one by
// what it holds.

import { deviceName } from "../../names.js";

export interface ObjectGroup {
  /** "network", "service" ... as the device's `object-group` command takes it. */
  readonly kind: string;
  readonly name: string;
  /** The member lines, without indentation. */
  readonly lines: readonly string[];
}

export interface GroupRequest {
  readonly kind: string;
  readonly lines: readonly string[];
  /** The policy rule that needs the group; its name plus `suffix` names a group no other rule uses. */
  readonly owner: string;
  readonly suffix: string;
  /** A name saying what the group holds, taken whoever uses it (a zone, a union of zones). */
  readonly preferred?: string;
  /** A name saying what the group holds, taken when several policy rules share the group. */
  readonly shared?: string;
}

/** The groups of one configuration, in order of first use. Call `startNaming` between the two passes. */
export class ObjectGroups {
  readonly groups: ObjectGroup[] = [];
  private readonly owners = new Map<string, Set<string>>();
  private readonly byContent = new Map<string, string>();
  private readonly used = new Set<string>();
  private counting = true;

  constructor(private readonly maxName: number) {}

  /** Ends the counting pass: from now on `name` creates and names groups. */
  startNaming(): void {
    this.counting = false;
  }

  /** The group's name (a placeholder while counting). */
  name(req: GroupRequest): string {
    const key = `${req.kind}\n${req.lines.join("\n")}`;
    if (this.counting) {
      const owners = this.owners.get(key) ?? new Set<string>();
      owners.add(req.owner);
      this.owners.set(key, owners);
      return "counting";
    }
    const known = this.byContent.get(key);
    if (known !== undefined) return known;
    const shared = (this.owners.get(key)?.size ?? 0) > 1 ? req.shared : undefined;
    const whole = req.preferred ?? shared;
    const name = whole !== undefined ? this.unique(whole, "") : this.unique(req.owner, req.suffix);
    this.byContent.set(key, name);
    this.used.add(name.toLowerCase());
    this.groups.push({ kind: req.kind, name, lines: req.lines });
    return name;
  }

  private unique(base: string, suffix: string): string {
    for (let n = 1; ; n++) {
      const tail = n === 1 ? suffix : `${suffix}-${n}`;
      const name = deviceName(base, this.maxName - tail.length) + tail;
      if (!this.used.has(name.toLowerCase())) return name;
    }
  }
}

/** Longest content-based service group name; longer contents are named after a policy rule. */
const CONTENT_MAX = 40;

/**
 * A name from a service group's members ("tcp eq 80", "service-object udp source eq 53"): svc_tcp80_udp-from53.
 * Undefined when it would be long.
 */
export function serviceContentName(members: readonly string[]): string | undefined {
  const parts = members.map((m) => {
    const w = m.split(" ").filter((x) => x !== "service-object" && x !== "destination" && x !== "eq");
    let out = w[0] === "tcp-udp" ? "tcpudp" : /^[0-9]+$/.test(w[0] ?? "") ? `proto${w[0]}` : (w[0] ?? "");
    for (let i = 1; i < w.length; i++) {
      if (w[i] === "source") out += "-from";
      else if (w[i] === "range") {
        out += `${w[i + 1]}-${w[i + 2]}`;
        i += 2;
      } else out += w[i];
    }
    return out;
  });
  const name = `svc_${parts.join("_")}`;
  return name.length <= CONTENT_MAX ? name : undefined;
}
