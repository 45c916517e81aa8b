import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAddress } from "../../net/address.js";
import { PROTO } from "../../net/protocol.js";
import { evaluatePacket } from "../../policy/evaluate.js";
import { loadPolicy, type LoadedPolicy } from "../../policy/load.js";
import type { PolicySource } from "../../policy/types.js";
import { makePacket } from "../../space/packet.js";
import { boxToSet, decompose } from "../../space/summarize.js";
import { assessRisk, changeSets } from "./assess.js";
import { riskLevel, riskScore, type RiskFinding } from "./scoring.js";

const TODAY = "2026-06-01";
const folder = fileURLToPath(new URL("../../../../examples/acme/", import.meta.url));
const ACME: PolicySource[] = readdirSync(folder)
  .filter((f) => f.endsWith(".yaml"))
  .sort()
  .map((f) => ({ path: f, text: readFileSync(folder + f, "utf8") }));
const before = loadPolicy(ACME, { today: TODAY });

interface TestFlow {
  from: string[];
  to: string[];
  services: string[];
  expires?: string;
}

/** Acme with one more flow "req", in a file of its own. */
function acmeWith(flow: TestFlow): LoadedPolicy {
  const list = (xs: string[]) => `[${xs.map((x) => JSON.stringify(x)).join(", ")}]`;
  const text = [
    "flows:",
    "  - name: req",
    `    from: ${list(flow.from)}`,
    `    to: ${list(flow.to)}`,
    `    services: ${list(flow.services)}`,
    ...(flow.expires ? [`    expires: "${flow.expires}"`] : []),
  ].join("\n");
  const loaded = loadPolicy([...ACME, { path: "flows/requests.yaml", text }], { today: TODAY });
  const blocking = loaded.diagnostics.filter((d) => d.severity === "error" && d.code !== "assertion-failed");
  if (blocking.length) throw new Error(`Test flow does not load: ${blocking[0]!.message}`);
  return loaded;
}

const assess = (flow: TestFlow) => assessRisk(before, acmeWith(flow), { flowName: "req", today: TODAY });
const codes = (fs: readonly RiskFinding[]) => [...new Set(fs.map((f) => f.code))];

describe("assessRisk on the example organization", () => {
  it("flags guest Wi-Fi asking for the card database: denies in the way, untrusted to sensitive, cardholder data", () => {
    const r = assess({ from: ["zone:guest-wifi"], to: ["app:payments/db"], services: ["postgres"] });
    expect(codes(r.findings)).toEqual(
      expect.arrayContaining(["deny-conflict", "untrusted-to-sensitive", "data-classification"]),
    );
    const conflict = r.findings.find((f) => f.code === "deny-conflict")!;
    expect(conflict.detail).toMatchObject({ deny: "guest-isolation", all: true });
    expect(r.opened).toEqual([]);
    expect(r.blocked.length).toBeGreaterThan(0);
    expect(r.findings.find((f) => f.code === "data-classification")!.detail).toMatchObject({
      classification: "cardholder",
      assets: ["card-db-1", "card-db-2"],
    });
    expect(r.level).toBe("critical");
  });

  it("finds admin-from-untrusted for ssh from the internet", () => {
    const r = assess({ from: ["zone:internet"], to: ["asset:jump-1"], services: ["ssh"] });
    expect(codes(r.findings)).toEqual(
      expect.arrayContaining(["admin-from-untrusted", "untrusted-to-sensitive", "wide-source", "no-expiry"]),
    );
    expect(r.findings.find((f) => f.code === "admin-from-untrusted")!.detail).toMatchObject({
      zones: ["internet"],
    });
    expect(r.opened.join("\n")).toContain("tcp/22");
    expect(r.level).toBe("critical");
  });

  it("scores a narrow internal request with an expiry low, and says what it opens", () => {
    const r = assess({
      from: ["zone:branch"],
      to: ["asset:hq-print-1"],
      services: ["https"],
      expires: "2026-09-30",
    });
    expect(r.level).toBe("low");
    expect(r.score).toBeLessThan(10);
    expect(r.opened).toEqual(["tcp/443 from 10.11.0.0/16 to 10.10.30.10"]);
    expect(r.blocked).toEqual([]);
  });

  it("names an assertion that held before and fails after", () => {
    const r = assess({ from: ["zone:corp"], to: ["asset:card-db-1"], services: ["postgres"] });
    const broken = r.findings.filter((f) => f.code === "assertion-broken").map((f) => f.detail.assertion);
    expect(broken).toEqual(["staff-cannot-reach-card-vault"]);
  });

  it("flags cleartext protocols by name, each once", () => {
    const r = assess({
      from: ["zone:corp"],
      to: ["asset:mail-1"],
      services: ["pop3", "imap", "imaps"],
      expires: "2026-07-01",
    });
    const clear = r.findings.filter((f) => f.code === "cleartext").map((f) => f.detail.service);
    expect(clear.sort()).toEqual(["imap", "pop3"]);
  });

  it("flags any-to-any and every service for a request from anywhere to anywhere", () => {
    const r = assess({ from: ["any"], to: ["any"], services: ["any"] });
    expect(codes(r.findings)).toEqual(expect.arrayContaining(["any-to-any", "all-services"]));
    expect(r.score).toBe(100);
  });

  it("tells a long-lived flow from one without expiry", () => {
    const flow = { from: ["zone:branch"], to: ["asset:hq-print-1"], services: ["https"] };
    expect(codes(assess({ ...flow, expires: "2028-01-01" }).findings)).toContain("long-lived");
    expect(codes(assess({ ...flow, expires: "2027-06-01" }).findings)).not.toContain("long-lived");
    expect(codes(assess(flow).findings)).toContain("no-expiry");
  });

  it("refuses a flow name the changed policy does not have", () => {
    expect(() => assessRisk(before, before, { flowName: "nope", today: TODAY })).toThrow(RangeError);
  });
});

