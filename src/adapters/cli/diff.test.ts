import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gitIn } from "../../../test/support/git-repo.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConfigDiffReport, PolicyDiffReport } from "../../app/diff.js";
import { ACME_DIR, compileAcme, editOnce, lineOf, loadAcme } from "../../../test/support/deployed.js";
import { runCli, runCliJson } from "./testing.js";

const MAIL_V4 =
  'ip saddr @zone_internet_v4 ip daddr 172.16.10.25 tcp dport 25 counter accept comment "internet-to-mail-relay"';
const MAIL_V4_NEW =
  'ip saddr @zone_internet_v4 ip daddr 172.16.10.25 tcp dport { 25, 587 } counter accept comment "internet-to-mail-relay"';
const PAYROLL_SSH = "    to: asset:bank-sftp\n    services: [ssh] # SFTP\n";

let dir: string;
let oldNft: string;
let newNft: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rampart-diff-cli-"));
  const compiled = compileAcme(loadAcme(), ["edge-fw", "dc-fw"]);
  oldNft = compiled.get("edge-fw.nft")!;
  newNft = editOnce(oldNft, MAIL_V4, MAIL_V4_NEW);
  mkdirSync(join(dir, "old"));
  mkdirSync(join(dir, "new"));
  writeFileSync(join(dir, "old/edge-fw.nft"), oldNft);
  writeFileSync(join(dir, "new/edge-fw.nft"), newNft);
  writeFileSync(join(dir, "new/dc-fw.asa"), compiled.get("dc-fw.asa")!);
  cpSync(ACME_DIR, join(dir, "acme-old"), { recursive: true });
  cpSync(ACME_DIR, join(dir, "acme-new"), { recursive: true });
  const flows = join(dir, "acme-new/flows.yaml");
  writeFileSync(
    flows,
    editOnce(
      readFileSync(flows, "utf8"),
      PAYROLL_SSH,
      "    to: asset:bank-sftp\n    services: [ssh, https]\n",
    ),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("rampart diff of two configuration files", () => {
  it("prints the packets that become allowed, the witness and the new line responsible, and the rule changed", async () => {
    const r = await runCli(["diff", "old/edge-fw.nft", "new/edge-fw.nft"], { cwd: dir });
    expect(r.code).toBe(0);
    const line = lineOf(newNft, MAIL_V4_NEW);
    expect(r.stdout).toContain("edge-fw (nftables): changes; 0 rules added, 0 removed, 1 changed, 0 moved\n");
    expect(r.stdout).toContain("  becomes allowed:\n    tcp/587 from 0.0.0.0/5, 8.0.0.0/7");
    expect(r.stdout).toContain("      e.g. tcp 0.0.0.0:0 -> 172.16.10.25:587\n");
    expect(r.stdout).toContain(`      by: new/edge-fw.nft:${line}: ${MAIL_V4_NEW}\n`);
    expect(r.stdout).toContain(
      `    ~ new/edge-fw.nft:${line}: ${MAIL_V4_NEW}\n      was old/edge-fw.nft:${lineOf(oldNft, MAIL_V4)}: ${MAIL_V4} (match, text)\n`,
    );
    expect(r.stdout).not.toContain("becomes denied");
  });

  it("exits 1 on a change with --detailed-exitcode, as plan does, and 0 when nothing changed", async () => {
    expect(
      (await runCli(["diff", "old/edge-fw.nft", "new/edge-fw.nft", "--detailed-exitcode"], { cwd: dir }))
        .code,
    ).toBe(1);
    const same = await runCli(["diff", "old/edge-fw.nft", "old/edge-fw.nft", "--detailed-exitcode"], {
      cwd: dir,
    });
    expect(same.code).toBe(0);
    expect(same.stdout).toBe("edge-fw (nftables): no change; 0 rules added, 0 removed, 0 changed, 0 moved\n");
  });

  it("gives the documented JSON", async () => {
    const r = await runCliJson<ConfigDiffReport>(["diff", "old/edge-fw.nft", "new/edge-fw.nft", "--json"], {
      cwd: dir,
    });
    expect(r.json.kind).toBe("config");
    expect(r.json.changed).toBe(true);
    const d = r.json.devices[0]!;
    expect(d).toMatchObject({
      name: "edge-fw",
      format: "nftables",
      status: "changed",
      before: ["old/edge-fw.nft"],
    });
    expect(d.becomeAllowed.map((b) => [b.witness, b.example, b.rules, b.counterpart])).toEqual([
      [
        "tcp 0.0.0.0:0 -> 172.16.10.25:587",
        { src: "0.0.0.0", dst: "172.16.10.25", proto: "tcp", sport: 0, dport: 587 },
        [{ file: "new/edge-fw.nft", line: lineOf(newNft, MAIL_V4_NEW), text: MAIL_V4_NEW }],
        [],
      ],
    ]);
    expect(d.becomeDenied).toEqual([]);
    expect(d.rules.changed).toEqual([
      {
        before: {
          file: "old/edge-fw.nft",
          line: lineOf(oldNft, MAIL_V4),
          text: MAIL_V4,
          list: expect.any(String) as string,
          action: "accept",
          label: "internet-to-mail-relay",
        },
        after: expect.objectContaining({ line: lineOf(newNft, MAIL_V4_NEW), text: MAIL_V4_NEW }) as object,
        aspects: ["match", "text"],
      },
    ]);
  });

  it("tells the format from the content when the names do not, and says when it cannot", async () => {
    writeFileSync(join(dir, "running"), oldNft);
    writeFileSync(join(dir, "candidate"), newNft);
    writeFileSync(join(dir, "notes-a"), "hello\n");
    writeFileSync(join(dir, "notes-b"), "world\n");
    const r = await runCliJson<ConfigDiffReport>(["diff", "running", "candidate", "--json"], { cwd: dir });
    expect(r.json.devices.map((d) => [d.name, d.format, d.becomeAllowed.length])).toEqual([
      ["candidate", "nftables", 1],
    ]);
    const bad = await runCli(["diff", "notes-a", "notes-b"], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^rampart: Cannot tell the format of "notes-b"; give it with --format \(nftables, /,
    );
  });

  it("reads them in an enforcement point's context with --policy and --point", async () => {
    const r = await runCliJson<ConfigDiffReport>(
      ["diff", "old/edge-fw.nft", "new/edge-fw.nft", "--policy", "acme-old", "--point", "edge-fw", "--json"],
      { cwd: dir },
    );
    expect(r.code).toBe(0);
    expect(r.json.devices[0]!.becomeAllowed.map((b) => b.witness)).toEqual([
      "tcp 0.0.0.0:0 -> 172.16.10.25:587",
    ]);
  });
});

describe("rampart diff of two folders of configurations", () => {
  it("matches files by device name and reports a device that appears", async () => {
    const r = await runCliJson<ConfigDiffReport>(["diff", "old", "new", "--json"], { cwd: dir });
    expect(r.json.devices.map((d) => [d.name, d.format, d.status])).toEqual([
      ["dc-fw", "cisco-asa", "added"],
      ["edge-fw", "nftables", "changed"],
    ]);
    const dc = r.json.devices[0]!;
    expect(dc.before).toEqual([]);
    expect(dc.rules.removed).toEqual([]);
    expect(dc.rules.added.length).toBeGreaterThan(0);
    expect(dc.becomeAllowed.length).toBeGreaterThan(0);
  });

  it("refuses to compare a policy with a configuration", async () => {
    const r = await runCli(["diff", "acme-old", "new"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'rampart: Cannot compare a policy with a configuration: "acme-old" is a policy, "new" is not\n',
    );
  });

  it("refuses to compare a file with a folder", async () => {
    const r = await runCli(["diff", "old", "new/edge-fw.nft"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('rampart: Cannot compare a file with a folder: "old" and "new/edge-fw.nft"\n');
  });
});

describe("rampart diff of a device with several files (iptables)", () => {
  const DB1 =
    "-A RAMPART-FWD -s 10.20.10.11/32 -d 10.20.11.5/32 -p tcp -m tcp --dport 5432 -m comment --comment shop-app-to-db -j ACCEPT";
  const DB2 =
    "-A RAMPART-FWD -s 10.20.10.12/32 -d 10.20.11.5/32 -p tcp -m tcp --dport 5432 -m comment --comment shop-app-to-db -j ACCEPT";
  const VAULT =
    "-A RAMPART-FWD -s 10.20.30.10/32 -d 10.99.0.50/32 -p tcp -m tcp --dport 8200 -m comment --comment apps-to-vault -j ACCEPT";
  let v4: string;
  let edited: string;
  beforeAll(() => {
    const compiled = compileAcme(loadAcme(), ["core-fw"]);
    v4 = compiled.get("core-fw.rules.v4")!;
    edited = editOnce(editOnce(v4, `${DB1}\n${DB2}\n`, `${DB2}\n${DB1}\n`), `${VAULT}\n`, "");
    mkdirSync(join(dir, "ipt-old"));
    mkdirSync(join(dir, "ipt-new"));
    for (const [name, text] of compiled) {
      writeFileSync(join(dir, "ipt-old", name), text);
      writeFileSync(join(dir, "ipt-new", name), name === "core-fw.rules.v4" ? edited : text);
    }
  });

  it("imports the device's files together, and reports the removed rule's packets and the swapped rules", async () => {
    const r = await runCliJson<ConfigDiffReport>(["diff", "ipt-old", "ipt-new", "--json"], { cwd: dir });
    expect(r.json.devices.map((d) => [d.name, d.format, d.status, d.before])).toEqual([
      [
        "core-fw",
        "iptables",
        "changed",
        ["ipt-old/core-fw.ipset", "ipt-old/core-fw.rules.v4", "ipt-old/core-fw.rules.v6"],
      ],
    ]);
    const d = r.json.devices[0]!;
    expect(d.becomeAllowed).toEqual([]);
    expect(d.becomeDenied.map((b) => [b.packets, b.witness, b.rules])).toEqual([
      [
        "tcp/8200 from 10.20.30.10 to 10.99.0.50",
        "tcp 10.20.30.10:0 -> 10.99.0.50:8200",
        [{ file: "ipt-old/core-fw.rules.v4", line: lineOf(v4, VAULT), text: VAULT }],
      ],
    ]);
    expect(d.rules.removed.map((x) => [x.line, x.text])).toEqual([[lineOf(v4, VAULT), VAULT]]);
    expect(d.rules.moved.map((x) => [x.before.line, x.after.line, x.after.text])).toEqual([
      [lineOf(v4, DB1), lineOf(edited, DB1), DB1],
    ]);
    expect(d.rules.changed).toEqual([]);
  });
});

describe("rampart diff of two policy versions", () => {
  it("reports per point, per flow and per matrix cell what changes", async () => {
    const r = await runCliJson<PolicyDiffReport>(["diff", "acme-old", "acme-new", "--json"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.json.kind).toBe("policy");
    expect(r.json.becomeAllowed).toEqual(["tcp/443 from 10.20.30.10 to 198.51.100.20"]);
    expect(r.json.becomeDenied).toEqual([]);
    expect(r.json.rules).toEqual([
      {
        kind: "flow",
        name: "payroll-to-bank",
        change: "changed",
        aspects: ["packets", "details"],
        file: "acme-new/flows.yaml",
        line: 316,
        widened: ["tcp/443 from 10.20.30.10 to 198.51.100.20"],
        narrowed: [],
      },
    ]);
    const points = r.json.points.filter((p) => p.status !== "unchanged");
    expect(points.map((p) => [p.point, p.becomeAllowed.map((b) => b.witness)])).toEqual([
      ["edge-fw", ["tcp 10.20.30.10:0 -> 198.51.100.20:443"]],
      ["dc-fw", ["tcp 10.20.30.10:0 -> 198.51.100.20:443"]],
      ["lyon-rtr", ["tcp 10.20.30.10:0 -> 198.51.100.20:443"]],
      ["ot-fw", ["tcp 10.20.30.10:0 -> 198.51.100.20:443"]],
    ]);
    expect(points[0]!.becomeAllowed[0]!.rules).toEqual(["payroll-to-bank"]);
    expect(r.json.matrix.map((m) => `${m.from}->${m.to}`)).toEqual(["servers->internet"]);
  });

  it("prints the change as text", async () => {
    const r = await runCli(["diff", "acme-old", "acme-new"], { cwd: dir });
    expect(r.stdout).toContain(
      "Becomes allowed by the policy:\n  tcp/443 from 10.20.30.10 to 198.51.100.20\n",
    );
    expect(r.stdout).toContain("  ~ flow payroll-to-bank (packets, details) at acme-new/flows.yaml:316\n");
    expect(r.stdout).toContain("      now also matches: tcp/443 from 10.20.30.10 to 198.51.100.20\n");
    expect(r.stdout).toContain("  servers -> internet: partial -> partial");
  });
});

describe("rampart diff of two git revisions", () => {
  let repo: string;
  const git = gitIn(() => repo);
  beforeAll(() => {
    repo = join(dir, "repo");
    mkdirSync(repo);
    git("init", "-q", "-b", "main");
    cpSync(join(dir, "acme-old"), join(repo, "policy"), { recursive: true });
    git("add", ".");
    git("commit", "-q", "-m", "acme");
    git("checkout", "-q", "-b", "widen");
    cpSync(join(dir, "acme-new/flows.yaml"), join(repo, "policy/flows.yaml"));
    git("commit", "-q", "-am", "payroll over https");
  });

  it("compares the policy folder at each revision: `rampart diff main HEAD policy`", async () => {
    const r = await runCliJson<PolicyDiffReport>(["diff", "main", "HEAD", "policy", "--json"], { cwd: repo });
    expect(r.code).toBe(0);
    expect(r.json.becomeAllowed).toEqual(["tcp/443 from 10.20.30.10 to 198.51.100.20"]);
    expect(r.json.rules.map((x) => [x.name, x.file, x.line])).toEqual([
      ["payroll-to-bank", "HEAD:policy/flows.yaml", 316],
    ]);
  });

  it("takes PATH as the current folder by default, and exits 1 with --detailed-exitcode", async () => {
    const r = await runCli(["diff", "main", "widen", "--detailed-exitcode"], { cwd: join(repo, "policy") });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("  ~ flow payroll-to-bank (packets, details) at widen:flows.yaml:316\n");
    const same = await runCli(["diff", "HEAD~1", "main", "--detailed-exitcode"], {
      cwd: join(repo, "policy"),
    });
    expect(same).toMatchObject({
      code: 0,
      stdout: "no change: both versions allow exactly the same connections\n",
    });
  });

  it("says when an argument is neither a path nor a revision", async () => {
    const r = await runCli(["diff", "main", "no-such-thing"], { cwd: repo });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'rampart: Cannot read "no-such-thing": it is neither a file or folder nor a git revision here\n',
    );
  });
});
