import { describe, expect, it } from "vitest";
import { auditHash, GENESIS_HASH } from "./audit.js";
import {
  AuditChainChecker,
  auditToJsonLines,
  auditToSyslog,
  sdValue,
  verifyAuditChain,
} from "./audit-verify.js";
import type { AuditEntry } from "./store.js";

/** A valid chain of `n` entries, built the way the store appends them. */
function chain(n: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  for (let seq = 1; seq <= n; seq++) {
    const unhashed: Omit<AuditEntry, "hash"> = {
      seq,
      at: `2025-06-15T10:00:0${seq % 10}.000Z`,
      actor: seq % 2 ? "alice" : "bob",
      action: "version.propose",
      target: `version:${seq}`,
      outcome: "success",
      clientAddress: "192.0.2.1",
      detail: { n: seq, nested: { b: 1, a: [seq] } },
      prevHash: out.at(-1)?.hash ?? GENESIS_HASH,
    };
    out.push({ ...unhashed, hash: auditHash(unhashed) });
  }
  return out;
}

/** Recomputes an entry's hash after a change, as a careful attacker would. */
function rehash(e: AuditEntry): AuditEntry {
  const { hash: _old, ...rest } = e;
  return { ...rest, hash: auditHash(rest) };
}

describe("verifyAuditChain", () => {
  it("passes a clean chain and reports its head", () => {
    const entries = chain(5);
    const r = verifyAuditChain(entries);
    expect(r).toEqual({
      ok: true,
      entries: 5,
      head: { seq: 5, hash: entries[4]!.hash },
      problems: [],
      problemCount: 0,
    });
  });

  it("passes an empty log, whose head is null", () => {
    expect(verifyAuditChain([])).toMatchObject({ ok: true, entries: 0, head: null });
  });

  it("catches a tampered field as a change of that entry only", () => {
    const entries = chain(5);
    entries[2] = { ...entries[2]!, actor: "mallory" };
    const r = verifyAuditChain(entries);
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([
      { seq: 3, code: "changed", message: "Entry 3 was changed: its content does not match its hash" },
    ]);
  });

  it("treats reordered detail keys as the same entry and a changed detail value as a change", () => {
    const entries = chain(3);
    entries[1] = { ...entries[1]!, detail: { nested: { a: [2], b: 1 }, n: 2 } };
    expect(verifyAuditChain(entries).ok).toBe(true);
    entries[1] = { ...entries[1]!, detail: { nested: { a: [2], b: 2 }, n: 2 } };
    expect(verifyAuditChain(entries).problems.map((p) => [p.seq, p.code])).toEqual([[2, "changed"]]);
  });

  it("catches an entry changed and re-hashed: the next entry no longer follows it", () => {
    const entries = chain(5);
    entries[2] = rehash({ ...entries[2]!, outcome: "denied" });
    const r = verifyAuditChain(entries);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ seq: 3, code: "changed" });
    expect(r.problems[0]!.message).toBe(
      "Entry 4 does not follow entry 3: entry 3 was changed or replaced since entry 4 was written",
    );
  });

  it("catches a removed middle entry", () => {
    const entries = chain(5);
    entries.splice(2, 1);
    const r = verifyAuditChain(entries);
    expect(r.problems).toEqual([
      { seq: 3, code: "deleted", message: "Entries were deleted: entry 3 is missing before entry 4" },
    ]);
  });

  it("names every missing seq of a removed run", () => {
    const entries = chain(6);
    entries.splice(1, 3);
    expect(verifyAuditChain(entries).problems[0]?.message).toBe(
      "Entries were deleted: entries 2 to 4 are missing before entry 5",
    );
  });

  it("catches a removed first entry", () => {
    const entries = chain(3).slice(1);
    expect(verifyAuditChain(entries).problems.map((p) => [p.seq, p.code])).toEqual([[1, "deleted"]]);
  });

  it("catches an inserted entry, even one with a valid hash linked to its predecessor", () => {
    const entries = chain(5);
    const forged = rehash({ ...entries[2]!, actor: "mallory", prevHash: entries[1]!.hash });
    entries.splice(2, 0, forged);
    const r = verifyAuditChain(entries);
    expect(r.ok).toBe(false);
    expect(r.problems).toContainEqual({
      seq: 3,
      code: "inserted",
      message: "Entry 3 was inserted: a second entry with this seq",
    });
  });

  it("catches a reordered pair", () => {
    const entries = chain(5);
    [entries[1], entries[2]] = [entries[2]!, entries[1]!];
    const r = verifyAuditChain(entries);
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => [p.seq, p.code])).toEqual([
      [2, "deleted"],
      [2, "inserted"],
    ]);
    expect(r.problems[1]!.message).toBe("Entry 2 was inserted: out of order after entry 3");
  });

  it("catches two entries whose contents were swapped under their seqs", () => {
    const entries = chain(4);
    const [a, b] = [entries[1]!, entries[2]!];
    entries[1] = { ...b, seq: 2 };
    entries[2] = { ...a, seq: 3 };
    expect(verifyAuditChain(entries).problems.map((p) => p.code)).toContain("changed");
  });

  it("accepts an expected head that is still in the chain, and flags one cut off the end", () => {
    const entries = chain(5);
    expect(verifyAuditChain(entries, { expectHead: entries[3]!.hash }).ok).toBe(true);
    const cut = verifyAuditChain(entries.slice(0, 3), { expectHead: entries[4]!.hash });
    expect(cut.ok).toBe(false);
    expect(cut.problems).toEqual([
      {
        seq: 3,
        code: "truncated",
        message: `No entry has the expected head hash "${entries[4]!.hash}": entries were cut off the end or the log was replaced`,
      },
    ]);
  });

  it("keeps at most maxProblems but counts them all", () => {
    const entries = chain(6).map((e) => ({ ...e, actor: "x" }));
    const r = verifyAuditChain(entries, { maxProblems: 2 });
    expect(r.problems).toHaveLength(2);
    expect(r.problemCount).toBe(6);
  });
});

