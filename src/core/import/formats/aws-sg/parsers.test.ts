import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseHcl } from "./hcl-parse.js";
import { awsSgImporter } from "./importer.js";
import { type JsonValue, parseJson } from "./json-parse.js";
import { files, hostContext } from "./test-support.js";

describe("parseJson", () => {
  it("keeps the line and column of values and keys", () => {
    const r = parseJson('{\n  "a": [1, "x\\u0041"],\n  "b": { "c": null, "d": true }\n}');
    expect(r.ok).toBe(true);
    if (!r.ok || r.value.kind !== "object") return;
    const [a, b] = r.value.entries;
    expect(a!.keyPos).toEqual({ line: 2, column: 3 });
    expect(a!.value).toMatchObject({ kind: "array", pos: { line: 2, column: 8 } });
    expect(a!.value.kind === "array" && a!.value.items[1]).toMatchObject({ kind: "string", value: "xA" });
    expect(b!.value).toMatchObject({ kind: "object", pos: { line: 3, column: 8 } });
  });

  it("reports errors with their place", () => {
    expect(parseJson('{"a": 1,}')).toEqual({
      ok: false,
      message: "Expected a quoted key",
      pos: { line: 1, column: 9 },
    });
    expect(parseJson('["a"\n  "b"]')).toMatchObject({ ok: false, pos: { line: 2, column: 3 } });
    expect(parseJson('[\n "unterminated')).toMatchObject({
      ok: false,
      message: "Unterminated string",
      pos: { line: 2, column: 2 },
    });
    expect(parseJson("[1] 2")).toMatchObject({ ok: false, message: "Unexpected text after the JSON value" });
    expect(parseJson("[".repeat(500))).toMatchObject({ ok: false, message: "JSON nested too deeply" });
  });

  it("agrees with JSON.parse on the values of any JSON document", () => {
    const strip = (v: JsonValue): unknown => {
      switch (v.kind) {
        case "object":
          return Object.fromEntries(v.entries.map((e) => [e.key, strip(e.value)]));
        case "array":
          return v.items.map(strip);
        case "null":
          return null;
        default:
          return v.value;
      }
    };
    fc.assert(
      fc.property(fc.json(), (text) => {
        const r = parseJson(text);
        expect(r.ok).toBe(true);
        if (r.ok) expect(strip(r.value)).toEqual(JSON.parse(text));
      }),
      { numRuns: 200 },
    );
  });
});

describe("parseHcl", () => {
  it("reads blocks, attributes, lists, objects, references and comments", () => {
    const r = parseHcl(`# comment
resource "aws_security_group" "web" { // trailing
  name  = "web"
  ports = [1, -2, "3"]
  tags  = { Name = "x", "a:b" : "y" }
  ref   = aws_security_group.web.id
  /* block
     comment */
  ingress {
    self = true
  }
}
`);
    expect(r.errors).toEqual([]);
    const block = r.body[0]!;
    expect(block).toMatchObject({ kind: "block", type: "resource", labels: ["aws_security_group", "web"] });
    if (block.kind !== "block") return;
    const attr = (name: string) => block.body.find((i) => i.kind === "attribute" && i.name === name);
    expect(attr("ports")).toMatchObject({
      value: { kind: "list", items: [{ value: 1 }, { value: -2 }, { value: "3" }] },
    });
    expect(attr("tags")).toMatchObject({
      value: {
        entries: [
          { key: "Name", value: { value: "x" } },
          { key: "a:b", value: { value: "y" } },
        ],
      },
    });
    expect(attr("ref")).toMatchObject({ value: { kind: "ref", parts: ["aws_security_group", "web", "id"] } });
    expect(block.body[4]).toMatchObject({ kind: "block", type: "ingress", pos: { line: 9, column: 3 } });
  });

  it("keeps expressions it does not evaluate as unsupported, with their place", () => {
    const r = parseHcl(`a = var.x + 1
b = merge(local.tags, { x = 1 })
c = "prefix-\${var.name}"
d = [for p in var.ports : p]
e = var.cond ? "x" : "y"
f = "$\${literal}"
g = x[0]
`);
    expect(r.errors).toEqual([]);
    const kinds = r.body.map((i) => (i.kind === "attribute" ? [i.name, i.value.kind] : []));
    expect(kinds).toEqual([
      ["a", "unsupported"],
      ["b", "unsupported"],
      ["c", "unsupported"],
      ["d", "unsupported"],
      ["e", "unsupported"],
      ["f", "string"],
      ["g", "unsupported"],
    ]);
  });

  it("reports an error and goes on with the next top-level block", () => {
    const r = parseHcl(`resource "a" "b" {
  x = = 1
}
resource "c" "d" {
  y = 2
}
oops
`);
    expect(r.errors.map((e) => [e.message, e.pos.line])).toEqual([
      ['Expected a value, not "="', 2],
      ['Expected "{", not the end of the line', 7],
    ]);
    expect(r.body.map((b) => (b.kind === "block" ? b.labels : []))).toEqual([["c", "d"]]);
  });

  it("reads heredocs, stripping shared indentation for <<-", () => {
    const r = parseHcl("a = <<-EOT\n    one\n      two\n  EOT\nb = <<EOT\n x\nEOT\n");
    expect(
      r.body.map((i) => (i.kind === "attribute" && i.value.kind === "string" ? i.value.value : "")),
    ).toEqual(["one\n  two\n", " x\n"]);
  });
});

describe("aws-sg importer robustness", () => {
  const tf = `resource "aws_security_group" "web" {
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  tags = { "rampart:asset" = "web-1" }
}
`;
  const json =
    '{"SecurityGroups":[{"GroupId":"sg-1","IpPermissions":[{"IpProtocol":"tcp","FromPort":1,"ToPort":2,' +
    '"IpRanges":[{"CidrIp":"10.0.0.0/8"}]}],"Tags":[{"Key":"rampart:asset","Value":"web-1"}]}]}';

  it("never throws on damaged or random input", () => {
    const damaged = (text: string) =>
      fc
        .tuple(fc.nat(text.length), fc.nat(8), fc.string({ maxLength: 4 }))
        .map(([at, cut, insert]) => text.slice(0, at) + insert + text.slice(at + cut));
    fc.assert(
      fc.property(fc.oneof(damaged(tf), damaged(json), fc.string()), fc.boolean(), (text, asJson) => {
        const r = awsSgImporter.import(files([asJson ? "x.json" : "x.tf", text]), hostContext());
        expect(Array.isArray(r.diagnostics)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
