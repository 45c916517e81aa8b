// A small syntax highlighter for compiled configurations: comments, keywords, addresses, numbers, strings per
// target family — enough to read a config, far lighter than a general-purpose library.

export type TokenKind = "comment" | "keyword" | "address" | "number" | "string" | "text";
export interface Token {
  kind: TokenKind;
  text: string;
}

type Family = "netfilter" | "cisco" | "junos" | "json" | "yaml";

const KEYWORDS: Record<Family, string[]> = {
  netfilter: [
    "table",
    "chain",
    "type",
    "hook",
    "priority",
    "policy",
    "accept",
    "drop",
    "reject",
    "counter",
    "ct",
    "state",
    "established",
    "related",
    "ip",
    "ip6",
    "saddr",
    "daddr",
    "tcp",
    "udp",
    "icmp",
    "dport",
    "sport",
    "set",
    "elements",
    "flags",
    "interval",
    "iifname",
    "oifname",
    "jump",
    "return",
    "log",
    "add",
    "flush",
    "-A",
    "-N",
    "-P",
    "-j",
    "-p",
    "-s",
    "-d",
    "--dport",
    "ACCEPT",
    "DROP",
    "REJECT",
    "COMMIT",
    "filter",
  ],
  cisco: [
    "access-list",
    "extended",
    "permit",
    "deny",
    "ip",
    "tcp",
    "udp",
    "icmp",
    "host",
    "any",
    "any4",
    "any6",
    "eq",
    "range",
    "object-group",
    "network-object",
    "port-object",
    "service-object",
    "object",
    "network",
    "service",
    "access-group",
    "in",
    "out",
    "interface",
    "log",
    "established",
    "remark",
    "ipv6",
    "access-class",
    "ip access-list",
  ],
  junos: [
    "firewall",
    "family",
    "inet",
    "inet6",
    "filter",
    "term",
    "from",
    "then",
    "accept",
    "discard",
    "reject",
    "source-address",
    "destination-address",
    "protocol",
    "destination-port",
    "source-port",
    "prefix-list",
    "set",
    "security",
    "policies",
    "policy",
    "match",
    "application",
    "permit",
    "deny",
    "zones",
    "address-book",
  ],
  json: ["true", "false", "null"],
  yaml: [
    "apiVersion",
    "kind",
    "metadata",
    "spec",
    "ingress",
    "egress",
    "ports",
    "protocol",
    "port",
    "from",
    "to",
    "ipBlock",
    "cidr",
    "podSelector",
    "namespaceSelector",
    "policyTypes",
  ],
};

export function familyOf(target: string): Family {
  if (target === "nftables" || target === "iptables") return "netfilter";
  if (target.startsWith("cisco")) return "cisco";
  if (target === "junos" || target.startsWith("juniper")) return "junos";
  if (target === "k8s") return "yaml";
  return "json";
}

const ADDRESS = /^(?:\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?|[0-9a-f]*:[0-9a-f:]+(?:\/\d{1,3})?)/i;
const NUMBER = /^\d+(?:-\d+)?\b/;
const STRING = /^"(?:[^"\\]|\\.)*"?/;
const WORD = /^[A-Za-z_-][\w.-]*/;

function commentStart(line: string, family: Family): number {
  const marks =
    family === "cisco" ? ["!"] : family === "junos" ? ["#", "/*"] : family === "json" ? [] : ["#"];
  const trimmed = line.trimStart();
  for (const m of marks) if (trimmed.startsWith(m)) return line.length - trimmed.length;
  if (family === "netfilter" || family === "yaml") {
    const i = line.indexOf(" #");
    if (i >= 0) return i + 1;
  }
  return -1;
}

/** Splits one line into tokens; a token is never empty and the texts join back into the line. */
export function highlightLine(line: string, family: Family): Token[] {
  const keywords = new Set(KEYWORDS[family]);
  const cut = commentStart(line, family);
  const code = cut >= 0 ? line.slice(0, cut) : line;
  const out: Token[] = [];
  const push = (kind: TokenKind, text: string) => {
    const last = out[out.length - 1];
    if (last && last.kind === kind && kind === "text") last.text += text;
    else out.push({ kind, text });
  };
  let rest = code;
  while (rest.length > 0) {
    const m =
      (STRING.exec(rest) && { kind: "string" as const, text: STRING.exec(rest)![0] }) ||
      (ADDRESS.exec(rest) && { kind: "address" as const, text: ADDRESS.exec(rest)![0] }) ||
      (NUMBER.exec(rest) && { kind: "number" as const, text: NUMBER.exec(rest)![0] }) ||
      (WORD.exec(rest) && { kind: "word" as const, text: WORD.exec(rest)![0] });
    if (!m) {
      push("text", rest[0]!);
      rest = rest.slice(1);
      continue;
    }
    if (m.kind === "word") push(keywords.has(m.text) ? "keyword" : "text", m.text);
    else push(m.kind, m.text);
    rest = rest.slice(m.text.length);
  }
  if (cut >= 0) out.push({ kind: "comment", text: line.slice(cut) });
  return out;
}
