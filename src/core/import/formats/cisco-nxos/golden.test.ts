import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, it } from "vitest";
import { expectGolden } from "../../../../../test/support/golden.js";
import { formatDiagnostic } from "../../../policy/diagnostics.js";
import { PacketSpace } from "../../../space/packet-set.js";
import { summarize } from "../../../space/summarize.js";
import { standaloneContext } from "../../standalone.js";
import { ciscoNxosImporter } from "./importer.js";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

describe("cisco-nxos importer golden", () => {
  it("reads a leaf switch's running configuration as the golden file says", () => {
    const name = "testdata/leaf.cfg";
    const result = ciscoNxosImporter.import(
      [{ name, text: readFileSync(here(name), "utf8") }],
      standaloneContext(new PacketSpace()),
    );
    const out: string[] = ["# Lists", ""];
    for (const l of result.lists ?? [])
      out.push(`${l.name} | falls through: ${l.fallThrough} | line ${l.source?.line}`);
    out.push("", "# Rules", "");
    for (const r of result.rules) {
      out.push(
        `${r.source.file}:${r.source.line} ${r.list} | ${r.label ?? ""} | ${r.action} | ${r.source.text}`,
      );
      out.push(...summarize(r.match, 12).map((l) => `    ${l}`));
    }
    out.push("", "# Accepted", "", ...summarize(result.accepted, 40).map((l) => `    ${l}`));
    out.push("", "# Diagnostics", "", ...result.diagnostics.map(formatDiagnostic), "");
    expectGolden(here("golden/leaf.txt"), out.join("\n"));
  });
});
