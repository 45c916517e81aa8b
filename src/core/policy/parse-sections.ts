// Readers for the named-definition sections: zones, services, assets, groups and applications.

import { isMap, isSeq } from "yaml";
import { checkPrefix } from "../net/prefix.js";
import type { SourceLocation } from "./diagnostics.js";
import { describe, type Field, type NodeReader } from "./parse-reader.js";
import type {
  Application,
  Asset,
  Criticality,
  Group,
  K8sSelector,
  NetworkEntry,
  ServiceDef,
  Tier,
  Zone,
} from "./types.js";

const CRITICALITIES: readonly Criticality[] = ["low", "medium", "high", "critical"];

/** Names are written inside references ("app:shop/web"), so they cannot hold the separators. */
const BAD_NAME = /[\s:/]/;

/** The entries of a section or sub-map that maps names to definitions; names are checked. */
export function namedEntries(
  r: NodeReader,
  node: unknown,
  loc: SourceLocation,
  what: string,
  kind: string,
): Field[] {
  const map = r.map(node, loc, what);
  if (!map) return [];
  const out = r.entries(map, loc);
  for (const f of out)
    if (BAD_NAME.test(f.key) || f.key === "")
      r.report(
        "invalid-value",
        `Invalid ${kind} name "${f.key}": names cannot contain spaces, ":" or "/"`,
        f.keyLoc,
      );
  return out;
}

/** IP addresses and CIDRs; entries that are not valid networks are reported and dropped. */
export function readNetworks(
  r: NodeReader,
  node: unknown,
  loc: SourceLocation,
  what: string,
): NetworkEntry[] {
  const out: NetworkEntry[] = [];
  for (const t of r.texts(node, loc, what) ?? []) {
    const checked = checkPrefix(t.value);
    if (checked.ok) out.push({ prefix: checked.prefix, text: t.value, loc: t.loc });
    else r.report(checked.reason === "host-bits" ? "host-bits" : "invalid-cidr", checked.message, t.loc);
  }
  return out;
}

export function readZones(r: NodeReader, node: unknown, loc: SourceLocation): Zone[] {
  const zones: Zone[] = [];
  for (const f of namedEntries(r, node, loc, 'the "zones" section', "zone")) {
    const context = `in zone "${f.key}"`;
    if (isSeq(f.node)) {
      zones.push({
        name: f.key,
        loc: f.keyLoc,
        networks: readNetworks(r, f.node, f.loc, `"${f.key}" ${context}`),
      });
      continue;
    }
    if (!isMap(f.node)) {
      const got = describe(f.node);
      const message = `Expected a map with "networks" or a list of networks for zone "${f.key}", got ${got}`;
      if (f.node !== undefined) r.report("invalid-type", message, f.loc);
      continue;
    }
    const map = f.node;
    const fields = r.fields(map, f.loc, context, ["networks", "description"]);
    r.require(fields, ["networks"], f.keyLoc, context);
    const networks = fields.get("networks");
    const description = optionalText(r, fields, "description", context);
    zones.push({
      name: f.key,
      loc: f.keyLoc,
      networks: networks ? readNetworks(r, networks.node, networks.loc, `"networks" ${context}`) : [],
      ...(description !== undefined && { description }),
    });
  }
  return zones;
}

export function readServices(r: NodeReader, node: unknown, loc: SourceLocation): ServiceDef[] {
  return namedEntries(r, node, loc, 'the "services" section', "service").map((f) => ({
    name: f.key,
    loc: f.keyLoc,
    entries: r.texts(f.node, f.loc, `service "${f.key}"`, true) ?? [],
  }));
}

export function readGroups(r: NodeReader, node: unknown, loc: SourceLocation): Group[] {
  return namedEntries(r, node, loc, 'the "groups" section', "group").map((f) => ({
    name: f.key,
    loc: f.keyLoc,
    members: r.texts(f.node, f.loc, `group "${f.key}"`) ?? [],
  }));
}

const ASSET_KEYS = [
  "addresses",
  "zone",
  "owner",
  "criticality",
  "data",
  "tags",
  "description",
  "k8s",
] as const;

