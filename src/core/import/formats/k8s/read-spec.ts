// Reading the parts of a NetworkPolicy spec: label selectors, peers, ports and rules.

import { isMap, isScalar, type Node } from "yaml";
import { checkPrefix, type Prefix, prefixCovers } from "../../../net/prefix.js";
import type {
  LabelSelector,
  PolicyPeer,
  PolicyPortEntry,
  PolicyRuleSpec,
  SelectorOperator,
  SelectorRequirement,
} from "./model.js";
import type { NodeReader } from "./reader.js";

const OPERATORS: readonly SelectorOperator[] = ["In", "NotIn", "Exists", "DoesNotExist"];
const PROTOCOLS: Readonly<Record<string, number>> = { TCP: 6, UDP: 17, SCTP: 132 };

/** A label selector; null or an empty map selects everything. */
export function readSelector(r: NodeReader, node: Node | null, what: string): LabelSelector {
  const source = r.source(node);
  const column = r.nodePosition(node).column;
  const empty: LabelSelector = { matchLabels: {}, requirements: [], source, column };
  if (r.isNull(node)) return empty;
  const map = r.map(node, what);
  if (!map) return { ...empty, requirements: [{ key: "", operator: "In", values: [] }] };
  const f = r.fields(map, ["matchLabels", "matchExpressions"], what);
  const matchLabels = r.stringMap(f.get("matchLabels")?.value ?? null, `"matchLabels" in ${what}`);
  const requirements: SelectorRequirement[] = [];
  const exprs = f.get("matchExpressions");
  for (const item of (exprs && r.seq(exprs.value, `"matchExpressions" in ${what}`)) ?? []) {
    const req = readRequirement(r, item, `an entry of "matchExpressions" in ${what}`);
    // A requirement that cannot be read matches no label set, as the API server would refuse the object.
    requirements.push(req ?? { key: "", operator: "In", values: [] });
  }
  return { matchLabels, requirements, source, column };
}

function readRequirement(r: NodeReader, node: Node, what: string): SelectorRequirement | undefined {
  const map = r.map(node, what);
  if (!map) return undefined;
  const f = r.fields(map, ["key", "operator", "values"], what);
  const keyField = f.get("key");
  const opField = f.get("operator");
  if (!keyField || !opField) {
    r.report("config-syntax", `Expected "key" and "operator" in ${what}`, map);
    return undefined;
  }
  const key = r.text(keyField.value, `"key" in ${what}`);
  const op = r.text(opField.value, `"operator" in ${what}`);
  if (key === undefined || op === undefined) return undefined;
  if (!(OPERATORS as readonly string[]).includes(op)) {
    r.report(
      "config-syntax",
      `Unknown operator "${op}" in ${what}; expected In, NotIn, Exists or DoesNotExist`,
      opField.value,
    );
    return undefined;
  }
  const operator = op as SelectorOperator;
  const valuesField = f.get("values");
  const values = valuesField ? (r.seq(valuesField.value, `"values" in ${what}`) ?? []) : [];
  const texts = values
    .map((v) => r.text(v, `a value in ${what}`))
    .filter((v): v is string => v !== undefined);
  const needsValues = operator === "In" || operator === "NotIn";
  if (needsValues !== texts.length > 0) {
    r.report(
      "config-syntax",
      needsValues
        ? `Operator "${operator}" needs a non-empty "values" list in ${what}`
        : `Operator "${operator}" takes no "values" in ${what}`,
      valuesField?.value ?? opField.value,
    );
    return undefined;
  }
  return { key, operator, values: texts };
}

function readCidr(r: NodeReader, node: Node | null, what: string): Prefix | undefined {
  const text = r.text(node, what);
  if (text === undefined) return undefined;
  const p = checkPrefix(text);
  if (p.ok && text.includes("/")) return p.prefix;
  // The API server accepts host bits in ipBlock cidrs (it masks them); say so, and use the network.
  if (!p.ok && p.reason === "host-bits" && text.includes("/")) {
    r.report("config-ignored", `${p.message} (in ${what}); it is read as that network`, node);
    return p.network;
  }
  r.report("config-syntax", `Expected a CIDR such as "10.0.0.0/8" for ${what}, got "${text}"`, node);
  return undefined;
}

function readIpBlock(r: NodeReader, node: Node | null, source: PolicyPeer["source"]): PolicyPeer {
  const map = r.map(node, `"ipBlock"`);
  if (!map) return { kind: "invalid", source };
  const f = r.fields(map, ["cidr", "except"], `"ipBlock"`);
  const cidrField = f.get("cidr");
  if (!cidrField) {
    r.report("config-syntax", `Expected "cidr" in "ipBlock"`, map);
    return { kind: "invalid", source };
  }
  const cidr = readCidr(r, cidrField.value, `"cidr"`);
  if (!cidr) return { kind: "invalid", source };
  const except: Prefix[] = [];
  const exceptField = f.get("except");
  for (const item of (exceptField && r.seq(exceptField.value, `"except"`)) ?? []) {
    const p = readCidr(r, item, `an entry of "except"`);
    if (!p) return { kind: "invalid", source };
    if (!prefixCovers(cidr, p) || p.length <= cidr.length) {
      r.report("config-syntax", `Except entry must lie strictly inside the cidr of its ipBlock`, item);
      return { kind: "invalid", source };
    }
    except.push(p);
  }
  return { kind: "ipBlock", cidr, except, source, column: r.nodePosition(node).column };
}

