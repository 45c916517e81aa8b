import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { expectGolden } from "../../../../../test/support/golden.js";
import { ACME, loadFolder, loadText } from "../../../../../test/support/policies.js";
import type { LoadedPolicy } from "../../../policy/load.js";
import { compilePoint } from "../../compile.js";
import { lowerPoint } from "../../lower.js";
import { pointScope } from "../../scope.js";
import { junosTarget } from "./target.js";

const golden = (name: string) => fileURLToPath(new URL(`./golden/${name}`, import.meta.url));

/** Every feature the target must write: both families, ranges, ICMP, any protocol, GRE/ESP, a deny, logs. */
export const FIXTURE = `
zones:
  internet: { networks: ["0.0.0.0/0", "::/0"] }
  dmz: { networks: [172.16.10.0/24, "2001:db8:172:10::/64"] }
  lan: { networks: [10.10.0.0/16, "2001:db8:10::/48"] }
  servers: { networks: [10.20.0.0/16, "2001:db8:20::/48"] }
  vault: { networks: [10.20.50.0/24] }
  legacy: { networks: [192.168.5.0/24] }
assets:
  web: { addresses: [172.16.10.11, "2001:db8:172:10::11"], zone: dmz }
  vpn-gw: { addresses: [172.16.10.20], zone: dmz }
  build: { addresses: [10.20.1.0/28, "2001:db8:20:1::/64"], zone: servers }
  hsm: { addresses: [10.20.50.5], zone: vault }
  admins: { addresses: [10.10.99.0/24, "2001:db8:10:99::/64"], zone: lan }
  plc: { addresses: [192.168.5.7], zone: legacy }
flows:
  - { name: internet-to-web, from: zone:internet, to: asset:web, services: [http, https], log: true, ticket: CHG-1, owner: web-team }
  - { name: lan-dns-out, from: zone:lan, to: zone:internet, services: [dns] }
  - { name: admins-to-build, from: asset:admins, to: asset:build, services: ["tcp/8000-8999", ssh] }
  - name: monitoring-ping
    from: asset:admins
    to: [zone:servers, zone:vault]
    services: [icmp/8, "icmpv6/128", icmp/3/4]
  - { name: servers-to-vault-any, from: asset:build, to: asset:hsm }
  - { name: vpn-tunnels, from: asset:vpn-gw, to: zone:internet, services: [gre, esp, "udp/500,4500"] }
  - { name: legacy-plc, from: asset:admins, to: asset:plc, services: [modbus], expires: 2024-12-31 }
  - name: a-flow-with-a-really-long-name-that-no-junos-identifier-could-ever-hold-as-is
    from: zone:lan
    to: asset:web
    services: [https]
  - { name: lan-to-lan-printing, from: zone:lan, to: zone:lan, services: [tcp/631] }
denies:
  - { name: no-build-debug-port, from: any, to: asset:build, services: ["tcp/8080"] }
enforcement:
  fw:
    target: junos
    zones: all
    interfaces: { internet: ge-0/0/0.0, dmz: ge-0/0/1.0, lan: ge-0/0/2.0, servers: ge-0/0/3.0, vault: ge-0/0/3.100, legacy: ge-0/0/4.0 }
  inner-fw: { target: junos, zones: [lan, servers, vault], options: { mode: srx } }
  hosts: { target: junos, role: host, zones: [lan, servers] }
`;

function point(loaded: LoadedPolicy, name: string) {
  const p = loaded.resolved.points.find((x) => x.point.name === name);
  if (!p) throw new Error(`No point ${name}`);
  return p;
}

function render(loaded: LoadedPolicy, name: string) {
  const p = point(loaded, name);
  const scope = pointScope(loaded.intent, p, junosTarget.capabilities);
  return junosTarget.render(lowerPoint(loaded.intent, scope, junosTarget).ir);
}

