// The k8s target: Kubernetes NetworkPolicy objects, one per pod asset, behind a default deny per namespace.
//
// See docs/targets/k8s.md for the model: which pods are known, how peers are chosen, what ipBlock means.

import { diagnostic, type Diagnostic } from "../../../policy/diagnostics.js";
import type { IrHostRules, IrPoint, IrRule } from "../../ir.js";
import type { RenderResult, Target } from "../../target.js";
import { fromPrefixes } from "./address-set.js";
import { defaultDenyDocument, policyName, podPolicyDocument, type PodPolicy } from "./manifest.js";
import type { KnownPod } from "./peers.js";
import { directionRules, type RuleProblem } from "./rules.js";

const OPTIONS = ["defaultDeny"] as const;

interface Options {
  readonly defaultDeny: boolean;
}

export const k8sTarget: Target = {
  id: "k8s",
  description: "Kubernetes NetworkPolicy (networking.k8s.io/v1): one policy per pod asset",
  format: "k8s",
  capabilities: {
    families: [4, 6],
    roles: ["host"],
    stateful: true,
    deny: false,
    protocols: [6, 17, 132],
    anyProtocol: true,
    icmp: false,
    sourcePorts: false,
    hostRules: "per-asset",
    hostMetadata: "k8s",
    nameMaxLength: 253,
  },
  render: renderK8s,
};

function readOptions(ir: IrPoint, diagnostics: Diagnostic[]): Options {
  const opts = ir.point.options;
  const where = `enforcement point "${ir.point.name}" (k8s)`;
  for (const key of Object.keys(opts))
    if (!(OPTIONS as readonly string[]).includes(key))
      diagnostics.push(
        diagnostic(
          "target-option",
          "warning",
          `Unknown option "${key}" for ${where}; the k8s target accepts ${OPTIONS.map((o) => `"${o}"`).join(", ")}`,
          ir.point.loc,
        ),
      );
  const dd = opts["defaultDeny"];
  if (dd !== undefined && typeof dd !== "boolean")
    diagnostics.push(
      diagnostic(
        "target-option",
        "error",
        `Option "defaultDeny" for ${where} must be true or false, got "${String(dd)}"`,
        ir.point.loc,
      ),
    );
  return { defaultDeny: dd !== false };
}

function knownPods(ir: IrPoint): KnownPod[] {
  return ir.hosts.map((h) => {
    if (!h.k8s) throw new TypeError(`Host "${h.name}" of a k8s point has no k8s selector`);
    return { name: h.name, k8s: h.k8s, addresses: fromPrefixes(h.addresses) };
  });
}