describe("AuditChainChecker", () => {
  it("fed in pages, reports what verifyAuditChain reports for the whole log", () => {
    const entries = chain(7);
    entries.splice(4, 1);
    const checker = new AuditChainChecker({ expectHead: entries[1]!.hash });
    for (const page of [entries.slice(0, 3), entries.slice(3)]) page.forEach((e) => checker.check(e));
    const report = checker.report();
    expect(report).toEqual(verifyAuditChain(entries, { expectHead: entries[1]!.hash }));
    expect(report.problems.map((p) => [p.seq, p.code])).toEqual([[5, "deleted"]]);
  });
});

describe("auditToJsonLines", () => {
  it("writes one object per line that reads back into a verifiable chain", () => {
    const entries = chain(3);
    const lines = [...auditToJsonLines(entries)];
    expect(lines).toHaveLength(3);
    expect(lines.every((l) => l.endsWith("}\n") && !l.slice(0, -1).includes("\n"))).toBe(true);
    expect(Object.keys(JSON.parse(lines[0]!))).toEqual([
      "seq",
      "at",
      "actor",
      "action",
      "target",
      "outcome",
      "clientAddress",
      "detail",
      "prevHash",
      "hash",
    ]);
    const back = lines.map((l) => JSON.parse(l) as AuditEntry);
    expect(verifyAuditChain(back).ok).toBe(true);
  });
});

describe("auditToSyslog", () => {
  const opts = { hostname: "mgmt.example", appName: "rampart" };

  it("writes RFC 5424 lines with the entry in structured data", () => {
    const [line] = [...auditToSyslog(chain(1), opts)];
    const e = chain(1)[0]!;
    expect(line).toBe(
      `<86>1 2025-06-15T10:00:01.000Z mgmt.example rampart - version.propose [rampart@32473 seq="1" ` +
        `actor="alice" action="version.propose" target="version:1" outcome="success" client="192.0.2.1" ` +
        `detail="{\\"n\\":1,\\"nested\\":{\\"a\\":[1\\],\\"b\\":1}}" prevHash="${GENESIS_HASH}" hash="${e.hash}"] ` +
        `alice version.propose version:1: success\n`,
    );
  });

  it("sets the severity by outcome under facility authpriv", () => {
    const base = chain(1)[0]!;
    const pri = (outcome: AuditEntry["outcome"]) =>
      [...auditToSyslog([{ ...base, outcome }], opts)][0]!.match(/^<(\d+)>/)![1];
    expect([pri("success"), pri("denied"), pri("failure")]).toEqual(["86", "85", "84"]);
  });

  it("escapes quote, backslash and bracket in values and keeps an entry on one line", () => {
    expect(sdValue('a"b\\c]d')).toBe('a\\"b\\\\c\\]d');
    const base = chain(1)[0]!;
    const [line] = [
      ...auditToSyslog([{ ...base, actor: 'ev"il]\nname' }], { hostname: "", appName: "my app" }),
    ];
    expect(line).toContain('actor="ev\\"il\\]\\nname"');
    expect(line).toContain(" - my_app - ");
    expect(line!.slice(0, -1)).not.toContain("\n");
  });
});
