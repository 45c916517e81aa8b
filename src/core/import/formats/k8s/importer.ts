// The k8s importer: NetworkPolicy YAML read into the connections it lets through between known pods.
//
// Semantics (docs/targets/k8s.md): a pod is isolated for ingress (egress) when a policy selecting it lists
// that type; an isolated pod accepts the union of the rules of every policy selecting it. A connection passes
// when the egress side of its source pod and the ingress side of its destination pod both let it through.
// The pods are the context's hosts with a `k8s` selector; only they are modelled.

import { formatPrefix, type Prefix } from "../../../net/prefix.js";
import { diagnostic, type Diagnostic, sortDiagnostics } from "../../../policy/diagnostics.js";
import type { PacketSet, PacketSpace } from "../../../space/packet-set.js";
import { allOf, hostAccepts, portMatch, prefixMatch, protocolMatch } from "../../match.js";
import type {
  ConfigFile,
  ImportContext,
  ImportedRule,
  Importer,
  ImportResult,
  RuleList,
} from "../../model.js";
import type { LabelSelector, NetworkPolicyObject, PolicyPeer, PolicyRuleSpec, ReadObjects } from "./model.js";
import { readFiles } from "./read.js";
import { selectorKeys, selects } from "./selector.js";

const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

interface Pod {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly addresses: readonly Prefix[];
}

interface Namespace {
  readonly labels: Readonly<Record<string, string>>;
  /** True when a Namespace object gave its labels; otherwise only its name label is known. */
  readonly known: boolean;
}

export const k8sImporter: Importer = {
  id: "k8s",
  description: "Kubernetes NetworkPolicy YAML (networking.k8s.io/v1), evaluated over the known pods",
  import(files: readonly ConfigFile[], context: ImportContext): ImportResult {
    const diagnostics: Diagnostic[] = [];
    const objects = readFiles(files, diagnostics);
    const pods: Pod[] = context.hosts.flatMap((h) =>
      h.k8s
        ? [{ name: h.name, namespace: h.k8s.namespace, labels: h.k8s.labels, addresses: h.addresses }]
        : [],
    );
    const model = new PolicyModel(context.space, pods, namespacesOf(objects, pods), diagnostics);
    const policies = latestPolicies(objects, diagnostics);
    const { rules, ingress, egress } = model.evaluate(policies);
    const accepted = hostAccepts(
      context.space,
      pods.map((p, i) => ({ addresses: p.addresses, ingress: ingress[i]!, egress: egress[i]! })),
    );
    if (pods.length === 0 && policies.length > 0) diagnostics.push(noPods(policies[0]!));
    return { accepted, rules, lists: policyLists(policies), diagnostics: sortDiagnostics(diagnostics) };
  },
};

/**
 * Each policy's ingress and egress as a list: its rules allow, its last rule drops the rest of what its pods
 * receive (send); packets of other pods go on to the next policy.
 */
function policyLists(policies: readonly NetworkPolicyObject[]): RuleList[] {
  return policies.flatMap((p) =>
    (["ingress", "egress"] as const)
      .filter((dir) => (dir === "ingress" ? p.isolatesIngress : p.isolatesEgress))
      .map((dir) => ({
        name: `${p.namespace}/${p.name} ${dir}`,
        fallThrough: "next" as const,
        source: p.isolationSource,
      })),
  );
}

/** Read with no pods (a standalone reading), the selected pods and selector peers stand for no address. */
function noPods(first: NetworkPolicyObject): Diagnostic {
  return diagnostic(
    "config-unsupported",
    "warning",
    "No pods are known (no hosts with Kubernetes labels): each policy is read as selecting every address, and pod and namespace selectors in rules as matching none",
    first.nameAt,
  );
}

function namespacesOf(objects: ReadObjects, pods: readonly Pod[]): Map<string, Namespace> {
  const out = new Map<string, Namespace>();
  for (const p of pods)
    out.set(p.namespace, { labels: { [NAMESPACE_NAME_LABEL]: p.namespace }, known: false });
  for (const ns of objects.namespaces)
    out.set(ns.name, { labels: { ...ns.labels, [NAMESPACE_NAME_LABEL]: ns.name }, known: true });
  return out;
}

/** One object per namespace and name: a later definition replaces an earlier one, as `kubectl apply` does. */
function latestPolicies(objects: ReadObjects, diagnostics: Diagnostic[]): NetworkPolicyObject[] {
  const byName = new Map<string, NetworkPolicyObject>();
  for (const p of objects.policies) {
    const key = `${p.namespace}/${p.name}`;
    const prev = byName.get(key);
    if (prev)
      diagnostics.push(
        diagnostic(
          "config-ignored",
          "info",
          `NetworkPolicy "${key}" is defined again at ${p.nameAt.file}:${p.nameAt.line}; this one is replaced`,
          prev.nameAt,
        ),
      );
    byName.delete(key);
    byName.set(key, p);
  }
  return [...byName.values()];
}

class PolicyModel {
  private readonly reported = new Set<LabelSelector>();

  constructor(
    private readonly space: PacketSpace,
    private readonly pods: readonly Pod[],
    private readonly namespaces: ReadonlyMap<string, Namespace>,
    private readonly diagnostics: Diagnostic[],
  ) {}

