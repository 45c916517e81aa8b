// Edits of policy files that keep their comments and layout: add a flow, change a flow's expiry, remove a flow.
// Changes to files people wrote are spliced into the text at the place the yaml Document API locates, so that
// everything else stays byte for byte; the file Rampart writes for requests is rendered whole.

import {
  type Document,
  isMap,
  isNode,
  isScalar,
  isSeq,
  parseDocument,
  type YAMLMap,
  type YAMLSeq,
} from "yaml";
import { isCalendarDate } from "../../core/policy/parse-rules.js";
import type { PolicyFile } from "../store.js";
import { type Problem, problem } from "./problem.js";

/** Where flows added by access requests go (a policy may hold flows in any number of files). */
export const REQUESTS_FILE = "flows/requests.yaml";

const REQUESTS_HEADER = `# Flows added by approved access requests (rampart serve). Each names its request; edit or move them
# like any other flow. Rampart appends here and keeps what you write.
`;

export interface FlowDraft {
  readonly name: string;
  readonly description?: string;
  readonly from: readonly string[];
  readonly to: readonly string[];
  readonly services: readonly string[];
  readonly owner?: string;
  readonly justification?: string;
  readonly ticket?: string;
  /** "YYYY-MM-DD". */
  readonly expires?: string;
  readonly log?: boolean;
}

const TO_STRING = { lineWidth: 0, flowCollectionPadding: false } as const;

function flowNode(doc: Document, flow: FlowDraft) {
  const list = (xs: readonly string[]) => {
    const node = doc.createNode([...xs]) as YAMLSeq;
    node.flow = true;
    return node;
  };
  const map = doc.createNode({}) as YAMLMap;
  map.set("name", flow.name);
  if (flow.description !== undefined) map.set("description", flow.description);
  map.set("from", list(flow.from));
  map.set("to", list(flow.to));
  map.set("services", list(flow.services));
  for (const key of ["owner", "justification", "ticket", "expires"] as const)
    if (flow[key] !== undefined) map.set(key, flow[key]);
  if (flow.log !== undefined) map.set("log", flow.log);
  return map;
}

/** Appends a flow to REQUESTS_FILE, creating it (with a header comment) when the policy has none. */
export function addFlow(files: readonly PolicyFile[], flow: FlowDraft): PolicyFile[] | Problem {
  const existing = files.find((f) => f.path === REQUESTS_FILE);
  const doc: Document = parseDocument(existing?.text ?? `${REQUESTS_HEADER}flows:\n`);
  if (doc.errors.length > 0)
    return problem("invalid-policy", `Cannot add flow "${flow.name}": "${REQUESTS_FILE}" is not valid YAML`);
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null))
    doc.contents = doc.createNode({}) as YAMLMap;
  if (!isMap(doc.contents))
    return problem(
      "invalid-policy",
      `Cannot add flow "${flow.name}": "${REQUESTS_FILE}" is not a map of sections`,
    );
  let seq: unknown = doc.contents.get("flows", true);
  if (seq === undefined || seq === null || (isScalar(seq) && seq.value === null)) {
    const created = doc.createNode([]) as YAMLSeq;
    doc.contents.set("flows", created);
    seq = created;
  }
  if (!isSeq(seq))
    return problem(
      "invalid-policy",
      `Cannot add flow "${flow.name}": "flows" in "${REQUESTS_FILE}" is not a list`,
    );
  seq.items.push(flowNode(doc, flow));
  const file: PolicyFile = { path: REQUESTS_FILE, text: doc.toString(TO_STRING) };
  if (existing) return files.map((f) => (f === existing ? file : f));
  return [...files, file].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

interface FoundFlow {
  readonly index: number;
  readonly doc: Document;
  readonly seq: YAMLSeq;
  readonly item: YAMLMap;
  readonly position: number;
}

