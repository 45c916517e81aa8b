// Checks the audit log's hash chain and writes it out for other systems: JSON lines, and RFC 5424 syslog.
//
// What the chain proves: every entry's hash covers its content and the hash of the entry before it, so an entry
// changed, inserted or deleted anywhere but at the end breaks it where it happened. What it cannot prove alone:
// that nothing was cut off the end (the shortened log is a valid chain) or that the whole log was not rebuilt.
// For that the last hash must be kept elsewhere: `rampart audit verify` prints it so that an operator can record
// it, and `--expect-head HASH` checks that the recorded entry is still in the chain.

import { auditHash, canonicalJson, GENESIS_HASH } from "./audit.js";
import type { AuditEntry } from "./store.js";

/**
 * changed: an entry's content no longer matches its hash, or the hash the next entry committed to;
 * deleted: seqs are missing; inserted: a seq repeats or goes backwards; truncated: the expected head is gone.
 */
export type AuditProblemCode = "changed" | "deleted" | "inserted" | "truncated";

export interface AuditProblem {
  readonly seq: number;
  readonly code: AuditProblemCode;
  readonly message: string;
}

export interface AuditVerifyOptions {
  /** A hash recorded earlier (the head then): it must be some entry's hash, or the log lost its end. */
  readonly expectHead?: string;
  /** Problems kept in the report (default 100); `problemCount` counts them all. */
  readonly maxProblems?: number;
}

export interface AuditVerifyReport {
  readonly ok: boolean;
  /** Entries checked. */
  readonly entries: number;
  /** The last entry's seq and hash: what to record to detect a cut-off end later. Null for an empty log. */
  readonly head: { readonly seq: number; readonly hash: string } | null;
  readonly problems: AuditProblem[];
  readonly problemCount: number;
}

/** Checks a whole log at once; for a log read in pages, feed an AuditChainChecker. */
export function verifyAuditChain(
  entries: Iterable<AuditEntry>,
  options: AuditVerifyOptions = {},
): AuditVerifyReport {
  const checker = new AuditChainChecker(options);
  for (const entry of entries) checker.check(entry);
  return checker.report();
}

/** The chain check one entry at a time, in the order the log holds them, so a large log need not fit in memory. */
export class AuditChainChecker {
  private readonly problems: AuditProblem[] = [];
  private problemCount = 0;
  private count = 0;
  /** The entry the next one must follow: the highest seq seen, so that one stray entry is one problem. */
  private prev: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH };
  private last: { seq: number; hash: string } | null = null;
  private headSeen: boolean;

  constructor(private readonly options: AuditVerifyOptions = {}) {
    this.headSeen = options.expectHead === undefined;
  }

  check(entry: AuditEntry): void {
    const { prev } = this;
    this.count++;
    this.last = { seq: entry.seq, hash: entry.hash };
    if (entry.hash === this.options.expectHead) this.headSeen = true;
    const { hash, ...rest } = entry;
    if (auditHash(rest) !== hash) {
      this.add(entry.seq, "changed", `Entry ${entry.seq} was changed: its content does not match its hash`);
    }
    if (entry.seq <= prev.seq) {
      const how =
        entry.seq === prev.seq ? "a second entry with this seq" : `out of order after entry ${prev.seq}`;
      this.add(entry.seq, "inserted", `Entry ${entry.seq} was inserted: ${how}`);
      return;
    }
    if (entry.seq > prev.seq + 1) {
      const missing =
        entry.seq === prev.seq + 2
          ? `entry ${prev.seq + 1} is`
          : `entries ${prev.seq + 1} to ${entry.seq - 1} are`;
      this.add(prev.seq + 1, "deleted", `Entries were deleted: ${missing} missing before entry ${entry.seq}`);
    } else if (entry.prevHash !== prev.hash) {
      const what = prev.seq === 0 ? "the chain's start" : `entry ${prev.seq}`;
      this.add(
        Math.max(prev.seq, 1),
        "changed",
        `Entry ${entry.seq} does not follow ${what}: ${what} was changed or replaced since entry ${entry.seq} was written`,
      );
    }
    this.prev = { seq: entry.seq, hash: entry.hash };
  }

  report(): AuditVerifyReport {
    const problems = [...this.problems];
    let problemCount = this.problemCount;
    if (!this.headSeen) {
      problemCount++;
      problems.push({
        seq: this.last?.seq ?? 0,
        code: "truncated",
        message: `No entry has the expected head hash "${this.options.expectHead}": entries were cut off the end or the log was replaced`,
      });
    }
    return { ok: problemCount === 0, entries: this.count, head: this.last, problems, problemCount };
  }

  private add(seq: number, code: AuditProblemCode, message: string): void {
    this.problemCount++;
    if (this.problems.length < (this.options.maxProblems ?? 100)) this.problems.push({ seq, code, message });
  }
}

