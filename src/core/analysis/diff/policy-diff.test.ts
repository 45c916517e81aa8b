import { beforeAll, describe, expect, it } from "vitest";
import { acmeSources, editOnce, FIXTURE_TODAY } from "../../../../test/support/deployed.js";
import { parseAddress } from "../../net/address.js";
import { Intent } from "../../policy/intent.js";
import { parsePolicy } from "../../policy/parse.js";
import { resolvePolicy } from "../../policy/resolve.js";
import type { PolicySource } from "../../policy/types.js";
import { makePacket } from "../../space/packet.js";
import { PacketSpace } from "../../space/packet-set.js";
import { diffPolicies, type PolicyDiff } from "./policy-diff.js";

function intentOf(sources: readonly PolicySource[], space: PacketSpace): Intent {
  const { resolved } = resolvePolicy(parsePolicy(sources).policy, { today: FIXTURE_TODAY });
  return new Intent(resolved, space);
}

const PAYROLL = `  - name: payroll-to-bank
    from: app:hr/app
    to: asset:bank-sftp
    services: [ssh] # SFTP
    owner: hr-it
    justification: Monthly payroll transfer files go to the house bank
    ticket: CHG-2023-0172
    log: true
`;

describe("diffPolicies on the example, one flow widened and one removed", () => {
  let before: Intent;
  let after: Intent;
  let d: PolicyDiff;
  beforeAll(() => {
    const space = new PacketSpace(1 << 18);
    const sources = acmeSources();
    const edited = sources.map((s) =>
      s.path.endsWith("flows.yaml")
        ? {
            ...s,
            text: editOnce(
              editOnce(s.text, PAYROLL, ""),
              "  - name: internet-to-mail-relay\n    from: zone:internet\n    to: asset:mail-relay\n    services: [smtp]",
              '  - name: internet-to-mail-relay\n    from: zone:internet\n    to: asset:mail-relay\n    services: [smtp, "tcp/587"]',
            ),
          }
        : s,
    );
    before = intentOf(sources, space);
    after = intentOf(edited, space);
    d = diffPolicies(before, after);
  });

  it("says exactly which packets the policy now allows and no longer allows", () => {
    const space = before.space;
    const mailRelay = after.resolved.policy.assets.find((a) => a.name === "mail-relay")!;
    const opened = before
      .zoneSpace("internet", "src")
      .intersect(space.unionAll(mailRelay.addresses.map((n) => space.prefix("dst", n.prefix))))
      .intersect(space.ports(6, "dst", 587, 587));
    expect(d.opened.equals(opened)).toBe(true);
    const payroll = before.flows.find((f) => f.rule.name === "payroll-to-bank")!.set;
    expect(d.closed.equals(payroll.intersect(before.allowed))).toBe(true);
  });

  it("lists per point what it must newly let through or stop, with the flows behind a witness", () => {
    const changed = d.points.filter((p) => p.status !== "unchanged").map((p) => p.point);
    // The mail relay sits in the dmz, which only edge-fw lists; the payroll server (servers) talks to the
    // internet through every network point that lists both zones.
    expect(changed).toEqual(["edge-fw", "dc-fw", "lyon-rtr", "ot-fw"]);
    const edge = d.points.find((p) => p.point === "edge-fw")!;
    // One box per address family of the relay.
    expect(edge.openedBoxes.map((b) => b.rules)).toEqual([
      ["internet-to-mail-relay"],
      ["internet-to-mail-relay"],
    ]);
    expect(edge.openedBoxes.map((b) => b.witness.family)).toEqual([4, 6]);
    expect(edge.openedBoxes[0]!.witness).toMatchObject({ proto: 6, dport: 587 });
    const dc = d.points.find((p) => p.point === "dc-fw")!;
    expect(dc.opened.isEmpty()).toBe(true);
    const payrollPacket = makePacket({
      src: parseAddress("10.20.30.10"),
      dst: parseAddress("198.51.100.20"),
      proto: 6,
      dport: 22,
    });
    expect(dc.closed.contains(payrollPacket)).toBe(true);
    expect(dc.closedBoxes.map((b) => b.rules)).toEqual([["payroll-to-bank"]]);
  });

  it("lists the flows changed and removed, with what each now matches", () => {
    expect(d.rules.map((r) => [r.kind, r.name, r.change, r.aspects.join(",")])).toEqual([
      ["flow", "internet-to-mail-relay", "changed", "packets,details"],
      ["flow", "payroll-to-bank", "removed", ""],
    ]);
    const mail = d.rules[0]!;
    expect(mail.narrowed.isEmpty()).toBe(true);
    expect(mail.widened.equals(d.opened)).toBe(true);
  });

  it("lists the zone matrix cells whose allowed packets change", () => {
    expect(d.matrix.map((m) => `${m.from}->${m.to} ${m.before}->${m.after}`)).toEqual([
      "internet->dmz partial->partial",
      "servers->internet partial->partial",
    ]);
    const cell = d.matrix[0]!;
    expect(cell.servicesAfter.filter((x) => x.startsWith("tcp/"))).toEqual(["tcp/25,53,80,443,587"]);
    expect(cell.servicesBefore.filter((x) => x.startsWith("tcp/"))).toEqual(["tcp/25,53,80,443"]);
  });

  it("finds nothing between a version and itself", () => {
    const same = diffPolicies(before, before);
    expect(same.opened.isEmpty() && same.closed.isEmpty()).toBe(true);
    expect(same.points.every((p) => p.status === "unchanged")).toBe(true);
    expect(same.rules).toEqual([]);
    expect(same.matrix).toEqual([]);
  });

  it("refuses intents of different packet spaces", () => {
    const other = intentOf(acmeSources().slice(0), new PacketSpace());
    expect(() => diffPolicies(before, other)).toThrow(TypeError);
  });
});

