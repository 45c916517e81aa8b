import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAddress } from "../../../net/address.js";
import { formatPrefix, prefixContains, prefixOf } from "../../../net/prefix.js";
import { zoneContext } from "../../../../../test/support/import-context.js";
import { PacketSpace } from "../../../space/packet-set.js";
import { junosImporter } from "./importer.js";
import { codes, icmp, loadJunos as load, tcp, udp } from "./testing.js";

const FILTER_SET = `set policy-options prefix-list MGMT 192.0.2.0/24
set policy-options prefix-list MGMT 198.51.100.7/32
set firewall family inet filter EDGE term no-bogons from source-address 10.0.0.0/8
set firewall family inet filter EDGE term no-bogons from source-address 10.1.0.0/16 except
set firewall family inet filter EDGE term no-bogons then discard
set firewall family inet filter EDGE term ssh from source-prefix-list MGMT
set firewall family inet filter EDGE term ssh from protocol tcp
set firewall family inet filter EDGE term ssh from destination-port ssh
set firewall family inet filter EDGE term ssh then accept
set firewall family inet filter EDGE term web from protocol tcp
set firewall family inet filter EDGE term web from destination-port [ http https ]
set firewall family inet filter EDGE term web then count web-hits
set firewall family inet filter EDGE term ping from protocol icmp
set firewall family inet filter EDGE term ping from icmp-type echo-request
set firewall family inet filter EDGE term ping then accept
set firewall family inet filter EDGE term old from tcp-established
set firewall family inet filter EDGE term old then accept
set firewall family inet filter EDGE term dns from protocol udp
set firewall family inet filter EDGE term dns from source-port-except 53
set firewall family inet filter EDGE term dns from dscp ef
set firewall family inet filter EDGE term dns then next term
set firewall family inet filter EDGE term dns2 from protocol udp
set firewall family inet filter EDGE term dns2 from destination-port 53
set firewall family inet filter EDGE term dns2 then accept
set interfaces ge-0/0/0 unit 0 family inet filter input EDGE
`;

describe("junos importer: firewall filters", () => {
  const r = load(FILTER_SET);
  const edge = r.rules.filter((x) => x.list === "inet EDGE");
  const first = (p: ReturnType<typeof tcp>) =>
    edge.find((x) => x.action !== "other" && x.match.contains(p))?.label;

  it("reads each term as a rule in order, with its action (no terminating action: accept)", () => {
    expect(edge.map((x) => [x.label, x.action, x.source.line])).toEqual([
      ["no-bogons", "drop", 3],
      ["ssh", "accept", 6],
      ["web", "accept", 10],
      ["ping", "accept", 13],
      ["old", "accept", 16],
      ["dns", "other", 18],
      ["dns2", "accept", 22],
    ]);
    expect(r.lists).toEqual([
      { name: "inet EDGE", fallThrough: "drop", source: expect.objectContaining({ line: 3 }) },
    ]);
  });

  it("matches addresses by longest prefix, with except, and prefix lists", () => {
    expect(first(tcp("10.2.0.1", "203.0.113.1", 22))).toBe("no-bogons");
    expect(first(tcp("10.1.0.1", "203.0.113.1", 443))).toBe("web");
    expect(first(tcp("198.51.100.7", "203.0.113.1", 22))).toBe("ssh");
    expect(first(tcp("198.51.100.8", "203.0.113.1", 22))).toBeUndefined();
  });

  it("reads ports, named and listed, port-except, ICMP types, and tcp-established as no new connection", () => {
    expect(first(tcp("203.0.113.9", "192.0.2.1", 80))).toBe("web");
    expect(first(icmp("203.0.113.9", "192.0.2.1", 8))).toBe("ping");
    expect(first(icmp("203.0.113.9", "192.0.2.1", 0))).toBeUndefined();
    expect(edge[4]!.match.isEmpty()).toBe(true);
    const dns = edge[5]!;
    expect(dns.match.contains(udp("203.0.113.9", "192.0.2.1", 53, 40000))).toBe(true);
    expect(dns.match.contains(udp("203.0.113.9", "192.0.2.1", 53, 53))).toBe(false);
  });

  it("lets through what the bound filter accepts, dropping the rest", () => {
    expect(r.accepted.contains(tcp("203.0.113.9", "192.0.2.1", 443))).toBe(true);
    expect(r.accepted.contains(udp("203.0.113.9", "192.0.2.1", 53))).toBe(true);
    expect(r.accepted.contains(tcp("203.0.113.9", "192.0.2.1", 25))).toBe(false);
    // IPv6 meets no filter.
    expect(r.accepted.contains(tcp("2001:db8::1", "2001:db8::2", 25))).toBe(true);
  });

  it("reports the conditions it reads as matching every value", () => {
    expect(codes(r)).toEqual(["20:config-unsupported"]);
    expect(r.diagnostics[0]!.message).toBe('Condition "dscp" ignored: read as matching every value');
  });

  it("reads the curly-brace form the same way", () => {
    const braces = load(`firewall {
    family inet {
        filter EDGE {
            term no-bogons {
                from {
                    source-address {
                        10.0.0.0/8;
                        10.1.0.0/16 except;
                    }
                }
                then discard;
            }
            term web {
                from {
                    protocol tcp;
                    destination-port [ http https ];
                }
                then {
                    count web-hits;
                }
            }
        }
    }
}
`);
    expect(braces.rules.map((x) => [x.label, x.action, x.source.line, x.source.text])).toEqual([
      ["no-bogons", "drop", 4, "term no-bogons {"],
      ["web", "accept", 13, "term web {"],
    ]);
    // A filter file on its own is read as applied.
    expect(braces.accepted.contains(tcp("10.1.0.1", "192.0.2.1", 443))).toBe(true);
    expect(braces.accepted.contains(tcp("10.2.0.1", "192.0.2.1", 443))).toBe(false);
    expect(braces.accepted.contains(tcp("10.1.0.1", "192.0.2.1", 22))).toBe(false);
  });

  it("reports non-IP filters, undefined prefix lists and nested filters, never throwing", () => {
    const bad = load(`set firewall family ethernet-switching filter L2 term a then accept
set firewall filter F term a from prefix-list NOPE
set firewall filter F term a then accept
set firewall filter F term b filter OTHER
set firewall filter F term c from protocol frobnicate
set interfaces ge-0/0/1 unit 0 family inet filter sideways F
`);
    expect(codes(bad)).toEqual([
      "1:config-unsupported",
      "2:config-syntax",
      "4:config-unsupported",
      "5:config-syntax",
      "6:config-syntax",
    ]);
  });
});

