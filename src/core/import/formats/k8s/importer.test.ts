import { describe, expect, it } from "vitest";
import { parseAddress } from "../../../net/address.js";
import { parsePrefix } from "../../../net/prefix.js";
import { formatDiagnostic } from "../../../policy/diagnostics.js";
import { PacketSpace } from "../../../space/packet-set.js";
import { makePacket } from "../../../space/packet.js";
import type { ImportHost, ImportResult } from "../../model.js";
import { k8sImporter } from "./importer.js";

const space = new PacketSpace();
const HOSTS: ImportHost[] = [
  {
    name: "web",
    addresses: [parsePrefix("10.0.1.0/24"), parsePrefix("2001:db8:1::/64")],
    k8s: { namespace: "shop", labels: { app: "web", tier: "front" } },
  },
  {
    name: "api",
    addresses: [parsePrefix("10.0.2.0/24")],
    k8s: { namespace: "shop", labels: { app: "api", version: "v2" } },
  },
  {
    name: "prom",
    addresses: [parsePrefix("10.0.9.0/24")],
    k8s: { namespace: "monitoring", labels: { "app.kubernetes.io/name": "prometheus" } },
  },
  // Not a pod: never selected, never isolated.
  { name: "vm", addresses: [parsePrefix("10.0.50.10/32")] },
];

function load(text: string): ImportResult {
  return k8sImporter.import([{ name: "np.yaml", text }], {
    space,
    role: "host",
    hosts: HOSTS,
    interfaces: {},
    zoneSpace: () => space.none(),
  });
}

/** Whether a new TCP (or `proto`) connection from `src` to `dst` on `port` passes. */
function passes(r: ImportResult, src: string, dst: string, port = 80, proto = 6): boolean {
  return r.accepted.contains(
    makePacket({ src: parseAddress(src), dst: parseAddress(dst), proto, sport: 40000, dport: port }),
  );
}

const lines = (r: ImportResult) => r.diagnostics.map(formatDiagnostic);