export function readPeer(r: NodeReader, node: Node): PolicyPeer {
  const source = r.source(node);
  const what = "a peer";
  const map = r.map(node, what);
  if (!map) return { kind: "invalid", source };
  const f = r.fields(map, ["podSelector", "namespaceSelector", "ipBlock"], what);
  const ip = f.get("ipBlock");
  const pod = f.get("podSelector");
  const ns = f.get("namespaceSelector");
  if (ip && (pod || ns)) {
    r.report("config-syntax", `A peer with "ipBlock" cannot also have a pod or namespace selector`, map);
    return { kind: "invalid", source };
  }
  if (ip) return readIpBlock(r, ip.value, source);
  if (!pod && !ns) {
    r.report("config-syntax", `A peer needs "podSelector", "namespaceSelector" or "ipBlock"`, map);
    return { kind: "invalid", source };
  }
  return {
    kind: "selector",
    ...(pod && { podSelector: readSelector(r, pod.value, `"podSelector" of a peer`) }),
    ...(ns && { namespaceSelector: readSelector(r, ns.value, `"namespaceSelector" of a peer`) }),
    source,
  };
}

function readPortNumber(r: NodeReader, node: Node | null, what: string): number | "named" | undefined {
  if (isScalar(node) && typeof node.value === "string" && !/^[0-9]+$/.test(node.value)) return "named";
  const n = isScalar(node) ? Number(node.value) : NaN;
  if (Number.isInteger(n) && n >= 1 && n <= 65535) return n;
  r.report("config-syntax", `Expected a port 1-65535 for ${what}`, node);
  return undefined;
}

export function readPort(r: NodeReader, node: Node): PolicyPortEntry {
  const what = `an entry of "ports"`;
  const invalid: PolicyPortEntry = { protocol: 6, valid: false };
  const map = r.map(node, what);
  if (!map) return invalid;
  const f = r.fields(map, ["protocol", "port", "endPort"], what);
  const protoField = f.get("protocol");
  const protoText = protoField ? r.text(protoField.value, `"protocol"`) : "TCP";
  const protocol = protoText === undefined ? undefined : PROTOCOLS[protoText];
  if (protoText !== undefined && protocol === undefined)
    r.report(
      "config-syntax",
      `Unknown protocol "${protoText}"; expected TCP, UDP or SCTP`,
      protoField?.value,
    );
  if (protocol === undefined) return invalid;
  const portField = f.get("port");
  const endField = f.get("endPort");
  if (!portField || r.isNull(portField.value)) {
    if (endField) r.report("config-syntax", `"endPort" needs a numeric "port"`, endField.keyNode);
    return endField ? invalid : { protocol, valid: true };
  }
  const port = readPortNumber(r, portField.value, `"port"`);
  if (port === "named") {
    r.report(
      "config-unsupported",
      `Named port "${String((portField.value as { value?: unknown }).value)}" depends on the pods' container ports, which Rampart does not know; it is read as matching nothing`,
      portField.value,
    );
    return invalid;
  }
  if (port === undefined) return invalid;
  if (!endField) return { protocol, port, valid: true };
  const end = readPortNumber(r, endField.value, `"endPort"`);
  if (end === "named" || end === undefined || end < port) {
    if (end !== undefined)
      r.report("config-syntax", `"endPort" must be a number not below "port"`, endField.value);
    return invalid;
  }
  return { protocol, port, endPort: end, valid: true };
}

/** One `ingress` or `egress` entry: peers (under `from` or `to`) and ports. */
export function readRule(
  r: NodeReader,
  list: Node | null,
  index: number,
  node: Node,
  peerKey: "from" | "to",
): PolicyRuleSpec {
  const source = r.source(node);
  const label = r.commentAbove(list, index);
  const base = { source, ...(label !== undefined && { label }) };
  const what = `a rule of "${peerKey === "from" ? "ingress" : "egress"}"`;
  if (r.isNull(node)) return base;
  if (!isMap(node)) {
    r.map(node, what);
    return { ...base, peers: [{ kind: "invalid", source }] };
  }
  const f = r.fields(node, [peerKey, "ports"], what);
  const peersField = f.get(peerKey);
  const portsField = f.get("ports");
  const peerNodes = peersField ? r.seq(peersField.value, `"${peerKey}"`) : [];
  const portNodes = portsField ? r.seq(portsField.value, `"ports"`) : [];
  // A list that cannot be read at all matches nothing (an empty list would match everything).
  const peers =
    peerNodes === undefined ? [{ kind: "invalid" as const, source }] : peerNodes.map((p) => readPeer(r, p));
  const ports =
    portNodes === undefined ? [{ protocol: 6, valid: false }] : portNodes.map((p) => readPort(r, p));
  return { ...base, ...(peers.length > 0 && { peers }), ...(ports.length > 0 && { ports }) };
}