/** The file and list item that define flow `name` (the first, if the policy defines it twice). */
function findFlow(files: readonly PolicyFile[], name: string): FoundFlow | undefined {
  for (const [index, file] of files.entries()) {
    if (!file.text.includes(name)) continue;
    const doc: Document = parseDocument(file.text);
    if (doc.errors.length > 0 || !isMap(doc.contents)) continue;
    const seq = doc.contents.get("flows", true);
    if (!isSeq(seq)) continue;
    const position = seq.items.findIndex((item) => isMap(item) && item.get("name") === name);
    if (position >= 0) return { index, doc, seq, item: seq.items[position] as YAMLMap, position };
  }
  return undefined;
}

const replaceFile = (files: readonly PolicyFile[], index: number, text: string) =>
  files.map((f, i) => (i === index ? { path: f.path, text } : f));

/** Sets (or adds) flow `name`'s expiry date, wherever the flow is written. */
export function setFlowExpiry(
  files: readonly PolicyFile[],
  name: string,
  date: string,
): PolicyFile[] | Problem {
  if (!isCalendarDate(date)) return problem("invalid-input", `Invalid date "${date}": expected YYYY-MM-DD`);
  const found = findFlow(files, name);
  if (!found) return problem("not-found", `Flow "${name}" is not in the policy`);
  const text = files[found.index]!.text;
  const spliced = spliceExpiry(text, found.item, date);
  const check = spliced !== undefined && findFlow([{ path: "", text: spliced }], name);
  if (check && check.item.get("expires") === date) return replaceFile(files, found.index, spliced!);
  // The splice did not read back as intended (an unusual layout): edit the document and render it whole.
  found.item.set("expires", date);
  return replaceFile(files, found.index, found.doc.toString(TO_STRING));
}

function spliceExpiry(text: string, item: YAMLMap, date: string): string | undefined {
  const pair = item.items.find((p) => isScalar(p.key) && p.key.value === "expires");
  if (pair && isScalar(pair.value) && pair.value.range)
    return text.slice(0, pair.value.range[0]) + date + text.slice(pair.value.range[1]);
  if (pair || item.flow) return undefined;
  const first = item.items[0]?.key;
  const last = item.items[item.items.length - 1]?.value;
  if (!isScalar(first) || !first.range || !isNode(last) || !last.range) return undefined;
  const column = first.range[0] - (text.lastIndexOf("\n", first.range[0] - 1) + 1);
  let p = last.range[1];
  while (p > 0 && /\s/.test(text[p - 1]!)) p--;
  const lineEnd = text.indexOf("\n", p) < 0 ? text.length : text.indexOf("\n", p);
  return `${text.slice(0, lineEnd)}\n${" ".repeat(column)}expires: ${date}${text.slice(lineEnd)}`;
}

/** Removes flow `name` from the file that defines it. */
export function removeFlow(files: readonly PolicyFile[], name: string): PolicyFile[] | Problem {
  const found = findFlow(files, name);
  if (!found) return problem("not-found", `Flow "${name}" is not in the policy`);
  const text = files[found.index]!.text;
  const spliced = spliceOut(text, found.item);
  if (spliced !== undefined && !findFlow([{ path: "", text: spliced }], name)) {
    const doc = parseDocument(spliced);
    if (doc.errors.length === 0) return replaceFile(files, found.index, spliced);
  }
  found.seq.items.splice(found.position, 1);
  return replaceFile(files, found.index, found.doc.toString(TO_STRING));
}

/** The text without the lines of one block list item ("- name: ..." up to the end of its last line). */
function spliceOut(text: string, item: YAMLMap): string | undefined {
  if (!item.range || item.flow) return undefined;
  const lineStart = text.lastIndexOf("\n", item.range[0] - 1) + 1;
  if (!/^\s*-\s+$/.test(text.slice(lineStart, item.range[0]))) return undefined;
  let p = item.range[1];
  while (p > item.range[0] && /\s/.test(text[p - 1]!)) p--;
  const lineEnd = text.indexOf("\n", p);
  return text.slice(0, lineStart) + (lineEnd < 0 ? "" : text.slice(lineEnd + 1));
}
