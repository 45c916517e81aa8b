// Checks shared by the vendor corpus tests (Cisco, Juniper, AWS, Kubernetes): every rule points at the line
// it came from, and every rule list a result names is declared.

import { expect } from "vitest";
import type { ImportResult } from "../../src/core/import/model.js";
import type { CorpusFile } from "../support/corpus.js";
import { importCorpusFile } from "./harness.js";

/** Imports the file, failing on an exception (the harness reports crashes per file as well). */
export function importOk(file: CorpusFile, format: string): ImportResult {
  const outcome = importCorpusFile(file, format);
  if (outcome.error !== undefined) throw outcome.error;
  return outcome.result!;
}

/**
 * Each rule's source is the trimmed text of its line in the file (rules the device adds on its own say
 * "(implicit)"), and each rule's list is one of the result's lists.
 */
export function expectRulesTraceable(file: CorpusFile, r: ImportResult): void {
  const lines = file.text.split(/\r?\n/);
  const lists = new Set((r.lists ?? []).map((l) => l.name));
  for (const rule of r.rules) {
    expect(lists.has(rule.list), `${file.path}: rule list "${rule.list}" is not in lists`).toBe(true);
    if (rule.source.text.startsWith("(implicit)")) continue;
    const line = lines[rule.source.line - 1]?.replace(/\t/g, " ").trim();
    expect(line, `${file.path}:${rule.source.line}`).toBe(rule.source.text);
  }
}