describe("junos target", () => {
  const acme = loadFolder(ACME);
  const fixture = loadText(FIXTURE);

  it("loads the fixture without errors", () => {
    expect(fixture.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });

  it("writes the acme ot-fw point as the golden file says, and proves it", () => {
    const compiled = compilePoint(acme.intent, point(acme, "ot-fw"));
    expect(compiled.status).toBe("proven");
    expect(compiled.files.map((f) => f.name)).toEqual(["ot-fw.set"]);
    expectGolden(golden("acme-ot-fw.set"), compiled.files[0]!.text);
  });

  it("writes the fixture's points as the golden files say, and proves each", () => {
    for (const name of ["fw", "inner-fw"]) {
      const compiled = compilePoint(fixture.intent, point(fixture, name));
      expect(compiled.status, name).toBe("proven");
      expect(
        compiled.diagnostics.filter((d) => d.severity === "error"),
        name,
      ).toEqual([]);
      expectGolden(golden(`fixture-${name}.set`), compiled.files[0]!.text);
    }
  });

  it("proves every acme point when it is compiled for junos", () => {
    for (const p of acme.resolved.points.filter((x) => x.point.role === "network")) {
      const retargeted = { ...p, point: { ...p.point, target: { ...p.point.target, value: "junos" } } };
      expect(compilePoint(acme.intent, retargeted).status, p.point.name).toBe("proven");
    }
  });

  it("refuses the host role, naming the enforcement point", () => {
    const compiled = compilePoint(fixture.intent, point(fixture, "hosts"));
    expect(compiled.status).toBe("not-compiled");
    expect(compiled.files).toEqual([]);
    const refusal = compiled.diagnostics.find((d) => d.code === "target-refused");
    expect(refusal?.message).toContain('enforcement point "hosts"');
  });

  it("renders byte-identical text twice", () => {
    expect(render(fixture, "fw").files).toEqual(render(fixture, "fw").files);
    expect(render(acme, "ot-fw").files).toEqual(render(acme, "ot-fw").files);
  });

  it("splits a rule across zone pairs and merges the pieces of one flow into one policy", () => {
    const text = render(fixture, "fw").files[0]!.text;
    // dns to the internet: one policy per zone pair, both families and both protocols in each.
    const dns = text.split("\n").filter((l) => /policy lan-dns-out match/.test(l));
    expect(dns).toEqual([
      "set security policies from-zone lan to-zone internet policy lan-dns-out match source-address any",
      "set security policies from-zone lan to-zone internet policy lan-dns-out match destination-address any",
      "set security policies from-zone lan to-zone internet policy lan-dns-out match application tcp-53",
      "set security policies from-zone lan to-zone internet policy lan-dns-out match application udp-53",
    ]);
    // The deny cuts into the admins' range before the flow, in the same zone pair.
    const pair = text.split("# From zone lan to zone servers")[1]!.split("# From zone")[0]!;
    expect(pair.indexOf("policy no-build-debug-port")).toBeLessThan(pair.indexOf("policy admins-to-build"));
    expect(pair).toContain("policy no-build-debug-port then deny");
  });

  it("writes logging, descriptions, ICMP codes and protocol numbers", () => {
    const text = render(fixture, "fw").files[0]!.text;
    expect(text).toContain("policy internet-to-web then log session-init");
    expect(text).toContain(
      'policy internet-to-web description "flow internet-to-web, ticket CHG-1, owner web-team"',
    );
    expect(text).toContain(
      "set applications application icmp-3-code-4 protocol icmp icmp-type 3 icmp-code 4",
    );
    expect(text).toContain("set applications application icmp6-128 protocol icmp6 icmp6-type 128");
    expect(text).toContain("set applications application proto-gre protocol gre");
    expect(text).toContain(
      "set applications application tcp-8000-8999 protocol tcp destination-port 8000-8999",
    );
    expect(text).toContain("match application any");
    expect(text).not.toContain("legacy-plc");
  });

  it("shortens long flow names to 63 characters, deterministically", () => {
    const text = render(fixture, "fw").files[0]!.text;
    const names = [...text.matchAll(/ policy (\S+) /g)].map((m) => m[1]!);
    expect(names.every((n) => n.length <= 63)).toBe(true);
    expect(names.some((n) => n.startsWith("a-flow-with-a-really-long-name"))).toBe(true);
  });

  it("binds each interface to one zone and warns when zones share one", () => {
    const loaded = loadText(`
zones: { a: [10.1.0.0/16], b: [10.2.0.0/16], c: [10.3.0.0/16] }
flows: [{ name: f, from: zone:a, to: zone:b, services: [ssh] }]
enforcement: { fw: { target: junos, zones: all, interfaces: { a: ge-0/0/1.0, b: ge-0/0/0.0, c: ge-0/0/0.0 } } }
`);
    const result = render(loaded, "fw");
    const text = result.files[0]!.text;
    expect(text).toContain("set security zones security-zone b interfaces ge-0/0/0.0\n");
    expect(text).toContain("set security zones security-zone c\n");
    expect(result.diagnostics.map((d) => [d.code, d.severity, d.message])).toEqual([
      [
        "target-option",
        "warning",
        'Interface "ge-0/0/0.0" is given to zones "b", "c"; an SRX interface belongs to one zone, so it is ' +
          'bound to "b" only and the other zones need interfaces of their own',
      ],
    ]);
  });

  it("checks its options", () => {
    const text = (options: string) =>
      loadText(`
zones: { a: [10.1.0.0/16], b: [10.2.0.0/16] }
flows: [{ name: f, from: zone:a, to: zone:b, services: [ssh] }]
enforcement: { fw: { target: junos, zones: all, options: ${options} } }
`);
    const messages = (options: string) => render(text(options), "fw").diagnostics.map((d) => d.message);
    expect(messages("{ mode: srx }")).toEqual([]);
    expect(messages("{ mod: srx }")).toEqual(['Unknown junos option "mod"; did you mean "mode"?']);
    expect(messages("{ mode: filter }")[0]).toContain('"mode: filter"');
    expect(render(text("{ mode: filter }"), "fw").diagnostics[0]!.severity).toBe("error");
    expect(messages("{ mode: nat }")).toEqual([
      'Option "mode" is "nat"; the only mode is "srx", which is used',
    ]);
  });

  it("reports a zone name Junos cannot hold", () => {
    const loaded = loadText(`
zones: { "a@b": [10.1.0.0/16], b: [10.2.0.0/16] }
flows: [{ name: f, from: "zone:a@b", to: zone:b, services: [ssh] }]
enforcement: { fw: { target: junos, zones: all } }
`);
    const d = render(loaded, "fw").diagnostics;
    expect(d.map((x) => x.code)).toEqual(["target-refused"]);
    expect(d[0]!.message).toContain('Zone "a@b" is not a valid Junos zone name');
  });
});
