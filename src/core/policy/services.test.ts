import { describe, expect, it } from "vitest";
import type { SourceLocation } from "./diagnostics.js";
import { BUILTIN_SERVICES, parseServiceSpec, ServiceResolver } from "./services.js";
import type { ServiceDef, ServiceEntry } from "./types.js";

const at = (line: number, column = 1): SourceLocation => ({ file: "p.yaml", line, column });
const entry = (value: string, line = 1, column = 1): ServiceEntry => ({ value, loc: at(line, column) });
const def = (name: string, line: number, ...values: string[]): ServiceDef => ({
  name,
  loc: at(line),
  entries: values.map((v, i) => entry(v, line + 1 + i, 7)),
});

describe("parseServiceSpec", () => {
  it("parses a single port", () => {
    expect(parseServiceSpec("tcp/443")).toEqual({
      ok: true,
      atoms: [{ kind: "ports", proto: 6, ranges: [{ lo: 443, hi: 443 }] }],
    });
  });

  it("parses port lists and inclusive ranges", () => {
    expect(parseServiceSpec("tcp/80,443,8000-8999")).toEqual({
      ok: true,
      atoms: [
        {
          kind: "ports",
          proto: 6,
          ranges: [
            { lo: 80, hi: 80 },
            { lo: 443, hi: 443 },
            { lo: 8000, hi: 8999 },
          ],
        },
      ],
    });
  });

  it("parses udp and sctp ports, and the port bounds 0 and 65535", () => {
    expect(parseServiceSpec("udp/53")).toEqual({
      ok: true,
      atoms: [{ kind: "ports", proto: 17, ranges: [{ lo: 53, hi: 53 }] }],
    });
    expect(parseServiceSpec("sctp/0-65535")).toEqual({
      ok: true,
      atoms: [{ kind: "ports", proto: 132, ranges: [{ lo: 0, hi: 65535 }] }],
    });
  });

  it("tolerates spaces around list items", () => {
    expect(parseServiceSpec(" tcp/80, 443 ")).toEqual({
      ok: true,
      atoms: [
        {
          kind: "ports",
          proto: 6,
          ranges: [
            { lo: 80, hi: 80 },
            { lo: 443, hi: 443 },
          ],
        },
      ],
    });
  });

  it("reads a bare port protocol as every port of it", () => {
    expect(parseServiceSpec("tcp")).toEqual({ ok: true, atoms: [{ kind: "protocol", proto: 6 }] });
    expect(parseServiceSpec("udp")).toEqual({ ok: true, atoms: [{ kind: "protocol", proto: 17 }] });
    expect(parseServiceSpec("sctp")).toEqual({ ok: true, atoms: [{ kind: "protocol", proto: 132 }] });
  });

  it("reads bare icmp and icmpv6 as every type", () => {
    expect(parseServiceSpec("icmp")).toEqual({ ok: true, atoms: [{ kind: "protocol", proto: 1 }] });
    expect(parseServiceSpec("icmpv6")).toEqual({ ok: true, atoms: [{ kind: "protocol", proto: 58 }] });
  });

  it("parses ICMP type and type/code, for both families", () => {
    expect(parseServiceSpec("icmp/8")).toEqual({ ok: true, atoms: [{ kind: "icmp", proto: 1, type: 8 }] });
    expect(parseServiceSpec("icmp/3/4")).toEqual({
      ok: true,
      atoms: [{ kind: "icmp", proto: 1, type: 3, code: 4 }],
    });
    expect(parseServiceSpec("icmpv6/128")).toEqual({
      ok: true,
      atoms: [{ kind: "icmp", proto: 58, type: 128 }],
    });
    expect(parseServiceSpec("icmpv6/1/0")).toEqual({
      ok: true,
      atoms: [{ kind: "icmp", proto: 58, type: 1, code: 0 }],
    });
  });

  it("parses proto/N and protocol names as the whole protocol", () => {
    expect(parseServiceSpec("proto/47")).toEqual({ ok: true, atoms: [{ kind: "protocol", proto: 47 }] });
    expect(parseServiceSpec("proto/0")).toEqual({ ok: true, atoms: [{ kind: "protocol", proto: 0 }] });
    expect(parseServiceSpec("proto/gre")).toEqual({ ok: true, atoms: [{ kind: "protocol", proto: 47 }] });
    for (const [name, proto] of [
      ["gre", 47],
      ["esp", 50],
      ["ah", 51],
      ["ospf", 89],
      ["vrrp", 112],
    ] as const)
      expect(parseServiceSpec(name)).toEqual({ ok: true, atoms: [{ kind: "protocol", proto }] });
  });

  it("reads any, all and ip as every packet", () => {
    for (const w of ["any", "all", "ip"])
      expect(parseServiceSpec(w)).toEqual({ ok: true, atoms: [{ kind: "any" }] });
  });

  it("is case-insensitive", () => {
    expect(parseServiceSpec("TCP/443")).toEqual(parseServiceSpec("tcp/443"));
    expect(parseServiceSpec("ICMPv6/128")).toEqual(parseServiceSpec("icmpv6/128"));
    expect(parseServiceSpec("Any")).toEqual({ ok: true, atoms: [{ kind: "any" }] });
    expect(parseServiceSpec("PROTO/47")).toEqual(parseServiceSpec("proto/47"));
  });

  it("returns undefined for a plain word, which is a service name", () => {
    expect(parseServiceSpec("https")).toBeUndefined();
    expect(parseServiceSpec("my-web")).toBeUndefined();
  });

  it("rejects ports above 65535 with port-range, naming the value", () => {
    const r = parseServiceSpec("tcp/70000");
    expect(r).toMatchObject({ ok: false, code: "port-range" });
    expect(r?.ok === false && r.message).toContain("70000");
    expect(parseServiceSpec("udp/1-65536")).toMatchObject({ ok: false, code: "port-range" });
  });

  it("rejects a reversed range with port-range", () => {
    const r = parseServiceSpec("tcp/900-800");
    expect(r).toMatchObject({ ok: false, code: "port-range" });
    expect(r?.ok === false && r.message).toContain("900-800");
  });

  it.each([
    "tcp/abc",
    "tcp/",
    "tcp/80,",
    "tcp/80/90",
    "tcp/-5",
    "proto/300",
    "proto/",
    "proto/abc",
    "proto/6/443",
    "icmp/300",
    "icmp/3/256",
    "icmp/3/4/5",
    "icmp/x",
    "gre/5",
    "tpc/443",
    "6/443",
    "443",
    "",
  ])("rejects malformed spec %j with invalid-service", (text) => {
    expect(parseServiceSpec(text)).toMatchObject({ ok: false, code: "invalid-service" });
  });

  it("suggests the protocol meant by a misspelt head", () => {
    const r = parseServiceSpec("icmpv7/1");
    expect(r?.ok === false && r.message).toBe(
      'Unknown protocol "icmpv7" in "icmpv7/1"; did you mean "icmpv6"?',
    );
  });
});