describe("k8s importer semantics", () => {
  it("lets everything through when no policy selects a pod", () => {
    const r = load("");
    expect(r.accepted.isAll()).toBe(true);
    expect(r.rules).toEqual([]);
  });

  it("isolates for ingress only by default, and for egress too when there are egress rules", () => {
    const ingressOnly = load(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web-in, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  ingress:
    - from: [{ ipBlock: { cidr: 192.0.2.0/24 } }]
`);
    expect(passes(ingressOnly, "192.0.2.1", "10.0.1.5")).toBe(true);
    expect(passes(ingressOnly, "198.51.100.1", "10.0.1.5")).toBe(false);
    expect(passes(ingressOnly, "10.0.1.5", "198.51.100.1")).toBe(true);

    const both = load(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web-out, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  egress:
    - to: [{ ipBlock: { cidr: 198.51.100.0/24 } }]
      ports: [{ port: 443 }]
`);
    expect(passes(both, "10.0.1.5", "198.51.100.1", 443)).toBe(true);
    expect(passes(both, "10.0.1.5", "198.51.100.1", 443, 17)).toBe(false);
    expect(passes(both, "10.0.1.5", "203.0.113.1", 443)).toBe(false);
    expect(passes(both, "192.0.2.1", "10.0.1.5")).toBe(false);
  });

  it("unions the rules of every policy selecting a pod", () => {
    const r = load(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: from-lb, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Ingress]
  ingress:
    - from: [{ ipBlock: { cidr: 192.0.2.0/24, except: [192.0.2.128/25] } }]
      ports: [{ protocol: TCP, port: 8000, endPort: 8099 }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: from-monitoring, namespace: shop }
spec:
  podSelector: { matchExpressions: [{ key: tier, operator: In, values: [front, back] }] }
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: monitoring } }
      ports: [{ port: 9100 }]
`);
    expect(passes(r, "192.0.2.1", "10.0.1.5", 8050)).toBe(true);
    expect(passes(r, "192.0.2.200", "10.0.1.5", 8050)).toBe(false);
    expect(passes(r, "192.0.2.1", "10.0.1.5", 9100)).toBe(false);
    expect(passes(r, "10.0.9.7", "10.0.1.5", 9100)).toBe(true);
    expect(passes(r, "10.0.9.7", "10.0.1.5", 8050)).toBe(false);
    // api is not selected by either policy: open.
    expect(passes(r, "198.51.100.1", "10.0.2.5", 22)).toBe(true);
    expect(r.rules.map((x) => [x.list, x.action, x.source.line])).toEqual([
      ["shop/from-lb ingress", "accept", 9],
      ["shop/from-lb ingress", "drop", 7],
      ["shop/from-monitoring ingress", "accept", 19],
      ["shop/from-monitoring ingress", "drop", 17],
    ]);
  });

  it("evaluates matchExpressions NotIn, Exists and DoesNotExist", () => {
    const policy = (expr: string) => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: p, namespace: shop }
spec:
  podSelector: { matchExpressions: [${expr}] }
  policyTypes: [Ingress]
`;
    const isolated = (text: string) =>
      ["10.0.1.5", "10.0.2.5"].map((d) => !passes(load(text), "192.0.2.1", d));
    expect(isolated(policy("{ key: app, operator: NotIn, values: [web] }"))).toEqual([false, true]);
    expect(isolated(policy("{ key: version, operator: Exists }"))).toEqual([false, true]);
    expect(isolated(policy("{ key: version, operator: DoesNotExist }"))).toEqual([true, false]);
    expect(isolated(policy("{ key: tier, operator: In, values: [front] }"))).toEqual([true, false]);
  });

  it("needs both the source pod's egress and the destination pod's ingress", () => {
    const r = load(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: shop }
spec: { podSelector: {}, policyTypes: [Ingress, Egress] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web-to-api, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Egress]
  egress: [{ to: [{ podSelector: { matchLabels: { app: api } } }], ports: [{ protocol: TCP, port: 8080 }] }]
`);
    expect(passes(r, "10.0.1.5", "10.0.2.5", 8080)).toBe(false);
    const opened = load(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: shop }
spec: { podSelector: {}, policyTypes: [Ingress, Egress] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web-to-api, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Egress]
  egress: [{ to: [{ podSelector: { matchLabels: { app: api } } }], ports: [{ protocol: TCP, port: 8080 }] }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: api-from-web, namespace: shop }
spec:
  podSelector: { matchLabels: { app: api } }
  ingress: [{ from: [{ podSelector: { matchLabels: { app: web } } }] }]
`);
    expect(passes(opened, "10.0.1.5", "10.0.2.5", 8080)).toBe(true);
    expect(passes(opened, "10.0.1.5", "10.0.2.5", 8081)).toBe(false);
    // A rule without ports allows every protocol, ICMP included.
    expect(passes(opened, "10.0.2.5", "10.0.1.5", 0, 1)).toBe(false);
  });

  it("reads an empty rule as everything, and a missing list as nothing", () => {
    const r = load(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: open-in, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Ingress, Egress]
  ingress: [{}]
`);
    expect(passes(r, "203.0.113.9", "10.0.1.5", 0, 47)).toBe(true);
    expect(passes(r, "10.0.1.5", "203.0.113.9")).toBe(false);
  });

  it("reads a kubectl List with server fields, and skips objects that do not filter", () => {
    const r = load(`apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: { name: cm }
    data: { a: b }
  - { apiVersion: rbac.authorization.k8s.io/v1, kind: Role, metadata: { name: r }, rules: [] }
  - apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata:
      name: api-in
      namespace: shop
      uid: 1b2c
      resourceVersion: "123"
      creationTimestamp: "2025-01-01T00:00:00Z"
      annotations: { kubectl.kubernetes.io/last-applied-configuration: "{}" }
    spec:
      podSelector: { matchLabels: { app: api } }
      ingress: [{ from: [{ podSelector: {}, namespaceSelector: { matchLabels: { team: sre } } }] }]
    status: {}
`);
    expect(lines(r)).toEqual([
      "np.yaml:5:11: info config-ignored: A ConfigMap does not filter traffic; it is skipped",
      "np.yaml:8:55: info config-ignored: A Role does not filter traffic; it is skipped",
      'np.yaml:20:64: warning config-unsupported: This namespaceSelector looks at label "team", but namespace "shop" has no Namespace object in the files, so only its "kubernetes.io/metadata.name" label is known',
    ]);
    expect(passes(r, "10.0.9.5", "10.0.2.5")).toBe(false);
  });

  it("uses the labels of Namespace objects in the files", () => {
    const r = load(`
apiVersion: v1
kind: Namespace
metadata: { name: monitoring, labels: { team: sre } }
---
apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { team: shop } }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: api-in, namespace: shop }
spec:
  podSelector: { matchLabels: { app: api } }
  ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: sre } } }] }]
