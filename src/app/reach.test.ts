import { describe, expect, it } from "vitest";
import { loadPolicy } from "../core/policy/load.js";
import { askReach } from "./reach.js";

const POLICY = `
zones:
  inside: { networks: ["10.0.0.0/8"] }
  outside: { networks: ["0.0.0.0/0"] }
flows:
  - name: web
    from: zone:inside
    to: zone:outside
    services: [https]
    owner: net
    ticket: NET-1
`;

const loaded = loadPolicy([{ path: "p.yaml", text: POLICY }], { today: "2025-01-01" });
const loc = (column: number) => ({ file: "<command line>", line: 1, column });
const refs = (...values: string[]) => values.map((value, i) => ({ value, loc: loc(i + 1) }));

describe("askReach", () => {
  it("resolves the references and services typed, and reports the answer", () => {
    const r = askReach(loaded, {
      from: refs("zone:inside"),
      to: refs("zone:outside"),
      services: refs("https"),
    });
    expect(r.ok && r.report).toMatchObject({
      verdict: "allow",
      emptyQuery: false,
      denied: [],
      flows: [
        { kind: "flow", name: "web", owner: "net", ticket: "NET-1", justification: null, file: "p.yaml" },
      ],
      denies: [],
      example: { proto: "tcp", dport: 443 },
    });
  });

  it("asks about every service when none is given", () => {
    const r = askReach(loaded, { from: refs("zone:inside"), to: refs("zone:outside"), services: [] });
    expect(r.ok && r.report.verdict).toBe("partial");
  });

  it("returns the problems of the question, each at its place, instead of an answer", () => {
    const r = askReach(loaded, { from: refs("zone:insde"), to: refs("outside"), services: refs("htps") });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => [d.code, d.column, d.message])).toEqual([
      ["unknown-reference", 1, 'Unknown zone "insde"; did you mean "inside"?'],
      ["unknown-reference", 1, 'Unknown reference "outside"; did you mean "zone:outside"?'],
      ["unknown-reference", 1, 'Unknown service "htps"; did you mean "https"?'],
    ]);
  });
});
