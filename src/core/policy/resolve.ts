// Resolution: every reference and service of a parsed policy turned into address terms and service atoms.

import { closestName, type Diagnostic, diagnostic, sortDiagnostics } from "./diagnostics.js";
import { isCalendarDate } from "./parse-rules.js";
import { ReferenceResolver } from "./resolve-references.js";
import { computeZoneSpaces, prefixesOverlap, termsCover, type ZoneNetwork } from "./resolve-zones.js";
import { ServiceResolver } from "./services.js";
import type {
  AddressTerm,
  Asset,
  Assertion,
  EnforcementPoint,
  Policy,
  Reference,
  Rule,
  ServiceAtom,
  ServiceEntry,
} from "./types.js";

export interface ResolvedRule {
  readonly rule: Rule;
  readonly from: AddressTerm[];
  readonly to: AddressTerm[];
  readonly services: ServiceAtom[];
  /** The rule's `expires` date is before today: it no longer applies (but stays listed). */
  readonly expired: boolean;
}

export interface ResolvedAssertion {
  readonly assertion: Assertion;
  readonly from: AddressTerm[];
  readonly to: AddressTerm[];
  readonly services: ServiceAtom[];
}

export interface ResolvedPoint {
  readonly point: EnforcementPoint;
  /** Zone names, "all" expanded to every zone; unknown names left out (and reported). */
  readonly zones: string[];
  /** For `role: host`: the assets the point protects (every address inside its `hosts`), in policy order. */
  readonly hosts: Asset[];
}

export interface ResolvedPolicy {
  readonly policy: Policy;
  /** Each zone's exact address space (longest-prefix match between zones). */
  readonly zones: ReadonlyMap<string, AddressTerm[]>;
  readonly flows: ResolvedRule[];
  readonly denies: ResolvedRule[];
  readonly assertions: ResolvedAssertion[];
  readonly points: ResolvedPoint[];
  /** Resolve references given on the command line or in an API call (loc is synthetic). */
  resolveReferences(refs: readonly Reference[]): { terms: AddressTerm[]; diagnostics: Diagnostic[] };
  resolveServices(entries: readonly ServiceEntry[]): { atoms: ServiceAtom[]; diagnostics: Diagnostic[] };
}

/**
 * Resolves a parsed policy. Every definition is checked once, used or not; a reference that cannot be
 * resolved contributes nothing and is reported. `today` (YYYY-MM-DD) decides which rules have expired.
 */
export function resolvePolicy(
  policy: Policy,
  options: { today: string },
): { resolved: ResolvedPolicy; diagnostics: Diagnostic[] } {
  const { today } = options;
  if (!isCalendarDate(today))
    throw new RangeError(`Cannot resolve policy: today "${today}" is not YYYY-MM-DD`);
  const diagnostics: Diagnostic[] = [];
  const { spaces, networks } = computeZoneSpaces(policy.zones, diagnostics);
  const refs = new ReferenceResolver(policy, spaces);
  // Resolve every definition now, so problems inside unused ones are found too, and each only once.
  refs.resolveDefinitions(diagnostics);
  for (const asset of policy.assets) checkAssetZone(asset, spaces, networks, diagnostics);
  const services = new ServiceResolver(policy.services);
  diagnostics.push(...services.checkDefinitions());
  const atoms = (entries: readonly ServiceEntry[]): ServiceAtom[] => {
    const r = services.resolve(entries);
    diagnostics.push(...r.diagnostics);
    return r.atoms;
  };
  const resolveRule = (rule: Rule): ResolvedRule => {
    const expired = isExpired(rule, today, diagnostics);
    return {
      rule,
      from: refs.resolve(rule.from, diagnostics),
      to: refs.resolve(rule.to, diagnostics),
      services: atoms(rule.services),
      expired,
    };
  };
  const flows = policy.flows.map(resolveRule);
  const denies = policy.denies.map(resolveRule);
  const assertions = policy.assertions.map((assertion): ResolvedAssertion => ({
    assertion,
    from: refs.resolve(assertion.from, diagnostics),
    to: refs.resolve(assertion.to, diagnostics),
    services: atoms(assertion.services),
  }));
  const zoneNames = policy.zones.map((z) => z.name);
  const points = policy.enforcement.map((point) => {
    const zones = resolvePointZones(point, zoneNames, diagnostics);
    return { point, zones, hosts: resolvePointHosts(point, zones, spaces, refs, policy.assets, diagnostics) };
  });
  const resolved: ResolvedPolicy = {
    policy,
    zones: spaces,
    flows,
    denies,
    assertions,
    points,
    resolveReferences(list) {
      const sink: Diagnostic[] = [];
      const terms = refs.resolve(list, sink);
      return { terms, diagnostics: sink };
    },
    resolveServices(entries) {
      return services.resolve(entries);
    },
  };
  return { resolved, diagnostics: sortDiagnostics(diagnostics) };
}