export function readAssets(r: NodeReader, node: unknown, loc: SourceLocation): Asset[] {
  const assets: Asset[] = [];
  for (const f of namedEntries(r, node, loc, 'the "assets" section', "asset")) {
    const context = `in asset "${f.key}"`;
    const map = r.map(f.node, f.loc, `asset "${f.key}"`);
    if (!map) continue;
    const fields = r.fields(map, f.loc, context, ASSET_KEYS);
    // A Kubernetes workload may be known only by its selector.
    if (!fields.has("k8s")) r.require(fields, ["addresses"], f.keyLoc, context);
    const get = (key: string) => fields.get(key);
    const addresses = get("addresses");
    const zoneField = get("zone");
    const zone = zoneField && r.text(zoneField.node, zoneField.loc, `"zone" ${context}`);
    const owner = optionalText(r, fields, "owner", context);
    const critField = get("criticality");
    const criticality =
      critField && r.choice(critField.node, critField.loc, `"criticality" ${context}`, CRITICALITIES);
    const description = optionalText(r, fields, "description", context);
    const k8sField = get("k8s");
    const k8s = k8sField && readK8s(r, k8sField, context);
    assets.push({
      name: f.key,
      loc: f.keyLoc,
      addresses: addresses ? readNetworks(r, addresses.node, addresses.loc, `"addresses" ${context}`) : [],
      ...(zone && { zone }),
      ...(owner !== undefined && { owner }),
      ...(criticality && { criticality: criticality.value }),
      data: optionalTexts(r, fields, "data", context),
      tags: optionalTexts(r, fields, "tags", context),
      ...(description !== undefined && { description }),
      ...(k8s && { k8s }),
    });
  }
  return assets;
}

function readK8s(r: NodeReader, field: Field, context: string): K8sSelector | undefined {
  const what = `"k8s" ${context}`;
  const map = r.map(field.node, field.loc, what);
  if (!map) return undefined;
  const fields = r.fields(map, field.loc, `in ${what}`, ["namespace", "labels"]);
  r.require(fields, ["namespace"], field.keyLoc, `in ${what}`);
  const namespace = optionalText(r, fields, "namespace", `in ${what}`);
  const labelsField = fields.get("labels");
  const labels: Record<string, string> = {};
  const labelsMap = labelsField && r.map(labelsField.node, labelsField.loc, `"labels" in ${what}`);
  for (const l of labelsMap ? r.entries(labelsMap, labelsField.loc) : []) {
    const value = r.text(l.node, l.loc, `label "${l.key}" in ${what}`);
    if (value) labels[l.key] = value.value;
  }
  return namespace === undefined ? undefined : { namespace, labels };
}

export function readApplications(r: NodeReader, node: unknown, loc: SourceLocation): Application[] {
  const apps: Application[] = [];
  for (const f of namedEntries(r, node, loc, 'the "applications" section', "application")) {
    const context = `in application "${f.key}"`;
    const map = r.map(f.node, f.loc, `application "${f.key}"`);
    if (!map) continue;
    const fields = r.fields(map, f.loc, context, ["owner", "description", "tiers"]);
    r.require(fields, ["tiers"], f.keyLoc, context);
    const owner = optionalText(r, fields, "owner", context);
    const description = optionalText(r, fields, "description", context);
    const tiersField = fields.get("tiers");
    const tiers: Tier[] = [];
    if (tiersField)
      for (const t of namedEntries(r, tiersField.node, tiersField.loc, `"tiers" ${context}`, "tier"))
        tiers.push({
          name: t.key,
          loc: t.keyLoc,
          members: r.texts(t.node, t.loc, `tier "${t.key}" ${context}`) ?? [],
        });
    apps.push({
      name: f.key,
      loc: f.keyLoc,
      ...(owner !== undefined && { owner }),
      ...(description !== undefined && { description }),
      tiers,
    });
  }
  return apps;
}

/** An optional string field; undefined when absent or not a string (then reported). */
export function optionalText(
  r: NodeReader,
  fields: ReadonlyMap<string, Field>,
  key: string,
  context: string,
): string | undefined {
  const f = fields.get(key);
  return f && r.text(f.node, f.loc, `"${key}" ${context}`)?.value;
}

function optionalTexts(
  r: NodeReader,
  fields: ReadonlyMap<string, Field>,
  key: string,
  context: string,
): string[] {
  const f = fields.get(key);
  return (f && r.texts(f.node, f.loc, `"${key}" ${context}`)?.map((t) => t.value)) ?? [];
}
