// References to address sets ("zone:N", "group:N", "app:N/TIER", "any", literals) resolved to address terms.

import { checkPrefix } from "../net/prefix.js";
import { closestName, type Diagnostic, diagnostic, type SourceLocation } from "./diagnostics.js";
import { dedupeTerms } from "./resolve-zones.js";
import type { AddressTerm, Application, Asset, Group, Policy, Reference } from "./types.js";

const ANY: readonly AddressTerm[] = [
  { prefix: { family: 4, value: 0n, length: 0 }, except: [] },
  { prefix: { family: 6, value: 0n, length: 0 }, except: [] },
];
const KINDS = ["zone", "asset", "group", "app"] as const;
const FORMS = "zone:NAME, asset:NAME, group:NAME, app:NAME, app:NAME/TIER, any, or an IP address or CIDR";

/** A reference taken apart: which kind of thing it names. */
type ParsedReference =
  | { readonly kind: "any" }
  | { readonly kind: "zone" | "asset" | "group" | "app"; readonly name: string }
  | { readonly kind: "tier"; readonly app: string; readonly tier: string }
  | { readonly kind: "literal"; readonly text: string };

interface Member {
  readonly ref: Reference;
  readonly parsed: ParsedReference;
}

function parseReference(text: string): ParsedReference {
  const t = text.trim();
  if (t === "any") return { kind: "any" };
  const colon = t.indexOf(":");
  const kind = colon > 0 ? t.slice(0, colon) : "";
  const name = t.slice(colon + 1).trim();
  if (kind === "zone" || kind === "asset" || kind === "group") return { kind, name };
  if (kind !== "app") return { kind: "literal", text: t };
  const slash = name.indexOf("/");
  if (slash < 0) return { kind: "app", name };
  return { kind: "tier", app: name.slice(0, slash), tier: name.slice(slash + 1) };
}

/**
 * Resolves references against one policy. Definitions (groups, applications, tiers) are resolved once
 * and remembered, so a problem inside a group is reported once however often the group is used;
 * problems in the reference itself (an unknown name, a bad literal) are reported at every place it is
 * written. Nesting is followed with an explicit stack, so no depth of groups can overflow the call stack.
 */
export class ReferenceResolver {
  private readonly assets: ReadonlyMap<string, Asset>;
  private readonly groups: ReadonlyMap<string, Group>;
  private readonly apps: ReadonlyMap<string, Application>;
  /** The members of each definition, by key: "group:N", "app:N" (its tiers) and "app:N/TIER". */
  private readonly definitions = new Map<string, readonly Member[]>();
  private readonly memo = new Map<string, AddressTerm[]>();

  constructor(
    policy: Policy,
    private readonly zones: ReadonlyMap<string, AddressTerm[]>,
  ) {
    this.assets = new Map(policy.assets.map((a) => [a.name, a]));
    this.groups = new Map(policy.groups.map((g) => [g.name, g]));
    this.apps = new Map(policy.applications.map((a) => [a.name, a]));
    const members = (refs: readonly Reference[]) =>
      refs.map((ref) => ({ ref, parsed: parseReference(ref.value) }));
    for (const g of this.groups.values()) this.definitions.set(`group:${g.name}`, members(g.members));
    for (const app of this.apps.values()) {
      for (const t of app.tiers) this.definitions.set(`app:${app.name}/${t.name}`, members(t.members));
      const tiers = app.tiers.map((t): Member => ({
        ref: { value: `app:${app.name}/${t.name}`, loc: t.loc },
        parsed: { kind: "tier", app: app.name, tier: t.name },
      }));
      this.definitions.set(`app:${app.name}`, tiers);
    }
  }

  /** Resolves every definition, used or not, so that the problems inside each are reported (once). */
  resolveDefinitions(sink: Diagnostic[]): void {
    for (const key of this.definitions.keys()) this.define(key, sink);
  }

  /** The union of the references' address sets. */
  resolve(refs: readonly Reference[], sink: Diagnostic[]): AddressTerm[] {
    return dedupeTerms(
      refs.flatMap((ref) => {
        const member = { ref, parsed: parseReference(ref.value) };
        const key = this.definitionKey(member.parsed);
        if (key !== undefined) this.define(key, sink);
        return this.resolveMember(member, sink);
      }),
    );
  }

  /** The key of the definition a reference names, when that definition exists. */
  private definitionKey(p: ParsedReference): string | undefined {
    const key =
      p.kind === "group" || p.kind === "app"
        ? `${p.kind}:${p.name}`
        : p.kind === "tier"
          ? `app:${p.app}/${p.tier}`
          : "";
    return this.definitions.has(key) ? key : undefined;
  }