/** A rule whose last day is before today; it stays in the model, with a warning at its date. */
function isExpired(rule: Rule, today: string, diagnostics: Diagnostic[]): boolean {
  if (!rule.expires || today <= rule.expires.value) return false;
  const date = rule.expires.value;
  const message =
    rule.kind === "flow"
      ? `Flow "${rule.name}" expired on ${date} and allows nothing`
      : `Deny "${rule.name}" expired on ${date} and blocks nothing`;
  diagnostics.push(diagnostic("flow-expired", "warning", message, rule.expires.loc));
  return true;
}

function resolvePointZones(
  point: EnforcementPoint,
  zoneNames: readonly string[],
  diagnostics: Diagnostic[],
): string[] {
  if (point.zones === "all") return [...zoneNames];
  const zones: string[] = [];
  for (const z of point.zones) {
    if (zoneNames.includes(z.value)) {
      if (!zones.includes(z.value)) zones.push(z.value);
      continue;
    }
    const hint = closestName(z.value, zoneNames);
    const message = `Unknown zone "${z.value}"${hint ? `; did you mean "${hint}"?` : ""}`;
    diagnostics.push(diagnostic("unknown-reference", "error", message, z.loc));
  }
  return zones;
}

/** The assets a host-role point protects: those with every address inside its `hosts` (default: its zones). */
function resolvePointHosts(
  point: EnforcementPoint,
  zones: readonly string[],
  spaces: ReadonlyMap<string, AddressTerm[]>,
  refs: ReferenceResolver,
  assets: readonly Asset[],
  diagnostics: Diagnostic[],
): Asset[] {
  if (point.role !== "host") {
    if (point.hosts)
      diagnostics.push(
        diagnostic(
          "invalid-value",
          "warning",
          `"hosts" applies to role "host" only; enforcement point "${point.name}" is a network point`,
          point.hosts[0]?.loc ?? point.loc,
        ),
      );
    return [];
  }
  const terms = point.hosts
    ? refs.resolve(point.hosts, diagnostics)
    : zones.flatMap((z) => spaces.get(z) ?? []);
  return assets.filter(
    (a) => a.addresses.length > 0 && a.addresses.every((n) => termsCover(terms, n.prefix)),
  );
}

/** An asset placed in a zone must have every address inside that zone's space. */
function checkAssetZone(
  asset: Asset,
  spaces: ReadonlyMap<string, AddressTerm[]>,
  networks: readonly ZoneNetwork[],
  diagnostics: Diagnostic[],
): void {
  if (!asset.zone) return;
  const zoneName = asset.zone.value;
  const space = spaces.get(zoneName);
  if (!space) {
    const hint = closestName(zoneName, spaces.keys());
    const message = `Unknown zone "${zoneName}"${hint ? `; did you mean "${hint}"?` : ""}`;
    diagnostics.push(diagnostic("unknown-reference", "error", message, asset.zone.loc));
    return;
  }
  for (const address of asset.addresses) {
    if (termsCover(space, address.prefix)) continue;
    const actual = [...spaces].find(([, terms]) => termsCover(terms, address.prefix))?.[0];
    const where = actual
      ? `it is in zone "${actual}"`
      : networks.some((n) => prefixesOverlap(n.entry.prefix, address.prefix))
        ? "it is not entirely inside any one zone"
        : "it is in no zone";
    const message = `Address "${address.text}" of asset "${asset.name}" is not inside its zone "${zoneName}"; ${where}`;
    diagnostics.push(diagnostic("address-outside-zone", "error", message, address.loc));
  }
}