  /** The rules, and per pod what its ingress and egress sides let through. */
  evaluate(policies: readonly NetworkPolicyObject[]): {
    rules: ImportedRule[];
    ingress: PacketSet[];
    egress: PacketSet[];
  } {
    const space = this.space;
    const rules: ImportedRule[] = [];
    const isolated = { ingress: this.pods.map(() => false), egress: this.pods.map(() => false) };
    const allowed = { ingress: this.pods.map(() => space.none()), egress: this.pods.map(() => space.none()) };
    for (const policy of policies) {
      const selected = this.pods
        .map((p, i) => ({ p, i }))
        .filter(({ p }) => p.namespace === policy.namespace && selects(policy.podSelector, p.labels));
      const addresses = selected.flatMap(({ p }) => p.addresses);
      for (const dir of ["ingress", "egress"] as const) {
        const isolates = dir === "ingress" ? policy.isolatesIngress : policy.isolatesEgress;
        if (!isolates) continue;
        const list = `${policy.namespace}/${policy.name} ${dir}`;
        // With no pods known at all, a policy's own side is every address, so its rules stay readable.
        const own =
          this.pods.length === 0
            ? space.all()
            : prefixMatch(space, dir === "ingress" ? "dst" : "src", addresses);
        for (const spec of policy[dir]) {
          const set = this.ruleSet(spec, policy, dir === "ingress" ? "src" : "dst");
          for (const { i } of selected) allowed[dir][i] = allowed[dir][i]!.union(set);
          const label = spec.label;
          rules.push({
            action: "accept",
            match: set.intersect(own),
            source: spec.source,
            list,
            ...(label && { label }),
          });
        }
        for (const { i } of selected) isolated[dir][i] = true;
        rules.push({ action: "drop", match: own, source: policy.isolationSource, list });
      }
    }
    const side = (dir: "ingress" | "egress") =>
      this.pods.map((_, i) => (isolated[dir][i] ? allowed[dir][i]! : space.all()));
    return { rules, ingress: side("ingress"), egress: side("egress") };
  }

  /** What one rule lets through, on its own: the peers (on the `peerDir` side) and the ports. */
  private ruleSet(spec: PolicyRuleSpec, policy: NetworkPolicyObject, peerDir: "src" | "dst"): PacketSet {
    const space = this.space;
    const peers = spec.peers
      ? space.unionAll(spec.peers.map((p) => this.peerSet(p, policy, peerDir)))
      : space.all();
    if (!spec.ports) return peers;
    const ports = space.unionAll(
      spec.ports.map((p) => {
        if (!p.valid) return space.none();
        const proto = [{ lo: p.protocol, hi: p.protocol }];
        if (p.port === undefined) return protocolMatch(space, proto);
        return portMatch(space, [p.protocol], "dst", [{ lo: p.port, hi: p.endPort ?? p.port }]);
      }),
    );
    return allOf(space, [peers, ports]);
  }

  private peerSet(peer: PolicyPeer, policy: NetworkPolicyObject, dir: "src" | "dst"): PacketSet {
    const space = this.space;
    switch (peer.kind) {
      case "invalid":
        return space.none();
      case "ipBlock": {
        const set = prefixMatch(space, dir, [peer.cidr]).minus(prefixMatch(space, dir, peer.except));
        this.warnPodAddresses(peer, set, dir);
        return set;
      }
      case "selector": {
        const pods = this.pods.filter(
          (p) =>
            this.namespaceMatches(peer.namespaceSelector, p.namespace, policy.namespace) &&
            (!peer.podSelector || selects(peer.podSelector, p.labels)),
        );
        return prefixMatch(
          space,
          dir,
          pods.flatMap((p) => p.addresses),
        );
      }
      default: {
        const never: never = peer;
        throw new TypeError(`Unknown peer ${JSON.stringify(never)}`);
      }
    }
  }

  /** Absent selector: the policy's own namespace. Labels other than the name need a Namespace object. */
  private namespaceMatches(selector: LabelSelector | undefined, namespace: string, own: string): boolean {
    if (!selector) return namespace === own;
    const ns = this.namespaces.get(namespace);
    if (!ns) return false;
    const otherKeys = selectorKeys(selector).filter((k) => k !== NAMESPACE_NAME_LABEL);
    if (!ns.known && otherKeys.length > 0 && !this.reported.has(selector)) {
      this.reported.add(selector);
      this.diagnostics.push(
        diagnostic(
          "config-unsupported",
          "warning",
          `This namespaceSelector looks at label "${otherKeys[0]}", but namespace "${namespace}" has no Namespace object in the files, so only its "${NAMESPACE_NAME_LABEL}" label is known`,
          { file: selector.source.file, line: selector.source.line, column: selector.column },
        ),
      );
    }
    return selects(selector, ns.labels);
  }

  /** ipBlock is meant for addresses outside the cluster; network plugins differ on pod addresses. */
  private warnPodAddresses(peer: PolicyPeer & { kind: "ipBlock" }, set: PacketSet, dir: "src" | "dst"): void {
    const pod = this.pods.find((p) => prefixMatch(this.space, dir, p.addresses).overlaps(set));
    if (!pod) return;
    this.diagnostics.push(
      diagnostic(
        "config-unsupported",
        "warning",
        `ipBlock "${formatPrefix(peer.cidr)}" covers addresses of pod "${pod.name}"; it is read as matching them, but some network plugins never apply ipBlock to pod traffic`,
        { file: peer.source.file, line: peer.source.line, column: peer.column },
      ),
    );
  }
}