  /**
   * Resolves a definition and everything it depends on, depth first with an explicit stack. Meeting a
   * definition that is still open is a cycle, reported at the reference that closes it; that edge adds nothing.
   */
  private define(root: string, sink: Diagnostic[]): void {
    if (this.memo.has(root)) return;
    const frames: { key: string; members: readonly Member[]; next: number }[] = [];
    const open = new Set<string>();
    const enter = (key: string) => {
      frames.push({ key, members: this.definitions.get(key) ?? [], next: 0 });
      open.add(key);
    };
    enter(root);
    while (frames.length > 0) {
      const top = frames[frames.length - 1]!;
      const member = top.members[top.next++];
      if (member) {
        const dep = this.definitionKey(member.parsed);
        if (dep === undefined || this.memo.has(dep)) continue;
        if (!open.has(dep)) enter(dep);
        else {
          const cycle = [...frames.slice(frames.findIndex((f) => f.key === dep)).map((f) => f.key), dep];
          sink.push(
            diagnostic("reference-cycle", "error", `Reference cycle: ${cycle.join(" -> ")}`, member.ref.loc),
          );
        }
        continue;
      }
      // Every dependency is resolved now (or open, on a cycle): combine the members.
      frames.pop();
      open.delete(top.key);
      this.memo.set(top.key, dedupeTerms(top.members.flatMap((m) => this.resolveMember(m, sink))));
    }
  }

  /** One reference's terms; a definition's are taken from the memo (absent only on a reported cycle). */
  private resolveMember({ ref, parsed: p }: Member, sink: Diagnostic[]): AddressTerm[] {
    const loc = ref.loc;
    switch (p.kind) {
      case "any":
        return [...ANY];
      case "zone": {
        const space = this.zones.get(p.name);
        if (!space) sink.push(unknown("zone", p.name, this.zones.keys(), loc));
        return space ?? [];
      }
      case "asset": {
        const asset = this.assets.get(p.name);
        if (!asset) sink.push(unknown("asset", p.name, this.assets.keys(), loc));
        return asset?.addresses.map((a) => ({ prefix: a.prefix, except: [] })) ?? [];
      }
      case "group":
        if (!this.groups.has(p.name)) sink.push(unknown("group", p.name, this.groups.keys(), loc));
        return this.memo.get(`group:${p.name}`) ?? [];
      case "app":
        if (!this.apps.has(p.name)) sink.push(unknown("application", p.name, this.apps.keys(), loc));
        return this.memo.get(`app:${p.name}`) ?? [];
      case "tier": {
        const app = this.apps.get(p.app);
        if (!app) sink.push(unknown("application", p.app, this.apps.keys(), loc));
        else if (!app.tiers.some((t) => t.name === p.tier)) {
          const hint = closestName(
            p.tier,
            app.tiers.map((t) => t.name),
          );
          const message = `Application "${p.app}" has no tier "${p.tier}"${hint ? `; did you mean "${hint}"?` : ""}`;
          sink.push(diagnostic("unknown-reference", "error", message, loc));
        }
        return this.memo.get(`app:${p.app}/${p.tier}`) ?? [];
      }
      case "literal":
        return this.literal(p.text, loc, sink);
      default: {
        const never: never = p;
        throw new TypeError(`Unhandled reference ${JSON.stringify(never)}`);
      }
    }
  }

  private literal(text: string, loc: SourceLocation, sink: Diagnostic[]): AddressTerm[] {
    const checked = checkPrefix(text);
    if (checked.ok) return [{ prefix: checked.prefix, except: [] }];
    if (checked.reason === "host-bits") sink.push(diagnostic("host-bits", "error", checked.message, loc));
    else if (looksLikeAddress(text)) sink.push(diagnostic("invalid-cidr", "error", checked.message, loc));
    else sink.push(diagnostic("unknown-reference", "error", this.unknownFormMessage(text), loc));
    return [];
  }

  private unknownFormMessage(text: string): string {
    const colon = text.indexOf(":");
    if (colon > 0) {
      const kind = text.slice(0, colon);
      const hint = closestName(kind, KINDS);
      const suggestion = hint ? `did you mean "${hint}:${text.slice(colon + 1)}"?` : `expected ${FORMS}`;
      return `Unknown reference kind "${kind}" in "${text}"; ${suggestion}`;
    }
    // A bare name: say which kind of definition has it, if one does.
    const kinds: [string, ReadonlyMap<string, unknown>][] = [
      ["zone", this.zones],
      ["asset", this.assets],
      ["group", this.groups],
      ["app", this.apps],
    ];
    for (const [kind, names] of kinds)
      if (names.has(text)) return `Unknown reference "${text}"; did you mean "${kind}:${text}"?`;
    if (closestName(text, ["any"])) return `Unknown reference "${text}"; did you mean "any"?`;
    return `Unknown reference "${text}"; expected ${FORMS}`;
  }
}

/** Text that was meant as an IP address or CIDR: digits, dots, hex and colons, and maybe a length. */
function looksLikeAddress(text: string): boolean {
  return /^[0-9.]+(\/.*)?$/.test(text) || /^[0-9a-f]*:[0-9a-f:.]*(\/.*)?$/i.test(text);
}

function unknown(label: string, name: string, names: Iterable<string>, loc: SourceLocation): Diagnostic {
  const hint = closestName(name, names);
  const message = `Unknown ${label} "${name}"${hint ? `; did you mean "${hint}"?` : ""}`;
  return diagnostic("unknown-reference", "error", message, loc);
}
