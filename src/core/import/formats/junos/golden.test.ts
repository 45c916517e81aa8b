import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, it } from "vitest";
import { expectGolden } from "../../../../../test/support/golden.js";
import { parsePrefix } from "../../../net/prefix.js";
import { formatDiagnostic } from "../../../policy/diagnostics.js";
import { PacketSpace } from "../../../space/packet-set.js";
import { summarize } from "../../../space/summarize.js";
import type { ImportContext } from "../../model.js";
import { junosImporter } from "./importer.js";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** The branch's zones as its policy would give them: trust is the LAN, untrust everything else. */
function context(space: PacketSpace): ImportContext {
  const lan = ["10.1.0.0/16", "2001:db8:1::/64"].map(parsePrefix);
  const inLan = (dir: "src" | "dst") => space.unionAll(lan.map((p) => space.prefix(dir, p)));
  return {
    space,
    role: "network",
    hosts: [],
    interfaces: { trust: "ge-0/0/1.0", untrust: "ge-0/0/0.0" },
    zoneSpace: (zone, dir) =>
      zone === "trust" ? inLan(dir) : zone === "untrust" ? inLan(dir).complement() : space.none(),
  };
}

describe("junos importer golden", () => {
  it("reads a branch SRX's saved configuration as the golden file says", () => {
    const name = "testdata/branch-srx.conf";
    const text = readFileSync(here(name), "utf8");
    const result = junosImporter.import([{ name, text }], context(new PacketSpace()));
    const out: string[] = ["# Rules", ""];
    for (const r of result.rules) {
      out.push(`${r.source.file}:${r.source.line} ${r.list} | ${r.label} | ${r.action} | ${r.source.text}`);
      out.push(...summarize(r.match, 12).map((l) => `    ${l}`));
    }
    out.push("", "# Accepted", "", ...summarize(result.accepted, 40).map((l) => `    ${l}`));
    out.push("", "# Diagnostics", "", ...result.diagnostics.map(formatDiagnostic), "");
    expectGolden(here("golden/branch-srx.txt"), out.join("\n"));
  });
});
