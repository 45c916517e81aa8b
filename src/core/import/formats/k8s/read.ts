// Reading Kubernetes YAML (one or many documents, List objects) into NetworkPolicy and Namespace objects.

import { LineCounter, type Node, parseAllDocuments, type YAMLMap } from "yaml";
import type { Diagnostic } from "../../../policy/diagnostics.js";
import type { ConfigFile } from "../../model.js";
import type { NamespaceObject, NetworkPolicyObject, PolicyRuleSpec, ReadObjects } from "./model.js";
import { readRule, readSelector } from "./read-spec.js";
import { type Field, NodeReader } from "./reader.js";

/** Kinds that filter traffic but that Rampart does not model (network plugins' own policy resources). */
const UNMODELLED_POLICY_KINDS = [
  "CiliumNetworkPolicy",
  "CiliumClusterwideNetworkPolicy",
  "GlobalNetworkPolicy",
  "AdminNetworkPolicy",
  "BaselineAdminNetworkPolicy",
  "ClusterNetworkPolicy",
  "AntreaClusterNetworkPolicy",
  "ClusterNetworkPolicy.crd.antrea.io",
];
const API_VERSIONS = ["networking.k8s.io/v1", "extensions/v1beta1"];
/** Server-side fields `kubectl get -o yaml` adds: no effect on filtering, not worth a diagnostic. */
const QUIET_METADATA = [
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "managedFields",
  "selfLink",
  "labels",
  "annotations",
  "finalizers",
  "ownerReferences",
  "generateName",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
];

export function readFiles(files: readonly ConfigFile[], diagnostics: Diagnostic[]): ReadObjects {
  const out: ReadObjects = { policies: [], namespaces: [] };
  for (const file of files) {
    const lineCounter = new LineCounter();
    const r = new NodeReader(file.name, file.text, lineCounter, diagnostics);
    for (const doc of parseAllDocuments(file.text, { lineCounter, prettyErrors: false, uniqueKeys: false })) {
      r.doc = doc;
      if (doc.errors.length > 0) {
        // A document YAML cannot read is left out whole: half of a policy could allow what it should not.
        for (const e of doc.errors)
          r.report("config-syntax", `${e.message}; the document is left out`, null, e.pos[0]);
        continue;
      }
      const top = doc.contents as Node | null;
      if (top === null || r.isNull(top)) continue;
      readObject(r, top, out);
    }
  }
  return out;
}

function readObject(r: NodeReader, node: Node, out: ReadObjects): void {
  const map = r.map(node, "a Kubernetes object");
  if (!map) return;
  // Other kinds have keys of their own: only a NetworkPolicy's top-level keys are checked (in readPolicy).
  const f = r.fields(map, ["apiVersion", "kind", "metadata", "spec", "items"], "a Kubernetes object", "all");
  const kindField = f.get("kind");
  const kind = kindField ? r.text(kindField.value, `"kind"`) : undefined;
  if (kind === undefined) {
    if (!kindField) r.report("config-syntax", `Expected "kind" in a Kubernetes object`, map);
    return;
  }
  const apiVersion = f.get("apiVersion");
  const version = apiVersion ? r.text(apiVersion.value, `"apiVersion"`) : undefined;
  if (kind === "List" || (kind.endsWith("List") && f.has("items"))) {
    for (const item of r.seq(f.get("items")?.value ?? null, `"items"`) ?? []) readObject(r, item, out);
    return;
  }
  if (kind === "Namespace") {
    const ns = readNamespace(r, f);
    if (ns) out.namespaces.push(ns);
    return;
  }
  if (kind === "NetworkPolicy" && version !== undefined && API_VERSIONS.includes(version)) {
    r.fields(map, ["apiVersion", "kind", "metadata", "spec"], `a NetworkPolicy`, ["status"]);
    const policy = readPolicy(r, map, f);
    if (policy) out.policies.push(policy);
    return;
  }
  if (kind === "NetworkPolicy" || UNMODELLED_POLICY_KINDS.includes(kind)) {
    r.report(
      "config-unsupported",
      `${kind} "${version ?? "no apiVersion"}" filters traffic but is not modelled; only networking.k8s.io/v1 NetworkPolicy is`,
      kindField?.value,
    );
    return;
  }
  r.report("config-ignored", `A ${kind} does not filter traffic; it is skipped`, kindField?.value);
}

interface Metadata {
  name?: string;
  nameNode?: Node | null;
  namespace?: string;
  labels: Record<string, string>;
}

