import { describe, expect, it } from "vitest";
import { isSetForm } from "./importer.js";
import { parseBraceConfig } from "./parse-braces.js";
import { parseSetConfig } from "./parse-set.js";
import type { Statement } from "./statements.js";
import { tokenize } from "./tokenize.js";

const paths = (statements: readonly Statement[]) =>
  statements.map((s) => s.words.map((w) => (w.items ? `[${w.items.join(",")}]` : w.text)).join(" "));

describe("junos tokenizer", () => {
  it("reads quoted strings with escapes, comments and annotations", () => {
    const { tokens, unterminated } = tokenize('a "b \\"c\\" d" # comment\n/* note\n more */ e;');
    expect(tokens.filter((t) => t.kind !== "eol").map((t) => t.text)).toEqual(["a", 'b "c" d', "e", ";"]);
    expect(unterminated).toEqual([]);
  });

  it("reports what is left open", () => {
    expect(tokenize('a "b').unterminated).toEqual([{ line: 1, column: 3, what: "quoted string" }]);
    expect(tokenize("a /* b").unterminated).toEqual([{ line: 1, column: 3, what: "comment" }]);
  });
});

describe("junos set form", () => {
  it("turns lists into one word and keeps each line's place", () => {
    const { statements, diagnostics } = parseSetConfig("set a b [ c d ]\n\nset e f\n", "cfg");
    expect(diagnostics).toEqual([]);
    expect(paths(statements)).toEqual(["a b [c,d]", "e f"]);
    expect(statements[1]!.loc).toEqual({ file: "cfg", line: 3, column: 1 });
    expect(statements[1]!.text).toBe("set e f");
  });

  it("keeps deactivated statements out, once activated they count again", () => {
    const { statements, diagnostics } = parseSetConfig(
      "set x y 1\nset x z 2\ndeactivate x y\nset q 1\ndeactivate q\nactivate q\n",
      "cfg",
    );
    expect(paths(statements)).toEqual(["x z 2", "q 1"]);
    expect(diagnostics.map((d) => `${d.line}:${d.code}`)).toEqual(["3:config-ignored"]);
  });

  it("rejects a line it cannot read and an unclosed list", () => {
    const { diagnostics } = parseSetConfig("hello world\nset a [ b\n", "cfg");
    expect(diagnostics.map((d) => `${d.line}:${d.column}:${d.code}`)).toEqual([
      "1:1:config-syntax",
      "2:7:config-syntax",
    ]);
    expect(diagnostics[1]!.message).toBe('List "[" is not closed');
  });
});

describe("junos brace form", () => {
  it("flattens blocks into full paths, empty blocks included", () => {
    const { statements, diagnostics } = parseBraceConfig(
      `security {
    zones {
        security-zone dmz { }
        security-zone trust {
            interfaces {
                ge-0/0/1.0;
            }
        }
    }
    policies {
        from-zone trust to-zone dmz {
            policy p {
                match {
                    application [ junos-http junos-https ];
                }
            }
        }
    }
}
`,
      "cfg",
    );
    expect(diagnostics).toEqual([]);
    expect(paths(statements)).toEqual([
      "security zones security-zone dmz",
      "security zones security-zone trust interfaces ge-0/0/1.0",
      "security policies from-zone trust to-zone dmz policy p match application [junos-http,junos-https]",
    ]);
    const policy = statements[2]!;
    expect(policy.loc.line).toBe(14);
    expect(policy.containers.map((c) => [c.at, c.end, c.loc.line, c.text])).toEqual([
      [0, 1, 1, "security {"],
      [1, 2, 10, "policies {"],
      [2, 6, 11, "from-zone trust to-zone dmz {"],
      [6, 8, 12, "policy p {"],
      [8, 9, 13, "match {"],
    ]);
  });

  it("drops inactive blocks and leaves, saying so once each", () => {
    const { statements, diagnostics } = parseBraceConfig(
      "a {\n    inactive: b {\n        c;\n        d;\n    }\n    inactive: e;\n    protect: f;\n}\n",
      "cfg",
    );
    expect(paths(statements)).toEqual(["a f"]);
    expect(diagnostics.map((d) => `${d.line}:${d.code}`)).toEqual(["2:config-ignored", "6:config-ignored"]);
  });

  it("reports unbalanced braces and missing semicolons", () => {
    const { statements, diagnostics } = parseBraceConfig("a {\n  b c\n}\n}\nd {\n", "cfg");
    expect(paths(statements)).toEqual(["a b c"]);
    expect(diagnostics.map((d) => `${d.line}:${d.code}`)).toEqual([
      "3:config-syntax",
      "4:config-syntax",
      "5:config-syntax",
    ]);
  });
});

describe("junos form detection", () => {
  it("tells set lines from blocks", () => {
    expect(isSetForm("# saved\nset system host-name a\n")).toBe(true);
    expect(isSetForm("admin@srx# set system host-name a\n")).toBe(true);
    expect(isSetForm("## Last commit\nsystem {\n    host-name a;\n}\n")).toBe(false);
  });
});
