import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPolicy } from "../../core/policy/load.js";
import { readPolicyFiles } from "../fs/policy-files.js";
import { runCli, runCliJson, TESTDATA } from "./testing.js";

const reach = (...args: string[]) => ["query", "reach", "lab", ...args];

describe("rampart query reach", () => {
  it("answers partial with the allowing flows, both summaries, an example and the denies involved", async () => {
    const r = await runCli(reach("--from", "zone:corp", "--to", "zone:dmz"));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout.split("\n")[0]).toBe("partial: part of this traffic is allowed, part is denied");
    expect(r.stdout).toContain(
      "flow corp-to-dmz (owner it) lab/rules/flows.yaml:15\n    Staff manage the DMZ\n",
    );
    expect(r.stdout).toContain("Allowed:\n  proto 0-5, proto 7-255 from 10.1.0.0/16 to 192.0.2.0/24\n");
    expect(r.stdout).toContain("Denied:\n  tcp/23 from 10.1.0.0/16 to 192.0.2.0/24\n");
    expect(r.stdout).toContain("for example: tcp 10.1.0.0:0 -> 192.0.2.0:23\n");
    expect(r.stdout).toContain("Denies involved:\n  deny no-telnet (owner secops) lab/rules/flows.yaml:34\n");
  });

  it("--json gives verdict, summaries, flows, denies and an example packet", async () => {
    const r = await runCliJson(
      reach("--from", "zone:corp", "--to", "zone:dmz", "--service", "telnet,https", "--json"),
    );
    expect(r.code).toBe(0);
    expect(r.json).toEqual({
      verdict: "partial",
      emptyQuery: false,
      allowed: [
        "tcp/443 from 10.1.0.0/16 to 192.0.2.0/24",
        "tcp/443 from 2001:db8:1::/48 to 2001:db8:2::/64",
      ],
      denied: ["tcp/23 from 10.1.0.0/16 to 192.0.2.0/24", "tcp/23 from 2001:db8:1::/48 to 2001:db8:2::/64"],
      flows: [
        {
          kind: "flow",
          name: "corp-to-dmz",
          owner: "it",
          justification: "Staff manage the DMZ",
          ticket: null,
          expires: null,
          file: "lab/rules/flows.yaml",
          line: 15,
        },
      ],
      denies: [expect.objectContaining({ kind: "deny", name: "no-telnet", owner: "secops", line: 34 })],
      example: { src: "10.1.0.0", dst: "192.0.2.0", proto: "tcp", sport: 0, dport: 23 },
    });
  });

  it("answers allow, with no denied part", async () => {
    const r = await runCliJson<{
      verdict: string;
      denied: string[];
      flows: { name: string; ticket: string }[];
    }>(reach("--from", "zone:internet", "--to", "app:shop/web", "--service", "https", "--json"));
    expect(r.json.verdict).toBe("allow");
    expect(r.json.denied).toEqual([]);
    expect(r.json.flows.map((f) => [f.name, f.ticket])).toEqual([["internet-to-web", "WEB-1"]]);
    const text = await runCli(reach("--from", "zone:internet", "--to", "app:shop/web", "--service", "https"));
    expect(text.stdout).toMatch(/^allow: all of this traffic is allowed\n/);
    expect(text.stdout).not.toContain("Denied");
  });

  it("answers deny, saying when no deny is involved", async () => {
    const r = await runCli(reach("--from", "zone:internet", "--to", "zone:data"));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^deny: none of this traffic is allowed\n/);
    expect(r.stdout).toContain("No deny is involved: no flow allows the denied part.");
    expect(r.stdout).not.toContain("Allowed by");
  });

  it("--expect exits 0 when the verdict matches and 1 (after answering) when it does not", async () => {
    const args = reach("--from", "zone:internet", "--to", "zone:data");
    expect((await runCli([...args, "--expect", "deny"])).code).toBe(0);
    const wrong = await runCli([...args, "--expect", "allow"]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/^deny/);
    expect(wrong.stderr).toBe("rampart: expected allow, but the verdict is deny\n");
    const json = await runCliJson<{ verdict: string }>([...args, "--expect", "partial", "--json"]);
    expect(json.code).toBe(1);
    expect(json.json.verdict).toBe("deny");
  });

  it("takes references repeated and comma-separated, IPs and CIDRs, and services as names or specs", async () => {
    const r = await runCliJson<{ verdict: string; allowed: string[] }>(
      reach(
        "--from",
        "group:admins,10.1.0.0/16",
        "--from",
        "2001:db8:1::/48",
        "--to",
        "asset:web-1",
        "--service",
        "tcp/80,443,ssh",
        "--service",
        "web",
        "--json",
      ),
    );
    expect(r.json.verdict).toBe("allow");
    expect(r.json.allowed).toEqual([
      "tcp/22,80,443 from 10.1.0.0/16 to 192.0.2.10",
      "tcp/22,80,443 from 2001:db8:1::/48 to 2001:db8:2::10",
    ]);
  });

  it("answers every service when --service is not given", async () => {
    const r = await runCliJson<{ verdict: string; allowed: string[] }>(
      reach("--from", "asset:admin-ws", "--to", "asset:db-1", "--json"),
    );
    expect(r.json.verdict).toBe("partial");
    expect(r.json.allowed).toContain("icmp/8 from 10.1.5.5 to 10.9.0.5");
  });

  it("says when the question holds no packet (IPv4 to IPv6)", async () => {
    const r = await runCli(reach("--from", "10.1.0.0/16", "--to", "2001:db8:2::10"));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^deny: the question holds no packet/);
    const json = await runCliJson<{ emptyQuery: boolean; example: unknown }>(
      reach("--from", "10.1.0.0/16", "--to", "2001:db8:2::10", "--json"),
    );
    expect(json.json).toMatchObject({ emptyQuery: true, example: null });
  });

  it("reports unknown references and services at their column of the command line, exit 2", async () => {
    const r = await runCli([
      "query",
      "reach",
      "--from",
      "zone:crop",
      "--to",
      "10.0.0.300,zone:dmz",
      "--service",
      "htps",
      "lab",
    ]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      '<command line>:1:28: error unknown-reference: Unknown zone "crop"\n' +
        '<command line>:1:43: error invalid-cidr: "10.0.0.300" is not an IP address or CIDR\n' +
        '<command line>:1:73: error unknown-reference: Unknown service "htps"; did you mean "https"?\n' +
        "rampart: Cannot answer: the question has unknown or invalid references (see above)\n",
    );
  });

  it("is a usage error without --from or --to, or with a bad --expect", async () => {
    for (const args of [
      ["query", "reach", "lab", "--to", "any"],
      ["query", "reach", "lab", "--from", "any"],
      reach("--from", "any", "--to", "any", "--expect", "maybe"),
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/^error: /);
    }
  });

  it("refuses to answer for a broken policy, and answers despite a failed assertion", async () => {
    const broken = await runCli(["query", "reach", "broken.yaml", "--from", "zone:corp", "--to", "zone:dmz"]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain("rampart: Cannot answer: the policy has 2 errors");
    const failing = await runCli([
      "query",
      "reach",
      "failing.yaml",
      "--from",
      "zone:corp",
      "--to",
      "zone:dmz",
      "--service",
      "ssh",
    ]);
    expect(failing.code).toBe(0);
    expect(failing.stdout).toMatch(/^deny/);
  });
});

const ROOT = join(TESTDATA, "../../../..");
const ACME = join(ROOT, "examples/acme");

describe.skipIf(!existsSync(ACME))(
  "query reach on examples/acme (skipped when examples/acme is absent)",
  () => {
    it("agrees with every assertion of the example", async () => {
      const files = await readPolicyFiles("examples/acme", ROOT);
      if (!files.ok) throw new Error(files.message);
      const loaded = loadPolicy(files.files.sources, { today: "2025-06-15" });
      if (loaded.diagnostics.some((d) => d.code === "assertion-failed")) return; // the example is being edited
      expect(loaded.policy.assertions.length).toBeGreaterThan(0);
      for (const a of loaded.policy.assertions) {
        const list = (refs: readonly { value: string }[]) => refs.map((r) => r.value).join(",");
        const args = ["query", "reach", "examples/acme", "--from", list(a.from), "--to", list(a.to)];
        if (a.services.length > 0) args.push("--service", list(a.services));
        const r = await runCli([...args, "--expect", a.expect.value], { cwd: ROOT });
        expect(r.code, `${a.name ?? "assertion"}: ${r.stdout}${r.stderr}`).toBe(0);
      }
    });
  },
);