describe("risk scoring", () => {
  it("counts each code once at its heaviest and caps at 100", () => {
    const f = (code: RiskFinding["code"], weight: number): RiskFinding => ({
      code,
      weight,
      severity: "low",
      message: "",
      detail: {},
    });
    expect(riskScore([f("cleartext", 15), f("cleartext", 15), f("no-expiry", 5)])).toBe(20);
    expect(riskScore([f("any-to-any", 60), f("assertion-broken", 60)])).toBe(100);
    expect([0, 24, 25, 49, 50, 74, 75, 100].map(riskLevel)).toEqual([
      "low",
      "low",
      "medium",
      "medium",
      "high",
      "high",
      "critical",
      "critical",
    ]);
  });
});

// Addresses at the edges of acme's zones and assets, and a few outside every internal zone.
const ADDRESSES = [
  "10.10.0.1",
  "10.10.30.10",
  "10.10.40.7",
  "10.11.0.1",
  "10.11.255.254",
  "10.20.0.1",
  "10.20.1.10",
  "10.20.49.255",
  "10.20.50.0",
  "10.20.50.20",
  "10.20.50.21",
  "10.20.51.0",
  "10.8.13.255",
  "10.8.14.9",
  "10.99.0.10",
  "172.16.100.5",
  "172.16.10.11",
  "8.8.8.8",
  "192.168.1.1",
];
const PORTS = [22, 23, 80, 443, 445, 3389, 5432, 8000, 8080, 8100, 8101, 65535];

const requests: TestFlow[] = [
  { from: ["zone:corp"], to: ["app:payments/db"], services: ["any"] },
  { from: ["zone:internet"], to: ["asset:jump-1"], services: ["ssh", "telnet"] },
  { from: ["zone:branch", "zone:vendors"], to: ["zone:servers"], services: ["tcp/8000-8100", "https"] },
  { from: ["10.10.0.0/16"], to: ["any"], services: ["tcp", "udp"] },
];

describe("the packets a change opens", () => {
  it.each(requests.map((r, i) => [i, r] as const))(
    "are exactly what the reference evaluator allows after and not before (request %i)",
    (_, flow) => {
      const after = acmeWith(flow);
      const { opened } = changeSets(before, after, "req");
      const packet = fc
        .record({
          src: fc.constantFrom(...ADDRESSES),
          dst: fc.constantFrom(...ADDRESSES),
          proto: fc.constantFrom(PROTO.tcp, PROTO.udp, PROTO.icmp),
          dport: fc.constantFrom(...PORTS),
        })
        .map((p) =>
          makePacket({ src: parseAddress(p.src), dst: parseAddress(p.dst), proto: p.proto, dport: p.dport }),
        );
      fc.assert(
        fc.property(packet, (p) => {
          const now = evaluatePacket(after.policy, p, { today: TODAY }).verdict === "allow";
          const then = evaluatePacket(before.policy, p, { today: TODAY }).verdict === "allow";
          expect(opened.contains(p)).toBe(now && !then);
        }),
        { numRuns: 150, seed: 5 },
      );
      // Random packets rarely land in a narrow change: one packet of each summarized box is checked too.
      const { boxes, truncated } = decompose(opened, 50);
      for (const b of boxes) {
        const p = boxToSet(opened.space, b).witness()!;
        expect(evaluatePacket(after.policy, p, { today: TODAY }).verdict).toBe("allow");
        expect(evaluatePacket(before.policy, p, { today: TODAY }).verdict).toBe("deny");
      }
      expect(boxes.length).toBeGreaterThan(0);
      // The summaries are the decomposition of exactly that set.
      if (!truncated)
        expect(opened.space.unionAll(boxes.map((b) => boxToSet(opened.space, b))).equals(opened)).toBe(true);
    },
  );
});
