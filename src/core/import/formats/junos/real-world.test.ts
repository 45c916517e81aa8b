import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PacketSpace } from "../../../space/packet-set.js";
import { junosImporter } from "./importer.js";
import { loadJunos as load, tcp, testContext as context } from "./testing.js";

describe("junos importer: the rest of a real configuration", () => {
  it("reports NAT, groups and unknown zones, and what cannot change the verdict as ignored", () => {
    const r = load(`
set version 21.4R3
set system host-name srx1
set interfaces ge-0/0/0 unit 0 family inet address 198.51.100.2/30
set snmp community public authorization read-only
set security screen ids-option untrust-screen icmp ping-death
set security nat source rule-set out from zone trust
set firewall family inet filter protect-re term a then accept
set firewall family inet filter protect-re term b then discard
set groups branch security policies from-zone trust to-zone untrust policy x then permit
set apply-groups branch
set security zones security-zone guests interfaces ge-0/0/5.0
set security policies from-zone junos-host to-zone untrust policy mgmt match source-address any destination-address any application any
set security policies from-zone junos-host to-zone untrust policy mgmt then permit
set frobnicator enabled
`);
    expect(r.diagnostics.map((d) => `${d.line}:${d.code}`)).toEqual([
      "2:config-ignored",
      "3:config-ignored",
      "4:config-ignored",
      "5:config-ignored",
      "6:config-ignored",
      "7:config-unsupported",
      "10:config-unsupported",
      "11:config-ignored",
      "12:config-unsupported",
      "13:config-ignored",
      "15:config-ignored",
    ]);
    // The filter is read as a rule list; bound to no interface, it filters nothing.
    expect(r.lists?.find((l) => l.name === "inet protect-re")?.fallThrough).toBe("drop");
    expect(r.diagnostics.find((d) => d.line === 12)!.message).toBe(
      'Zone "guests" is not a zone of the policy; its traffic is not modelled',
    );
    expect(r.accepted.isEmpty()).toBe(true);
  });

  it("reports syntax errors with their line and column, and keeps reading", () => {
    const r = load(`
set security policies from-zone trust to-zone untrust policy p match source-address any destination-address any application any
this is not junos
set security policies from-zone trust to-zone untrust policy p then permit
set security policies from-zone trust to-zone untrust policy p description "unterminated
set applications application bad protocol tcp destination-port 99999
`);
    expect(r.diagnostics.map((d) => `${d.line}:${d.column}:${d.code}`)).toEqual([
      "3:1:config-syntax",
      "5:76:config-syntax",
      "6:64:config-syntax",
    ]);
    expect(r.accepted.contains(tcp("10.1.1.1", "8.8.8.8", 80))).toBe(true);
  });

  it("reports an unbalanced brace configuration", () => {
    const r = load(`
security {
    policies {
        from-zone trust to-zone untrust {
            policy p {
                match { source-address any; destination-address any; application any }
                then { permit; }
`);
    expect(r.diagnostics.map((d) => `${d.line}:${d.code}`)).toEqual([
      "2:config-syntax",
      "3:config-syntax",
      "4:config-syntax",
      "5:config-syntax",
      "6:config-syntax",
    ]);
    expect(r.accepted.contains(tcp("10.1.1.1", "8.8.8.8", 80))).toBe(true);
  });

  it("never throws, whatever the text", () => {
    const words = fc.constantFrom(
      "set",
      "security",
      "policies",
      "from-zone",
      "trust",
      "to-zone",
      "untrust",
      "policy",
      "p",
      "match",
      "application",
      "any",
      "then",
      "permit",
      "{",
      "}",
      ";",
      "[",
      "]",
      '"',
      "#",
      "/*",
      "insert",
      "before",
      "deactivate",
      "address-book",
      "address",
      "10.0.0.0/8",
      "\n",
    );
    const space = new PacketSpace();
    const text = fc.oneof(
      fc.array(words, { maxLength: 60 }).map((parts) => parts.join(" ")),
      fc.string({ unit: fc.constantFrom(...'set {}[];#/*"\n abc-1.0/8'), maxLength: 120 }),
    );
    fc.assert(
      fc.property(text, (t) => {
        const r = junosImporter.import([{ name: "x", text: t }], context(space));
        expect(r.accepted.space).toBe(space);
      }),
      { numRuns: 400 },
    );
  });
});
