// Option values as typed: lists split on commas, each with its column in the command line for messages.

import type { Located } from "../../core/policy/types.js";

/** Messages point into the command line as if it were a one-line file: `<command line>:1:COL`. */
export const COMMAND_LINE = "<command line>";
const PROGRAM = "rampart ";

/** Collects a repeatable option's values in order (commander's argParser for `--x a --x b`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export interface ListOptions {
  /**
   * Services: "tcp/80,443,https" is ["tcp/80,443", "https"], since a port list is itself written with
   * commas. A piece that is only a port or range belongs to the spec before it.
   */
  readonly ports?: boolean;
}

/**
 * The values of a repeatable option, comma-separated lists split, each located in the command line
 * `rampart ARGV...` (1-based column; 1 when the value cannot be found there, which only affects messages).
 */
export function locateValues(
  argv: readonly string[],
  option: string,
  raws: readonly string[],
  options: ListOptions = {},
): Located<string>[] {
  const positions: { raw: string; column: number }[] = [];
  let offset = PROGRAM.length;
  argv.forEach((token, i) => {
    const next = argv[i + 1];
    if (token === option && next !== undefined)
      positions.push({ raw: next, column: offset + token.length + 2 });
    else if (token.startsWith(`${option}=`))
      positions.push({ raw: token.slice(option.length + 1), column: offset + option.length + 2 });
    offset += token.length + 1;
  });
  const out: Located<string>[] = [];
  for (const raw of raws) {
    const at = positions.findIndex((p) => p.raw === raw);
    const column = at >= 0 ? positions.splice(at, 1)[0]!.column : 1;
    for (const piece of splitList(raw, options))
      out.push({ value: piece.text, loc: { file: COMMAND_LINE, line: 1, column: column + piece.offset } });
  }
  return out;
}

/** Splits on commas, trimming each piece and dropping empty ones; offsets are within `raw`. */
export function splitList(raw: string, options: ListOptions = {}): { text: string; offset: number }[] {
  const pieces: { text: string; offset: number }[] = [];
  let start = 0;
  for (const part of raw.split(",")) {
    const lead = part.length - part.trimStart().length;
    const text = part.trim();
    const prev = pieces[pieces.length - 1];
    if (options.ports && prev && /^[0-9]+(-[0-9]+)?$/.test(text) && /^[^/,]+\/[0-9][0-9,-]*$/.test(prev.text))
      prev.text += `,${text}`;
    else if (text !== "") pieces.push({ text, offset: start + lead });
    start += part.length + 1;
  }
  return pieces;
}
