import { describe, expect, it } from "vitest";
import { loadPolicy } from "../../core/policy/load.js";
import type { PolicyFile } from "../store.js";
import { addFlow, removeFlow, REQUESTS_FILE, setFlowExpiry } from "./policy-edit.js";
import { isProblem } from "./problem.js";
import { ACME_FILES } from "./testing/acme-files.js";

const TODAY = "2026-06-01";
const flowsOf = (files: readonly PolicyFile[]) =>
  loadPolicy(files, { today: TODAY }).policy.flows.map((f) => f.name);
const ok = (r: PolicyFile[] | ReturnType<typeof setFlowExpiry>): PolicyFile[] => {
  if (isProblem(r)) throw new Error(r.message);
  return r as PolicyFile[];
};
const text = (files: readonly PolicyFile[], path: string) => files.find((f) => f.path === path)!.text;

/** Lines of `b` not in `a` and of `a` not in `b`, in order. */
function lineDiff(a: string, b: string) {
  const x = a.split("\n");
  const y = b.split("\n");
  return { removed: x.filter((l) => !y.includes(l)), added: y.filter((l) => !x.includes(l)) };
}

const DRAFT = {
  name: "request-7",
  from: ["zone:branch"],
  to: ["asset:hq-print-1"],
  services: ["https"],
  owner: "alice",
  justification: "Lyon prints on the HQ printer: it has the big trays",
  expires: "2026-12-31",
};

describe("addFlow", () => {
  it("creates the requests file with a header comment, and the policy reads the flow", () => {
    const files = ok(addFlow(ACME_FILES, DRAFT));
    expect(files.map((f) => f.path)).toContain(REQUESTS_FILE);
    expect(files.length).toBe(ACME_FILES.length + 1);
    const t = text(files, REQUESTS_FILE);
    expect(t.startsWith("# Flows added by approved access requests")).toBe(true);
    const loaded = loadPolicy(files, { today: TODAY });
    expect(loaded.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const flow = loaded.policy.flows.find((f) => f.name === "request-7")!;
    expect(flow.from.map((r) => r.value)).toEqual(["zone:branch"]);
    expect(flow.expires?.value).toBe("2026-12-31");
    expect(flow.justification).toBe(DRAFT.justification);
  });

  it("appends to an existing requests file and keeps its comments", () => {
    const first = ok(addFlow(ACME_FILES, DRAFT));
    const commented = first.map((f) =>
      f.path === REQUESTS_FILE
        ? {
            ...f,
            text: f.text.replace("  - name: request-7", "  # Lyon asked twice\n  - name: request-7 # keep"),
          }
        : f,
    );
    const files = ok(addFlow(commented, { ...DRAFT, name: "request-8", expires: undefined }));
    const t = text(files, REQUESTS_FILE);
    expect(t).toContain("# Lyon asked twice");
    expect(t).toContain("request-7 # keep");
    expect(t.indexOf("request-8")).toBeGreaterThan(t.indexOf("request-7"));
    expect(flowsOf(files).slice(-2)).toEqual(["request-7", "request-8"]);
  });

  it("refuses a requests file that is not valid YAML", () => {
    const broken = [...ACME_FILES, { path: REQUESTS_FILE, text: "flows: [\n" }];
    expect(addFlow(broken, DRAFT)).toMatchObject({ ok: false, code: "invalid-policy" });
  });
});

describe("setFlowExpiry", () => {
  it("changes an existing date in place and keeps the comment after it", () => {
    const files = ok(setFlowExpiry(ACME_FILES, "partner-edi-upload", "2028-06-30"));
    const d = lineDiff(text(ACME_FILES, "flows.yaml"), text(files, "flows.yaml"));
    expect(d.removed).toEqual(["    expires: 2027-12-31 # end of the current logistics contract"]);
    expect(d.added).toEqual(["    expires: 2028-06-30 # end of the current logistics contract"]);
    const flow = loadPolicy(files, { today: TODAY }).policy.flows.find(
      (f) => f.name === "partner-edi-upload",
    );
    expect(flow?.expires?.value).toBe("2028-06-30");
  });

  it("adds a date to a flow without one as one more line, the rest of the file unchanged", () => {
    const files = ok(setFlowExpiry(ACME_FILES, "internet-to-shop-web", "2027-01-31"));
    const before = text(ACME_FILES, "flows.yaml").split("\n");
    const after = text(files, "flows.yaml").split("\n");
    expect(after.length).toBe(before.length + 1);
    expect(after.filter((l) => !before.includes(l))).toEqual(["    expires: 2027-01-31"]);
    const flow = loadPolicy(files, { today: TODAY }).policy.flows.find(
      (f) => f.name === "internet-to-shop-web",
    );
    expect(flow?.expires?.value).toBe("2027-01-31");
    expect(files.filter((f) => f.path !== "flows.yaml")).toEqual(
      ACME_FILES.filter((f) => f.path !== "flows.yaml"),
    );
  });

  it("edits a flow written in flow style through the document", () => {
    const files = [
      { path: "p.yaml", text: "# mine\nflows: [{name: a, from: [any], to: [any], services: [https]}]\n" },
    ];
    const out = ok(setFlowExpiry(files, "a", "2027-01-01"));
    expect(out[0]!.text).toContain("# mine");
    expect(loadPolicy(out, { today: TODAY }).policy.flows[0]?.expires?.value).toBe("2027-01-01");
  });

  it("says which flow or date is wrong", () => {
    expect(setFlowExpiry(ACME_FILES, "no-such-flow", "2027-01-01")).toMatchObject({ code: "not-found" });
    expect(setFlowExpiry(ACME_FILES, "internet-to-shop-web", "2027-02-30")).toMatchObject({
      code: "invalid-input",
      message: 'Invalid date "2027-02-30": expected YYYY-MM-DD',
    });
  });
});

describe("removeFlow", () => {
  it("removes the flow's lines and nothing else", () => {
    const files = ok(removeFlow(ACME_FILES, "hr-legacy-export"));
    const before = text(ACME_FILES, "flows.yaml").split("\n");
    const at = before.indexOf("  - name: hr-legacy-export");
    // The flow's ten lines, from its name to "log: true"; the comment above it stays.
    expect(before[at + 9]).toBe("    log: true");
    expect(text(files, "flows.yaml").split("\n")).toEqual([...before.slice(0, at), ...before.slice(at + 10)]);
    const names = flowsOf(files);
    expect(names).not.toContain("hr-legacy-export");
    expect(names.length).toBe(flowsOf(ACME_FILES).length - 1);
  });

  it("removes the last flow of a file", () => {
    const files = ok(addFlow(ACME_FILES, DRAFT));
    const out = ok(removeFlow(files, "request-7"));
    expect(flowsOf(out)).toEqual(flowsOf(ACME_FILES));
    expect(text(out, REQUESTS_FILE)).toContain("# Flows added by approved access requests");
  });

  it("says when the flow is not there", () => {
    expect(removeFlow(ACME_FILES, "nope")).toMatchObject({ ok: false, code: "not-found" });
  });
});
