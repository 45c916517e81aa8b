import { describe, expect, it } from "vitest";
import { runCli, runCliJson } from "./testing.js";

const explain = (...args: string[]) => ["explain", "lab", ...args];
const tcp = (src: string, dst: string, dport: number) =>
  explain("--src", src, "--dst", dst, "--proto", "tcp", "--dport", String(dport));

describe("rampart explain (one packet)", () => {
  it("explains an allow by its flows", async () => {
    const r = await runCli(tcp("198.51.100.1", "192.0.2.10", 443));
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toBe(
      "allow: tcp 198.51.100.1:0 -> 192.0.2.10:443\n\n" +
        "Allowed by:\n" +
        "  flow internet-to-web (owner web-team, ticket WEB-1) lab/rules/flows.yaml:2\n" +
        "    Customers browse the shop\n",
    );
  });

  it("explains a deny by a deny rule, naming the flows it overrides", async () => {
    const r = await runCli(tcp("10.1.5.5", "192.0.2.10", 23));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("deny: tcp 10.1.5.5:0 -> 192.0.2.10:23\n");
    expect(r.stdout).toContain(
      "Denied by:\n  deny no-telnet (owner secops) lab/rules/flows.yaml:34\n    Telnet sends passwords in clear\n",
    );
    expect(r.stdout).toContain(
      "Overriding the flows:\n  flow corp-to-dmz (owner it) lab/rules/flows.yaml:15\n",
    );
  });

  it("explains a default deny, mentioning expired flows that would have allowed it", async () => {
    const r = await runCli(tcp("203.0.113.7", "10.9.0.5", 22));
    expect(r.stdout).toBe(
      "deny: tcp 203.0.113.7:0 -> 10.9.0.5:22\n\n" +
        "No flow allows it (default deny).\n\n" +
        "Expired flows that would have allowed it:\n" +
        "  flow old-vendor (owner dba, expires 2024-01-31) lab/rules/flows.yaml:25\n" +
        "    Vendor migration\n",
    );
  });

  it("--json gives verdict, flows, denies, expired and the packet", async () => {
    const r = await runCliJson(tcp("10.1.5.5", "192.0.2.10", 23).concat("--sport", "40000", "--json"));
    expect(r.json).toEqual({
      verdict: "deny",
      flows: [expect.objectContaining({ name: "corp-to-dmz", file: "lab/rules/flows.yaml", line: 15 })],
      denies: [
        {
          kind: "deny",
          name: "no-telnet",
          owner: "secops",
          justification: "Telnet sends passwords in clear",
          ticket: null,
          expires: null,
          file: "lab/rules/flows.yaml",
          line: 34,
        },
      ],
      expired: [],
      packet: { src: "10.1.5.5", dst: "192.0.2.10", proto: "tcp", sport: 40000, dport: 23 },
    });
  });

  it("sends an echo request when no ICMP type is given (8 for icmp, 128 for icmpv6)", async () => {
    const ping = await runCliJson<{ verdict: string; packet: unknown }>(
      explain("--src", "10.1.5.5", "--dst", "10.9.0.5", "--proto", "icmp", "--json"),
    );
    expect(ping.json).toMatchObject({ verdict: "allow", packet: { proto: "icmp", type: 8, code: 0 } });
    const reply = await runCliJson<{ verdict: string }>(
      explain("--src", "10.1.5.5", "--dst", "10.9.0.5", "--proto", "icmp", "--icmp-type", "0", "--json"),
    );
    expect(reply.json.verdict).toBe("deny");
    const v6 = await runCliJson<{ packet: unknown }>(
      explain("--src", "2001:db8:1::5", "--dst", "2001:db8:2::10", "--proto", "icmpv6", "--json"),
    );
    expect(v6.json.packet).toEqual({
      src: "2001:db8:1::5",
      dst: "2001:db8:2::10",
      proto: "icmpv6",
      type: 128,
      code: 0,
    });
  });

  it("accepts a protocol by number or by name", async () => {
    const six = await runCliJson<{ verdict: string; packet: { proto: unknown } }>(
      explain("--src", "198.51.100.1", "--dst", "192.0.2.10", "--proto", "6", "--dport", "443", "--json"),
    );
    expect(six.json).toMatchObject({ verdict: "allow", packet: { proto: "tcp" } });
    const gre = await runCliJson<{ verdict: string; packet: unknown }>(
      explain("--src", "10.1.5.5", "--dst", "192.0.2.10", "--proto", "gre", "--json"),
    );
    expect(gre.json).toEqual(
      expect.objectContaining({
        verdict: "allow",
        packet: { src: "10.1.5.5", dst: "192.0.2.10", proto: "gre" },
      }),
    );
    const raw = await runCliJson<{ packet: unknown }>(
      explain("--src", "10.1.5.5", "--dst", "192.0.2.10", "--proto", "253", "--json"),
    );
    expect(raw.json.packet).toEqual({ src: "10.1.5.5", dst: "192.0.2.10", proto: 253 });
  });

  it("is a usage error (exit 2, one message) for a missing or bad packet field", async () => {
    const cases: [string[], string][] = [
      [
        explain("--src", "10.1.5.5", "--dst", "10.9.0.5", "--proto", "tcp"),
        "error: Missing --dport: required for tcp\n",
      ],
      [
        explain("--src", "10.1.5.5", "--dst", "10.9.0.5", "--proto", "udp"),
        "error: Missing --dport: required for udp\n",
      ],
      [
        explain("--src", "10.1.5.5", "--dst", "10.9.0.5"),
        "error: missing --proto (or give --packets FILE)\n",
      ],
      [
        explain("--src", "10.1.5", "--dst", "10.9.0.5", "--proto", "icmp"),
        'error: Invalid --src "10.1.5": not an IPv4 or IPv6 address\n',
      ],
      [
        explain("--src", "10.1.5.5", "--dst", "2001:db8::1", "--proto", "icmp"),
        "error: Cannot make packet: --src is IPv4 but --dst is IPv6\n",
      ],
      [
        explain("--src", "10.1.5.5", "--dst", "10.9.0.5", "--proto", "tcp", "--dport", "70000"),
        'error: Invalid --dport "70000": expected a whole number 0-65535\n',
      ],
      [
        explain("--src", "10.1.5.5", "--dst", "10.9.0.5", "--proto", "bogus"),
        'error: Invalid --proto "bogus": expected tcp, udp, icmp, icmpv6, sctp, a protocol name or 0-255\n',
      ],
      [
        explain("--packets", "-", "--src", "10.1.5.5"),
        "error: use --packets or a packet's options (--src), not both\n",
      ],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.split("\n")[0] + "\n").toBe(message);
    }
  });

  it("refuses to answer for a broken policy", async () => {
    const r = await runCli([
      "explain",
      "broken.yaml",
      "--src",
      "10.1.0.1",
      "--dst",
      "192.0.2.1",
      "--proto",
      "icmp",
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Cannot answer");
  });
});
