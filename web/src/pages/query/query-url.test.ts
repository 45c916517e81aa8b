import { describe, expect, it } from "vitest";
import { explainBody, paramsFromQuestion, questionFromParams } from "./query-url.js";

describe("the Query page's URL", () => {
  it("round-trips a reach question with several references", () => {
    const q = {
      kind: "reach" as const,
      reach: {
        from: ["zone:branch", "asset:pos-1"],
        to: ["asset:hq-print-1"],
        services: ["https", "tcp/8443"],
      },
    };
    expect(questionFromParams(paramsFromQuestion(q))).toEqual(q);
  });

  it("round-trips an explain question and keeps only whole port numbers", () => {
    const q = {
      kind: "explain" as const,
      explain: { src: "10.1.2.3", dst: "192.0.2.10", proto: "tcp", dport: 443 },
    };
    expect(questionFromParams(paramsFromQuestion(q))).toEqual(q);
    const p = paramsFromQuestion(q);
    p.set("sport", "12ab");
    expect(questionFromParams(p)).toEqual(q);
  });

  it("asks nothing when a side is missing", () => {
    expect(questionFromParams(new URLSearchParams("q=reach&from=zone:a"))).toBeUndefined();
    expect(questionFromParams(new URLSearchParams("q=explain&src=10.0.0.1&proto=tcp"))).toBeUndefined();
    expect(questionFromParams(new URLSearchParams(""))).toBeUndefined();
  });

  it("sends a numeric protocol as a number", () => {
    expect(explainBody({ src: "a", dst: "b", proto: "47" }).proto).toBe(47);
    expect(explainBody({ src: "a", dst: "b", proto: "udp", dport: 53 })).toEqual({
      src: "a",
      dst: "b",
      proto: "udp",
      dport: 53,
    });
  });
});
