import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { expectGolden } from "../../../../../test/support/golden.js";
import { ACME, loadFolder, loadText } from "../../../../../test/support/policies.js";
import { parseAddress } from "../../../net/address.js";
import type { LoadedPolicy } from "../../../policy/load.js";
import { compilePoint } from "../../compile.js";
import { lowerPoint } from "../../lower.js";
import { pointScope } from "../../scope.js";
import { ciscoIosTarget } from "./target.js";

const FIXTURE = readFileSync(new URL("../cisco-common/fixture.yaml", import.meta.url), "utf8");
const golden = (name: string) => new URL(`golden/${name}`, import.meta.url).pathname;

function compile(policy: LoadedPolicy, name: string) {
  const point = policy.resolved.points.find((p) => p.point.name === name);
  if (!point) throw new Error(`No point ${name}`);
  return compilePoint(policy.intent, point);
}

function lowered(policy: LoadedPolicy, name: string) {
  const point = policy.resolved.points.find((p) => p.point.name === name)!;
  const scope = pointScope(policy.intent, point, ciscoIosTarget.capabilities);
  return lowerPoint(policy.intent, scope, ciscoIosTarget).ir;
}

describe("cisco-ios target", () => {
  const acme = loadFolder(ACME);
  const fixture = loadText(FIXTURE);

  it.each(["lyon-rtr", "ios-edge", "ios-lab"])("writes %s and proves it, replies included", (name) => {
    const result = compile(name === "lyon-rtr" ? acme : fixture, name);
    expect(result.status).toBe("proven");
    expect(result.files.map((f) => f.name)).toEqual([`${name}.ios`]);
    expectGolden(golden(`${name}.ios`), result.files[0]!.text);
    // The expected set holds the replies of the allowed connections, and the output lets them through.
    const replies = result.scope!.expected.minus(result.scope!.allowed);
    expect(replies.isEmpty()).toBe(false);
    expect(replies.isSubsetOf(result.proof!.imported.accepted)).toBe(true);
  });

  it("binds outbound on request, still exact", () => {
    const out = loadText(
      FIXTURE.replace("options: { log-default-deny: true }", "options: { direction: out }"),
    );
    const result = compile(out, "ios-edge");
    expect(result.status).toBe("proven");
    expect(result.files[0]!.text).toContain("interface Gi0/2\n ip access-group RAMPART-IOS-EDGE-V4 out\n");
  });

  it("does not compile a host-role point, and says so naming it", () => {
    const result = compile(fixture, "ios-hosts");
    expect(result.status).toBe("not-compiled");
    const refusal = result.diagnostics.find((d) => d.code === "target-refused");
    expect(refusal?.message).toContain(`"ios-hosts"`);
    expect(refusal?.message).toContain(`"cisco-ios"`);
  });

  it("renders the same text twice", () => {
    const ir = lowered(acme, "lyon-rtr");
    expect(ciscoIosTarget.render(ir).files).toEqual(ciscoIosTarget.render(ir).files);
  });

  it("reports an unknown option and an invalid one at the point", () => {
    const lab = compile(fixture, "ios-lab");
    expect(lab.diagnostics.map((d) => [d.code, d.severity, d.message])).toContainEqual([
      "target-option",
      "warning",
      `Unknown option "colour" for target "cisco-ios" in enforcement point "ios-lab"; it takes "direction", "log-default-deny"`,
    ]);
    expect(lab.files[0]!.text).toContain("!   ip access-group RAMPART-IOS-LAB-V4 out");
    const bad = loadText(FIXTURE.replace("direction: out", "direction: sideways"));
    const d = compile(bad, "ios-lab").diagnostics.find((x) => x.message.startsWith(`Option "direction"`));
    expect(d?.severity).toBe("error");
    expect(d?.message).toBe(
      `Option "direction" of enforcement point "ios-lab" must be "in" or "out", not "sideways"`,
    );
  });
});

describe("cisco-ios refusals", () => {
  it("refuses a rule that would need too many entries, naming its flow", () => {
    const policy = loadText(`
zones:
  internet: ["0.0.0.0/0", "::/0"]
  a: ["2001:db8:1::/48"]
assets:
  srv: { addresses: ["2001:db8:1::10"], zone: a }
flows:
  - { name: world-to-srv, from: zone:internet, to: asset:srv }
enforcement:
  rtr: { target: cisco-ios, zones: [internet, a] }
`);
    const result = compile(policy, "rtr");
    expect(result.status).toBe("refused");
    const refusals = result.diagnostics.filter((d) => d.code === "target-refused");
    expect(refusals.map((d) => d.message)).toEqual([
      expect.stringMatching(
        /^Flow "world-to-srv" cannot be written for enforcement point "rtr" \(cisco-ios\): its replies need \d+ IPv6 entries in one rule, more than 4096$/,
      ),
    ]);
    // The flow itself is written; only its replies are left out.
    expect(result.files[0]!.text).toContain(" remark world-to-srv\n permit ipv6 ::/");
  });
});

describe("cisco-ios stateless replies", () => {
  const policy = loadText(`
zones:
  lan: ["10.1.0.0/16"]
  dc: ["10.2.0.0/16"]
assets:
  dns-1: { addresses: ["10.2.0.53"], zone: dc }
flows:
  - { name: lan-dns, from: zone:lan, to: asset:dns-1, services: [dns] }
enforcement:
  rtr: { target: cisco-ios, zones: [lan, dc], interfaces: { lan: Gi0/1, dc: Gi0/2 } }
`);
  const result = compile(policy, "rtr");
  const text = result.files[0]!.text;
  const v4 = text.slice(text.indexOf("ip access-list extended"), text.indexOf("ipv6 access-list"));

  it("proves the point", () => {
    expect(result.status).toBe("proven");
  });

  it("lets TCP replies through with established, first, and writes no TCP reply entry", () => {
    const entries = v4.split("\n").filter((l) => /^ (permit|deny)/.test(l));
    expect(entries[0]).toBe(" permit tcp any any established");
    expect(v4).not.toMatch(/permit tcp host 10\.2\.0\.53 eq 53/);
  });

  it("writes the UDP reply from the server's port 53 back to the clients", () => {
    expect(v4).toContain(" remark lan-dns (reply)\n permit udp host 10.2.0.53 eq 53 10.1.0.0 0.0.255.255\n");
    expect(v4).toContain(
      " remark lan-dns\n permit object-group lan-dns-svc 10.1.0.0 0.0.255.255 host 10.2.0.53\n",
    );
  });

  it("so the reply direction opens UDP from port 53 but no TCP connection", () => {
    const accepted = result.proof!.imported.accepted;
    const packet = (proto: number, sport: number, dport: number) =>
      policy.intent.space.packet({
        family: 4,
        src: parseAddress("10.2.0.53").value,
        dst: parseAddress("10.1.7.7").value,
        proto,
        sport,
        dport,
        icmpType: 0,
        icmpCode: 0,
      });
    expect(packet(17, 53, 40000).isSubsetOf(accepted)).toBe(true);
    expect(packet(6, 53, 40000).overlaps(accepted)).toBe(false);
    expect(packet(17, 54, 40000).overlaps(accepted)).toBe(false);
  });
});
