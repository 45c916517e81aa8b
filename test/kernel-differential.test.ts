// The Linux kernel as the oracle for the nftables and iptables targets: each compiled ruleset is loaded into a
// router namespace, thousands of new connections are sent through it, and every packet it forwards or drops
// must match the reference evaluator (test/kernel/ holds the harness; exclusions.ts lists what is never sent).

import { describe, expect, it } from "vitest";
import { GENERATED_TODAY, generatePolicySpec } from "../bench/generate-policy.js";
import { type PointSpec, renderPolicy } from "../bench/policy-yaml.js";
import { Random } from "../bench/prng.js";
import { compilePoint } from "../src/core/compile/compile.js";
import { type LoadedPolicy, loadPolicy } from "../src/core/policy/load.js";
import {
  countVerdicts,
  type DifferentialCase,
  disagreements,
  forwardedByKernel,
  prepareCase,
} from "./kernel/differential.js";
import { framesUnlikeScapy } from "./kernel/wire.js";
import { FIXTURE_POLICY, fixtureIptables, fixtureNftables } from "./kernel/fixture.js";
import type { RulesetFile, RulesetFormat } from "./kernel/load-ruleset.js";
import { oracleCommand, oracleNetns, oracleScapy } from "./support/oracles.js";
import { ACME, loadFolder, loadText, TEST_TODAY } from "./support/policies.js";

const unavailable = [
  oracleNetns(),
  oracleCommand("nft"),
  oracleCommand("iptables-restore"),
  oracleCommand("ip6tables-restore"),
  oracleCommand("ipset"),
  oracleScapy(),
].find((o) => !o.available);

/** Fixed seeds keep a failure reproducible; RAMPART_SEED adds one (a nightly run can pass the date). */
function seeds(): number[] {
  const extra = process.env["RAMPART_SEED"];
  if (extra !== undefined && !/^[0-9]{1,9}$/.test(extra))
    throw new RangeError(`Invalid RAMPART_SEED "${extra}": expected a whole number`);
  return [11, 2025, ...(extra === undefined ? [] : [Number(extra)])];
}

const PACKETS = 4000;
const HARNESS_PACKETS = 1500;
const TIMEOUT_MS = 90_000;

/** A policy the targets were not written against: generated, with one nftables and one iptables point. */
function generatedPolicy(seed: number): LoadedPolicy {
  const spec = generatePolicySpec({ seed, flows: 60, assets: 40, zones: 8, points: 0, assertions: 0 });
  const zones = spec.zones.map((z) => z.name);
  const point = (name: string, target: string, list: PointSpec["zones"]): PointSpec => ({
    name,
    target,
    zones: list,
    role: "network",
    interfaces: {},
  });
  const enforcement = [
    point("gen-nft", "nftables", "all"),
    point("gen-ipt", "iptables", new Random(seed).sample(zones, 4)),
  ];
  return loadPolicy(renderPolicy({ ...spec, enforcement }), { today: GENERATED_TODAY });
}

/** A router that forwards exactly the packets conntrack takes for the first of a new connection. */
const NEW_CONNECTIONS_ONLY: RulesetFile = {
  name: "new-only.nft",
  text: "table inet t {\n\tchain f {\n\t\ttype filter hook forward priority 0; policy drop;\n\t\tct state new accept\n\t}\n}\n",
};

interface PointCase {
  readonly title: string;
  readonly policy: () => LoadedPolicy;
  readonly point: string;
  readonly format: RulesetFormat;
  readonly today: string;
  readonly seed: number;
}

function pointCases(): PointCase[] {
  const acme = (point: string, format: RulesetFormat): PointCase => ({
    title: "acme",
    policy: () => loadFolder(ACME),
    point,
    format,
    today: TEST_TODAY,
    seed: 1,
  });
  const generated = (seed: number): PointCase[] =>
    (["nftables", "iptables"] as const).map((format) => ({
      title: `generated policy, seed ${seed}`,
      policy: () => generatedPolicy(seed),
      point: format === "nftables" ? "gen-nft" : "gen-ipt",
      format,
      today: GENERATED_TODAY,
      seed,
    }));
  return [acme("edge-fw", "nftables"), acme("core-fw", "iptables"), ...seeds().flatMap(generated)];
}

