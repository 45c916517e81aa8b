// Configuration statements: each leaf of the hierarchy as its full path of words, whichever form it came in.

import type { SourceLocation } from "../../../policy/diagnostics.js";

/** One word of a statement: a single value, or a bracketed list `[ a b ]`. */
export interface Word {
  readonly text: string;
  /** Present for a bracketed list: its members (and `text` is them joined by spaces). */
  readonly items?: readonly string[];
  readonly column: number;
}

/** Where a container of the brace form starts, so a rule can point at `policy P {` rather than a leaf. */
export interface ContainerMark {
  /** Index of the container's first word in the statement's words, and one past its last. */
  readonly at: number;
  readonly end: number;
  readonly loc: SourceLocation;
  readonly text: string;
}

export interface Statement {
  /** The full path from the top of the configuration, e.g. security policies from-zone A ... */
  readonly words: readonly Word[];
  readonly loc: SourceLocation;
  /** The source line, trimmed. */
  readonly text: string;
  readonly containers: readonly ContainerMark[];
}

/** The words' values (a list word contributes its members). */
export function values(word: Word | undefined): string[] {
  if (!word) return [];
  return word.items ? [...word.items] : [word.text];
}

/** True when the statement's words start with the given texts. */
export function startsWith(words: readonly Word[], prefix: readonly string[]): boolean {
  return prefix.every((p, i) => words[i]?.text === p);
}

/** Where the statement's part starting at word `index` was written (its container header, if any). */
export function locAt(s: Statement, index: number): { loc: SourceLocation; text: string } {
  let best: ContainerMark | undefined;
  for (const c of s.containers) if (c.at <= index && (!best || c.at > best.at)) best = c;
  return best && best.at === index ? { loc: best.loc, text: best.text } : { loc: s.loc, text: s.text };
}

/** The location of one word of a statement. */
export function wordLoc(s: Statement, index: number): SourceLocation {
  const w = s.words[index];
  if (!w) return s.loc;
  // Words of a container header sit on that header's line; the leaf's own words on the statement's line.
  const container = s.containers.find((c) => c.at <= index && index < c.end);
  return { file: s.loc.file, line: container ? container.loc.line : s.loc.line, column: w.column };
}
