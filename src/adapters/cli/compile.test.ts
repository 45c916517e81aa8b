import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ACME } from "../../../test/support/policies.js";
import { runCli, runCliJson } from "./testing.js";

const dir = mkdtempSync(join(tmpdir(), "rampart-compile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface CompileJson {
  ok: boolean;
  points: { name: string; target: string; status: string; rules: number; files: string[] }[];
}
interface DifferenceJson {
  packets: string;
  witness: string;
  flows: string[];
  lines: { file: string; line: number; text: string }[];
}
interface VerifyJson {
  equivalent: boolean;
  allowedNotIntended: DifferenceJson[];
  intendedNotAllowed: DifferenceJson[];
}

/** The nftables file of edge-fw with one line inserted after the line that contains `after`. */
function editedNft(text: string, after: string, line: string): string {
  const lines = text.split("\n");
  const at = lines.findIndex((l) => l.includes(after));
  expect(at, `no line with ${after}`).toBeGreaterThan(0);
  lines.splice(at + 1, 0, line);
  return lines.join("\n");
}

describe("rampart compile", () => {
  it("writes every point's configuration, each proven, with a summary table", async () => {
    const r = await runCli(["compile", ACME, "--out", "out"], { cwd: dir });
    expect(r.stderr).not.toMatch(/error/);
    expect(r.stdout).toMatch(/^POINT\s+TARGET\s+RULES\s+OBJECTS\s+PROOF\s+FILES$/m);
    expect(r.stdout).toMatch(/^edge-fw\s+nftables\s+\d+\s+\d+\s+proven\s+out\/edge-fw\.nft$/m);
    expect(r.stdout).toContain("7 points compiled to out/: 7 proven exact");
    expect(r.code).toBe(0);
    for (const f of ["edge-fw.nft", "core-fw.rules.v4", "core-fw.rules.v6", "lyon-rtr.ios", "dc-fw.asa"])
      expect(existsSync(join(dir, "out", f)), f).toBe(true);
  });

  it("writes byte-identical output for the same policy", async () => {
    const first = readFileSync(join(dir, "out", "edge-fw.nft"), "utf8");
    const r = await runCli(["compile", ACME, "--point", "edge-fw", "--out", "again"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, "again", "edge-fw.nft"), "utf8")).toBe(first);
  });

  it("reports every point in JSON", async () => {
    const { code, json } = await runCliJson<CompileJson>(
      ["compile", ACME, "--point", "edge-fw", "core-fw", "--out", "json-out", "--json"],
      { cwd: dir },
    );
    expect(code).toBe(0);
    expect(json.ok).toBe(true);
    expect(json.points.map((p) => [p.name, p.status])).toEqual([
      ["edge-fw", "proven"],
      ["core-fw", "proven"],
    ]);
    expect(json.points[1]!.files).toEqual([
      "json-out/core-fw.rules.v4",
      "json-out/core-fw.rules.v6",
      "json-out/core-fw.ipset",
    ]);
  });

  it("refuses an unknown point and a policy whose assertions fail", async () => {
    const unknown = await runCli(["compile", ACME, "--point", "nope", "--out", "x"], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown enforcement point "nope"');
    const policy = join(dir, "failing");
    cpSync(ACME, policy, { recursive: true });
    writeFileSync(
      join(policy, "zz-extra.yaml"),
      "assertions:\n  - { from: zone:guest-wifi, to: zone:pci, expect: allow }\n",
    );
    const failed = await runCli(["compile", policy, "--out", "failing-out"], { cwd: dir });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain("Not compiling");
    expect(existsSync(join(dir, "failing-out"))).toBe(false);
    const forced = await runCli(
      ["compile", policy, "--point", "edge-fw", "--out", "failing-out", "--force"],
      {
        cwd: dir,
      },
    );
    expect(forced.code).toBe(0);
  });
});

describe("rampart verify", () => {
  it("says a compiled file is equivalent", async () => {
    const r = await runCli(["verify", "--point", "edge-fw", "out/edge-fw.nft", ACME], { cwd: dir });
    expect(r.stdout).toContain("equivalent: edge-fw (nftables) lets through exactly what the policy allows");
    expect(r.code).toBe(0);
  });

  it("reads several files of one device", async () => {
    const r = await runCli(
      [
        "verify",
        "--point",
        "core-fw",
        "out/core-fw.rules.v4",
        "--with",
        "out/core-fw.rules.v6",
        "out/core-fw.ipset",
        "--",
        ACME,
      ],
      { cwd: dir },
    );
    expect(r.code).toBe(0);
  });

  it("finds a rule added by hand, with a witness packet and the line responsible", async () => {
    const text = readFileSync(join(dir, "out", "edge-fw.nft"), "utf8");
    const added = "\t\tip saddr 192.0.2.0/24 ip daddr 10.20.60.0/24 tcp dport 5432 accept";
    const edited = editedNft(text, "ct state established,related", added);
    writeFileSync(join(dir, "edited.nft"), edited);
    const lineNo = edited.split("\n").indexOf(added) + 1;
    const { code, json } = await runCliJson<VerifyJson>(
      ["verify", "--point", "edge-fw", "edited.nft", ACME, "--json"],
      { cwd: dir },
    );
    expect(code).toBe(1);
    expect(json.equivalent).toBe(false);
    expect(json.intendedNotAllowed).toEqual([]);
    expect(json.allowedNotIntended.length).toBeGreaterThan(0);
    const first = json.allowedNotIntended[0]!;
    expect(first.witness).toMatch(/^tcp 192\.0\.2\.\d+:\d+ -> 10\.20\.60\.\d+:5432$/);
    expect(first.lines[0]).toEqual({ file: "edited.nft", line: lineNo, text: added.trim() });
    const human = await runCli(["verify", "--point", "edge-fw", "edited.nft", ACME], { cwd: dir });
    expect(human.code).toBe(1);
    expect(human.stdout).toContain("NOT equivalent");
    expect(human.stdout).toContain(`config: edited.nft:${lineNo}: ${added.trim()}`);
  });

  it("finds a flow that a hand edit removed, and names the flow", async () => {
    const text = readFileSync(join(dir, "out", "edge-fw.nft"), "utf8");
    const kept = text
      .split("\n")
      .filter((l) => !l.includes('comment "internet-to-public-dns"'))
      .join("\n");
    writeFileSync(join(dir, "removed.nft"), kept);
    const { code, json } = await runCliJson<VerifyJson>(
      ["verify", "--point", "edge-fw", "removed.nft", ACME, "--json"],
      { cwd: dir },
    );
    expect(code).toBe(1);
    expect(json.allowedNotIntended).toEqual([]);
    expect(json.intendedNotAllowed.length).toBeGreaterThan(0);
    expect(json.intendedNotAllowed.every((e) => e.flows.includes("internet-to-public-dns"))).toBe(true);
  });

  it("gives a clear message for an unknown point or format", async () => {
    const r = await runCli(["verify", "--point", "nope", "out/edge-fw.nft", ACME], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown enforcement point "nope"');
    const f = await runCli(["verify", "--point", "edge-fw", "--format", "pix", "out/edge-fw.nft", ACME], {
      cwd: dir,
    });
    expect(f.code).toBe(2);
    expect(f.stderr).toContain('Unknown format "pix"');
  });
});

describe("rampart plan", () => {
  it("says nothing changes against the compiled output, and what a hand edit would undo", async () => {
    const same = await runCli(["plan", ACME, "--against", "out", "--point", "edge-fw"], { cwd: dir });
    expect(same.code).toBe(0);
    expect(same.stdout).toContain("edge-fw (nftables): no change");
    cpSync(join(dir, "edited.nft"), join(dir, "deployed", "edge-fw.nft"), { recursive: true });
    const r = await runCli(
      ["plan", ACME, "--against", "deployed", "--point", "edge-fw", "--detailed-exitcode"],
      { cwd: dir },
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("edge-fw (nftables): changes; 0 lines added, 1 removed");
    expect(r.stdout).toContain("becomes denied");
    expect(r.stdout).toMatch(/tcp\/5432 from 192\.0\.2\.0\/24 to 10\.20\.60\.0\/24/);
  });

  it("says when nothing is deployed yet", async () => {
    const r = await runCli(["plan", ACME, "--against", "empty", "--point", "dc-fw"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("dc-fw (cisco-asa): nothing deployed yet");
    expect(r.stdout).toContain("becomes allowed");
  });
});
