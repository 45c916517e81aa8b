// The nftables target on the example and the fixture: golden files, proofs, options, and nft itself.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { expectGolden } from "../../../../../test/support/golden.js";
import { inNetns, oracleCommand, oracleNetns, withNetns } from "../../../../../test/support/oracles.js";
import { ACME, loadFolder, loadText } from "../../../../../test/support/policies.js";
import { nftablesImporter } from "../../../import/formats/nftables/importer.js";
import type { LoadedPolicy } from "../../../policy/load.js";
import { compilePoint, type CompiledPoint } from "../../compile.js";
import { importContext } from "../../prove.js";
import { nftablesTarget } from "./target.js";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const FIXTURE = readFileSync(join(HERE, "testdata/mixed.yaml"), "utf8");

function nftPoints(policy: LoadedPolicy): CompiledPoint[] {
  return policy.resolved.points
    .filter((p) => p.point.target.value === "nftables")
    .map((p) => compilePoint(policy.intent, p));
}

const acme = loadFolder(ACME);
const fixture = loadText(FIXTURE);
const compiled = [...nftPoints(acme), ...nftPoints(fixture)];

describe("nftables target", () => {
  it("compiles the example's edge-fw and the fixture's points, each proven", () => {
    expect(compiled.map((c) => [c.point.point.name, c.status])).toEqual([
      ["edge-fw", "proven"],
      ["fw", "proven"],
      ["hosts", "proven"],
    ]);
    for (const c of compiled) {
      expect(c.diagnostics).toEqual([]);
      expect(c.proof!.imported.diagnostics).toEqual([]);
    }
  });

  it.each(compiled.map((c) => [c.point.point.name, c] as const))(
    "writes the golden file for %s",
    (name, c) => {
      expect(c.files.map((f) => f.name)).toEqual([`${name}.nft`]);
      expectGolden(join(HERE, "golden", `${name}.nft`), c.files[0]!.text);
    },
  );

  it("renders byte-identical output twice", () => {
    for (const c of compiled) expect(nftablesTarget.render(c.ir!).files).toEqual(c.files);
  });

  it("counts rules and named sets", () => {
    const fw = compiled.find((c) => c.point.point.name === "fw")!;
    const text = fw.files[0]!.text;
    expect(fw.stats.objects).toBe((text.match(/^\tset /gm) ?? []).length);
    expect(fw.stats.rules).toBe((text.match(/ (accept|drop) comment /g) ?? []).length);
  });

  it("owns only its table: created, deleted and written again, never a flush", () => {
    const text = compiled.find((c) => c.point.point.name === "fw")!.files[0]!.text;
    expect(text).toContain("table inet fw {}\ndelete table inet fw\n");
    expect(text).not.toMatch(/flush/);
    expect(text).not.toMatch(/iifname|oifname/);
  });

  it("labels denies as denies and logs flows that ask for it", () => {
    const text = compiled.find((c) => c.point.point.name === "fw")!.files[0]!.text;
    expect(text).toMatch(/log prefix "rampart drop lab-no-smtp: " drop comment "deny lab-no-smtp"/);
    expect(text).toMatch(/log prefix "rampart accept internet-to-web: " accept comment "internet-to-web"/);
    expect(text).not.toMatch(/old-migration/);
    for (const m of text.matchAll(/comment "([^"]*)"/g)) expect(m[1]!.length).toBeLessThanOrEqual(128);
  });

  it("warns about unknown options and a bad table name, keeping the default", () => {
    const policy = loadText(
      FIXTURE.replace("options: { table: fw }", 'options: { table: "my table", colour: red }'),
    );
    const fw = nftPoints(policy).find((c) => c.point.point.name === "fw")!;
    expect(fw.status).toBe("proven");
    expect(fw.diagnostics.map((d) => [d.code, d.severity, d.message])).toEqual([
      [
        "target-option",
        "warning",
        'Unknown option "colour" for enforcement point "fw" (nftables accepts: table)',
      ],
      [
        "target-option",
        "warning",
        'Option "table" of enforcement point "fw" must be a name of letters, digits, "_" and "-" (got "my table"); using "rampart"',
      ],
    ]);
    expect(fw.files[0]!.text).toContain("table inet rampart {");
  });

  it("with no protected host, every chain drops new connections", () => {
    const policy = loadText(
      FIXTURE.replace("hosts: [asset:host-a, asset:host-b]", 'hosts: ["198.51.100.1"]'),
    );
    const hosts = nftPoints(policy).find((c) => c.point.point.name === "hosts")!;
    expect(hosts.status).toBe("proven");
    expect(hosts.files[0]!.text).toContain("# No protected hosts");
    expect(hosts.files[0]!.text).not.toMatch(/ accept comment "(?!packets)/);
  });
});

const nft = oracleCommand("nft");
const netns = oracleNetns();
const oracle = {
  available: nft.available && netns.available,
  reason: nft.available ? netns.reason : nft.reason,
};
const skipped = oracle.available ? "" : ` (skipped: ${oracle.reason})`;

describe.skipIf(!oracle.available)(`nft loads the golden outputs${skipped}`, () => {
  it.each(compiled.map((c) => [c.point.point.name, c] as const))("nft -c -f accepts %s", async (name, c) => {
    const dir = mkdtempSync(join(tmpdir(), "rampart-nft-"));
    try {
      const file = join(dir, `${name}.nft`);
      writeFileSync(file, c.files[0]!.text);
      const r = await withNetns((ns) => inNetns(ns, "nft", ["-c", "-f", file]));
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(compiled.map((c) => [c.point.point.name, c] as const))(
    "loading %s twice, then reading nft's listing back, gives the same accepted set",
    async (_name, c) => {
      const text = c.files[0]!.text;
      const listed = await withNetns((ns) => {
        for (let i = 0; i < 2; i++) {
          const load = inNetns(ns, "nft", ["-f", "-"], text);
          expect(load.stderr).toBe("");
          expect(load.status).toBe(0);
        }
        return inNetns(ns, "nft", ["list", "ruleset"]).stdout;
      });
      const policy = c.point.point.name === "edge-fw" ? acme : fixture;
      const context = importContext(policy.intent, c.scope!);
      const again = nftablesImporter.import([{ name: "listed.nft", text: listed }], context);
      expect(again.diagnostics).toEqual([]);
      expect(again.accepted.equals(c.proof!.imported.accepted)).toBe(true);
    },
  );

  it("leaves other tables alone when it reloads", async () => {
    const text = compiled.find((c) => c.point.point.name === "fw")!.files[0]!.text;
    const listed = await withNetns((ns) => {
      inNetns(ns, "nft", ["-f", "-"], "table ip other {\n chain c {\n  tcp dport 1 accept\n }\n}\n");
      inNetns(ns, "nft", ["-f", "-"], text);
      inNetns(ns, "nft", ["-f", "-"], text);
      return inNetns(ns, "nft", ["list", "tables"]).stdout;
    });
    expect(listed.trim().split("\n")).toEqual(["table ip other", "table inet fw"]);
  });
});
