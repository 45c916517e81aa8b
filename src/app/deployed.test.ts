import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { ConfigFile } from "../core/import/model.js";
import { evaluatePacket, zoneOf } from "../core/policy/evaluate.js";
import type { LoadedPolicy } from "../core/policy/load.js";
import { makePacket } from "../core/space/packet.js";
import { decompose } from "../core/space/summarize.js";
import { askDeployedReach, filesByPoint } from "./deployed.js";
import { compileAcme, editOnce, FIXTURE_TODAY, lineOf, loadAcme } from "../../test/support/deployed.js";

const PAYMENTS_V4 =
  "access-list RAMPART-DC-FW extended permit tcp object-group shop-app-to-db-src-v4 10.20.50.10 255.255.255.254 eq 9443 log";
const DEFAULT_DENY = "access-list RAMPART-DC-FW extended deny ip any any";

const loc = { file: "<command line>", line: 1, column: 1 };
const refs = (...values: string[]) => values.map((value) => ({ value, loc }));
const SHOP_TO_PAYMENTS = {
  from: refs("app:shop/app"),
  to: refs("app:payments/api"),
  services: refs("tcp/9443"),
};

let loaded: LoadedPolicy;
let compiled: Map<string, string>;
const files = (edits: Record<string, string | null> = {}): ConfigFile[] =>
  [...compiled]
    .filter(([name]) => edits[name] !== null)
    .map(([name, text]) => ({ name: `deployed/${name}`, text: edits[name] ?? text }));

beforeAll(() => {
  loaded = loadAcme();
  compiled = compileAcme(loaded, ["edge-fw", "dc-fw", "core-fw"]);
});

describe("askDeployedReach on the example's compiled configurations", () => {
  it("lets through what every point on the path accepts: the compiled configurations agree with the intent", () => {
    const r = askDeployedReach(loaded, SHOP_TO_PAYMENTS, files());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.report).toMatchObject({
      verdict: "allow",
      denied: [],
      unfiltered: [],
      missing: [],
      intent: { verdict: "allow", same: true },
    });
    // servers -> pci crosses the points listing both zones: edge-fw (all zones) and dc-fw.
    expect(r.report.path.map((p) => [p.point, p.status, p.blocks.length])).toEqual([
      ["edge-fw", "deployed", 0],
      ["dc-fw", "deployed", 0],
    ]);
  });

  it("names the point that drops a packet, with a witness and the line that drops it", () => {
    const dc = compiled.get("dc-fw.asa")!;
    const edited = editOnce(dc, `${PAYMENTS_V4}\n`, "");
    const r = askDeployedReach(loaded, SHOP_TO_PAYMENTS, files({ "dc-fw.asa": edited }));
    if (!r.ok) throw new Error("expected an answer");
    expect(r.report.verdict).toBe("partial");
    expect(r.report.intent).toEqual({ verdict: "allow", same: false });
    expect(r.report.denied).toEqual(["tcp/9443 from 10.20.10.11, 10.20.10.12 to 10.20.50.10/31"]);
    const [edge, dcPoint] = r.report.path;
    expect(edge!.blocks).toEqual([]);
    expect(dcPoint!.blocks).toEqual([
      {
        packets: "tcp/9443 from 10.20.10.11, 10.20.10.12 to 10.20.50.10/31",
        witness: "tcp 10.20.10.11:0 -> 10.20.50.10:9443",
        example: { src: "10.20.10.11", dst: "10.20.50.10", proto: "tcp", sport: 0, dport: 9443 },
        lines: [{ file: "deployed/dc-fw.asa", line: lineOf(edited, DEFAULT_DENY), text: DEFAULT_DENY }],
      },
    ]);
    expect(r.deniedExample).toBe("tcp 10.20.10.11:0 -> 10.20.50.10:9443");
  });

  it("reports a point on the path with no configuration as missing, dropping everything it controls", () => {
    const r = askDeployedReach(loaded, SHOP_TO_PAYMENTS, files({ "edge-fw.nft": null }));
    if (!r.ok) throw new Error("expected an answer");
    expect(r.report.verdict).toBe("deny");
    expect(r.report.missing).toEqual(["edge-fw"]);
    expect(r.report.path[0]).toMatchObject({ point: "edge-fw", status: "missing", files: [] });
  });

  it("counts traffic inside one zone as crossing no point", () => {
    const r = askDeployedReach(
      loaded,
      { from: refs("10.20.10.11"), to: refs("10.20.11.5"), services: refs("tcp/5432") },
      files(),
    );
    if (!r.ok) throw new Error("expected an answer");
    expect(r.report).toMatchObject({
      verdict: "allow",
      path: [],
      unfiltered: ["tcp/5432 from 10.20.10.11 to 10.20.11.5"],
    });
  });

  it("reports unknown references in the question as diagnostics", () => {
    const r = askDeployedReach(loaded, { from: refs("asset:nope"), to: refs("any"), services: [] }, files());
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["unknown-reference"]);
  });
});