describe("junos importer: filter addresses against a plain longest-prefix reference", () => {
  /** Prefixes inside 10.0.0.0/8 so that they nest often. */
  const prefixArb = fc.record({
    b: fc.integer({ min: 0, max: 3 }),
    c: fc.integer({ min: 0, max: 3 }),
    len: fc.constantFrom(8, 12, 14, 16, 20, 24),
    except: fc.boolean(),
  });
  const addressArb = fc.record({ b: fc.integer({ min: 0, max: 3 }), c: fc.integer({ min: 0, max: 3 }) });

  it("matches a source exactly when its longest covering listed prefix is not an except one", () => {
    fc.assert(
      fc.property(
        fc.array(prefixArb, { minLength: 1, maxLength: 6 }),
        fc.array(addressArb, { maxLength: 8 }),
        (items, addrs) => {
          const prefixes = items.map((i) => ({
            ...i,
            p: prefixOf(parseAddress(`10.${i.b * 64}.${i.c * 64}.0`), i.len),
          }));
          // Junos keeps one entry per prefix: the last one written.
          const byText = new Map(prefixes.map((x) => [formatPrefix(x.p), x]));
          const lines = [...byText.values()].map(
            (x) =>
              `set firewall filter F term t from source-address ${formatPrefix(x.p)}${x.except ? " except" : ""}`,
          );
          const r = load([...lines, "set firewall filter F term t then accept"].join("\n"));
          for (const a of addrs) {
            const src = `10.${a.b * 64}.${a.c * 64}.1`;
            const address = parseAddress(src);
            const covering = [...byText.values()]
              .filter((x) => prefixContains(x.p, address))
              .sort((x, y) => y.p.length - x.p.length)[0];
            const expected = covering !== undefined && !covering.except;
            expect(r.accepted.contains(tcp(src, "192.0.2.1", 80)), `${src} ${lines.join("; ")}`).toBe(
              expected,
            );
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("junos importer: filters placed by the interface map", () => {
  it("applies the input filter of the interface a packet enters by and the output filter of the one it leaves by", () => {
    const space = new PacketSpace();
    const ctx = zoneContext(
      space,
      { lan: ["10.0.0.0/8"], wan: ["192.0.2.0/24"], dmz: ["172.16.0.0/12"] },
      { lan: "ge-0/0/1", wan: "ge-0/0/0.0", dmz: "ge-0/0/2.0" },
    );
    const text = `set firewall filter WAN-IN term web from protocol tcp
set firewall filter WAN-IN term web from destination-port 443
set firewall filter WAN-IN term web then accept
set firewall filter LAN-OUT term no-telnet from protocol tcp
set firewall filter LAN-OUT term no-telnet from destination-port 23
set firewall filter LAN-OUT term no-telnet then discard
set firewall filter LAN-OUT term rest then accept
set interfaces ge-0/0/0 unit 0 family inet filter input WAN-IN
set interfaces ge-0/0/1 unit 0 family inet filter output LAN-OUT
`;
    const r = junosImporter.import([{ name: "mx.conf", text }], ctx);
    expect(r.accepted.contains(tcp("192.0.2.5", "10.1.1.1", 443))).toBe(true);
    expect(r.accepted.contains(tcp("192.0.2.5", "10.1.1.1", 22))).toBe(false);
    expect(r.accepted.contains(tcp("192.0.2.5", "172.16.0.1", 443))).toBe(true);
    expect(r.accepted.contains(tcp("172.16.0.1", "10.1.1.1", 23))).toBe(false);
    expect(r.accepted.contains(tcp("172.16.0.1", "10.1.1.1", 22))).toBe(true);
    // The dmz interface has no filter either way.
    expect(r.accepted.contains(tcp("10.1.1.1", "172.16.0.1", 23))).toBe(true);
    expect(r.diagnostics.filter((d) => d.code !== "config-ignored")).toEqual([]);
  });
});

describe("junos importer: filter lists", () => {
  it("evaluates an input-list as one filter: the terms of each in order, then a single discard", () => {
    const r = load(`set firewall filter A term ssh from protocol tcp
set firewall filter A term ssh from destination-port 22
set firewall filter A term ssh then discard
set firewall filter B term all then accept
set interfaces ge-0/0/0 unit 0 family inet filter input-list A
set interfaces ge-0/0/0 unit 0 family inet filter input-list B
`);
    // A alone would discard everything but nothing; with B after it, all but SSH passes.
    expect(r.accepted.contains(tcp("192.0.2.1", "10.0.0.1", 22))).toBe(false);
    expect(r.accepted.contains(tcp("192.0.2.1", "10.0.0.1", 80))).toBe(true);
    expect(r.diagnostics.filter((d) => d.code !== "config-ignored")).toEqual([]);
  });
});

describe("junos importer: replace: in load files", () => {
  it("lets a filter written again under replace: take the place of the one above", () => {
    const r = load(`firewall {
    family inet {
        replace: filter F {
            term a {
                from {
                    source-address 10.0.0.0/8;
                }
                then accept;
            }
        }
    }
}
firewall {
    family inet {
        replace: filter F {
            term a {
                from {
                    destination-address 10.0.0.0/8;
                }
                then accept;
            }
        }
    }
}
`);
    expect(r.rules.map((x) => x.source.line)).toEqual([16]);
    expect(r.accepted.contains(tcp("192.0.2.1", "10.0.0.1", 80))).toBe(true);
    expect(r.accepted.contains(tcp("10.0.0.1", "192.0.2.1", 80))).toBe(false);
    expect(codes(r)).toEqual(["3:config-ignored"]);
  });
});

describe("junos importer: filter robustness", () => {
  const words = [
    "firewall",
    "family",
    "inet",
    "inet6",
    "filter",
    "F",
    "G",
    "term",
    "t",
    "u",
    "from",
    "then",
    "accept",
    "discard",
    "next",
    "source-address",
    "destination-address",
    "10.0.0.0/8",
    "except",
    "protocol",
    "tcp",
    "destination-port",
    "80",
    "1024-65535",
    "icmp-type",
    "echo-request",
    "prefix-list",
    "P",
    "count",
    "c",
    "interfaces",
    "ge-0/0/0",
    "unit",
    "0",
    "input",
    "tcp-established",
    "dscp",
    "ef",
    "policy-options",
  ];
  const line = fc
    .array(fc.constantFrom(...words), { minLength: 1, maxLength: 12 })
    .map((ws) => `set ${ws.join(" ")}`);

  it("never throws on set lines made of filter keywords, and keeps every rule at its line", () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 20 }), (lines) => {
        const r = load(lines.join("\n"));
        for (const d of r.diagnostics) expect(d.line).toBeLessThanOrEqual(Math.max(lines.length, 1));
        for (const rule of r.rules) expect(lines[rule.source.line - 1]).toBe(rule.source.text);
      }),
      { numRuns: 300 },
    );
  });
});

describe("junos importer: conditions it cannot model in a discarding term", () => {
  it("reads such a term as matching nothing, and an accepting one as matching every value", () => {
    const r = load(`set firewall filter F term no-ef from dscp ef
set firewall filter F term no-ef then discard
set firewall filter F term big from packet-length 1000-1500
set firewall filter F term big then accept
`);
    expect(r.rules.map((x) => [x.label, x.match.isEmpty(), x.widened ?? false])).toEqual([
      ["no-ef", true, false],
      ["big", false, true],
    ]);
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      'Condition "dscp" not modelled: this discarding term is read as matching nothing, so it hides no opening',
      'Condition "packet-length" ignored: read as matching every value',
    ]);
  });
});