describe("BUILTIN_SERVICES", () => {
  it("holds only valid specs", () => {
    for (const [name, specs] of Object.entries(BUILTIN_SERVICES)) {
      expect(specs.length, name).toBeGreaterThan(0);
      for (const s of specs) expect(parseServiceSpec(s), `${name}: ${s}`).toMatchObject({ ok: true });
    }
  });

  it("has no name that spec syntax would take over", () => {
    for (const name of Object.keys(BUILTIN_SERVICES)) expect(parseServiceSpec(name), name).toBeUndefined();
  });
});

describe("ServiceResolver.resolve", () => {
  it("resolves an empty list to every packet", () => {
    expect(new ServiceResolver([]).resolve([])).toEqual({ atoms: [{ kind: "any" }], diagnostics: [] });
  });

  it("resolves specs and built-in names together", () => {
    const r = new ServiceResolver([]).resolve([entry("dns"), entry("icmp/8")]);
    expect(r.diagnostics).toEqual([]);
    expect(r.atoms).toEqual([
      { kind: "ports", proto: 17, ranges: [{ lo: 53, hi: 53 }] },
      { kind: "ports", proto: 6, ranges: [{ lo: 53, hi: 53 }] },
      { kind: "icmp", proto: 1, type: 8 },
    ]);
  });

  it("expands nested user services", () => {
    const r = new ServiceResolver([def("web", 1, "http", "https"), def("front", 5, "web", "tcp/8443")]);
    expect(r.resolve([entry("front")])).toEqual({
      atoms: [
        { kind: "ports", proto: 6, ranges: [{ lo: 8443, hi: 8443 }] },
        { kind: "ports", proto: 6, ranges: [{ lo: 443, hi: 443 }] },
        { kind: "ports", proto: 6, ranges: [{ lo: 80, hi: 80 }] },
      ],
      diagnostics: [],
    });
  });

  it("lists an atom reached twice only once", () => {
    const r = new ServiceResolver([def("a", 1, "https"), def("b", 5, "https"), def("c", 9, "a", "b")]);
    expect(r.resolve([entry("c"), entry("tcp/443")]).atoms).toEqual([
      { kind: "ports", proto: 6, ranges: [{ lo: 443, hi: 443 }] },
    ]);
  });

  it("collapses to every packet when one atom is any", () => {
    expect(new ServiceResolver([]).resolve([entry("ssh"), entry("any")]).atoms).toEqual([{ kind: "any" }]);
  });

  it("lets a user service shadow a built-in of the same name", () => {
    const r = new ServiceResolver([def("https", 1, "tcp/8443")]);
    expect(r.resolve([entry("https")]).atoms).toEqual([
      { kind: "ports", proto: 6, ranges: [{ lo: 8443, hi: 8443 }] },
    ]);
    expect(r.checkDefinitions()).toEqual([]);
  });

  it("reads a name that collides with spec syntax as the spec", () => {
    const r = new ServiceResolver([def("tcp", 1, "tcp/1234")]);
    expect(r.resolve([entry("tcp")]).atoms).toEqual([{ kind: "protocol", proto: 6 }]);
  });

  it("reports an unknown name at the entry, with did-you-mean", () => {
    const r = new ServiceResolver([def("backend", 1, "tcp/9000")]);
    const { atoms, diagnostics } = r.resolve([
      entry("https", 10, 5),
      entry("htps", 11, 9),
      entry("bakend", 12, 3),
    ]);
    expect(atoms).toEqual([{ kind: "ports", proto: 6, ranges: [{ lo: 443, hi: 443 }] }]);
    expect(diagnostics).toEqual([
      {
        code: "unknown-reference",
        severity: "error",
        message: 'Unknown service "htps"; did you mean "https"?',
        file: "p.yaml",
        line: 11,
        column: 9,
      },
      {
        code: "unknown-reference",
        severity: "error",
        message: 'Unknown service "bakend"; did you mean "backend"?',
        file: "p.yaml",
        line: 12,
        column: 3,
      },
    ]);
  });

  it("omits the hint when nothing is close", () => {
    const { diagnostics } = new ServiceResolver([]).resolve([entry("zzzzzzzzzz")]);
    expect(diagnostics.map((d) => d.message)).toEqual(['Unknown service "zzzzzzzzzz"']);
  });

  it("reports a bad spec at the entry with its code", () => {
    const { atoms, diagnostics } = new ServiceResolver([]).resolve([
      entry("tcp/99999", 4, 11),
      entry("tcp/abc", 5, 11),
    ]);
    expect(atoms).toEqual([]);
    expect(diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ["port-range", 4, 11],
      ["invalid-service", 5, 11],
    ]);
  });

  it("does not repeat problems inside definitions, and still resolves the sound parts", () => {
    const r = new ServiceResolver([def("web", 1, "http", "nope"), def("http", 5, "web", "tcp/8080")]);
    const { atoms, diagnostics } = r.resolve([entry("web")]);
    expect(diagnostics).toEqual([]);
    expect(atoms).toEqual([{ kind: "ports", proto: 6, ranges: [{ lo: 8080, hi: 8080 }] }]);
  });
});

