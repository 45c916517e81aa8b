// From an imported rule list to the compile IR: each rule's exact match split into boxes, in order, so that a
// target renders the list and the proof compares its output with what the list accepts.

import type { Family } from "../net/address.js";
import { diagnostic, type Diagnostic } from "../policy/diagnostics.js";
import type { EnforcementPoint } from "../policy/types.js";
import type { ImportedRule, RuleList } from "../import/model.js";
import type { PacketSet, PacketSpace } from "../space/packet-set.js";
import { boxToSet, decompose } from "../space/summarize.js";
import { boxToRule, type IrPoint, type IrRule } from "./ir.js";
import { splitProtocols, unsupported } from "./lower.js";
import type { Target } from "./target.js";

/** Most boxes one rule may split into before it is refused. */
const MAX_BOXES = 100_000;

export interface ListIr {
  readonly ir: IrPoint;
  /** Each rule (or part) the target cannot express, naming the rule's line. */
  readonly diagnostics: Diagnostic[];
  /** Packets the list accepts that the IR leaves out because the target cannot express them. */
  readonly refused: PacketSet;
}

function syntheticPoint(name: string, target: Target, list: RuleList): EnforcementPoint {
  const loc = { file: list.source?.file ?? "", line: list.source?.line ?? 1, column: 1 };
  return {
    name,
    loc,
    target: { value: target.id, loc },
    zones: [],
    role: "network",
    interfaces: {},
    options: {},
  };
}

interface Emitted {
  readonly rules: IrRule[];
  /** Why the rule (or part of it) could not be written; empty when it all was. */
  readonly problems: string[];
  readonly unwritten: PacketSet;
}

/** The IR rules for one set, one family at a time; what the target cannot express is left out and said. */
function emit(
  space: PacketSpace,
  set: PacketSet,
  action: IrRule["action"],
  name: string,
  target: Target,
): Emitted {
  const rules: IrRule[] = [];
  const problems: string[] = [];
  let unwritten = space.none();
  for (const family of [4, 6] as Family[]) {
    const part = set.intersect(space.family(family));
    if (part.isEmpty()) continue;
    const { boxes, truncated } = decompose(part, MAX_BOXES, MAX_BOXES);
    if (truncated) {
      problems.push("its packet set splits into too many rules");
      unwritten = unwritten.union(part);
      continue;
    }
    for (const box of boxes.flatMap((b) => splitProtocols(b, target.capabilities))) {
      const why = unsupported(box, target);
      if (why !== undefined) {
        problems.push(why);
        unwritten = unwritten.union(boxToSet(space, box));
      } else rules.push(boxToRule(box, action, { kind: action === "accept" ? "flow" : "deny", name }, false));
    }
  }
  return { rules, problems, unwritten };
}

/**
 * The IR of one list for a network-role point named `name` (default drop), each IR rule named by `ruleName`. Rules that decide nothing ("other")
 * are left out. A drop the target cannot write (or a target without drops) is subtracted from every later
 * accept, so first match stays exact; an accept it cannot write is refused. A list that accepts by default ends in an accept of all the
 * rest; one that falls through ("next") is rendered as dropping, with a warning.
 */
export function listToIr(
  space: PacketSpace,
  rules: readonly ImportedRule[],
  list: RuleList,
  target: Target,
  name: string,
  ruleName: (r: ImportedRule) => string = (r) => r.label ?? r.source.text,
): ListIr {
  const point = syntheticPoint(name, target, list);
  const diagnostics: Diagnostic[] = [];
  const forward: IrRule[] = [];
  let blocked = space.none();
  let refused = space.none();
  const refuse = (r: ImportedRule | undefined, problems: readonly string[]) => {
    const loc = r ? { file: r.source.file, line: r.source.line, column: 1 } : point.loc;
    const what = r ? `"${r.source.text}"` : `the default of "${list.name}"`;
    for (const why of [...new Set(problems)])
      diagnostics.push(
        diagnostic("target-refused", "error", `${what} cannot be written for ${target.id}: ${why}`, loc),
      );
  };
  const add = (r: ImportedRule | undefined, match: PacketSet, action: "accept" | "drop", label: string) => {
    // A target that cannot drop ahead of accepts gets the drop subtracted from every later accept instead.
    if (action === "drop" && !target.capabilities.deny) {
      blocked = blocked.union(match);
      return;
    }
    const out = emit(space, action === "accept" ? match.minus(blocked) : match, action, label, target);
    forward.push(...out.rules);
    if (out.problems.length > 0) refuse(r, out.problems);
    if (action === "drop") blocked = blocked.union(out.unwritten);
    else refused = refused.union(out.unwritten);
  };
  for (const r of rules) {
    if (r.list !== list.name || r.action === "other" || r.match.isEmpty()) continue;
    add(r, r.match, r.action, ruleName(r));
  }
  if (list.fallThrough === "accept") add(undefined, space.all(), "accept", `default accept of ${list.name}`);
  if (list.fallThrough === "next")
    diagnostics.push(
      diagnostic(
        "target-refused",
        "warning",
        `"${list.name}" returns to its caller when no rule decides; the ${target.id} output drops instead`,
        point.loc,
      ),
    );
  const ir: IrPoint = { point, zones: [], zoneNetworks: new Map(), forward, hosts: [], replies: false };
  return { ir, diagnostics, refused };
}
