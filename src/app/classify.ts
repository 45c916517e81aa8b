// Per-rule hit counts of a configuration for a stream of packets: each rule list compiled into a classifier,
// each packet counted once per list at the first rule (accept or drop) that matches it.

import { buildClassifier, type Classifier } from "../core/classify/classifier.js";
import { ENGINES } from "../core/classify/engines.js";
import { packPacket, PACKET_WIDTH } from "../core/classify/packed.js";
import type { ConfigFile, ImportedRule } from "../core/import/model.js";
import { standaloneContext } from "../core/import/standalone.js";
import type { Diagnostic } from "../core/policy/diagnostics.js";
import { PacketSpace } from "../core/space/packet-set.js";
import type { Packet } from "../core/space/packet.js";
import { chooseFormat } from "./import.js";

/** Packets are packed and classified this many at a time. */
const BATCH = 4096;

export interface RuleHits {
  readonly file: string;
  readonly line: number;
  readonly text: string;
  readonly list: string;
  readonly action: "accept" | "drop";
  readonly count: number;
}

export interface ClassifyReport {
  readonly format: string;
  readonly engine: string;
  readonly packets: number;
  /** The deciding rules (accept and drop; "other" rules such as logs and jumps decide nothing), in order. */
  readonly hits: RuleHits[];
  /** Packets no deciding rule of any list matches. */
  readonly unmatched: number;
  readonly diagnostics: Diagnostic[];
}

interface ListClassifier {
  readonly classifier: Classifier;
  /** Classifier answer → index into the deciding rules. */
  readonly ruleOf: Int32Array;
}

/** Counts hits as packets come; `report()` at any point gives the counts so far. */
export class HitCounter {
  private readonly lists: ListClassifier[];
  private readonly counts: Float64Array;
  private readonly batch = new Int32Array(BATCH * PACKET_WIDTH);
  private readonly answers = new Int32Array(BATCH);
  private readonly matched = new Uint8Array(BATCH);
  private pending = 0;
  private packets = 0;
  private unmatched = 0;

  constructor(
    private readonly format: string,
    /** The deciding rules, in order, with their exact match sets. */
    readonly rules: readonly (ImportedRule & { action: "accept" | "drop" })[],
    private readonly diagnostics: Diagnostic[],
    readonly engine: string,
  ) {
    const build = ENGINES[engine];
    if (!build) throw new RangeError(`Unknown classifier engine "${engine}"`);
    const byList = new Map<string, number[]>();
    rules.forEach((r, i) => {
      let l = byList.get(r.list);
      if (!l) byList.set(r.list, (l = []));
      l.push(i);
    });
    this.lists = [...byList.values()].map((indexes) => ({
      classifier: buildClassifier(
        build,
        indexes.map((i) => rules[i]!),
      ),
      ruleOf: Int32Array.from(indexes),
    }));
    this.counts = new Float64Array(rules.length);
  }

  add(p: Packet): void {
    packPacket(p, this.batch, this.pending * PACKET_WIDTH);
    if (++this.pending === BATCH) this.flush();
  }

  private flush(): void {
    const n = this.pending;
    if (n === 0) return;
    this.matched.fill(0, 0, n);
    for (const l of this.lists) {
      l.classifier.classifyBatch(this.batch, n, this.answers);
      for (let i = 0; i < n; i++) {
        const a = this.answers[i]!;
        if (a < 0) continue;
        this.counts[l.ruleOf[a]!]!++;
        this.matched[i] = 1;
      }
    }
    for (let i = 0; i < n; i++) if (this.matched[i] === 0) this.unmatched++;
    this.packets += n;
    this.pending = 0;
  }

  report(): ClassifyReport {
    this.flush();
    return {
      format: this.format,
      engine: this.engine,
      packets: this.packets,
      hits: this.rules.map((r, i) => ({
        file: r.source.file,
        line: r.source.line,
        text: r.source.text,
        list: r.list,
        action: r.action,
        count: this.counts[i]!,
      })),
      unmatched: this.unmatched,
      diagnostics: this.diagnostics,
    };
  }
}

export type HitCounterResult = { ok: true; counter: HitCounter } | { ok: false; message: string };

/** Imports the rules (the given format, or detected) and compiles a counter for them. */
export function prepareHitCounter(
  files: readonly ConfigFile[],
  options: { format?: string; engine?: string } = {},
): HitCounterResult {
  if (files.length === 0) return { ok: false, message: "No rule files were given" };
  const engine = options.engine ?? "fast";
  if (!ENGINES[engine])
    return {
      ok: false,
      message: `Unknown engine "${engine}"; known engines: ${Object.keys(ENGINES).join(", ")}`,
    };
  const choice = chooseFormat(files, options.format);
  if (!choice.ok) return choice;
  const result = choice.importer.import(files, standaloneContext(new PacketSpace()));
  const deciding = result.rules.filter(
    (r): r is ImportedRule & { action: "accept" | "drop" } => r.action !== "other",
  );
  return {
    ok: true,
    counter: new HitCounter(choice.importer.id, deciding, result.diagnostics, engine),
  };
}