describe("ServiceResolver.checkDefinitions", () => {
  it("accepts sound definitions", () => {
    expect(
      new ServiceResolver([
        def("web", 1, "http", "https"),
        def("all-web", 5, "web", "http-alt"),
      ]).checkDefinitions(),
    ).toEqual([]);
  });

  it("reports bad specs and unknown names once each, at their entries", () => {
    const r = new ServiceResolver([def("a", 1, "tcp/abc", "htps"), def("b", 5, "a", "udp/70000")]);
    expect(r.checkDefinitions().map((d) => [d.code, d.line, d.message])).toEqual([
      ["invalid-service", 2, '"tcp/abc" is not a valid service: "abc" is not a port or port range'],
      ["unknown-reference", 3, 'Unknown service "htps"; did you mean "https"?'],
      ["port-range", 7, 'Port 70000 in "udp/70000" is outside 0-65535'],
    ]);
  });

  it("reports a two-service cycle once, naming it", () => {
    const r = new ServiceResolver([def("web", 1, "http"), def("http", 5, "tcp/80", "web")]);
    expect(r.checkDefinitions()).toEqual([
      {
        code: "reference-cycle",
        severity: "error",
        message: "Service reference cycle: web -> http -> web",
        file: "p.yaml",
        line: 7,
        column: 7,
      },
    ]);
  });

  it("reports a service that names itself", () => {
    const r = new ServiceResolver([def("loop", 1, "loop")]);
    expect(r.checkDefinitions().map((d) => d.message)).toEqual(["Service reference cycle: loop -> loop"]);
  });

  it("reports a longer cycle once, and a service that only leads into it not at all", () => {
    const r = new ServiceResolver([
      def("entry", 1, "a"),
      def("a", 5, "b"),
      def("b", 9, "c"),
      def("c", 13, "a"),
    ]);
    expect(r.checkDefinitions().map((d) => [d.message, d.line])).toEqual([
      ["Service reference cycle: a -> b -> c -> a", 14],
    ]);
  });

  it("warns about a service with no entries", () => {
    const r = new ServiceResolver([def("empty", 3)]);
    expect(r.checkDefinitions()).toMatchObject([{ code: "invalid-service", severity: "warning", line: 3 }]);
    expect(r.resolve([entry("empty")]).atoms).toEqual([]);
  });
});

describe("ServiceResolver.names", () => {
  it("lists user and built-in names, each once", () => {
    const names = new ServiceResolver([def("web", 1, "http"), def("https", 3, "tcp/443")]).names();
    expect(names).toContain("web");
    expect(names).toContain("ssh");
    expect(names.filter((n) => n === "https")).toHaveLength(1);
  });
});