describe("filesByPoint", () => {
  it("gives each file to the point it is named after, the longest name first", () => {
    const f = (name: string) => ({ name: `d/${name}`, text: "" });
    const r = filesByPoint(
      ["fw", "fw-2", "core-fw"],
      [f("fw.nft"), f("fw-2.nft"), f("core-fw.rules.v4"), f("core-fw.ipset"), f("notes.txt"), f("fw")],
    );
    expect(Object.fromEntries([...r.byPoint].map(([k, v]) => [k, v.map((x) => x.name)]))).toEqual({
      fw: ["d/fw.nft", "d/fw"],
      "fw-2": ["d/fw-2.nft"],
      "core-fw": ["d/core-fw.rules.v4", "d/core-fw.ipset"],
    });
    expect(r.unmatched.map((x) => x.name)).toEqual(["d/notes.txt"]);
  });
});

describe("askDeployedReach against the reference evaluator", () => {
  it("agrees, for every packet between two zones, with the policy on the example fully compiled", () => {
    const all = compileAcme(
      loaded,
      loaded.resolved.points.map((p) => p.point.name),
    );
    const deployed = [...all].map(([name, text]) => ({ name: `out/${name}`, text }));
    const r = askDeployedReach(loaded, { from: refs("any"), to: refs("any"), services: [] }, deployed);
    if (!r.ok) throw new Error("expected an answer");
    expect(r.report.missing).toEqual([]);
    const policy = loaded.policy;
    const prefixes = [
      ...policy.zones.flatMap((z) => z.networks.map((n) => n.prefix)),
      ...policy.assets.flatMap((a) => a.addresses.map((n) => n.prefix)),
    ];
    const v4 = prefixes.filter((p) => p.family === 4);
    const v6 = prefixes.filter((p) => p.family === 6);
    const inside = (p: (typeof prefixes)[number], r: bigint): bigint => {
      const free = BigInt((p.family === 4 ? 32 : 128) - p.length);
      return p.value + (free === 0n ? 0n : r % (1n << free));
    };
    const addressArb = (list: typeof prefixes) =>
      fc.tuple(fc.constantFrom(...list), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })).map(([p, r]) => ({
        family: p.family,
        value: inside(p, r),
      }));
    const packetArb = fc
      .boolean()
      .chain((six) => fc.tuple(addressArb(six ? v6 : v4), addressArb(six ? v6 : v4)))
      .chain(([src, dst]) =>
        fc
          .record({
            proto: fc.constantFrom(6, 17, src.family === 4 ? 1 : 58, 50),
            dport: fc.oneof(
              fc.constantFrom(22, 25, 53, 443, 587, 3389, 5432, 8443, 9443),
              fc.integer({ min: 0, max: 65535 }),
            ),
            type: fc.constantFrom(0, 3, 8, 128, 129),
          })
          .map((x) => makePacket({ src, dst, proto: x.proto, dport: x.dport, icmpType: x.type })),
      );
    // Half the packets come from the allowed set itself (a random point of one of its boxes), so both verdicts
    // are well represented.
    const boxes = decompose(loaded.intent.allowed, 400).boxes;
    const pick = (ranges: readonly { lo: bigint; hi: bigint }[] | undefined, r: bigint, full: bigint) => {
      const list = ranges ?? [{ lo: 0n, hi: full }];
      const range = list[Number(r % BigInt(list.length))]!;
      return range.lo + ((r >> 8n) % (range.hi - range.lo + 1n));
    };
    const fromBox = fc
      .tuple(
        fc.nat(boxes.length - 1),
        fc.array(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), { minLength: 6, maxLength: 6 }),
      )
      .map(([i, r]) => {
        const b = boxes[i]!;
        const max = b.family === 4 ? (1n << 32n) - 1n : (1n << 128n) - 1n;
        const proto = Number(pick(b.protocols, r[0]!, 255n));
        return makePacket({
          src: { family: b.family, value: pick(b.src, r[1]!, max) },
          dst: { family: b.family, value: pick(b.dst, r[2]!, max) },
          proto,
          dport: Number(pick(b.dstPorts, r[3]!, 65535n)),
          sport: Number(pick(b.srcPorts, r[4]!, 65535n)),
          icmpType: Number(pick(b.icmpTypes, r[5]!, 255n)),
          icmpCode: Number(pick(b.icmpCodes, r[5]! >> 16n, 255n)),
        });
      });
    let allowed = 0;
    let checked = 0;
    fc.assert(
      fc.property(fc.oneof(packetArb, fromBox), (p) => {
        const src = zoneOf(policy, { family: p.family, value: p.src });
        const dst = zoneOf(policy, { family: p.family, value: p.dst });
        fc.pre(src !== dst);
        const reference = evaluatePacket(policy, p, { today: FIXTURE_TODAY }).verdict === "allow";
        checked++;
        if (reference) allowed++;
        return r.answer.allowed.contains(p) === reference;
      }),
      { numRuns: 2000 },
    );
    // Not vacuous: most packets are checked, and some of them are allowed.
    expect(checked).toBeGreaterThan(1000);
    expect(allowed).toBeGreaterThan(300);
  });
});