`);
    expect(r.diagnostics).toEqual([]);
    expect(passes(r, "10.0.9.5", "10.0.2.5")).toBe(true);
    expect(passes(r, "10.0.1.5", "10.0.2.5")).toBe(false);
  });

  it("puts the policy in namespace default when it names none", () => {
    const r = load(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny-all }
spec: { podSelector: {} }
`);
    expect(r.accepted.isAll()).toBe(true);
  });
});

describe("k8s importer on broken and unusual input", () => {
  it("reports problems with their lines and never throws", () => {
    const r = load(`# a hand-written file
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Ingress, Sideways]
  ingres: []
  ingress:
    # from the load balancer
    - from:
        - ipBlock: { cidr: 192.0.2.0/24 }
          podSelector: {}
        - ipBlock: { cidr: 192.0.2.7 }
        - ipBlock: { cidr: 10.0.0.0/16, except: [10.1.0.0/24] }
        - {}
      ports:
        - { protocol: TCP, port: http }
        - { protocol: ICMP }
        - { port: 0 }
        - { port: 9000, endPort: 8000 }
    - from: [{ podSelector: { matchExpressions: [{ key: app, operator: Like, values: [w] }] } }]
`);
    expect(lines(r)).toEqual([
      'np.yaml:7:26: error config-syntax: Unknown policy type "Sideways"; expected Ingress or Egress',
      'np.yaml:8:3: warning config-unsupported: Unknown key "ingres" in "spec" of NetworkPolicy "web"; Kubernetes rejects or drops it, and Rampart leaves it out',
      'np.yaml:12:11: error config-syntax: A peer with "ipBlock" cannot also have a pod or namespace selector',
      'np.yaml:14:28: error config-syntax: Expected a CIDR such as "10.0.0.0/8" for "cidr", got "192.0.2.7"',
      "np.yaml:15:50: error config-syntax: Except entry must lie strictly inside the cidr of its ipBlock",
      'np.yaml:16:11: error config-syntax: A peer needs "podSelector", "namespaceSelector" or "ipBlock"',
      'np.yaml:18:34: warning config-unsupported: Named port "http" depends on the pods\' container ports, which Rampart does not know; it is read as matching nothing',
      'np.yaml:19:23: error config-syntax: Unknown protocol "ICMP"; expected TCP, UDP or SCTP',
      'np.yaml:20:19: error config-syntax: Expected a port 1-65535 for "port"',
      'np.yaml:21:34: error config-syntax: "endPort" must be a number not below "port"',
      'np.yaml:22:72: error config-syntax: Unknown operator "Like" in an entry of "matchExpressions" in "podSelector" of a peer; expected In, NotIn, Exists or DoesNotExist',
    ]);
    // Nothing readable allows anything: web is isolated and accepts nothing.
    expect(passes(r, "192.0.2.1", "10.0.1.5")).toBe(false);
    expect(r.rules[0]!.label).toBe("from the load balancer");
  });

  it("leaves out a document YAML cannot read and keeps the others", () => {
    const r = load(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: a, namespace: shop }
spec: { podSelector: {}, ingress: [ {from: [ }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: b, namespace: monitoring }
spec: { podSelector: {} }
`);
    expect(r.diagnostics.every((d) => d.code === "config-syntax" && d.line >= 4 && d.line <= 5)).toBe(true);
    expect(r.diagnostics.length).toBeGreaterThan(0);
    expect(passes(r, "192.0.2.1", "10.0.1.5")).toBe(true);
    expect(passes(r, "192.0.2.1", "10.0.9.5")).toBe(false);
  });

  it("reports network plugins' own policy kinds as not modelled", () => {
    const r = load(`apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: { name: x }
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: y }
`);
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ["config-unsupported", 2],
      ["config-unsupported", 6],
    ]);
  });

  it("warns when an ipBlock covers pod addresses", () => {
    const r = load(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: api-in, namespace: shop }
spec:
  podSelector: { matchLabels: { app: api } }
  ingress: [{ from: [{ ipBlock: { cidr: 10.0.0.0/16, except: [10.0.9.0/24] } }] }]
`);
    expect(lines(r)).toEqual([
      'np.yaml:7:33: warning config-unsupported: ipBlock "10.0.0.0/16" covers addresses of pod "web"; it is read as matching them, but some network plugins never apply ipBlock to pod traffic',
    ]);
    expect(passes(r, "10.0.1.5", "10.0.2.5")).toBe(true);
    expect(passes(r, "10.0.9.5", "10.0.2.5")).toBe(false);
  });

  it("keeps the later of two policies with one name", () => {
    const doc = (cidr: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web-in, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  ingress: [{ from: [{ ipBlock: { cidr: ${cidr} } }] }]
`;
    const r = load(`${doc("192.0.2.0/24")}---\n${doc("198.51.100.0/24")}`);
    expect(r.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([["config-ignored", 3, 19]]);
    expect(passes(r, "192.0.2.1", "10.0.1.5")).toBe(false);
    expect(passes(r, "198.51.100.1", "10.0.1.5")).toBe(true);
  });
});

describe("k8s importer: rule lists and standalone reading", () => {
  const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web-in
  namespace: shop
spec:
  podSelector:
    matchLabels:
      app: web
  ingress:
    - from:
        - ipBlock:
            cidr: 192.0.2.0/24
      ports:
        - protocol: TCP
          port: 443
`;

  it("lists each policy's isolated direction, going on to the next policy for other pods", () => {
    const r = load(POLICY);
    expect(r.lists?.map((l) => [l.name, l.fallThrough])).toEqual([["shop/web-in ingress", "next"]]);
    expect(r.rules.map((x) => [x.list, x.action])).toEqual([
      ["shop/web-in ingress", "accept"],
      ["shop/web-in ingress", "drop"],
    ]);
  });

  it("reads the policy as selecting every address when no pods are known, and says so", () => {
    const bare = new PacketSpace();
    const r = k8sImporter.import([{ name: "np.yaml", text: POLICY }], {
      space: bare,
      role: "network",
      hosts: [],
      interfaces: {},
      zoneSpace: () => bare.all(),
    });
    const p = (src: string, dst: string, port: number) =>
      makePacket({ src: parseAddress(src), dst: parseAddress(dst), proto: 6, sport: 40000, dport: port });
    expect(r.rules[0]!.match.contains(p("192.0.2.7", "10.9.9.9", 443))).toBe(true);
    expect(r.rules[0]!.match.contains(p("192.0.3.7", "10.9.9.9", 443))).toBe(false);
    expect(r.rules[1]!.match.contains(p("192.0.3.7", "10.9.9.9", 443))).toBe(true);
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([["config-unsupported", 4]]);
  });
});
