import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { expectGolden } from "../../../../../test/support/golden.js";
import { ACME, loadFolder, loadText } from "../../../../../test/support/policies.js";
import type { LoadedPolicy } from "../../../policy/load.js";
import { compilePoint } from "../../compile.js";
import { lowerPoint } from "../../lower.js";
import { pointScope } from "../../scope.js";
import { k8sTarget } from "./target.js";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const fixture = (name: string) => loadText(readFileSync(join(HERE, "fixtures", name), "utf8"));

function compile(loaded: LoadedPolicy, name: string) {
  const point = loaded.resolved.points.find((p) => p.point.name === name);
  if (!point) throw new Error(`No point "${name}"`);
  return compilePoint(loaded.intent, point);
}

function render(loaded: LoadedPolicy, name: string) {
  const point = loaded.resolved.points.find((p) => p.point.name === name)!;
  const scope = pointScope(loaded.intent, point, k8sTarget.capabilities);
  return k8sTarget.render(lowerPoint(loaded.intent, scope, k8sTarget).ir);
}

describe("k8s target on the acme example", () => {
  const acme = loadFolder(ACME);
  const compiled = compile(acme, "eks-shop");

  it("writes the golden NetworkPolicies for eks-shop", () => {
    expect(compiled.files.map((f) => f.name)).toEqual(["eks-shop.yaml"]);
    expectGolden(join(HERE, "golden/acme-eks-shop.yaml"), compiled.files[0]!.text);
  });

  it("is proven, with only the logging warning", () => {
    expect(compiled.status).toBe("proven");
    expect(compiled.diagnostics.map((d) => [d.severity, d.message.split('"')[1]])).toEqual([
      ["warning", "jump-to-servers"],
    ]);
    expect(compiled.proof!.imported.diagnostics).toEqual([]);
  });
});

describe("k8s target on the shop fixture", () => {
  const shop = fixture("shop.yaml");

  it("loads without errors", () => {
    expect(shop.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });

  it("writes the golden NetworkPolicies", () => {
    expectGolden(join(HERE, "golden/shop-cluster.yaml"), compile(shop, "shop-cluster").files[0]!.text);
  });

  it("proves the point exact", () => {
    const c = compile(shop, "shop-cluster");
    expect(c.status).toBe("proven");
    expect(c.proof!.imported.diagnostics).toEqual([]);
  });

  it("selects pods by labels, across namespaces with the namespace's name label", () => {
    const text = compile(shop, "shop-cluster").files[0]!.text;
    expect(text).toContain("kubernetes.io/metadata.name: monitoring");
    expect(text).toContain("cidr: 10.1.0.0/16\n            except:\n              - 10.1.0.5/32");
  });

  it("warns that NetworkPolicy cannot log, naming the flow", () => {
    const c = compile(shop, "shop-cluster");
    const log = c.diagnostics.filter((d) => d.message.includes("logging"));
    expect(log.map((d) => [d.severity, d.message.slice(0, 28)])).toEqual([
      ["warning", 'Flow "corp-anything-to-api" '],
    ]);
  });

  it("reads each rule back with its flow's name as the label", () => {
    const rules = compile(shop, "shop-cluster").proof!.imported.rules;
    const labels = new Set(rules.filter((r) => r.action === "accept").map((r) => r.label));
    expect([...labels].sort()).toEqual([
      "a-flow-with-a-very-long-name-that-explains-itself-in-full-because-the-team-likes-long-descriptive-names-in-reviews",
      "api-calls-the-legacy-vm",
      "api-to-db",
      "corp-anything-to-api",
      "internet-to-web",
      "pods-to-internet",
      "prometheus-scrapes-shop",
      "web-replicas-gossip",
      "web-to-api",
    ]);
  });

  it("renders byte-identical text twice", () => {
    expect(render(shop, "shop-cluster").files).toEqual(render(shop, "shop-cluster").files);
  });

  it("counts rules and policies", () => {
    expect(compile(shop, "shop-cluster").stats).toEqual({ rules: 15, objects: 5 });
  });
});

describe("k8s target refusals", () => {
  it("refuses ICMP and other protocols flow by flow, and writes the rest", () => {
    const loaded = fixture("refused.yaml");
    const c = compile(loaded, "cluster");
    expectGolden(join(HERE, "golden/refused-cluster.yaml"), c.files[0]!.text);
    expect(c.status).toBe("refused");
    const named = new Set(
      c.diagnostics.filter((d) => d.code === "target-refused").map((d) => d.message.split('"')[1]),
    );
    expect([...named].sort()).toEqual(["corp-pings-web", "corp-tunnels-to-web"]);
    expect(c.files[0]!.text).toContain("# corp-browses-web");
  });

  const BASE = `
zones:
  corp: { networks: [10.1.0.0/16] }
  cluster: { networks: [10.100.0.0/16] }
assets:
  web: { addresses: [10.100.1.0/24], zone: cluster, k8s: { namespace: shop, labels: { app: web } } }
  web-canary: { addresses: [10.100.2.0/24], zone: cluster, k8s: { namespace: shop, labels: { app: web, track: canary } } }
enforcement:
  cluster: { target: k8s, role: host, zones: [corp, cluster] }
`;

  it("reports two pod assets whose selectors overlap, naming both", () => {
    const c = compile(
      loadText(`${BASE}flows:\n  - { name: f, from: zone:corp, to: asset:web, services: [https] }\n`),
      "cluster",
    );
    const errors = c.diagnostics.filter((d) => d.severity === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]!.code).toBe("target-refused");
    expect(errors[0]!.message).toContain('Pod assets "web" and "web-canary" cannot be told apart');
    // The policy of "web" applies to the canary too: the proof catches the widening.
    expect(c.status).toBe("mismatch");
  });

  it("reports two pod assets with the same labels once", () => {
    const same = BASE.replace("{ app: web, track: canary }", "{ app: web }");
    const r = render(
      loadText(`${same}flows:\n  - { name: f, from: zone:corp, to: asset:web, services: [https] }\n`),
      "cluster",
    );
    expect(r.diagnostics.map((d) => d.message.slice(0, 50))).toEqual([
      'Pod assets "web" and "web-canary" cannot be told a',
    ]);
  });

  const SINGLE = BASE.replace(/ {2}web-canary:.*\n/, "");

  it("leaves out, and reports, a flow that reaches only part of a pod asset", () => {
    const c = compile(
      loadText(
        `${SINGLE}flows:\n  - { name: one-pod-ip, from: zone:corp, to: 10.100.1.7, services: [https] }\n`,
      ),
      "cluster",
    );
    expect(c.diagnostics.map((d) => d.message)).toEqual([
      'Flow "one-pod-ip" cannot be written for enforcement point "cluster" (k8s): it covers only some addresses ' +
        'of pod asset "web", and a NetworkPolicy applies to every pod it selects; that part is left out',
    ]);
    expect(c.files[0]!.text).not.toContain("ingress:");
    expect(c.proof!.allowedNotIntended.isEmpty()).toBe(true);
    expect(c.proof!.intendedNotAllowed.isEmpty()).toBe(false);
  });

  it("leaves out, and reports, port 0 (NetworkPolicy ports start at 1)", () => {
    const c = compile(
      loadText(
        `${SINGLE}flows:\n  - { name: all-but-ssh, from: zone:corp, to: asset:web, services: [tcp] }\n` +
          `denies:\n  - { name: no-ssh, from: any, to: any, services: [ssh] }\n`,
      ),
      "cluster",
    );
    expect(c.diagnostics.map((d) => d.message)).toEqual([
      'Flow "all-but-ssh" cannot be written for enforcement point "cluster" (k8s): NetworkPolicy ports start at 1, ' +
        "so port 0 is left out",
    ]);
    expect(c.files[0]!.text).toContain("port: 1\n          endPort: 21\n");
    expect(c.files[0]!.text).toContain("port: 23\n          endPort: 65535\n");
    expect(c.proof!.allowedNotIntended.isEmpty()).toBe(true);
    expect(c.proof!.intendedNotAllowed.isEmpty()).toBe(false);
  });
});