/** One JSON object per line, fields in a fixed order; each line can be read back and verified. */
export function* auditToJsonLines(entries: Iterable<AuditEntry>): Generator<string> {
  for (const e of entries) {
    const ordered: AuditEntry = {
      seq: e.seq,
      at: e.at,
      actor: e.actor,
      action: e.action,
      target: e.target,
      outcome: e.outcome,
      clientAddress: e.clientAddress,
      detail: e.detail,
      prevHash: e.prevHash,
      hash: e.hash,
    };
    yield `${JSON.stringify(ordered)}\n`;
  }
}

export interface SyslogOptions {
  readonly hostname: string;
  readonly appName: string;
}

/** Facility authpriv (10): security messages that may carry private detail. */
const FACILITY = 10;
/** Informational for what succeeded, notice for a refusal, warning for a failure (a failed sign-in). */
const SEVERITY: Record<AuditEntry["outcome"], number> = { success: 6, denied: 5, failure: 4 };
/** 32473 is the private enterprise number RFC 5612 sets aside for examples, until Rampart has its own. */
const SD_ID = "rampart@32473";

/** RFC 5424 lines, one per entry, with the entry in structured data so a collector can check the chain. */
export function* auditToSyslog(entries: Iterable<AuditEntry>, options: SyslogOptions): Generator<string> {
  const host = headerField(options.hostname, 255);
  const app = headerField(options.appName, 48);
  for (const e of entries) {
    const pri = FACILITY * 8 + SEVERITY[e.outcome];
    const params: [string, string][] = [
      ["seq", String(e.seq)],
      ["actor", e.actor],
      ["action", e.action],
      ["target", e.target],
      ["outcome", e.outcome],
      ["client", e.clientAddress],
      ["detail", canonicalJson(e.detail)],
      ["prevHash", e.prevHash],
      ["hash", e.hash],
    ];
    const sd = `[${SD_ID}${params.map(([k, v]) => ` ${k}="${sdValue(v)}"`).join("")}]`;
    const msg = `${e.actor} ${e.action}${e.target === "" ? "" : ` ${e.target}`}: ${e.outcome}`;
    yield `<${pri}>1 ${e.at} ${host} ${app} - ${headerField(e.action, 32)} ${sd} ${oneLine(msg)}\n`;
  }
}

/** PARAM-VALUE escaping (RFC 5424 §6.3.3): '"', '\' and ']' take a backslash; line breaks are spelled out. */
export function sdValue(value: string): string {
  return oneLine(value.replace(/["\\\]]/g, (c) => `\\${c}`));
}

/** Control characters written as escapes, so that one entry stays one line. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this replaces
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) =>
    c === "\n"
      ? "\\n"
      : c === "\r"
        ? "\\r"
        : c === "\t"
          ? "\\t"
          : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** A header field: printable US-ASCII without spaces, at most `max` characters, "-" when empty. */
function headerField(value: string, max: number): string {
  const clean = value.replace(/[^\x21-\x7e]/g, "_").slice(0, max);
  return clean === "" ? "-" : clean;
}
