// Capirca's naming definitions: NETWORK.net and SERVICES.svc files (and Aerleon's naming.yaml), resolved with
// nested names the way its naming.py does.

import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node } from "yaml";
import { type Prefix, checkPrefix } from "../../../net/prefix.js";
import type { Range } from "../../match.js";
import type { ConfigFile } from "../../model.js";
import type { Loc, Report } from "./report.js";

/** One value of a definition: a literal (prefix, `port/proto`) or another definition's name. */
export interface DefinitionValue {
  readonly text: string;
  readonly loc: Loc;
}

export interface Definition {
  readonly name: string;
  readonly loc: Loc;
  readonly values: DefinitionValue[];
}

export type DefinitionKind = "network" | "service";

/** One service value: ports of one protocol (by Capirca name). */
export interface ServicePorts {
  readonly protocol: string;
  readonly ports: Range;
}

const MAX_DEPTH = 50;

/** Every network and service name of the definition files, resolved on demand and memoized. */
export class Definitions {
  readonly networks = new Map<string, Definition>();
  readonly services = new Map<string, Definition>();
  private readonly networkMemo = new Map<string, Prefix[]>();
  private readonly serviceMemo = new Map<string, ServicePorts[]>();

  constructor(private readonly report: Report) {}

  add(kind: DefinitionKind, def: Definition): void {
    const table = kind === "network" ? this.networks : this.services;
    const earlier = table.get(def.name);
    if (earlier) {
      // naming.py refuses a name defined twice; the later definition is kept here so reading goes on.
      this.report(
        "config-syntax",
        "error",
        `${kind === "network" ? "Network" : "Service"} "${def.name}" is defined twice (first at ${earlier.loc.file}:${earlier.loc.line})`,
        def.loc,
      );
    }
    table.set(def.name, def);
  }

  /** The prefixes a network name stands for; undefined when the name is not defined (not reported). */
  network(name: string): Prefix[] | undefined {
    if (!this.networks.has(name)) return undefined;
    return this.resolveNetwork(name, []);
  }

  /** The ports a service name stands for; undefined when the name is not defined (not reported). */
  service(name: string): ServicePorts[] | undefined {
    if (!this.services.has(name)) return undefined;
    return this.resolveService(name, []);
  }

  private resolveNetwork(name: string, stack: string[]): Prefix[] {
    const memo = this.networkMemo.get(name);
    if (memo) return memo;
    const def = this.networks.get(name)!;
    const out: Prefix[] = [];
    for (const v of def.values) {
      if (/^[0-9a-fA-F:.]+(\/[0-9]+)?$/.test(v.text) && /[.:]/.test(v.text)) {
        const r = checkPrefix(v.text);
        if (r.ok) out.push(r.prefix);
        else if (r.reason === "host-bits") {
          // Capirca reads addresses with strict=False: the host bits are dropped.
          this.report("config-syntax", "warning", `${r.message}; read as the network`, v.loc);
          out.push(r.network);
        } else this.report("config-syntax", "error", `Invalid address ${r.message}`, v.loc);
      } else out.push(...this.nested("network", name, v, stack, (n, s) => this.resolveNetwork(n, s)));
    }
    this.networkMemo.set(name, out);
    return out;
  }

  private resolveService(name: string, stack: string[]): ServicePorts[] {
    const memo = this.serviceMemo.get(name);
    if (memo) return memo;
    const def = this.services.get(name)!;
    const out: ServicePorts[] = [];
    for (const v of def.values) {
      const m = /^([0-9]+)(?:-([0-9]+))?\/([A-Za-z0-9-]+)$/.exec(v.text);
      if (m) {
        const lo = Number(m[1]);
        const hi = m[2] === undefined ? lo : Number(m[2]);
        if (lo > 65535 || hi > 65535 || lo > hi)
          this.report("config-syntax", "error", `Invalid port range "${v.text}"`, v.loc);
        else out.push({ protocol: m[3]!.toLowerCase(), ports: { lo, hi } });
      } else if (/^[0-9]/.test(v.text) || v.text.includes("/"))
        this.report(
          "config-syntax",
          "error",
          `Invalid service "${v.text}": expected PORT[-PORT]/PROTOCOL`,
          v.loc,
        );
      else out.push(...this.nested("service", name, v, stack, (n, s) => this.resolveService(n, s)));
    }
    this.serviceMemo.set(name, out);
    return out;
  }

