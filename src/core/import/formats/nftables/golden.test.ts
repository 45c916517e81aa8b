// The nftables importer on a small office router, written as an nft script and as the `nft -j list ruleset`
// JSON nft made of it (fixtures/): golden listings of both, and the proof that they say the same.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { expectGolden } from "../../../../../test/support/golden.js";
import { parsePrefix } from "../../../net/prefix.js";
import { formatDiagnostic } from "../../../policy/diagnostics.js";
import { PacketSpace } from "../../../space/packet-set.js";
import { summarize } from "../../../space/summarize.js";
import { prefixMatch } from "../../match.js";
import type { ConfigFile, ImportContext, ImportResult } from "../../model.js";
import { nftablesImporter } from "./importer.js";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const fixture = (name: string): ConfigFile => ({
  name,
  text: readFileSync(join(HERE, "fixtures", name), "utf8"),
});

const space = new PacketSpace();
const ZONES: Record<string, string[]> = { lan: ["10.1.0.0/16"], dmz: ["10.2.0.0/16"] };
const context: ImportContext = {
  space,
  role: "network",
  hosts: [],
  interfaces: { lan: "eth1", dmz: "eth2", wan: "eth0" },
  zoneSpace: (zone, dir) =>
    zone === "wan"
      ? space.all().minus(prefixMatch(space, dir, Object.values(ZONES).flat().map(parsePrefix)))
      : prefixMatch(space, dir, (ZONES[zone] ?? []).map(parsePrefix)),
};

function listing(r: ImportResult): string {
  return [
    "# accepted",
    ...summarize(r.accepted, 30),
    "",
    "# lists",
    ...(r.lists ?? []).map((l) => `${l.name}: ${l.fallThrough} (${l.source?.file}:${l.source?.line})`),
    "",
    "# rules",
    ...r.rules.map(
      (x) =>
        `${x.source.file}:${x.source.line} [${x.list}] ${x.action}` +
        `${x.hits !== undefined ? ` hits=${x.hits}` : ""}${x.label ? ` "${x.label}"` : ""}\n    ${x.source.text}`,
    ),
    "",
    "# diagnostics",
    ...r.diagnostics.map(formatDiagnostic),
    "",
  ].join("\n");
}

describe("nftables importer golden: an office router as nft text and as nft -j JSON", () => {
  const text = nftablesImporter.import([fixture("router.nft")], context);
  const json = nftablesImporter.import([fixture("router.json")], context);

  it("matches the golden listing of the text", () => {
    expectGolden(join(HERE, "golden/router-nft.txt"), listing(text));
  });

  it("matches the golden listing of the JSON", () => {
    expectGolden(join(HERE, "golden/router-json.txt"), listing(json));
  });

  it("reads the JSON to the same packets, rules, hits and lists as the text", () => {
    expect(json.accepted.equals(text.accepted)).toBe(true);
    const shape = (r: ImportResult) =>
      r.rules.map((x) => `${x.list} ${x.action} ${x.hits} ${x.label} ${x.match.node}`);
    expect(shape(json).sort()).toEqual(shape(text).sort());
    expect(json.lists?.map((l) => `${l.name} ${l.fallThrough}`).sort()).toEqual(
      text.lists?.map((l) => `${l.name} ${l.fallThrough}`).sort(),
    );
  });
});
