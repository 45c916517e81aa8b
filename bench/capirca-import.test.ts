import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { oracleCommand } from "../test/support/oracles.js";
import { capircaImporter } from "../src/core/import/formats/capirca/importer.js";
import { standaloneContext } from "../src/core/import/standalone.js";
import { PacketSpace } from "../src/core/space/packet-set.js";
import { findAclgen, runAclgen, writeFiles } from "./capirca.js";
import { aclgenAgrees, capircaImportArgs } from "./capirca-import.js";
import { generateCapircaImport } from "./capirca-import-policy.js";

describe("the capirca-import benchmark", () => {
  it("generates a policy the capirca importer reads without a problem, with the terms asked for", () => {
    const g = generateCapircaImport({ terms: 120, headers: 3, networks: 50, services: 20, seed: 5 });
    const files = g.files.map((f) => ({ name: f.path, text: f.text }));
    const result = capircaImporter.import(files, standaloneContext(new PacketSpace()));
    expect(g.terms).toBe(120);
    expect(result.rules.length).toBe(120);
    expect(result.lists?.length).toBe(3);
    expect(result.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
    expect(result.rules.filter((r) => !r.match.isEmpty()).length).toBeGreaterThan(100);
  });

  it("is generated the same way for the same seed", () => {
    expect(generateCapircaImport({ terms: 30, seed: 9 })).toEqual(
      generateCapircaImport({ terms: 30, seed: 9 }),
    );
  });

  it("runs alone for --only capirca-import, beside the suite for --only capirca or nothing", () => {
    expect(capircaImportArgs([], ["capirca-import"])).toMatchObject({ run: true, only: true });
    expect(capircaImportArgs([], ["capirca"])).toMatchObject({ run: true, only: false });
    expect(capircaImportArgs([], [])).toMatchObject({ run: true, only: false });
    expect(capircaImportArgs([], ["compile"])).toMatchObject({ run: false, only: false });
    const given = capircaImportArgs(
      ["--capirca-pol", "p.pol", "--capirca-defs", "def", "--capirca-terms", "50"],
      [],
    );
    expect(given.options).toEqual({ pol: "p.pol", defs: "def", generate: { terms: 50 } });
  });

  const aclgen = oracleCommand("aclgen");
  it.skipIf(!aclgen.available)(
    `generates a policy whose aclgen nftables output accepts exactly what the importer says${aclgen.available ? "" : ` (${aclgen.reason})`}`,
    () => {
      const dir = mkdtempSync(join(tmpdir(), "rampart-capirca-gen-"));
      try {
        const g = generateCapircaImport({ terms: 300, networks: 120, services: 40, seed: 11 });
        writeFiles(dir, g.files);
        const run = runAclgen(findAclgen()!, dir);
        expect(run.ok, run.message).toBe(true);
        const files = g.files.map((f) => ({ name: f.path, text: f.text }));
        const text = readFileSync(join(dir, "out", "generated.nft"), "utf8");
        expect(aclgenAgrees(files, text)).toBe(true);
        expect(aclgenAgrees(files, text.replace("policy drop;", "policy accept;"))).toBe(false);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