describe("diffPolicies on small policies", () => {
  const base = (extra: string) => `
zones:
  inside: { networks: ["10.0.0.0/8"] }
  outside: { networks: ["0.0.0.0/0"] }
flows:
  - name: web
    from: zone:inside
    to: zone:outside
    services: ["tcp/443"]
  - name: old-ssh
    from: zone:inside
    to: zone:outside
    services: ["tcp/22"]
    expires: "2025-01-01"
${extra}`;
  const diff = (a: string, b: string) => {
    const space = new PacketSpace();
    return diffPolicies(
      intentOf([{ path: "a.yaml", text: a }], space),
      intentOf([{ path: "b.yaml", text: b }], space),
    );
  };
  const gw = `enforcement:
  gw:
    target: nftables
    zones: all
`;

  it("reports a point that appears with everything it must let through", () => {
    const d = diff(base(""), base(gw));
    expect(d.points.map((p) => [p.point, p.status, p.targetBefore, p.targetAfter])).toEqual([
      ["gw", "added", null, "nftables"],
    ]);
    expect(d.points[0]!.openedBoxes.map((b) => [b.summary, b.rules])).toEqual([
      ["tcp/443 from 10.0.0.0/8 to 0.0.0.0/5, 8.0.0.0/7, 11.0.0.0-255.255.255.255", ["web"]],
    ]);
    expect(d.rules).toEqual([]);
    expect(d.opened.isEmpty()).toBe(true);
  });

  it("reports a deny that closes part of a flow, with the deny behind the closed packets", () => {
    const deny = `denies:
  - name: no-bad
    from: zone:inside
    to: 192.0.2.0/24
    services: ["tcp/443"]
`;
    const d = diff(base(gw), base(gw + deny));
    expect(d.rules.map((r) => [r.kind, r.name, r.change])).toEqual([["deny", "no-bad", "added"]]);
    expect(d.points[0]!.closedBoxes.map((b) => [b.summary, b.rules])).toEqual([
      ["tcp/443 from 10.0.0.0/8 to 192.0.2.0/24", ["web"]],
    ]);
    expect(d.matrix.map((m) => [m.from, m.to, m.before, m.after])).toEqual([
      ["inside", "outside", "partial", "partial"],
    ]);
  });

  it("reports a flow whose expiry is pushed back as changed in expiry and details, opening its packets", () => {
    const d = diff(base(gw), base(gw).replace('expires: "2025-01-01"', 'expires: "2026-01-01"'));
    expect(d.rules.map((r) => [r.name, r.change, r.aspects.join(",")])).toEqual([
      ["old-ssh", "changed", "expiry,details"],
    ]);
    const ssh = (dst: string) =>
      makePacket({ src: parseAddress("10.1.1.1"), dst: parseAddress(dst), proto: 6, dport: 22 });
    expect(d.opened.contains(ssh("198.51.100.1"))).toBe(true);
    // Inside one zone is no flow's: still denied.
    expect(d.opened.contains(ssh("10.2.2.2"))).toBe(false);
    expect(d.points[0]!.openedBoxes.map((b) => b.rules)).toEqual([["old-ssh"]]);
  });
});