function readMetadata(r: NodeReader, field: Field | undefined, what: string): Metadata {
  if (!field) return { labels: {} };
  const map = r.map(field.value, `"metadata" of ${what}`);
  if (!map) return { labels: {} };
  const f = r.fields(map, ["name", "namespace", "labels"], `"metadata" of ${what}`, QUIET_METADATA);
  const name = f.get("name") && r.text(f.get("name")!.value, `"name"`);
  const namespace = f.get("namespace") && r.text(f.get("namespace")!.value, `"namespace"`);
  const labels = r.stringMap(f.get("labels")?.value ?? null, `"labels"`);
  return {
    ...(name !== undefined && { name, nameNode: f.get("name")!.value }),
    ...(namespace !== undefined && { namespace }),
    labels,
  };
}

function readNamespace(r: NodeReader, f: Map<string, Field>): NamespaceObject | undefined {
  const meta = readMetadata(r, f.get("metadata"), "a Namespace");
  if (meta.name === undefined) {
    r.report("config-syntax", `Expected "metadata.name" in a Namespace`, f.get("metadata")?.value);
    return undefined;
  }
  return { name: meta.name, labels: meta.labels };
}

function readPolicyTypes(
  r: NodeReader,
  field: Field | undefined,
): { ingress: boolean; egress: boolean } | undefined {
  if (!field) return undefined;
  const items = r.seq(field.value, `"policyTypes"`);
  // An empty list is defaulted by the API server exactly like a missing one.
  if (!items || items.length === 0) return undefined;
  const types = { ingress: false, egress: false };
  for (const item of items) {
    const t = r.text(item, `an entry of "policyTypes"`);
    if (t === "Ingress") types.ingress = true;
    else if (t === "Egress") types.egress = true;
    else if (t !== undefined)
      r.report("config-syntax", `Unknown policy type "${t}"; expected Ingress or Egress`, item);
  }
  return types;
}

function readRules(r: NodeReader, field: Field | undefined, peerKey: "from" | "to"): PolicyRuleSpec[] {
  if (!field) return [];
  const items = r.seq(field.value, `"${peerKey === "from" ? "ingress" : "egress"}"`);
  return (items ?? []).map((item, i) => readRule(r, field.value, i, item, peerKey));
}

function readPolicy(r: NodeReader, map: YAMLMap, f: Map<string, Field>): NetworkPolicyObject | undefined {
  const meta = readMetadata(r, f.get("metadata"), "a NetworkPolicy");
  if (meta.name === undefined) {
    r.report(
      "config-syntax",
      `Expected "metadata.name" in a NetworkPolicy; it is left out`,
      f.get("metadata")?.value ?? map,
    );
    return undefined;
  }
  const what = `NetworkPolicy "${meta.name}"`;
  const specField = f.get("spec");
  const specMap =
    specField && !r.isNull(specField.value) ? r.map(specField.value, `"spec" of ${what}`) : undefined;
  if (specField && !r.isNull(specField.value) && !specMap) return undefined;
  const s = specMap
    ? r.fields(specMap, ["podSelector", "policyTypes", "ingress", "egress"], `"spec" of ${what}`)
    : new Map<string, Field>();
  const podSelector = readSelector(r, s.get("podSelector")?.value ?? null, `"podSelector" of ${what}`);
  const ingress = readRules(r, s.get("ingress"), "from");
  const egress = readRules(r, s.get("egress"), "to");
  const typesField = s.get("policyTypes");
  // Without policyTypes a policy isolates for ingress always, and for egress when it has egress rules.
  const types = readPolicyTypes(r, typesField) ?? { ingress: true, egress: egress.length > 0 };
  for (const [rules, on, type] of [
    [ingress, types.ingress, "Ingress"],
    [egress, types.egress, "Egress"],
  ] as const)
    if (!on && rules.length > 0)
      r.report(
        "config-ignored",
        `${what} has ${type.toLowerCase()} rules but no "${type}" in policyTypes; they have no effect`,
        typesField?.value,
      );
  return {
    name: meta.name,
    nameAt: { file: r.file, ...r.nodePosition(meta.nameNode) },
    namespace: meta.namespace ?? "default",
    podSelector,
    isolatesIngress: types.ingress,
    isolatesEgress: types.egress,
    ingress: types.ingress ? ingress : [],
    egress: types.egress ? egress : [],
    isolationSource: r.source(typesField?.value ?? specField?.value ?? map),
  };
}
