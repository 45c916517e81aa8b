import { describe, expect, it } from "vitest";
import type { GraphAnswer, MatrixCell } from "./api-types.js";
import { cellRisk, opensAdmin, zoneProfiles } from "./risk.js";

const graph = {
  version: 1,
  zones: [
    { name: "internet", description: null, networks: ["0.0.0.0/0"] },
    { name: "guest", description: null, networks: ["10.1.0.0/16"] },
    { name: "pci", description: null, networks: ["10.2.0.0/16"] },
    { name: "web", description: null, networks: ["10.3.0.0/16"] },
  ],
  groups: [{ name: "untrusted", members: ["zone:guest"] }],
  applications: [],
  assets: [
    { name: "vault", zone: "pci", criticality: "critical", data: ["cardholder"] },
    { name: "site", zone: "web", criticality: "low", data: ["public"] },
  ],
  flows: [],
  points: [],
} as unknown as GraphAnswer;

const cell = (from: string, to: string, level: MatrixCell["level"], services: string[]): MatrixCell => ({
  from,
  to,
  level,
  services,
  flows: [],
});

describe("cellRisk", () => {
  const profiles = zoneProfiles(graph);

  it("rates ssh from the internet to cardholder data as critical and says why", () => {
    const r = cellRisk(cell("internet", "pci", "partial", ["tcp/22"]), profiles);
    expect(r.band).toBe("critical");
    expect(r.reasons).toEqual([
      '"internet" is untrusted',
      '"pci" holds cardholder data',
      "Admin services open: tcp/22",
    ]);
  });

  it("treats zones of a group named untrusted like the internet", () => {
    expect(profiles.get("guest")?.exposure).toBe(2);
    expect(profiles.get("web")?.exposure).toBe(0);
  });

  it("rates https between two internal zones of public data as low and a closed cell as none", () => {
    expect(cellRisk(cell("pci", "web", "partial", ["tcp/443"]), profiles).band).toBe("low");
    expect(cellRisk(cell("internet", "pci", "none", []), profiles).band).toBe("none");
  });
});

describe("opensAdmin", () => {
  it("finds admin ports inside lists and ranges but not beside them", () => {
    expect(opensAdmin("tcp/20-25")).toBe(true);
    expect(opensAdmin("tcp/80,3389")).toBe(true);
    expect(opensAdmin("tcp/443")).toBe(false);
    expect(opensAdmin("icmp/8")).toBe(false);
    expect(opensAdmin("any protocol")).toBe(true);
  });
});
