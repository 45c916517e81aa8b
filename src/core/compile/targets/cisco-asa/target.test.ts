import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generatePolicy, GENERATED_TODAY } from "../../../../../bench/generate-policy.js";
import { expectGolden } from "../../../../../test/support/golden.js";
import { ACME, loadFolder, loadText } from "../../../../../test/support/policies.js";
import { type LoadedPolicy, loadPolicy } from "../../../policy/load.js";
import { compilePoint } from "../../compile.js";
import { lowerPoint } from "../../lower.js";
import { pointScope } from "../../scope.js";
import { ciscoAsaTarget } from "./target.js";

const FIXTURE = readFileSync(new URL("../cisco-common/fixture.yaml", import.meta.url), "utf8");
const golden = (name: string) => new URL(`golden/${name}`, import.meta.url).pathname;

function compile(policy: LoadedPolicy, name: string) {
  const point = policy.resolved.points.find((p) => p.point.name === name);
  if (!point) throw new Error(`No point ${name}`);
  return compilePoint(policy.intent, point);
}

describe("cisco-asa target", () => {
  const acme = loadFolder(ACME);
  const fixture = loadText(FIXTURE);

  it.each(["dc-fw", "asa-edge", "asa-lab"])("writes %s and proves it", (name) => {
    const result = compile(name === "dc-fw" ? acme : fixture, name);
    expect(result.status).toBe("proven");
    expect(result.diagnostics).toEqual([]);
    expect(result.files.map((f) => f.name)).toEqual([`${name}.asa`]);
    expectGolden(golden(`${name}.asa`), result.files[0]!.text);
  });

  it("binds the list inbound on each distinct interface, or globally without interfaces", () => {
    const edge = compile(fixture, "asa-edge").files[0]!.text;
    expect(edge.split("\n").filter((l) => l.startsWith("access-group"))).toEqual([
      "access-group RAMPART-ASA-EDGE in interface outside",
      "access-group RAMPART-ASA-EDGE in interface inside",
      "access-group RAMPART-ASA-EDGE in interface dmz",
    ]);
    const lab = compile(fixture, "asa-lab").files[0]!.text;
    expect(lab).toContain("access-group RAMPART-ASA-LAB global\n");
    expect(lab).toContain("access-list RAMPART-ASA-LAB extended deny ip any any log\n");
  });

  it("writes every-protocol, protocol numbers, ICMP type and code, and families apart", () => {
    const text = compile(fixture, "asa-edge").files[0]!.text;
    expect(text).toContain("extended permit ip 10.9.0.0 255.255.255.0 192.0.2.0 255.255.255.0 log\n");
    expect(text).toContain(" service-object ah\n");
    expect(text).toContain(" service-object gre\n");
    expect(text).toContain(" service-object icmp 8\n");
    expect(text).toContain("extended permit icmp host 10.9.0.5 object-group zone-lan-dmz-v4 3 4\n");
    expect(text).toContain("extended permit icmp6 2001:db8:1::/48 2001:db8:2::/48 1 4\n");
    expect(text).toContain("extended permit sctp 10.1.0.0 255.255.0.0 host 192.0.2.70 range 2905 2906\n");
  });

  it("puts the deny that cuts into a flow first, logged as its policy rule asks", () => {
    const text = compile(fixture, "asa-edge").files[0]!.text;
    const deny = text.indexOf("extended deny tcp 10.1.0.0 255.255.0.0 host 192.0.2.10 eq 8080 log");
    expect(deny).toBeGreaterThan(0);
    expect(deny).toBeLessThan(text.indexOf("remark lan-to-web\n"));
  });

  it("renders the same text twice", () => {
    const point = acme.resolved.points.find((p) => p.point.name === "dc-fw")!;
    const scope = pointScope(acme.intent, point, ciscoAsaTarget.capabilities);
    const ir = lowerPoint(acme.intent, scope, ciscoAsaTarget).ir;
    expect(ciscoAsaTarget.render(ir).files).toEqual(ciscoAsaTarget.render(ir).files);
  });

  it("does not compile a host-role point", () => {
    const hosts = loadText(
      FIXTURE.replace("target: cisco-ios\n    role: host", "target: cisco-asa\n    role: host"),
    );
    const result = compile(hosts, "ios-hosts");
    expect(result.status).toBe("not-compiled");
    expect(result.diagnostics[0]?.message).toContain(`"ios-hosts"`);
  });

  it("proves a large generated policy, whose packet sets number past 2^21 nodes", () => {
    // Past 2^21 nodes the overlap test once took a deny that cuts into a flow for one that does not, so the
    // deny was left out and the flow let through what it denies (tcp/135 within mgmt here).
    const policy = loadPolicy(generatePolicy({ flows: 4000, assets: 1000, seed: 1 }), {
      today: GENERATED_TODAY,
    });
    const result = compile(policy, "fw-branch");
    expect(policy.intent.space.bdd.nodeCount).toBeGreaterThan(1 << 21);
    expect(result.status).toBe("proven");
    expect(result.files[0]!.text).toContain("remark deny-39-legacy\n");
  });
});