/** Two pod assets of one namespace where the first one's labels also select the second. */
function overlapDiagnostics(ir: IrPoint, pods: readonly KnownPod[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const selects = (a: KnownPod, b: KnownPod) =>
    a.k8s.namespace === b.k8s.namespace &&
    Object.entries(a.k8s.labels).every(([k, v]) => b.k8s.labels[k] === v);
  for (const [i, a] of pods.entries())
    for (const [j, b] of pods.entries()) {
      // Two assets with the same labels select each other: one report for the pair.
      if (i === j || !selects(a, b) || (j < i && selects(b, a))) continue;
      const labels = Object.entries(a.k8s.labels).map(([k, v]) => `${k}=${v}`);
      const host = ir.hosts.find((h) => h.name === a.name)!;
      out.push(
        diagnostic(
          "target-refused",
          "error",
          `Pod assets "${a.name}" and "${b.name}" cannot be told apart at enforcement point "${ir.point.name}" (k8s): ` +
            `the labels of "${a.name}" (${labels.length > 0 ? labels.join(", ") : "none"}) also select "${b.name}" ` +
            `in namespace "${a.k8s.namespace}", so its rules would apply to both`,
          host.assets[0]?.loc ?? ir.point.loc,
        ),
      );
    }
  return out;
}

function problemDiagnostic(ir: IrPoint, host: IrHostRules, p: RuleProblem): Diagnostic {
  const what = `Flow "${p.origin.name}" cannot be written for enforcement point "${ir.point.name}" (k8s)`;
  switch (p.kind) {
    case "part-of-pod":
      return diagnostic(
        "target-refused",
        "error",
        `${what}: it covers only some addresses of pod asset "${host.name}", and a NetworkPolicy applies to ` +
          `every pod it selects; that part is left out`,
        ir.point.loc,
      );
    case "port-zero":
      return diagnostic(
        "target-refused",
        "error",
        `${what}: NetworkPolicy ports start at 1, so port 0 is left out`,
        ir.point.loc,
      );
    case "partial-peer":
      return diagnostic(
        "target-refused",
        "warning",
        `Flow "${p.origin.name}" reaches only some addresses of pod asset "${p.pod.name}" at enforcement point ` +
          `"${ir.point.name}" (k8s); they are written as ipBlock, which some network plugins do not apply to ` +
          `pod traffic (that traffic would then be blocked)`,
        ir.point.loc,
      );
    default: {
      const never: never = p;
      throw new TypeError(`Unknown problem ${JSON.stringify(never)}`);
    }
  }
}

/** One pod asset's policy, and the problems and log requests met while writing it. */
function podPolicy(
  ir: IrPoint,
  index: number,
  pods: readonly KnownPod[],
  diagnostics: Diagnostic[],
  refused: IrRule[],
): PodPolicy {
  const host = ir.hosts[index]!;
  const pod = pods[index]!;
  const ingress = directionRules(host.ingress, "ingress", pod.addresses, pods);
  const egress = directionRules(host.egress, "egress", pod.addresses, pods);
  for (const p of [...ingress.problems, ...egress.problems]) diagnostics.push(problemDiagnostic(ir, host, p));
  // The IR rules of flows with a part left out, so the proof reports the point as refused, not mismatched.
  const leftOut = (problems: readonly RuleProblem[]) =>
    new Set(problems.filter((p) => p.kind !== "partial-peer").map((p) => p.origin.name));
  const inLeft = leftOut(ingress.problems);
  const outLeft = leftOut(egress.problems);
  refused.push(
    ...host.ingress.filter((r) => inLeft.has(r.origin.name)),
    ...host.egress.filter((r) => outLeft.has(r.origin.name)),
  );
  const rules = [...ingress.rules, ...egress.rules];
  for (const r of rules.filter((x) => x.log))
    diagnostics.push(
      diagnostic(
        "target-refused",
        "warning",
        `Flow "${r.origin.name}" asks for logging, which NetworkPolicy cannot do at enforcement point ` +
          `"${ir.point.name}"; enable it in the network plugin`,
        ir.point.loc,
      ),
    );
  const flows = [...new Set(rules.map((r) => r.origin.name))];
  return {
    name: policyName(host.name),
    namespace: pod.k8s.namespace,
    labels: pod.k8s.labels,
    annotations: {
      "rampart.dev/point": ir.point.name,
      "rampart.dev/asset": host.name,
      ...(flows.length > 0 && { "rampart.dev/flows": flows.join(", ") }),
    },
    ingress: ingress.rules,
    egress: egress.rules,
  };
}

function renderK8s(ir: IrPoint): RenderResult {
  const diagnostics: Diagnostic[] = [];
  const options = readOptions(ir, diagnostics);
  const pods = knownPods(ir);
  diagnostics.push(...overlapDiagnostics(ir, pods));
  const refused: IrRule[] = [];
  const policies = ir.hosts.map((_, i) => podPolicy(ir, i, pods, diagnostics, refused));
  // Namespaces in name order, each with its default deny first, then its pods in policy order.
  const documents: string[] = [];
  for (const ns of [...new Set(policies.map((p) => p.namespace))].sort()) {
    if (options.defaultDeny) documents.push(defaultDenyDocument(ns, ir.point.name));
    for (const p of policies.filter((x) => x.namespace === ns)) documents.push(podPolicyDocument(p));
  }
  const header =
    `# NetworkPolicies for enforcement point "${ir.point.name}", generated by Rampart; edit the policy, not this file.\n` +
    `# Apply with: kubectl apply -f ${ir.point.name}.yaml\n`;
  return {
    files: [{ name: `${ir.point.name}.yaml`, text: header + documents.map((d) => `---\n${d}`).join("") }],
    diagnostics: dedupe(diagnostics),
    refused,
    stats: {
      rules: policies.reduce((n, p) => n + p.ingress.length + p.egress.length, 0),
      objects: documents.length,
    },
  };
}

function dedupe(ds: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const key = `${d.severity}\u0000${d.code}\u0000${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
