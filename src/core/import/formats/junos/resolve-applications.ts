// Application names of a policy as packet sets: custom applications and their terms, application-sets,
// and the predefined junos-* applications.

import { hasIcmp, hasPorts } from "../../../net/protocol.js";
import type { SourceLocation } from "../../../policy/diagnostics.js";
import type { PacketSet, PacketSpace } from "../../../space/packet-set.js";
import { allOf, icmpMatch, portMatch, protocolMatch } from "../../match.js";
import type { ApplicationDef, JunosConfig, Named, Reporter } from "./config.js";
import { type AppTerm, PREDEFINED } from "./predefined.js";

export class ApplicationResolver {
  private readonly cache = new Map<string, PacketSet>();

  constructor(
    private readonly space: PacketSpace,
    private readonly cfg: JunosConfig,
    private readonly rep: Reporter,
  ) {}

  /** The packets of any of the named applications. */
  resolve(names: readonly Named[]): PacketSet {
    return this.space.unionAll(names.map((n) => this.one(n.name, n.loc, new Set())));
  }

  private one(name: string, loc: SourceLocation, seen: Set<string>): PacketSet {
    const cached = this.cache.get(name);
    if (cached) return cached;
    const set = this.lookup(name, loc, seen);
    this.cache.set(name, set);
    return set;
  }

  private lookup(name: string, loc: SourceLocation, seen: Set<string>): PacketSet {
    const space = this.space;
    const app = this.cfg.applications.get(name);
    if (app) return this.custom(app);
    const set = this.cfg.applicationSets.get(name);
    if (set) {
      if (seen.has(name)) {
        this.rep.syntax(`Application set "${name}" contains itself`, set.loc);
        return space.none();
      }
      seen.add(name);
      const members = set.members.map((m) => this.one(m.name, m.loc, seen));
      seen.delete(name);
      return space.unionAll(members);
    }
    const predefined = PREDEFINED[name];
    if (predefined) {
      if (predefined.alg)
        this.rep.unsupported(
          `Application "${name}" runs the ${predefined.alg} ALG, which also admits the connections it negotiates; those are not modelled`,
          loc,
          `alg ${name}`,
        );
      return space.unionAll(predefined.terms.map((t) => termSet(space, t) ?? space.none()));
    }
    if (name.startsWith("junos-"))
      this.rep.unsupported(
        `Predefined application "${name}" is not modelled; it matches nothing here`,
        loc,
        `app ${name}`,
      );
    else this.rep.syntax(`Application "${name}" is not defined; it matches nothing`, loc);
    return space.none();
  }

  private custom(app: ApplicationDef): PacketSet {
    const space = this.space;
    const sets: PacketSet[] = [];
    for (const [termName, t] of app.terms) {
      if (t.broken) continue;
      const what = termName === "" ? `Application "${app.name}"` : `Term "${termName}" of "${app.name}"`;
      // Every application term names its protocol; one without matches nothing rather than everything.
      const set = t.proto === undefined ? undefined : termSet(space, t);
      if (set) sets.push(set);
      else if (t.proto === undefined) this.rep.syntax(`${what} has no protocol; it matches nothing`, t.loc);
      else this.rep.syntax(`${what} gives ports or ICMP types its protocol does not carry`, t.loc);
    }
    if (app.terms.size === 0) this.rep.syntax(`Application "${app.name}" has no protocol`, app.loc);
    return space.unionAll(sets);
  }
}

/** The packets of one term; undefined when the term is inconsistent (ports on a portless protocol). */
export function termSet(space: PacketSpace, t: AppTerm): PacketSet | undefined {
  const portsOrIcmp =
    t.dstPorts !== undefined ||
    t.srcPorts !== undefined ||
    t.icmpType !== undefined ||
    t.icmpCode !== undefined;
  if (t.proto === undefined) return portsOrIcmp ? undefined : space.all();
  const p = t.proto;
  const parts: PacketSet[] = [protocolMatch(space, [{ lo: p, hi: p }])];
  if (t.dstPorts || t.srcPorts) {
    if (!hasPorts(p)) return undefined;
    if (t.dstPorts) parts.push(portMatch(space, [p], "dst", [t.dstPorts]));
    if (t.srcPorts) parts.push(portMatch(space, [p], "src", [t.srcPorts]));
  }
  if (t.icmpType !== undefined || t.icmpCode !== undefined) {
    if (!hasIcmp(p)) return undefined;
    const type = t.icmpType === undefined ? undefined : [{ lo: t.icmpType, hi: t.icmpType }];
    const code = t.icmpCode === undefined ? undefined : [{ lo: t.icmpCode, hi: t.icmpCode }];
    parts.push(icmpMatch(space, p, type, code));
  }
  return allOf(space, parts);
}
