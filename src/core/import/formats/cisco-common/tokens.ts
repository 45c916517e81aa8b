// Reading Cisco command words: a cursor over one line, diagnostics with columns, address masks and port
// operators as exact packet sets.

import { tryParseAddress } from "../../../net/address.js";
import { tryParsePrefix, type Prefix } from "../../../net/prefix.js";
import {
  diagnostic,
  type Diagnostic,
  type DiagnosticCode,
  type Severity,
} from "../../../policy/diagnostics.js";
import { Bdd } from "../../../space/bdd.js";
import { DST_FIELD, FAMILY_VAR, SRC_FIELD } from "../../../space/layout.js";
import type { Direction, PacketSet, PacketSpace } from "../../../space/packet-set.js";
import type { Range } from "../../match.js";
import type { ConfigLine } from "./config-lines.js";
import { portNumber } from "./names.js";

/** The words of one line, read left to right. */
export class Cursor {
  constructor(
    readonly line: ConfigLine,
    public i = 0,
  ) {}

  /** The word `k` ahead, lowercased; undefined past the end. */
  peek(k = 0): string | undefined {
    return this.line.words[this.i + k]?.toLowerCase();
  }

  /** The next word as written, consumed. */
  take(): string | undefined {
    return this.line.words[this.i++];
  }

  /** Consumes the next word when it is `word` (case-insensitive). */
  accept(word: string): boolean {
    if (this.peek() !== word) return false;
    this.i++;
    return true;
  }

  done(): boolean {
    return this.i >= this.line.words.length;
  }
}

const SEVERITY: Readonly<Record<string, Severity>> = {
  "config-syntax": "error",
  "config-unsupported": "warning",
  "config-ignored": "info",
};

/** The diagnostics of a configuration, each at a word of a line. */
export class Problems {
  readonly list: Diagnostic[] = [];

  add(
    code: "config-syntax" | "config-unsupported" | "config-ignored",
    line: ConfigLine,
    word: number,
    message: string,
  ): void {
    const column = line.columns[Math.min(word, line.columns.length - 1)] ?? 1;
    this.list.push(
      diagnostic(code as DiagnosticCode, SEVERITY[code]!, message, {
        file: line.file,
        line: line.line,
        column,
      }),
    );
  }
}

/**
 * Packets of family 4 whose source (or destination) address agrees with `value` on every bit the wildcard
 * leaves at 0: exact for contiguous and non-contiguous wildcards alike.
 */
export function wildcardSet(space: PacketSpace, dir: Direction, value: bigint, wildcard: bigint): PacketSet {
  const field = dir === "src" ? SRC_FIELD : DST_FIELD;
  const bdd = space.bdd;
  let n = Bdd.TRUE;
  for (let index = 31; index >= 0; index--) {
    const shift = BigInt(31 - index);
    if (((wildcard >> shift) & 1n) === 1n) continue;
    const v = field.first + index;
    n = ((value >> shift) & 1n) === 1n ? bdd.mk(v, Bdd.FALSE, n) : bdd.mk(v, n, Bdd.FALSE);
  }
  return space.wrap(bdd.mk(FAMILY_VAR, n, Bdd.FALSE));
}

/** The prefix length of a contiguous IPv4 netmask (255.255.255.0 → 24); undefined for any other mask. */
export function maskLength(mask: bigint): number | undefined {
  for (let len = 0; len <= 32; len++) {
    const m = ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - len)) - 1n);
    if (m === mask) return len;
  }
  return undefined;
}

/** An IPv4 address's value; undefined when the word is not one. */
export function ipv4Value(word: string | undefined): bigint | undefined {
  if (word === undefined) return undefined;
  const a = tryParseAddress(word);
  return a && a.family === 4 && !word.includes(":") ? a.value : undefined;
}

/** An IPv6 address as a host prefix, or "X/len"; undefined when the word is neither. */
export function ipv6Prefix(word: string | undefined): Prefix | undefined {
  if (word === undefined || !word.includes(":")) return undefined;
  if (word.includes("/")) {
    const slash = word.indexOf("/");
    const a = tryParseAddress(word.slice(0, slash));
    const len = Number(word.slice(slash + 1));
    if (!a || a.family !== 6 || !/^[0-9]{1,3}$/.test(word.slice(slash + 1)) || len > 128) return undefined;
    // Host bits are allowed in configurations and ignored, as the devices do.
    const mask = ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - len)) - 1n);
    return { family: 6, value: a.value & mask, length: len };
  }
  return tryParsePrefix(word);
}

export const PORT_OPERATORS = new Set(["eq", "neq", "lt", "gt", "range"]);

/** Words that end a list of ports after "eq" (they are never port names). */
const NOT_PORTS = new Set(["log", "log-input", "established", "precedence", "tos", "dscp", "time-range"]);

/**
 * Reads a port operator and its ports ("eq 22", "eq www 443", "range 1024 65535", "gt 1023") into ranges.
 * Returns undefined when the next word is no operator (nothing consumed), a string when it is malformed.
 */
export function readPortOp(
  c: Cursor,
  proto: "tcp" | "udp" | "tcp-udp",
  multi: boolean,
): Range[] | string | undefined {
  const op = c.peek();
  if (op === undefined || !PORT_OPERATORS.has(op)) return undefined;
  c.take();
  const port = (): number | undefined => {
    const w = c.peek();
    const n = w === undefined ? undefined : portNumber(w, proto);
    if (n !== undefined) c.take();
    return n;
  };
  const first = port();
  if (first === undefined) return `"${op}" needs a ${proto} port, not "${c.peek() ?? "nothing"}"`;
  switch (op) {
    case "eq": {
      const out = [{ lo: first, hi: first }];
      while (multi && c.peek() !== undefined && !NOT_PORTS.has(c.peek()!)) {
        const n = port();
        if (n === undefined) break;
        out.push({ lo: n, hi: n });
      }
      return out;
    }
    case "neq":
      return [
        ...(first > 0 ? [{ lo: 0, hi: first - 1 }] : []),
        ...(first < 65535 ? [{ lo: first + 1, hi: 65535 }] : []),
      ];
    case "lt":
      return first > 0 ? [{ lo: 0, hi: first - 1 }] : [];
    case "gt":
      return first < 65535 ? [{ lo: first + 1, hi: 65535 }] : [];
    case "range": {
      const last = port();
      if (last === undefined) return `"range" needs two ${proto} ports`;
      return first <= last ? [{ lo: first, hi: last }] : [];
    }
    default:
      return undefined;
  }
}

/** The port dialect of a protocol: TCP and SCTP share TCP's names. */
export function portDialect(proto: number): "tcp" | "udp" {
  return proto === 17 ? "udp" : "tcp";
}
