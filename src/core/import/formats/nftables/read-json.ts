// `nft -j list ruleset` JSON (libnftables' JSON schema) rendered as the nft commands it stands for, one per
// line, so the text parser builds the same ruleset; each line remembers where its object is in the JSON.

// The positional JSON parser is the AWS importer's: JSON.parse forgets where things were.
import { type JsonPos, type JsonValue, parseJson } from "../aws-sg/json-parse.js";

/** The JSON file as nft commands: line k of `text` comes from the object at `positions[k - 1]`. */
export interface RenderedJson {
  readonly text: string;
  readonly positions: readonly JsonPos[];
  /** Objects that could not be rendered (malformed JSON, unknown commands), with where they are. */
  readonly problems: readonly { readonly message: string; readonly pos: JsonPos }[];
}

type Plain = null | boolean | number | string | Plain[] | { [key: string]: Plain };

/** True when the text is JSON rather than nft syntax (nft text never starts with a brace). */
export function isJsonRuleset(text: string): boolean {
  return /^\s*[[{]/.test(text);
}

export function renderJsonRuleset(text: string): RenderedJson {
  const lines: string[] = [];
  const positions: JsonPos[] = [];
  const problems: { message: string; pos: JsonPos }[] = [];
  const parsed = parseJson(text);
  if (!parsed.ok) {
    problems.push({ message: `Invalid JSON: ${parsed.message}`, pos: parsed.pos });
    return { text: "", positions, problems };
  }
  const root = parsed.value;
  const list = root.kind === "object" ? root.entries.find((e) => e.key === "nftables")?.value : undefined;
  if (!list || list.kind !== "array") {
    problems.push({ message: 'nft JSON needs {"nftables": [...]} at the top', pos: root.pos });
    return { text: "", positions, problems };
  }
  for (const item of list.items) {
    const rendered = item.kind === "object" ? renderCommand(plain(item) as Record<string, Plain>) : undefined;
    if (rendered === undefined) {
      const key = item.kind === "object" ? (item.entries[0]?.key ?? "") : item.kind;
      problems.push({ message: `Unknown nft JSON object "${key}"`, pos: item.pos });
      continue;
    }
    if (rendered === "") continue;
    lines.push(rendered);
    // The command's key ("rule": ...) is where a person looks for it; pretty-printed, it is its own line.
    positions.push(item.kind === "object" ? (item.entries[0]?.keyPos ?? item.pos) : item.pos);
  }
  return { text: lines.join("\n") + "\n", positions, problems };
}

function plain(v: JsonValue): Plain {
  switch (v.kind) {
    case "object":
      return Object.fromEntries(v.entries.map((e) => [e.key, plain(e.value)]));
    case "array":
      return v.items.map(plain);
    case "string":
    case "number":
    case "boolean":
      return v.value;
    case "null":
      return null;
  }
}

const VERBS = new Set(["add", "create", "insert", "replace", "delete", "destroy", "flush", "reset"]);
const OBJECTS = new Set([
  "counter",
  "quota",
  "limit",
  "ct helper",
  "ct timeout",
  "ct expectation",
  "secmark",
  "synproxy",
]);

/** One command object: `{"table": {...}}` (a listing) or `{"add": {"rule": {...}}}`; "" to skip. */
function renderCommand(o: Record<string, Plain>): string | undefined {
  const [key, value] = Object.entries(o)[0] ?? [];
  if (key === undefined) return undefined;
  if (key === "metainfo") return "";
  if (VERBS.has(key)) {
    const inner = obj(value);
    const [kind, body] = Object.entries(inner)[0] ?? [];
    if (kind === undefined) return undefined;
    if (kind === "ruleset")
      return `${key} ruleset${str(obj(body)["family"]) ? ` ${str(obj(body)["family"])}` : ""}`;
    return renderObject(key, kind, obj(body));
  }
  return renderObject("add", key, obj(value));
}

function renderObject(verb: string, kind: string, b: Record<string, Plain>): string | undefined {
  const where = `${str(b["family"])} ${name(b["table"])}`;
  switch (kind) {
    case "table":
      return `${verb} table ${str(b["family"])} ${name(b["name"])}${hasFlag(b, "dormant") ? " { flags dormant; }" : ""}`;
    case "chain":
      return `${verb} chain ${where} ${name(b["name"])}${chainBody(b)}`;
    case "rule": {
      const exprs = Array.isArray(b["expr"]) ? b["expr"] : [];
      const comment = str(b["comment"]) ? ` comment ${quote(str(b["comment"]))}` : "";
      const head = verb === "replace" || verb === "delete" ? verb : verb === "insert" ? "insert" : "add";
      return `${head} rule ${where} ${name(b["chain"])} ${exprs.map(statement).join(" ")}${comment}`.trimEnd();
    }
    case "set":
    case "map":
      return `${verb} ${kind} ${where} ${name(b["name"])} ${setBody(b, kind === "map")}`;
    case "element":
      return `${verb} element ${where} ${name(b["name"])} { ${elements(b["elem"], false)} }`;
    case "flowtable":
      return `${verb} flowtable ${where} ${name(b["name"])}`;
    default:
      if (OBJECTS.has(kind)) return `${verb} ${kind.split(" ")[0]} ${where} ${name(b["name"])}`;
      return undefined;
  }
}

function chainBody(b: Record<string, Plain>): string {
  if (b["type"] === undefined || b["hook"] === undefined) return "";
  const prio = typeof b["prio"] === "number" || typeof b["prio"] === "string" ? String(b["prio"]) : "0";
  const policy = str(b["policy"]) ? ` policy ${str(b["policy"])};` : "";
  return ` { type ${str(b["type"])} hook ${str(b["hook"])} priority ${prio};${policy} }`;
}

function setBody(b: Record<string, Plain>, map: boolean): string {
  const type = (t: Plain | undefined) => (Array.isArray(t) ? t.map(str).join(" . ") : str(t));
  const parts = [`type ${type(b["type"])}${map ? ` : ${type(b["map"])}` : ""};`];
  const flags = Array.isArray(b["flags"]) ? b["flags"].map(str) : str(b["flags"]) ? [str(b["flags"])] : [];
  if (flags.length > 0) parts.push(`flags ${flags.join(",")};`);
  if (Array.isArray(b["elem"]) && b["elem"].length > 0)
    parts.push(`elements = { ${elements(b["elem"], map)} };`);
  return `{ ${parts.join(" ")} }`;
}

/** Set elements; a map's are [key, value] pairs. */
function elements(elem: Plain | undefined, map: boolean): string {
  if (!Array.isArray(elem)) return "";
  return elem
    .map((e) => (map && Array.isArray(e) && e.length === 2 ? `${value(e[0]!)} : ${mapped(e[1]!)}` : value(e)))
    .join(", ");
}

/** A map element's data: a verdict (`{"accept": null}`) or a value. */
function mapped(v: Plain): string {
  const o = obj(v);
  const key = Object.keys(o)[0];
  if (key !== undefined && /^(accept|drop|continue|return|jump|goto)$/.test(key))
    return verdict(key, o[key]!);
  return value(v);
}

function verdict(key: string, body: Plain): string {
  return key === "jump" || key === "goto" ? `${key} ${name(obj(body)["target"])}` : key;
}

/** One statement of a rule's "expr" array. */
function statement(s: Plain): string {
  // nft writes statements it has no JSON form for (anonymous chains, dynamic set updates) as their text.
  if (typeof s === "string")
    return s
      .replace(/\{\s*\n\s*/g, "{ ")
      .replace(/\s*\n\s*\}/g, " }")
      .replace(/\s*\n\s*/g, "; ");
  const o = obj(s);
  const [key, body] = Object.entries(o)[0] ?? ["", null];
  switch (key) {
    case "match": {
      const m = obj(body);
      const op = str(m["op"]);
      const shown = op === "==" || op === "in" ? "" : op === "!=" ? "!= " : `${op} `;
      return `${expression(m["left"]!)} ${shown}${value(m["right"]!)}`;
    }
    case "accept":
    case "drop":
    case "continue":
    case "return":
    case "jump":
    case "goto":
      return verdict(key, body!);
    case "vmap": {
      const v = obj(body);
      const data = v["data"];
      const map = typeof data === "string" ? data : `{ ${elements(obj(data)["set"] ?? [], true)} }`;
      return `${expression(v["key"]!)} vmap ${map}`;
    }
    case "counter": {
      if (typeof body === "string") return `counter name ${quote(body)}`;
      const c = obj(body);
      return typeof c["packets"] === "number"
        ? `counter packets ${c["packets"]} bytes ${Number(c["bytes"] ?? 0)}`
        : "counter";
    }
    case "log": {
      const prefix = str(obj(body)["prefix"]);
      return prefix ? `log prefix ${quote(prefix)}` : "log";
    }
    case "reject":
      return "reject";
    case "queue":
      return "queue";
    case "limit": {
      const l = obj(body);
      return `limit rate ${l["inv"] === true ? "over " : ""}${Number(l["rate"] ?? 0)}/${str(l["per"]) || "second"}`;
    }
    case "snat":
    case "dnat":
    case "masquerade":
    case "redirect": {
      const addr = obj(body)["addr"];
      return addr !== undefined && addr !== null ? `${key} to ${value(addr)}` : key;
    }
    case "mangle": {
      const m = obj(body);
      return `${expression(m["key"]!)} set ${value(m["value"]!)}`;
    }
    case "notrack":
      return "notrack";
    case "quota": {
      const q = obj(body);
      return `quota ${q["inv"] === true ? "over " : ""}${Number(q["val"] ?? 0)} ${str(q["val_unit"]) || "bytes"}`;
    }
    case "ct helper":
      return `ct helper set ${quote(str(body))}`;
    case "set": {
      const u = obj(body);
      return `${str(u["op"]) || "add"} ${str(u["set"])} { ${expression(u["elem"]!)} }`;
    }
    default:
      // An unknown statement becomes a word the text parser reports as not modelled.
      return `${key.replace(/\s+/g, "_") || "unknown"}_statement`;
  }
}

/** The left side of a match: a payload field, meta or ct key, a concatenation. */
function expression(e: Plain): string {
  if (typeof e !== "object" || e === null || Array.isArray(e)) return value(e);
  const [key, body] = Object.entries(e)[0] ?? ["", null];
  const b = obj(body);
  switch (key) {
    case "payload":
      if (str(b["protocol"])) return `${str(b["protocol"])} ${str(b["field"])}`;
      return `@${str(b["base"])},${Number(b["offset"] ?? 0)},${Number(b["len"] ?? 0)}`;
    case "meta":
      return `meta ${str(b["key"])}`;
    case "ct":
      return `ct${str(b["dir"]) ? ` ${str(b["dir"])}` : ""} ${str(b["key"])}`;
    case "concat":
      return Array.isArray(body) ? body.map(expression).join(" . ") : "";
    case "&":
    case "|":
    case "^":
    case "<<":
    case ">>":
      return Array.isArray(body) ? body.map(expression).join(` ${key} `) : "";
    case "map":
      return `${expression(b["key"]!)} map ${value(b["data"]!)}`;
    case "exthdr":
      return `exthdr ${str(b["name"])}${str(b["field"]) ? ` ${str(b["field"])}` : ""}`;
    default:
      return `${key.replace(/\s+/g, "_")}_expression`;
  }
}

/** A value: a literal, a named set "@x", an anonymous set, a range, a prefix, a concatenation. */
function value(v: Plain): string {
  if (v === null) return "";
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (typeof v === "string") return /^[\w.:/@*$-]+$/.test(v) ? v : quote(v);
  if (Array.isArray(v)) return `{ ${v.map(value).join(", ")} }`;
  const [key, body] = Object.entries(v)[0] ?? ["", null];
  switch (key) {
    case "set":
      return Array.isArray(body) ? `{ ${body.map(value).join(", ")} }` : value(body!);
    case "range":
      return Array.isArray(body) ? `${value(body[0]!)}-${value(body[1]!)}` : "";
    case "prefix":
      return `${value(obj(body)["addr"]!)}/${Number(obj(body)["len"] ?? 0)}`;
    case "concat":
      return Array.isArray(body) ? body.map(value).join(" . ") : "";
    case "elem":
      return value(obj(body)["val"]!);
    default:
      return expression(v);
  }
}

function obj(v: Plain | undefined): Record<string, Plain> {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? v : {};
}

function str(v: Plain | undefined): string {
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : "";
}

function name(v: Plain | undefined): string {
  const s = str(v);
  return /^[A-Za-z_][\w.-]*$/.test(s) ? s : quote(s);
}

function quote(s: string): string {
  return `"${s.replace(/"/g, "'")}"`;
}

function hasFlag(b: Record<string, Plain>, flag: string): boolean {
  const f = b["flags"];
  return Array.isArray(f) ? f.includes(flag) : f === flag;
}
