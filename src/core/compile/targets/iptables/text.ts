// Small pieces of iptables-restore syntax: quoting as iptables-save quotes, protocol words, comments and
// log prefixes that fit the kernel's limits.

import type { Family } from "../../../net/address.js";
import { PROTO } from "../../../net/protocol.js";
import { deviceName } from "../../names.js";

/** The comment match keeps 255 bytes (XT_MAX_COMMENT_LEN 256 with the NUL); iptables-nft cuts silently. */
export const COMMENT_MAX = 255;
/** The LOG target keeps 29 bytes of prefix. */
export const LOG_PREFIX_MAX = 29;

/** Printable ASCII without the quote characters and backslash, which iptables-save escapes. */
const COMMENT_CHARS = /[!#-&(-[\]-~]/;

/**
 * A string argument as iptables-save writes it: bare when it is only letters, digits, "_" and "-";
 * otherwise in double quotes with `"`, `'` and `\` escaped. Writing it the same way keeps the file and the
 * device's own listing identical.
 */
export function saveString(value: string): string {
  if (/^[A-Za-z0-9_-]+$/.test(value)) return value;
  return `"${value.replace(/["'\\]/g, (c) => `\\${c}`)}"`;
}

/** The text of a rule comment: the policy rule's name, cut to what the comment match keeps. */
export function commentText(name: string): string {
  return deviceName(name, COMMENT_MAX, COMMENT_CHARS);
}

/** A LOG prefix "ACCEPT name " or "DROP name ", the name shortened to fit 29 bytes. */
export function logPrefix(action: "accept" | "drop", name: string): string {
  const tag = action === "accept" ? "ACCEPT" : "DROP";
  const room = LOG_PREFIX_MAX - tag.length - 2;
  return `${tag} ${deviceName(name, room, COMMENT_CHARS)} `;
}

/**
 * A protocol as `-p` takes it: the names iptables knows without /etc/protocols (so a minimal host loads
 * the file), a number otherwise. ICMP is named only in its own family, where it means what it says.
 */
export function protocolWord(family: Family, proto: number): string {
  switch (proto) {
    case PROTO.tcp:
      return "tcp";
    case PROTO.udp:
      return "udp";
    case PROTO.sctp:
      return "sctp";
    case PROTO.esp:
      return "esp";
    case PROTO.ah:
      return "ah";
    case PROTO.icmp:
      return family === 4 ? "icmp" : "1";
    case PROTO.icmpv6:
      return family === 6 ? "ipv6-icmp" : "58";
    default:
      return String(proto);
  }
}

/** Text safe for a `#` comment line: one line, no control characters. */
export function commentLine(text: string): string {
  return [...text]
    .map((c) => (c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127 ? " " : c))
    .join("")
    .replace(/ +/g, " ")
    .trim();
}
