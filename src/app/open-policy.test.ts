import { describe, expect, it } from "vitest";
import { openPolicy } from "./open-policy.js";

const zones = `zones:\n  a: { networks: ["10.0.0.0/8"] }\n  b: { networks: ["192.168.0.0/16"] }\n`;

describe("openPolicy", () => {
  it("counts what the policy holds and how its assertions fared", () => {
    const text = `${zones}flows:\n  - { name: f, from: zone:a, to: zone:b, services: [ssh] }\nassertions:\n  - { from: zone:a, to: zone:b, service: ssh, expect: allow }\n  - { from: zone:a, to: zone:b, service: https, expect: allow }\n`;
    const { counts, blocking } = openPolicy([{ path: "p.yaml", text }], { today: "2025-01-01" });
    expect(counts).toMatchObject({
      zones: 2,
      flows: 1,
      assertions: 2,
      assertionsPassed: 1,
      assertionsFailed: 1,
      errors: 1,
    });
    // A failed assertion does not stop questions: it is an answer about a well-formed policy.
    expect(blocking).toEqual([]);
  });

  it("blocks questions on any other error", () => {
    const text = `${zones}flows:\n  - { name: f, from: zone:c, to: zone:b }\n`;
    const { blocking } = openPolicy([{ path: "p.yaml", text }], { today: "2025-01-01" });
    expect(blocking.map((d) => d.code)).toEqual(["unknown-reference"]);
  });

  it("reports an unknown target with a did-you-mean, and a role the target does not have", () => {
    const text = `${zones}enforcement:\n  fw: { target: nftable, zones: [a, b] }\n  sg: { target: aws-sg, zones: [a, b] }\n`;
    const { loaded, blocking } = openPolicy([{ path: "p.yaml", text }], { today: "2025-01-01" });
    expect(loaded.ok).toBe(false);
    expect(blocking.map((d) => [d.code, d.line, d.message])).toEqual([
      ["unknown-target", 5, 'Unknown target "nftable" for enforcement point "fw"; did you mean "nftables"?'],
      [
        "target-refused",
        6,
        'Target "aws-sg" has no role "network"; enforcement point "sg" needs role "host"',
      ],
    ]);
  });
});
