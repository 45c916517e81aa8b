// Pending single sign-on flows: one use, ten minutes, bound to the browser that started them, bounded in number.

import { describe, expect, it } from "vitest";
import { OidcFlows } from "./oidc-flows.js";
import { manualClock } from "./testing/fixtures.js";

describe("OidcFlows", () => {
  it("gives a flow back once, to the browser holding its binding", () => {
    const flows = new OidcFlows(manualClock());
    const { flow, binding } = flows.begin();
    expect(flow.state).not.toBe(flow.nonce);
    expect(flows.take(flow.state, binding)).toEqual(flow);
    expect(flows.take(flow.state, binding)).toBeUndefined();
  });

  it("refuses another browser's callback and spends the flow", () => {
    const flows = new OidcFlows(manualClock());
    const { flow, binding } = flows.begin();
    expect(flows.take(flow.state, "x".repeat(43))).toBeUndefined();
    expect(flows.take(flow.state, undefined)).toBeUndefined();
    expect(flows.take(flow.state, binding)).toBeUndefined();
  });

  it("expires flows after ten minutes", () => {
    const clock = manualClock();
    const flows = new OidcFlows(clock);
    const a = flows.begin();
    const b = flows.begin();
    clock.advance(599);
    expect(flows.take(a.flow.state, a.binding)).toBeDefined();
    clock.advance(1);
    expect(flows.take(b.flow.state, b.binding)).toBeUndefined();
  });

  it("keeps at most maxFlows, dropping the oldest", () => {
    const flows = new OidcFlows(manualClock(), { maxFlows: 3 });
    const started = [1, 2, 3, 4].map(() => flows.begin());
    expect(flows.size).toBe(3);
    expect(flows.take(started[0]!.flow.state, started[0]!.binding)).toBeUndefined();
    expect(flows.take(started[3]!.flow.state, started[3]!.binding)).toBeDefined();
  });
});