  private nested<T>(
    kind: DefinitionKind,
    name: string,
    v: DefinitionValue,
    stack: string[],
    resolve: (name: string, stack: string[]) => T[],
  ): T[] {
    const table = kind === "network" ? this.networks : this.services;
    if (!table.has(v.text)) {
      this.report("config-syntax", "error", `Undefined ${kind} "${v.text}" in "${name}"`, v.loc);
      return [];
    }
    if (stack.includes(v.text) || v.text === name || stack.length > MAX_DEPTH) {
      this.report("config-syntax", "error", `${kind} "${name}" refers to itself through "${v.text}"`, v.loc);
      return [];
    }
    return resolve(v.text, [...stack, name]);
  }
}

/** Which kind of definitions a file holds, by its name; undefined for other files. */
export function definitionKind(file: ConfigFile): DefinitionKind | "yaml" | undefined {
  if (/\.net$/i.test(file.name)) return "network";
  if (/\.svc$/i.test(file.name)) return "service";
  if (/\.ya?ml$/i.test(file.name) && /^\s*(networks|services)\s*:/m.test(file.text)) return "yaml";
  return undefined;
}

/**
 * Reads a .net or .svc file: `NAME = value value # comment`, with more values on the lines that follow (a line
 * without "=").
 */
export function readNamingText(
  file: ConfigFile,
  kind: DefinitionKind,
  defs: Definitions,
  report: Report,
): void {
  let current: Definition | undefined;
  const lines = file.text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    const hash = raw.indexOf("#");
    const body = hash >= 0 ? raw.slice(0, hash) : raw;
    if (body.trim() === "") return;
    let rest = body;
    let column = 1;
    const eq = body.indexOf("=");
    if (eq >= 0) {
      const name = body.slice(0, eq).trim();
      if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
        report("config-syntax", "error", `Invalid definition name "${name}"`, {
          file: file.name,
          line,
          column: 1,
        });
        current = undefined;
        return;
      }
      current = { name, loc: { file: file.name, line, column: body.indexOf(name) + 1 }, values: [] };
      defs.add(kind, current);
      rest = body.slice(eq + 1);
      column = eq + 2;
    } else if (!current) {
      report("config-syntax", "error", "Value outside any definition", { file: file.name, line, column: 1 });
      return;
    }
    for (const m of rest.matchAll(/\S+/g))
      current!.values.push({ text: m[0], loc: { file: file.name, line, column: column + m.index } });
  });
}

/** Reads Aerleon's YAML definitions: `networks: NAME: values: [{address}|{name}]`, `services: NAME: [{port, protocol}|{name}]`. */
export function readNamingYaml(file: ConfigFile, defs: Definitions, report: Report): void {
  const counter = new LineCounter();
  const doc = parseDocument(file.text, { lineCounter: counter });
  const at = (node: Node | null | undefined): Loc => {
    const pos = counter.linePos(node?.range?.[0] ?? 0);
    return { file: file.name, line: pos.line, column: pos.col };
  };
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const pos = counter.linePos(e.pos[0]);
      report("config-syntax", "error", e.message.split("\n")[0]!, {
        file: file.name,
        line: pos.line,
        column: pos.col,
      });
    }
    return;
  }
  const root = doc.contents;
  if (!isMap(root)) return;
  for (const top of root.items) {
    const section = isScalar(top.key) ? String(top.key.value) : "";
    if (section !== "networks" && section !== "services") {
      report("config-ignored", "info", `Section "${section}" is not read`, at(top.key as Node));
      continue;
    }
    if (!isMap(top.value)) continue;
    for (const item of top.value.items) {
      const name = isScalar(item.key) ? String(item.key.value) : "";
      const def: Definition = { name, loc: at(item.key as Node), values: [] };
      const list = section === "networks" && isMap(item.value) ? item.value.get("values", true) : item.value;
      if (isSeq(list))
        for (const entry of list.items) {
          if (!isMap(entry)) continue;
          const text = yamlValue(entry, section);
          if (entry.has("fqdn"))
            report(
              "config-unsupported",
              "warning",
              `Definition "${name}": FQDN entries are not resolved`,
              at(entry),
            );
          else if (text === undefined)
            report("config-syntax", "error", `Definition "${name}" has an entry it cannot read`, at(entry));
          else def.values.push({ text, loc: at(entry) });
        }
      else
        report("config-syntax", "error", `Definition "${name}" has no list of values`, at(item.key as Node));
      defs.add(section === "networks" ? "network" : "service", def);
    }
  }
}

function yamlValue(
  entry: { get(key: string): unknown },
  section: "networks" | "services",
): string | undefined {
  const name = entry.get("name");
  if (name !== undefined) return String(name);
  if (section === "networks") {
    const address = entry.get("address");
    return address === undefined ? undefined : String(address);
  }
  const port = entry.get("port");
  const protocol = entry.get("protocol");
  return port === undefined || protocol === undefined ? undefined : `${String(port)}/${String(protocol)}`;
}
