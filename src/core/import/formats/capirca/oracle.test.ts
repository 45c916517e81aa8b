// Capirca's own aclgen as the oracle: corpus policies rendered by aclgen to nftables and iptables (speedway),
// read back with Rampart's importers, must accept exactly what the capirca importer says each filter accepts,
// within what aclgen expresses (the filter's address families; first packets conntrack calls new).

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { findAclgen, runAclgen } from "../../../../../bench/capirca.js";
import { aclgenNftFilter } from "../../../../../bench/capirca-import.js";
import { CORPUS_SKIP_REASON, corpusDir, corpusFiles } from "../../../../../test/support/corpus.js";
import { oracleCommand } from "../../../../../test/support/oracles.js";
import { PacketSpace, type PacketSet } from "../../../space/packet-set.js";
import { summarize } from "../../../space/summarize.js";
import { conntrackClasses } from "../../match.js";
import type { ConfigFile } from "../../model.js";
import { standaloneContext } from "../../standalone.js";
import { iptablesImporter } from "../iptables/importer.js";
import { nftablesImporter } from "../nftables/importer.js";
import { capircaImporter, listAccepts } from "./importer.js";

const aclgen = oracleCommand("aclgen");
const corpus = corpusDir();

/** One speedway section (an iptables-restore table for one built-in chain) as the FORWARD chain. */
function iptForFilter(text: string, index: number, name: string): ConfigFile {
  const sections = text.split(/^# Speedway [A-Z]+ Policy$/m).slice(1);
  const section = sections[index] ?? "";
  const chain = /^:([A-Z]+) /m.exec(section)?.[1] ?? "INPUT";
  const lines = section
    .split("\n")
    .filter((l) => l.startsWith("-") || l.startsWith(":"))
    .map((l) => l.replace(new RegExp(`^(:|-A )${chain}\\b`), "$1FORWARD"));
  const family = /^# inet6$/m.test(section) ? 6 : 4;
  return { name: `${name}.rules.v${family}`, text: ["*filter", ...lines, "COMMIT", ""].join("\n") };
}

interface Case {
  readonly pol: string;
  readonly kind: "nftables" | "speedway";
  /** Why the policy is changed before aclgen and the importer both read it. */
  readonly why?: string;
  readonly prepare?: (text: string) => string;
}

/** Every header's target lines replaced by one target each, in order. */
function retarget(targets: readonly string[]): (text: string) => string {
  let i = 0;
  return (text) =>
    text
      .replace(/^\s*target::.*\n/gm, "")
      .replace(/^header \{\n/gm, () => `header {\n  target:: ${targets[i++] ?? targets[0]}\n`);
}

/** The policy without one term (a term aclgen renders wrongly). */
function dropTerm(name: string): (text: string) => string {
  return (text) => text.replace(new RegExp(`^term ${name} \\{[^}]*\\}\\n`, "m"), "");
}

const CASES: Case[] = [
  { pol: "sample_speedway.pol", kind: "speedway" },
  {
    pol: "sample_nftables-mixed-icmp.pol",
    kind: "nftables",
    why: "aclgen writes ICMPv6 type names nft does not know (multicast-router-solicitation)",
    prepare: dropTerm("test-icmp-type-ip6"),
  },
  {
    pol: "sample_nftables-dev.pol",
    kind: "nftables",
    why:
      "aclgen's nftables drops a term's address match when it has no address of the filter's family (the " +
      "terms name IPv4-only networks in an inet6 filter), so the filter is made mixed; and in IPv4 it drops " +
      "the ports of a term with only source ports (aerleon/aerleon#376), so test-dns-replies is left out",
    prepare: (text) =>
      dropTerm("test-dns-replies")(text.replace("nftables inet6 INPUT", "nftables mixed INPUT")),
  },
  { pol: "sample_nftables-mixed-multiple-headers-combo.pol", kind: "nftables" },
  {
    pol: "sample_cisco_lab.pol",
    kind: "speedway",
    why: "retargeted to speedway (iptables) from cisco",
    prepare: retarget(["speedway FORWARD DROP"]),
  },
  {
    pol: "sample_multitarget.pol",
    kind: "speedway",
    why: "retargeted to speedway (iptables) alone, so the filter means what the first target does",
    prepare: retarget(["speedway INPUT", "speedway OUTPUT"]),
  },
];

const TESTDATA = fileURLToPath(new URL("./testdata/", import.meta.url));

/** The example edge policy (testdata/), retargeted to speedway: aclgen's nftables drops ports and excludes. */
const FIXTURE_CASES: Case[] = [
  {
    pol: "edge.pol",
    kind: "speedway",
    why: "retargeted to speedway (iptables): aclgen's nftables loses ports and source-exclude",
    prepare: retarget(["speedway INPUT", "speedway OUTPUT ACCEPT"]),
  },
];

function testdataFiles(): { path: string; text: string }[] {
  return [
    "def/NETWORK.net",
    "def/SERVICES.svc",
    "policies/includes/bogons.incl",
    "policies/pol/edge.pol",
  ].map((path) => ({ path, text: readFileSync(join(TESTDATA, path), "utf8") }));
}

function corpusInputs(): { path: string; text: string }[] {
  return [
    ...corpusFiles("capirca/def"),
    ...corpusFiles("capirca/policies/includes"),
    ...corpusFiles("capirca/policies/pol", (p) => CASES.some((c) => p.endsWith(`/${c.pol}`))),
  ].map((f) => ({ path: f.path.replace(/^capirca\//, ""), text: f.text }));
}

/** Writes the inputs (prepared) to a folder, runs aclgen once, and compares every case filter by filter. */
function oracleCases(inputs: () => { path: string; text: string }[], cases: readonly Case[]): void {
  const dir = mkdtempSync(join(tmpdir(), "rampart-capirca-oracle-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const written = new Map<string, ConfigFile>();
  let ran: { ok: boolean; message: string } | undefined;
  const run = () => {
    if (ran) return ran;
    for (const f of inputs()) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      const c = cases.find((x) => f.path.endsWith(`/${x.pol}`));
      const text = c?.prepare ? c.prepare(f.text) : f.text;
      writeFileSync(join(dir, f.path), text);
      written.set(f.path, { name: f.path, text });
    }
    return (ran = runAclgen(findAclgen()!, dir));
  };
  for (const c of cases)
    it(`accepts what aclgen's ${c.kind} output for ${c.pol} accepts${c.why ? ` (${c.why})` : ""}`, () => {
      expect(run().ok, run().message).toBe(true);
      compareCase(c, dir, written);
    });
}

function compareCase(c: Case, dir: string, written: ReadonlyMap<string, ConfigFile>): void {
  const space = new PacketSpace();
  const context = standaloneContext(space);
  const inputs = [...written.values()].filter((f) => !f.name.endsWith(".pol") || f.name.endsWith(c.pol));
  const ours = capircaImporter.import(inputs, context);
  const output = c.pol.replace(/\.pol$/, c.kind === "nftables" ? ".nft" : ".ipt");
  const text = readFileSync(join(dir, "out", output), "utf8");
  const { invalid, untracked } = conntrackClasses(space);
  const lists = ours.lists ?? [];
  expect(lists.length).toBeGreaterThan(0);
  lists.forEach((list, i) => {
    const families = space.unionAll(
      filterFamilies(c.pol, i, written).map((f) => space.family(f === 6 ? 6 : 4)),
    );
    const domain = families.minus(invalid).minus(untracked);
    const theirs =
      c.kind === "nftables"
        ? nftablesImporter.import([{ name: output, text: aclgenNftFilter(text, i) }], context)
        : iptablesImporter.import([iptForFilter(text, i, output)], context);
    const want = listAccepts(space, ours.rules, list).intersect(domain);
    expectSame(theirs.accepted.intersect(domain), want, `${c.pol} ${list.name}`);
  });
}

describe.skipIf(!corpus || !aclgen.available)(
  `capirca importer against aclgen on corpus policies${!corpus ? ` (${CORPUS_SKIP_REASON})` : !aclgen.available ? ` (${aclgen.reason})` : ""}`,
  () => oracleCases(corpusInputs, CASES),
);

describe.skipIf(!aclgen.available)(
  `capirca importer against aclgen on the example policy${aclgen.available ? "" : ` (${aclgen.reason})`}`,
  () => oracleCases(testdataFiles, FIXTURE_CASES),
);

/** The families a filter's header names (inet: 4, inet6: 6, mixed: both), read from the policy text. */
function filterFamilies(pol: string, index: number, files: ReadonlyMap<string, ConfigFile>): number[] {
  const text = [...files.values()].find((f) => f.name.endsWith(pol))?.text ?? "";
  const target = [...text.matchAll(/target::\s*(.*)/g)][index]?.[1] ?? "";
  if (/\bmixed\b/.test(target)) return [4, 6];
  if (/\binet6\b/.test(target)) return [6];
  return [4];
}

function expectSame(got: PacketSet, want: PacketSet, what: string): void {
  const extra = got.minus(want);
  const missing = want.minus(got);
  expect(
    { extra: summarize(extra, 5), missing: summarize(missing, 5) },
    `${what}: aclgen's output (extra) vs the capirca importer (missing)`,
  ).toEqual({ extra: ["nothing"], missing: ["nothing"] });
}
