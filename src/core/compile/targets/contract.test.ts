// The contract every target and its importer pass, whatever the device: proven or honestly refused output,
// byte-identical runs, and an importer that never throws on damaged input.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadText } from "../../../../test/support/policies.js";
import { findImporter } from "../../import/formats/index.js";
import type { LoadedPolicy } from "../../policy/load.js";
import { compilePoint } from "../compile.js";
import { importContext } from "../prove.js";
import type { Target } from "../target.js";
import { TARGETS } from "./index.js";

const LONG = "a-flow-with-a-name-far-longer-than-any-device-keeps-".repeat(4) + "end";

function fixture(target: Target): string {
  const host = !target.capabilities.roles.includes("network");
  const point = host
    ? `{ target: ${target.id}, role: host, zones: [a, b, c], hosts: [zone:b] }`
    : `{ target: ${target.id}, zones: [a, b, c], interfaces: { a: eth1, b: eth2, c: eth3 } }`;
  return `
zones:
  a: { networks: [10.1.0.0/16, "2001:db8:1::/48"] }
  b: { networks: [10.2.0.0/16, "2001:db8:2::/48"] }
  c: { networks: [10.3.0.0/16, "2001:db8:3::/48"] }
assets:
  web: { addresses: [10.2.0.10, "2001:db8:2::10"], zone: b, k8s: { namespace: shop, labels: { app: web } } }
  db: { addresses: [10.2.0.20], zone: b, k8s: { namespace: data, labels: { app: db } } }
  jump: { addresses: [10.1.0.5, "2001:db8:1::5"], zone: a }
flows:
  - { name: a-to-web, from: zone:a, to: asset:web, services: [https, "tcp/8000-8100"], log: true }
  - { name: a-to-db, from: [asset:jump, zone:c], to: asset:db, services: [postgres, dns] }
  - { name: ping-web, from: zone:a, to: asset:web, services: [icmp/8, icmpv6/128] }
  - { name: jump-anything, from: asset:jump, to: zone:b }
  - { name: web-to-c-gre, from: asset:web, to: zone:c, services: [proto/47] }
  - { name: ${LONG}, from: zone:c, to: asset:web, services: [ssh] }
  - { name: expired, from: zone:c, to: zone:a, expires: 2020-01-01 }
denies:
  - { name: no-telnet, from: any, to: any, services: [tcp/23] }
  - { name: jump-not-db-ssh, from: asset:jump, to: asset:db, services: [ssh] }
enforcement:
  p: ${point}
`;
}

function compileFixture(target: Target): { loaded: LoadedPolicy; compiled: ReturnType<typeof compilePoint> } {
  const loaded = loadText(fixture(target));
  const point = loaded.resolved.points[0]!;
  return { loaded, compiled: compilePoint(loaded.intent, point) };
}

describe.each(TARGETS.map((t) => [t.id, t] as const))("target %s", (_id, target) => {
  it("has an importer and a consistent description of itself", () => {
    expect(findImporter(target.format)).toBeDefined();
    expect(target.capabilities.families.length).toBeGreaterThan(0);
    expect(target.capabilities.roles.length).toBeGreaterThan(0);
    expect(target.capabilities.nameMaxLength).toBeGreaterThan(0);
  });

  it("compiles a mixed policy to a proven output, or refuses parts it names, never widening", () => {
    const { loaded, compiled } = compileFixture(target);
    expect(loaded.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(compiled.proof).toBeDefined();
    expect(compiled.proof!.allowedNotIntended.isEmpty()).toBe(true);
    expect(["proven", "refused"]).toContain(compiled.status);
    const refusals = compiled.diagnostics.filter(
      (d) => d.code === "target-refused" && d.severity === "error",
    );
    if (compiled.status === "refused") {
      expect(refusals.length).toBeGreaterThan(0);
      for (const d of refusals) expect(d.message).toMatch(/^(Flow|Deny) "/);
    } else {
      expect(refusals).toEqual([]);
    }
    expect(compiled.stats.rules).toBeGreaterThan(0);
    expect(compiled.files.length).toBeGreaterThan(0);
    for (const f of compiled.files) expect(f.name.startsWith("p.")).toBe(true);
  });

  it("writes byte-identical output on every run", () => {
    const a = compileFixture(target).compiled.files;
    const b = compileFixture(target).compiled.files;
    expect(b).toEqual(a);
  });

  it("imports damaged output without throwing, reporting what it could not read", () => {
    const { loaded, compiled } = compileFixture(target);
    const importer = findImporter(target.format)!;
    const ctx = importContext(loaded.intent, compiled.scope!);
    const files = compiled.files;
    fc.assert(
      fc.property(
        fc.nat(),
        fc.nat(),
        fc.constantFrom("delete", "duplicate", "truncate", "garble"),
        (fileIndex, lineIndex, how) => {
          const f = files[fileIndex % files.length]!;
          const lines = f.text.split("\n");
          const at = lineIndex % lines.length;
          if (how === "delete") lines.splice(at, 1);
          else if (how === "duplicate") lines.splice(at, 0, lines[at]!);
          else if (how === "truncate") lines[at] = lines[at]!.slice(0, Math.floor(lines[at]!.length / 2));
          else lines[at] = `${lines[at]} }{ \u0000 "unterminated`;
          const damaged = files.map((g) => (g === f ? { name: g.name, text: lines.join("\n") } : g));
          const result = importer.import(damaged, ctx);
          expect(result.accepted.space).toBe(loaded.intent.space);
        },
      ),
      { numRuns: 60 },
    );
    const garbage = importer.import(
      [{ name: "garbage.txt", text: "\u0000\u0001 {{{ ]]] access-list !!!" }],
      ctx,
    );
    expect(garbage.diagnostics.length).toBeGreaterThan(0);
    expect(garbage.diagnostics.every((d) => d.file === "garbage.txt" && d.line >= 1)).toBe(true);
  });
});