describe("k8s target options and names", () => {
  const POLICY = `
zones:
  corp: { networks: [10.1.0.0/16] }
  cluster: { networks: [10.100.0.0/16] }
assets:
  Web.Front: { addresses: [10.100.1.0/24], zone: cluster, k8s: { namespace: shop, labels: { app: web } } }
flows:
  - { name: f, from: zone:corp, to: asset:Web.Front, services: [https] }
enforcement:
  cluster: { target: k8s, role: host, zones: [corp, cluster], options: OPTIONS }
`;
  const withOptions = (o: string) => loadText(POLICY.replace("OPTIONS", o));

  it("names a policy after its asset, cleaned and hashed when the name is not a valid object name", () => {
    const text = render(withOptions("{}"), "cluster").files[0]!.text;
    expect(text).toMatch(/name: rampart-web-front-[0-9a-f]{8}\n/);
    expect(text).toContain("rampart.dev/asset: Web.Front");
  });

  it("leaves out the namespace default deny with defaultDeny: false, and stays exact", () => {
    const loaded = withOptions("{ defaultDeny: false }");
    const r = render(loaded, "cluster");
    expect(r.diagnostics).toEqual([]);
    expect(r.files[0]!.text).not.toContain("rampart-default-deny");
    expect(compile(loaded, "cluster").status).toBe("proven");
  });

  it("warns about unknown options and rejects a wrong type", () => {
    const r = render(withOptions("{ namespace: x, defaultDeny: maybe }"), "cluster");
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.message])).toEqual([
      [
        "target-option",
        "warning",
        'Unknown option "namespace" for enforcement point "cluster" (k8s); the k8s target accepts "defaultDeny"',
      ],
      [
        "target-option",
        "error",
        'Option "defaultDeny" for enforcement point "cluster" (k8s) must be true or false, got "maybe"',
      ],
    ]);
  });
});
