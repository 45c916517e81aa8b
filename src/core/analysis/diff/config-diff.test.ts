import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  acmeSources,
  compileAcme,
  editOnce,
  FIXTURE_TODAY,
  lineOf,
} from "../../../../test/support/deployed.js";
import { nftablesImporter } from "../../import/formats/nftables/importer.js";
import { firstMatch } from "../../import/match.js";
import type { ImportedRule, ImportResult } from "../../import/model.js";
import { standaloneContext } from "../../import/standalone.js";
import { parseAddress } from "../../net/address.js";
import { parsePrefix } from "../../net/prefix.js";
import { type LoadedPolicy, loadPolicy } from "../../policy/load.js";
import { makePacket } from "../../space/packet.js";
import { PacketSpace } from "../../space/packet-set.js";
import { diffConfigs } from "./config-diff.js";

const MAIL_V4 =
  'ip saddr @zone_internet_v4 ip daddr 172.16.10.25 tcp dport 25 counter accept comment "internet-to-mail-relay"';
const MAIL_V4_NEW =
  'ip saddr @zone_internet_v4 ip daddr 172.16.10.25 tcp dport { 25, 587 } counter accept comment "internet-to-mail-relay"';
const DNS_V4 =
  'ip saddr @zone_internet_v4 ip daddr 172.16.10.53 meta l4proto { tcp, udp } th dport 53 counter accept comment "internet-to-public-dns"';

describe("diffConfigs on the example's edge firewall, edited", () => {
  let loaded: LoadedPolicy;
  let oldText: string;
  let newText: string;
  let before: ImportResult;
  let after: ImportResult;
  beforeAll(() => {
    loaded = loadPolicy(acmeSources(), { today: FIXTURE_TODAY });
    oldText = compileAcme(loaded, ["edge-fw"]).get("edge-fw.nft")!;
    newText = editOnce(editOnce(oldText, MAIL_V4, MAIL_V4_NEW), `\t\t${DNS_V4}\n`, "");
    const context = standaloneContext(loaded.intent.space);
    before = nftablesImporter.import([{ name: "old/edge-fw.nft", text: oldText }], context);
    after = nftablesImporter.import([{ name: "new/edge-fw.nft", text: newText }], context);
  });

  it("opens exactly the widened rule's new port, and names the new line", () => {
    const intent = loaded.intent;
    const space = intent.space;
    const d = diffConfigs(before, after);
    const expected = intent
      .zoneSpace("internet", "src")
      .intersect(space.family(4))
      .intersect(space.prefix("dst", parsePrefix("172.16.10.25/32")))
      .intersect(space.ports(6, "dst", 587, 587));
    expect(d.opened.equals(expected)).toBe(true);
    expect(d.openedBoxes).toHaveLength(1);
    expect(d.openedBoxes[0]!.witness).toMatchObject({
      proto: 6,
      dport: 587,
      dst: parseAddress("172.16.10.25").value,
    });
    expect(d.openedBoxes[0]!.responsible).toEqual([
      { file: "new/edge-fw.nft", line: lineOf(newText, MAIL_V4_NEW), text: MAIL_V4_NEW },
    ]);
    expect(d.openedBoxes[0]!.counterpart).toEqual([]);
  });

  it("closes exactly the deleted rule's packets, and names the old line", () => {
    const intent = loaded.intent;
    const space = intent.space;
    const d = diffConfigs(before, after);
    const dns = space.ports(6, "dst", 53, 53).union(space.ports(17, "dst", 53, 53));
    const expected = intent
      .zoneSpace("internet", "src")
      .intersect(space.family(4))
      .intersect(space.prefix("dst", parsePrefix("172.16.10.53/32")))
      .intersect(dns);
    expect(d.closed.equals(expected)).toBe(true);
    expect(d.closedBoxes.map((b) => b.responsible)).toEqual([
      [{ file: "old/edge-fw.nft", line: lineOf(oldText, DNS_V4), text: DNS_V4 }],
    ]);
  });

  it("lists the rule changes by content: the deleted rule removed, the widened one changed", () => {
    const d = diffConfigs(before, after);
    const summary = d.rules
      .filter((c) => c.kind !== "unchanged")
      .map((c) => [c.kind, c.old?.source.line ?? null, c.new?.source.line ?? null, c.aspects.join(",")]);
    expect(summary).toEqual([
      ["removed", lineOf(oldText, DNS_V4), null, ""],
      ["changed", lineOf(oldText, MAIL_V4), lineOf(newText, MAIL_V4_NEW), "match,text"],
    ]);
    expect(d.rules.filter((c) => c.kind === "unchanged").length).toBe(before.rules.length - 2);
  });

  it("restricts the comparison to a domain when given", () => {
    const space = loaded.intent.space;
    const d = diffConfigs(before, after, { domain: space.ports(6, "dst", 587, 587) });
    expect(d.closed.isEmpty()).toBe(true);
    expect(d.opened.isEmpty()).toBe(false);
  });
});

describe("diffConfigs against a plain evaluation", () => {
  const space = new PacketSpace();
  const ruleArb = fc.record({
    accept: fc.boolean(),
    net: fc.integer({ min: 0, max: 3 }),
    lo: fc.integer({ min: 0, max: 7 }),
    span: fc.integer({ min: 0, max: 3 }),
  });
  const build = (rs: { accept: boolean; net: number; lo: number; span: number }[]): ImportResult => {
    const rules: ImportedRule[] = rs.map((r, i) => ({
      action: r.accept ? "accept" : "drop",
      match: space
        .prefix("src", parsePrefix(`10.0.${r.net}.0/24`))
        .intersect(space.ports(6, "dst", r.lo, r.lo + r.span)),
      source: { file: "f", line: i + 1, text: "" },
      list: "l",
    }));
    return { accepted: firstMatch(space, rules, "drop"), rules, diagnostics: [] };
  };
  const plain = (
    rs: { accept: boolean; net: number; lo: number; span: number }[],
    net: number,
    port: number,
  ) => rs.find((r) => r.net === net && port >= r.lo && port <= r.lo + r.span)?.accept ?? false;

  it("opens exactly what the new list accepts and the old did not (and closes the reverse)", () => {
    fc.assert(
      fc.property(
        fc.array(ruleArb, { maxLength: 6 }),
        fc.array(ruleArb, { maxLength: 6 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 11 }),
        (a, b, net, port) => {
          const d = diffConfigs(build(a), build(b));
          const p = makePacket({
            src: parseAddress(`10.0.${net}.9`),
            dst: parseAddress("192.0.2.1"),
            proto: 6,
            dport: port,
          });
          const was = plain(a, net, port);
          const now = plain(b, net, port);
          return d.opened.contains(p) === (now && !was) && d.closed.contains(p) === (was && !now);
        },
      ),
    );
  });
});
