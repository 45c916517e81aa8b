// The classbench importer: ClassBench filter files, each line an accept rule of the list "classbench".
//
// Semantics: a filter matches the packets whose addresses are in both prefixes, whose protocol matches the
// value under the mask, and whose ports are in both ranges. Packets of protocols without ports are read as
// carrying ports 0 (as Rampart's packets do), so they match only when both ranges hold 0. TCP flags are not
// part of Rampart's model of new connections: a flags mask other than 0 is reported and left out.

import { hasPorts } from "../../../net/protocol.js";
import { diagnostic, type Diagnostic } from "../../../policy/diagnostics.js";
import type { PacketSet, PacketSpace } from "../../../space/packet-set.js";
import { allOf, portMatch, protocolMatch, type Range } from "../../match.js";
import type { ConfigFile, ImportContext, ImportedRule, Importer, ImportResult } from "../../model.js";
import { type ClassBenchFilter, isLineError, parseClassBenchLine } from "./parse.js";

export const CLASSBENCH_LIST = "classbench";

/** The protocols p with (p & mask) === (value & mask), as ranges. */
function protocolRanges(value: number, mask: number): Range[] {
  const out: Range[] = [];
  for (let p = 0; p <= 255; p++) {
    if ((p & mask) !== (value & mask)) continue;
    const last = out[out.length - 1];
    if (last && last.hi === p - 1) out[out.length - 1] = { lo: last.lo, hi: p };
    else out.push({ lo: p, hi: p });
  }
  return out;
}

function filterMatch(space: PacketSpace, f: ClassBenchFilter): PacketSet {
  const protos = protocolRanges(f.proto.value, f.proto.mask);
  const portProtos: number[] = [];
  const otherProtos: Range[] = [];
  for (const r of protos)
    for (let p = r.lo; p <= r.hi; p++) {
      if (hasPorts(p)) portProtos.push(p);
      else otherProtos.push({ lo: p, hi: p });
    }
  const addresses = space.prefix("src", f.src).intersect(space.prefix("dst", f.dst));
  const fullPorts = f.sport.lo === 0 && f.sport.hi === 65535 && f.dport.lo === 0 && f.dport.hi === 65535;
  if (fullPorts) return addresses.intersect(protocolMatch(space, protos));
  const ported = portMatch(space, portProtos, "src", [f.sport]).intersect(
    portMatch(space, portProtos, "dst", [f.dport]),
  );
  const zeroPorts = f.sport.lo === 0 && f.dport.lo === 0;
  const portless = zeroPorts ? protocolMatch(space, otherProtos) : space.none();
  return allOf(space, [addresses, ported.union(portless)]);
}

function importFile(file: ConfigFile, space: PacketSpace, rules: ImportedRule[], diagnostics: Diagnostic[]) {
  file.text.split("\n").forEach((raw, i) => {
    const text = raw.trim();
    if (text === "" || text.startsWith("#")) return;
    const line = i + 1;
    const r = parseClassBenchLine(raw);
    if (isLineError(r)) {
      diagnostics.push(
        diagnostic("config-syntax", "error", r.message, { file: file.name, line, column: r.column }),
      );
      return;
    }
    const loc = { file: file.name, line, column: 1 };
    if (r.hostBits)
      diagnostics.push(
        diagnostic(
          "config-syntax",
          "warning",
          "A prefix has host bits set; the filter uses its network",
          loc,
        ),
      );
    if (r.flags.mask !== 0)
      diagnostics.push(
        diagnostic(
          "config-unsupported",
          "warning",
          "TCP flags are not modelled: the rule is read as matching any flags",
          loc,
        ),
      );
    rules.push({
      action: "accept",
      match: filterMatch(space, r),
      source: { file: file.name, line, text },
      list: CLASSBENCH_LIST,
    });
  });
}

export const classbenchImporter: Importer = {
  id: "classbench",
  description:
    "ClassBench filter files (@SA/len DA/len sp : sp dp : dp proto/mask flags/mask), for benchmarks",
  import(files: readonly ConfigFile[], context: ImportContext): ImportResult {
    const rules: ImportedRule[] = [];
    const diagnostics: Diagnostic[] = [];
    for (const f of files) importFile(f, context.space, rules, diagnostics);
    let accepted: PacketSet | undefined;
    return {
      // Computed when first asked for: the union of 10,000 crossing filters is costly, and the classifier
      // and most analyses read the rules alone.
      get accepted(): PacketSet {
        accepted ??= context.space.unionAll(rules.map((r) => r.match));
        return accepted;
      },
      rules,
      lists: [{ name: CLASSBENCH_LIST, fallThrough: "drop" }],
      diagnostics,
    };
  },
};
