// `rampart audit verify` checks the audit log's hash chain; `rampart audit export` writes it out as JSON lines
// or syslog (and records that it did).

import { open } from "node:fs/promises";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { type Command, Option } from "commander";
import { AuditLog, systemClock } from "../../app/audit.js";
import {
  AuditChainChecker,
  auditToJsonLines,
  auditToSyslog,
  type AuditVerifyReport,
} from "../../app/audit-verify.js";
import type { AuditEntry, Store } from "../../app/store.js";
import { CliError, type CommandContext } from "./io.js";
import { colors, plural, printJson } from "./output.js";
import { addStoreOptions, openStoreFromOptions, type StoreCliOptions } from "./store-options.js";

/** Entries read per query: memory stays flat however long the log. */
const PAGE = 1000;

export function registerAudit(program: Command, ctx: CommandContext): void {
  const audit = program.command("audit").description("check and export the management server's audit log");
  addStoreOptions(
    audit
      .command("verify")
      .description(
        "check the audit log's hash chain: exit 0 if intact, 1 if an entry was changed, inserted or deleted",
      )
      .option("--expect-head <hash>", "a head hash recorded earlier: fail if it is no longer in the chain")
      .option("--json", "print the report as JSON"),
  ).action(async (opts: StoreCliOptions & { expectHead?: string; json?: boolean }) => {
    if (opts.expectHead !== undefined && !/^[0-9a-f]{64}$/.test(opts.expectHead)) {
      throw new CliError(`Invalid --expect-head "${opts.expectHead}": expected 64 hexadecimal digits`);
    }
    const store = await openStoreFromOptions(opts, ctx);
    let report: AuditVerifyReport;
    try {
      const checker = new AuditChainChecker(
        opts.expectHead === undefined ? {} : { expectHead: opts.expectHead },
      );
      for await (const page of pages(store)) page.forEach((e) => checker.check(e));
      report = checker.report();
    } finally {
      await store.close();
    }
    if (!report.ok) ctx.exitCode = 1;
    if (opts.json) printJson(ctx.io, report);
    else printReport(ctx, report);
  });

  addStoreOptions(
    audit
      .command("export")
      .description(
        "write the audit log as JSON lines or RFC 5424 syslog; the export itself is recorded first",
      )
      .addOption(
        new Option("--format <format>", "output format").choices(["jsonl", "syslog"]).default("jsonl"),
      )
      .option("--out <file>", "write to this file (created with mode 0600) instead of standard output"),
  ).action(async (opts: StoreCliOptions & { format: "jsonl" | "syslog"; out?: string }) => {
    const store = await openStoreFromOptions(opts, ctx);
    try {
      const actor = ctx.io.env.USER || "cli";
      const recorded = await new AuditLog(store, systemClock).record({
        actor,
        action: "audit.export",
        detail: { format: opts.format, ...(opts.out === undefined ? {} : { out: opts.out }) },
      });
      const host = hostname();
      const render = (entries: AuditEntry[]) =>
        opts.format === "jsonl"
          ? auditToJsonLines(entries)
          : auditToSyslog(entries, { hostname: host, appName: "rampart" });
      let count = 0;
      await writeExport(ctx, opts.out, async (write) => {
        for await (const page of pages(store, recorded.seq)) {
          count += page.length;
          await write([...render(page)].join(""));
        }
      });
      if (opts.out !== undefined) {
        ctx.io.stderr(
          `Exported ${plural(count, "entry", "entries")} to ${opts.out} (head ${recorded.hash}).\n`,
        );
      }
    } finally {
      await store.close();
    }
  });
}

/** The log in seq order, a page at a time, up to `lastSeq` when given. */
async function* pages(store: Store, lastSeq?: number): AsyncGenerator<AuditEntry[]> {
  let after = 0;
  while (true) {
    const page = (await store.audit.list({ afterSeq: after, limit: PAGE })).filter(
      (e) => lastSeq === undefined || e.seq <= lastSeq,
    );
    if (page.length === 0) return;
    yield page;
    after = page[page.length - 1]!.seq;
    if (page.length < PAGE) return;
  }
}

async function writeExport(
  ctx: CommandContext,
  out: string | undefined,
  body: (write: (text: string) => Promise<void>) => Promise<void>,
): Promise<void> {
  if (out === undefined) return body(async (text) => ctx.io.stdout(text));
  const path = resolve(ctx.io.cwd, out);
  let file;
  try {
    file = await open(path, "w", 0o600);
  } catch (e) {
    throw new CliError(`Cannot write "${out}": ${(e as Error).message}`);
  }
  try {
    await body(async (text) => void (await file.write(text)));
  } finally {
    await file.close();
  }
}

function printReport(ctx: CommandContext, r: AuditVerifyReport): void {
  const c = colors(ctx.io);
  const checked = `${plural(r.entries, "entry", "entries")} checked`;
  if (r.ok) ctx.io.stdout(`${c.green("Audit log intact")}: ${checked}.\n`);
  else ctx.io.stdout(`${c.red("Audit log broken")}: ${checked}, ${plural(r.problemCount, "problem")}.\n`);
  for (const p of r.problems) ctx.io.stdout(`  seq ${p.seq}: ${p.code}: ${p.message}\n`);
  if (r.problemCount > r.problems.length) {
    ctx.io.stdout(`  … and ${plural(r.problemCount - r.problems.length, "more problem")}\n`);
  }
  if (r.head === null) {
    ctx.io.stdout("The log is empty.\n");
    return;
  }
  ctx.io.stdout(`Head: seq ${r.head.seq}, hash ${r.head.hash}\n`);
  if (r.ok) {
    ctx.io.stdout(
      c.dim(
        "Keep this hash elsewhere: the chain alone cannot show entries cut off its end; " +
          "`rampart audit verify --expect-head HASH` checks it is still there.\n",
      ),
    );
  }
}
