// Reading literal values out of parsed HCL: strings, numbers, lists, security-group references; whatever
// cannot be evaluated without running Terraform is reported as unsupported.

import type { HclExpr, HclItem, HclPos } from "./hcl-parse.js";
import type { FileDiagnostics } from "./sg-model.js";

/** The attributes of a block, or the entries of an object value, by name. */
export type Fields = ReadonlyMap<string, { readonly expr: HclExpr; readonly pos: HclPos }>;

/** Meta-arguments Terraform allows on every resource that do not change what a rule allows. */
const HARMLESS_META = new Set(["depends_on", "provider", "lifecycle", "region", "timeouts"]);

function whyNot(e: HclExpr): string {
  switch (e.kind) {
    case "unsupported":
      return e.why;
    case "ref":
      return `a reference to "${e.parts.join(".")}"`;
    case "list":
      return "a list";
    case "object":
      return "an object";
    case "bool":
      return "a boolean";
    case "null":
      return "null";
    case "string":
    case "number":
      return "a value";
  }
}

export class HclValues {
  constructor(private readonly d: FileDiagnostics) {}

  /** Attributes of a block; nested blocks other than `allowedBlocks` and meta-arguments are reported. */
  blockFields(
    body: readonly HclItem[],
    known: ReadonlySet<string>,
    what: string,
    allowedBlocks: ReadonlySet<string>,
  ) {
    const fields = new Map<string, { expr: HclExpr; pos: HclPos }>();
    for (const item of body) {
      if (item.kind === "block") {
        if (item.type === "dynamic")
          this.d.unsupported(item.pos, `Dynamic block "${item.labels[0] ?? ""}" in ${what} is not read`);
        else if (!allowedBlocks.has(item.type) && !HARMLESS_META.has(item.type))
          this.d.ignored(item.pos, `Block "${item.type}" in ${what} is ignored`);
        continue;
      }
      if (item.name === "count" || item.name === "for_each")
        this.d.unsupported(
          item.pos,
          `"${item.name}" on ${what} is not evaluated: the resource is read once, as written`,
        );
      else if (!known.has(item.name) && !HARMLESS_META.has(item.name))
        this.d.ignored(item.pos, `Attribute "${item.name}" of ${what} is ignored`);
      fields.set(item.name, { expr: item.value, pos: item.pos });
    }
    return fields;
  }

  /** The entries of an object value, as fields. */
  objectFields(e: HclExpr): Fields | undefined {
    if (e.kind !== "object") return undefined;
    return new Map(e.entries.map((en) => [en.key, { expr: en.value, pos: en.keyPos }]));
  }

  string(e: HclExpr | undefined, what: string): string | undefined {
    if (e === undefined || e.kind === "null") return undefined;
    if (e.kind === "string") return e.value;
    if (e.kind === "number") return String(e.value);
    if (e.kind === "bool") return String(e.value);
    this.d.unsupported(e.pos, `Cannot evaluate ${what}: it is ${whyNot(e)}`);
    return undefined;
  }

  number(e: HclExpr | undefined, what: string): number | undefined {
    if (e === undefined || e.kind === "null") return undefined;
    if (e.kind === "number") return e.value;
    if (e.kind === "string" && /^\s*-?[0-9]+\s*$/.test(e.value)) return Number(e.value);
    if (e.kind === "string") this.d.syntax(e.pos, `${what} must be a number, not "${e.value}"`);
    else this.d.unsupported(e.pos, `Cannot evaluate ${what}: it is ${whyNot(e)}`);
    return undefined;
  }

  bool(e: HclExpr | undefined, what: string): boolean {
    if (e === undefined || e.kind === "null") return false;
    if (e.kind === "bool") return e.value;
    if (e.kind === "string" && (e.value === "true" || e.value === "false")) return e.value === "true";
    this.d.unsupported(e.pos, `Cannot evaluate ${what}: it is ${whyNot(e)}; read as false`);
    return false;
  }

  /** The items of a list of strings (each with its place); items that are not strings are reported. */
  strings(e: HclExpr | undefined, what: string): { value: string; pos: HclPos }[] {
    if (e === undefined || e.kind === "null") return [];
    if (e.kind !== "list") {
      this.d.unsupported(e.pos, `Cannot evaluate ${what}: it is ${whyNot(e)}`);
      return [];
    }
    return e.items.flatMap((item) => {
      const v = this.string(item, `an entry of ${what}`);
      return v === undefined ? [] : [{ value: v, pos: item.pos }];
    });
  }

  /** A security group named by a rule: `aws_security_group.NAME.id` gives NAME, a string gives itself. */
  groupRef(e: HclExpr | undefined, what: string): { key: string; pos: HclPos } | undefined {
    if (e === undefined || e.kind === "null") return undefined;
    if (e.kind === "string") return { key: e.value, pos: e.pos };
    if (
      e.kind === "ref" &&
      e.parts.length === 3 &&
      e.parts[0] === "aws_security_group" &&
      e.parts[2] === "id"
    )
      return { key: e.parts[1]!, pos: e.pos };
    this.d.unsupported(e.pos, `Cannot evaluate ${what}: it is ${whyNot(e)}`);
    return undefined;
  }

  /** Like `groupRef`, for a list of groups. */
  groupRefs(e: HclExpr | undefined, what: string): { key: string; pos: HclPos }[] {
    if (e === undefined || e.kind === "null") return [];
    if (e.kind !== "list") {
      this.d.unsupported(e.pos, `Cannot evaluate ${what}: it is ${whyNot(e)}`);
      return [];
    }
    return e.items.flatMap((item) => this.groupRef(item, `an entry of ${what}`) ?? []);
  }
}