/** Packets and verdicts are drawn while tests are collected, so that each test's name gives its counts. */
function prepared<T>(make: () => T): T | undefined {
  return unavailable === undefined ? make() : undefined;
}

function counts(c: DifferentialCase | undefined): string {
  return c === undefined ? "" : ` (${countVerdicts(c)})`;
}

function expectAgreement(label: string, lines: string[]): void {
  expect(lines, `${label}: the kernel and the reference evaluator disagree on`).toEqual([]);
}

describe.skipIf(unavailable !== undefined)(
  `kernel differential${unavailable ? `: ${unavailable.reason}` : ""}`,
  () => {
    describe("the harness", () => {
      const fixture = prepared(() =>
        prepareCase(loadText(FIXTURE_POLICY), "fw", { today: TEST_TODAY, seed: 1, count: HARNESS_PACKETS }),
      );

      it(
        `sends only new connections, and loses none of them${counts(fixture)}`,
        async () => {
          // A router that forwards every new connection must deliver every packet: nothing is lost on the way,
          // and nothing sent is a packet a stateful firewall cannot judge (see exclusions.ts).
          const c = fixture!;
          const actual = await forwardedByKernel(
            { format: "nftables", files: [NEW_CONNECTIONS_ONLY] },
            c.packets,
          );
          const all = c.packets.map(() => "forward" as const);
          expectAgreement("a router forwarding every new connection", disagreements(c.packets, all, actual));
        },
        TIMEOUT_MS,
      );

      it(
        "builds every frame byte for byte as scapy does",
        () => {
          expect(framesUnlikeScapy(fixture!.packets)).toEqual([]);
        },
        TIMEOUT_MS,
      );

      it(
        `agrees on a hand-written nftables ruleset${counts(fixture)}`,
        async () => {
          const c = fixture!;
          const files = [{ name: "fw.nft", text: fixtureNftables() }];
          const actual = await forwardedByKernel({ format: "nftables", files }, c.packets);
          expectAgreement("hand-written nftables", disagreements(c.packets, c.expected, actual));
        },
        TIMEOUT_MS,
      );

      it(
        `agrees on a hand-written iptables ruleset${counts(fixture)}`,
        async () => {
          const c = fixture!;
          const actual = await forwardedByKernel({ format: "iptables", files: fixtureIptables() }, c.packets);
          expectAgreement("hand-written iptables", disagreements(c.packets, c.expected, actual));
        },
        TIMEOUT_MS,
      );

      it(
        "catches a ruleset that forgets IPv6 echo requests",
        async () => {
          const c = fixture!;
          const files = [{ name: "fw.nft", text: fixtureNftables({ forgetIpv6Ping: true }) }];
          const actual = await forwardedByKernel({ format: "nftables", files }, c.packets);
          const wrong = disagreements(c.packets, c.expected, actual, Infinity);
          expect(wrong.length).toBeGreaterThan(0);
          expect(
            wrong.filter((line) => !/ icmpv6 .* type 128 .*: expected forward, kernel drop$/.test(line)),
          ).toEqual([]);
        },
        TIMEOUT_MS,
      );
    });

    for (const pc of pointCases()) {
      describe(pc.title, () => {
        const loaded = prepared(pc.policy);
        const c = prepared(() =>
          prepareCase(loaded!, pc.point, { today: pc.today, seed: pc.seed, count: PACKETS }),
        );

        it(
          `${pc.point} (${pc.format}): the kernel forwards what the evaluator allows${counts(c)}`,
          async () => {
            expect(loaded!.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
            // Not vacuous: both verdicts occur.
            expect(c!.expected).toContain("forward");
            expect(c!.expected).toContain("drop");
            const compiled = compilePoint(loaded!.intent, c!.point);
            const actual = await forwardedByKernel({ format: pc.format, files: compiled.files }, c!.packets);
            expectAgreement(
              `${pc.point} (${pc.format}; the proof says "${compiled.status}")`,
              disagreements(c!.packets, c!.expected, actual),
            );
          },
          TIMEOUT_MS,
        );
      });
    }
  },
);
