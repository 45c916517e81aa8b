// Which configuration format a file holds, from its content (and its name as a hint), for when the user
// gives no --format.

import type { ConfigFile } from "./model.js";

/** What detection found: the format, or why it could not tell. */
export interface Detection {
  /** The format id, when one format clearly fits. */
  readonly format?: string;
  /** Why: the evidence for the format found, or why none (or several) fit. */
  readonly reason: string;
  /** Formats with any evidence, best first. */
  readonly candidates: readonly string[];
}

/** Evidence for a format: a line that matches counts `weight` (up to MAX_HITS lines). */
interface Evidence {
  readonly format: string;
  readonly weight: number;
  readonly why: string;
  readonly line: RegExp;
}

const EVIDENCE: readonly Evidence[] = [
  // iptables-save / iptables-restore, aerleon's iptables command lines, shell scripts calling iptables.
  {
    format: "iptables",
    weight: 6,
    why: "an iptables-save table line (*filter)",
    line: /^\*(filter|nat|mangle|raw|security)\s*$/,
  },
  {
    format: "iptables",
    weight: 4,
    why: "an iptables chain line",
    line: /^:[A-Za-z0-9_.-]+\s+(ACCEPT|DROP|-)(\s+\[\d+:\d+\])?\s*$/,
  },
  {
    format: "iptables",
    weight: 3,
    why: "iptables commands (-A CHAIN ...)",
    line: /^(\[\d+:\d+\]\s+)?(-[AIPN]|--append|--insert|--policy|--new-chain)\s+\S+/,
  },
  {
    format: "iptables",
    weight: 4,
    why: "iptables commands in a script",
    line: /^(\/s?bin\/|\/usr\/s?bin\/)?ip6?tables(-legacy|-nft)?\s+(-t\s+\w+\s+)?-[AIPNF]\s/,
  },
  {
    format: "iptables",
    weight: 4,
    why: "an ipset save file",
    line: /^create\s+\S+\s+(hash|bitmap|list):\S+/,
  },
  // nftables text.
  {
    format: "nftables",
    weight: 6,
    why: "an nftables table block",
    line: /^table\s+(ip|ip6|inet|arp|bridge|netdev)\s+\S+\s*\{/,
  },
  { format: "nftables", weight: 3, why: "an nftables table block", line: /^table\s+[A-Za-z_][\w-]*\s*\{/ },
  { format: "nftables", weight: 5, why: "an nft shebang", line: /^#!.*\bnft\b/ },
  {
    format: "nftables",
    weight: 4,
    why: "nft commands",
    line: /^(flush ruleset|(add|create|insert|delete|flush) (table|chain|rule|set|map|element)\s)/,
  },
  {
    format: "nftables",
    weight: 3,
    why: "an nftables chain hook",
    line: /^type\s+(filter|nat|route)\s+hook\s+\w+/,
  },
  // Cisco IOS, ASA, NX-OS.
  {
    format: "cisco-ios",
    weight: 3,
    why: "an IOS named ACL",
    line: /^ip(v6)? access-list (extended|standard)\s+\S+/,
  },
  { format: "cisco-ios", weight: 2, why: "an IPv6 named ACL", line: /^ipv6 access-list\s+\S+\s*$/ },
  {
    format: "cisco-ios",
    weight: 3,
    why: "an IOS numbered ACL",
    line: /^access-list\s+\d+\s+(permit|deny|remark)\b/,
  },
  {
    format: "cisco-ios",
    weight: 2,
    why: "an IOS interface binding",
    line: /^ip access-group\s+\S+\s+(in|out)\s*$/,
  },
  {
    format: "cisco-ios",
    weight: 2,
    why: "IOS configuration",
    line: /^(ip cef|ip routing|service (timestamps|password-encryption)|line (vty|con)\b|router (ospf|bgp|eigrp|rip)\b)/,
  },
  {
    format: "cisco-ios",
    weight: 2,
    why: "IOS NAT, zones, inspection or route maps",
    line: /^(ip nat (pool|inside|outside)\s|zone(-pair)? security\s|(policy|class)-map type inspect\s|route-map\s+\S+\s+(permit|deny)\s+\d+|(no )?access-list \d+\s*$|mac access-list\s)/,
  },
  {
    format: "cisco-ios",
    weight: 1,
    why: "Cisco configuration",
    line: /^(hostname\s+\S+|interface\s+\S+)\s*$/,
  },
  { format: "cisco-asa", weight: 8, why: "an ASA version line", line: /^(: )?(ASA|PIX|FWSM) Version\s/ },
  {
    format: "cisco-asa",
    weight: 4,
    why: "an ASA extended access-list",
    line: /^access-list\s+\S+\s+(line\s+\d+\s+)?(extended|webtype|ethertype)\s/,
  },
  {
    format: "cisco-asa",
    weight: 3,
    why: "an ASA access-group",
    line: /^access-group\s+\S+\s+(in|out|global)\b/,
  },
  { format: "cisco-asa", weight: 3, why: "ASA interface naming", line: /^(nameif|security-level)\s/ },
  { format: "cisco-asa", weight: 2, why: "ASA objects", line: /^object (network|service)\s/ },
  { format: "cisco-asa", weight: 10, why: "an ASA marker comment", line: /^!+\s*This is an ASA device/i },
  {
    format: "cisco-asa",
    weight: 2,
    why: "an ASA standard access-list",
    line: /^access-list\s+\S+\s+(standard|remark)\s/,
  },
  {
    format: "cisco-nxos",
    weight: 6,
    why: "NX-OS configuration",
    line: /^(feature\s+\S+|boot nxos|!Command: show running-config|vdc\s+\S+\s+id\b|hardware access-list)/,
  },
  {
    format: "cisco-nxos",
    weight: 3,
    why: "an NX-OS ACL (no extended/standard)",
    line: /^ip access-list\s+(?!extended\b|standard\b|role-based\b|log-update\b|logging\b)\S+\s*$/,
  },
  {
    format: "cisco-nxos",
    weight: 1,
    why: "sequence-numbered ACL entries",
    line: /^\d+\s+(permit|deny)\s+(ip|tcp|udp|icmp|\d+)\s/,
  },
  {
    format: "cisco-nxos",
    weight: 12,
    why: "a RANCID cisco-nx header",
    line: /^!RANCID-CONTENT-TYPE:\s*cisco-nx/i,
  },
  {
    format: "cisco-ios",
    weight: 8,
    why: "a RANCID cisco header",
    line: /^!RANCID-CONTENT-TYPE:\s*cisco\s*$/i,
  },
  {
    format: "junos",
    weight: 12,
    why: "a RANCID juniper header",
    line: /^#\s*RANCID-CONTENT-TYPE:\s*juniper/i,
  },
  { format: "cisco-nxos", weight: 1, why: "NX-OS object groups", line: /^object-group ip (address|port)\s/ },
  // Junos, braces and set.
  {
    format: "junos",
    weight: 3,
    why: "Junos set commands",
    line: /^(set|deactivate)\s+(system|interfaces|firewall|security|policy-options|routing-options|protocols|applications|groups|snmp|vlans|chassis|routing-instances|class-of-service|forwarding-options|access|services|apply-groups|version)\b/,
  },
  {
    format: "junos",
    weight: 3,
    why: "a Junos hierarchy block",
    line: /^(system|interfaces|firewall|security|policy-options|routing-options|protocols|applications|groups|snmp|chassis|routing-instances|vlans|forwarding-options|class-of-service)\s*\{\s*$/,
  },
  {
    format: "junos",
    weight: 3,
    why: "a Junos firewall filter",
    line: /^(filter|term|family inet6?)\s+\S*\s*\{\s*$/,
  },
  {
    format: "junos",
    weight: 2,
    why: "Junos statements",
    line: /^(then|from)\s*\{\s*$|^(then\s+)?(accept|discard|reject);\s*$|^version\s+\S+;\s*$/,
  },
  // Kubernetes manifests.
  {
    format: "k8s",
    weight: 6,
    why: "a Kubernetes manifest (kind: ...Policy)",
    line: /^kind:\s*["']?\w*(NetworkPolicy|Policy)\b/,
  },
  { format: "k8s", weight: 2, why: "a Kubernetes apiVersion", line: /^apiVersion:\s*\S+/ },
  {
    format: "k8s",
    weight: 1,
    why: "Kubernetes policy keys",
    line: /^(podSelector|policyTypes|ingress|egress|namespaceSelector):/,
  },
  // Terraform.
  {
    format: "aws-sg",
    weight: 6,
    why: "Terraform AWS security group resources",
    line: /^resource\s+"aws_(security_group|vpc_security_group_\w+_rule|network_acl\w*|default_security_group|default_network_acl)"/,
  },
  {
    format: "aws-sg",
    weight: 2,
    why: "Terraform",
    line: /^(resource|module|provider|variable|data|locals|output|terraform)\s+("[^"]*"\s*)*\{/,
  },
  // Capirca / Aerleon.
  { format: "capirca", weight: 6, why: "a Capirca header block", line: /^header\s*\{/ },
  { format: "capirca", weight: 4, why: "Capirca terms", line: /^term\s+\S+\s*\{\s*$/ },
  {
    format: "capirca",
    weight: 4,
    why: "Capirca keywords",
    line: /^(target|action|protocol|destination-port|source-address|destination-address)::/,
  },
  { format: "capirca", weight: 3, why: "Capirca includes", line: /^#include\s+['"<]/ },
  {
    format: "capirca",
    weight: 1,
    why: "Capirca definitions (NAME = value)",
    line: /^[A-Za-z][A-Za-z0-9_-]*\s+=\s+(\S+\/(tcp|udp|icmp|\d+)|[0-9a-fA-F:.]+\/\d+|[0-9.]+|[A-Z][A-Z0-9_-]+)\b/,
  },
  {
    format: "capirca",
    weight: 4,
    why: "Aerleon YAML (filters: / networks: / services: / terms:)",
    line: /^(filters|networks|services|terms|filters_include_only):\s*$/,
  },
  // ClassBench.
  {
    format: "classbench",
    weight: 5,
    why: "ClassBench filter lines (@SA/len DA/len ...)",
    line: /^@\d+\.\d+\.\d+\.\d+\/\d+\s+\d+\.\d+\.\d+\.\d+\/\d+\s+\d+\s*:\s*\d+\s+\d+\s*:\s*\d+/,
  },
];

/** The file name's hint: a format its extension or name usually means (never enough alone). */
const NAME_HINTS: readonly { readonly name: RegExp; readonly format: string; readonly weight: number }[] = [
  { name: /\.(nft|nftables)$/i, format: "nftables", weight: 2 },
  { name: /(\.ipt|\.v4|\.v6|iptables[^/]*|\.rules|ipsets?)$/i, format: "iptables", weight: 2 },
  { name: /\.(pol|svc|net|inc)$/i, format: "capirca", weight: 3 },
  { name: /\.tf$/i, format: "aws-sg", weight: 3 },
  { name: /\.(asa)$/i, format: "cisco-asa", weight: 2 },
  { name: /\.(nxacl|nxos)$/i, format: "cisco-nxos", weight: 4 },
  { name: /\.(jcl|srx|junos)$/i, format: "junos", weight: 2 },
  { name: /\.(acl|ios)$/i, format: "cisco-ios", weight: 1 },
  { name: /\.(ya?ml)$/i, format: "k8s", weight: 1 },
];

/** Less evidence than this is no evidence: a `hostname` line alone says little. */
const MIN_SCORE = 2;

/** How many lines of one piece of evidence count at most: a long file repeats the same evidence. */
const MAX_HITS = 4;

/** The format of a file, or undefined when none (or more than one) fits; see `detectFormatWithReason`. */
export function detectFormat(file: ConfigFile): string | undefined {
  return detectFormatWithReason(file).format;
}

export function detectFormatWithReason(file: ConfigFile): Detection {
  // UTF-16 files read as UTF-8 show a NUL between characters; a BOM starts some files.
  const text = file.text
    .replace(/^\uFEFF/, "")
    .split("\u0000")
    .join("");
  const json = jsonFormat(text);
  if (json) return json;
  const scores = new Map<string, { score: number; why: string[] }>();
  const add = (format: string, weight: number, why: string) => {
    const s = scores.get(format) ?? { score: 0, why: [] };
    s.score += weight;
    if (!s.why.includes(why)) s.why.push(why);
    scores.set(format, s);
  };
  const hits = new Map<Evidence, number>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || (line.startsWith("#") && !/^#(!|include|\s*RANCID)/.test(line))) continue;
    for (const rule of EVIDENCE) {
      if (!rule.line.test(line)) continue;
      const n = hits.get(rule) ?? 0;
      if (n >= MAX_HITS) continue;
      hits.set(rule, n + 1);
      add(rule.format, rule.weight, rule.why);
    }
  }
  // NX-OS and ASA configurations also match the IOS rules: their own evidence decides.
  const content = new Set([...scores.keys()].map(vendor));
  for (const hint of NAME_HINTS)
    if (hint.name.test(file.name) && content.has(vendor(hint.format)))
      add(hint.format, hint.weight, `the file name "${file.name}"`);
  return decide(scores, file);
}

/** Formats of one vendor share evidence: "cisco-nxos" → "cisco". */
function vendor(format: string): string {
  return format.split("-")[0]!;
}

function decide(scores: Map<string, { score: number; why: string[] }>, file: ConfigFile): Detection {
  const ranked = [...scores.entries()].sort((a, b) => b[1].score - a[1].score);
  const candidates = ranked.map(([f]) => f);
  const best = ranked[0];
  if (!best || best[1].score < MIN_SCORE) {
    const hint = NAME_HINTS.find((h) => h.name.test(file.name));
    const tail = hint ? `; its name suggests ${hint.format}, but nothing in it confirms that` : "";
    return {
      reason: `Nothing in "${file.name}" looks like a configuration Rampart reads${tail}`,
      candidates,
    };
  }
  const second = ranked[1];
  if (second && second[1].score * 1.5 > best[1].score && !dominates(best[0], second[0], scores))
    return {
      reason:
        `"${file.name}" could be ${best[0]} (${best[1].why.join(", ")}) or ${second[0]} ` +
        `(${second[1].why.join(", ")}); give --format`,
      candidates,
    };
  return { format: best[0], reason: best[1].why.join(", "), candidates };
}

/** Vendor variants that share the base's syntax: their own evidence outweighs the base's. */
function dominates(best: string, second: string, scores: Map<string, { score: number }>): boolean {
  if ((best === "cisco-asa" || best === "cisco-nxos") && second === "cisco-ios")
    return (scores.get(best)?.score ?? 0) >= 6;
  return false;
}

/** JSON files: nftables JSON, AWS describe output, Kubernetes as JSON. Tolerates malformed JSON by keys. */
function jsonFormat(text: string): Detection | undefined {
  const start = text.trimStart();
  if (!start.startsWith("{") && !start.startsWith("[")) return undefined;
  let keys: string;
  try {
    const value: unknown = JSON.parse(text);
    keys = jsonKeys(value, 3).join(" ");
  } catch {
    // Malformed: the keys still tell which importer should report the problem.
    keys = [...text.matchAll(/"([A-Za-z]+)"\s*:/g)].map((m) => m[1]).join(" ");
  }
  const key = (k: string) => new RegExp(`(^| )${k}( |$)`).test(keys);
  if (key("nftables"))
    return { format: "nftables", reason: 'JSON with an "nftables" array (nft -j)', candidates: ["nftables"] };
  if (
    [
      "SecurityGroups",
      "NetworkAcls",
      "NetworkAcl",
      "SecurityGroupRules",
      "IpPermissions",
      "StaleSecurityGroupSet",
      "SecurityGroupForVpcs",
    ].some(key)
  )
    return {
      format: "aws-sg",
      reason: "AWS EC2 JSON (SecurityGroups / NetworkAcls)",
      candidates: ["aws-sg"],
    };
  if (key("apiVersion") && key("kind"))
    return { format: "k8s", reason: "a Kubernetes manifest in JSON", candidates: ["k8s"] };
  return { reason: "JSON, but not nftables, AWS or Kubernetes JSON", candidates: [] };
}

/** The keys of objects down to `depth` levels (wrappers such as {"data": {...}} hide the real ones). */
function jsonKeys(value: unknown, depth: number): string[] {
  if (depth === 0) return [];
  if (Array.isArray(value)) return value.slice(0, 3).flatMap((v) => jsonKeys(v, depth - 1));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => [k, ...jsonKeys(v, depth - 1)]);
}
