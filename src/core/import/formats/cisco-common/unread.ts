// Reporting the commands an importer does not read: each ignored stanza, or each one that filters or
// rewrites traffic in a way not modelled, becomes one diagnostic at its first line (not silence).

import type { ConfigLine, Stanza } from "./config-lines.js";
import type { Problems } from "./tokens.js";

/** Command prefixes, as lowercase words ("zone-pair", "ip inspect"). */
export type CommandPrefixes = readonly (readonly string[])[];

/** Whether the line starts with one of the prefixes. */
export function startsWithAny(line: ConfigLine, prefixes: CommandPrefixes): boolean {
  const w = line.words.map((x) => x.toLowerCase());
  return prefixes.some((p) => p.every((word, i) => w[i] === word));
}

/** Commands whose next word is a name or value, never a sub-command. */
const TAKES_VALUE = new Set([
  "hostname",
  "username",
  "version",
  "description",
  "banner",
  "domain-name",
  "alias",
]);

/** The command's leading keywords, for messages: "router ospf", "interface", "zone-pair security". */
function commandName(line: ConfigLine): string {
  const words: string[] = [];
  for (const w of line.words.slice(0, 3)) {
    if (!/^[a-z][a-z-]*$/.test(w)) break;
    words.push(w);
    if (TAKES_VALUE.has(w)) break;
  }
  return words.length > 0 ? words.join(" ") : (line.words[0] ?? "");
}

/**
 * Reports a top-level stanza the importer does not read: unsupported when it starts with one of `unsupported`
 * (it filters or rewrites traffic, so the result may be wrong), else ignored (no effect on filtering).
 */
export function reportUnread(stanza: Stanza, problems: Problems, unsupported: CommandPrefixes): void {
  const name = commandName(stanza.head);
  const n = stanza.children.length;
  const lines = n > 0 ? ` (with the ${n} line${n === 1 ? "" : "s"} under it)` : "";
  if (startsWithAny(stanza.head, unsupported))
    problems.add(
      "config-unsupported",
      stanza.head,
      0,
      `"${name}" is not modelled${lines}: the traffic it filters or rewrites is not part of the result`,
    );
  else
    problems.add("config-ignored", stanza.head, 0, `"${name}" ignored${lines}: it does not filter traffic`);
}

/**
 * Reports the lines of an interface the importer does not read: each one in `unsupported` on its own, the rest
 * together at the interface's first line.
 */
export function reportInterfaceRest(
  head: ConfigLine,
  rest: readonly ConfigLine[],
  problems: Problems,
  unsupported: CommandPrefixes,
): void {
  let ignored = 0;
  for (const line of rest) {
    if (startsWithAny(line, unsupported))
      problems.add(
        "config-unsupported",
        line,
        0,
        `"${commandName(line)}" on an interface is not modelled: the traffic it filters or rewrites is not part of the result`,
      );
    else ignored++;
  }
  if (ignored > 0)
    problems.add(
      "config-ignored",
      head,
      0,
      `${ignored} interface setting${ignored === 1 ? "" : "s"} ignored (addresses, descriptions ...): no effect on filtering`,
    );
}
