// The match extensions Rampart models (tcp, udp, sctp, multiport, icmp, icmp6, conntrack, state, set,
// iprange, comment) and the options of each; every other extension is read but marked unsupported.

import { type Family, tryParseAddress } from "../../../net/address.js";
import { PROTO } from "../../../net/protocol.js";
import type { Range } from "../../match.js";
import type { Condition } from "./conditions.js";
import { icmpSpec, portNumber, protocolNumber } from "./names.js";
import { parseAddress } from "./parse-rule.js";
import type { Token } from "./tokenize.js";

export interface OptionInput {
  readonly option: Token;
  readonly values: readonly Token[];
  readonly negate: boolean;
  readonly family: Family;
}

export type OptionResult =
  { readonly conditions: readonly Condition[]; readonly comment?: string } | { readonly error: string };

export interface OptionSpec {
  /** How many words follow the option. */
  readonly arity: number;
  readonly handle: (input: OptionInput) => OptionResult;
}

export interface MatchModule {
  /** Protocol modules match only their protocol's packets. */
  readonly proto?: number;
  readonly options: Readonly<Record<string, OptionSpec>>;
}

const ok = (...conditions: Condition[]): OptionResult => ({ conditions });
const unsupported = (i: OptionInput, what: string): OptionResult =>
  ok({ kind: "unsupported", what, column: i.option.column });

/** "22", "1000:2000", ":1023", "1024:"; a message when it is not a port or range. */
export function parsePortRange(text: string): Range | string {
  const parts = text.split(":");
  if (parts.length > 2) return `"${text}" is not a port or port range`;
  const lo = parts[0] === "" && parts.length === 2 ? 0 : portNumber(parts[0]!);
  const hi = parts.length === 1 ? lo : parts[1] === "" ? 65535 : portNumber(parts[1]!);
  if (lo === undefined || hi === undefined) return `"${text}" is not a port or port range`;
  // iptables swaps a reversed range rather than refusing it.
  return { lo: Math.min(lo, hi), hi: Math.max(lo, hi) };
}

function ports(proto: number | "rule", dir: "src" | "dst" | "either", list: boolean): OptionSpec {
  return {
    arity: 1,
    handle: (i) => {
      const texts = list ? i.values[0]!.text.split(",") : [i.values[0]!.text];
      const ranges: Range[] = [];
      for (const t of texts) {
        const r = parsePortRange(t);
        if (typeof r === "string") return { error: r };
        ranges.push(r);
      }
      if (list && texts.length > 15)
        return { error: `multiport takes at most 15 ports; "${i.values[0]!.text}" has more` };
      return ok({ kind: "ports", proto, dir, negate: i.negate, ranges, column: i.option.column });
    },
  };
}

/** `--tcp-flags MASK COMP` against a connection's first packet: SYN, or SYN with ECE and CWR (ECN). */
function tcpFlags(i: OptionInput): OptionResult {
  const bits: Record<string, number> = {
    FIN: 1,
    SYN: 2,
    RST: 4,
    PSH: 8,
    ACK: 16,
    URG: 32,
    ECE: 64,
    CWR: 128,
  };
  const read = (t: string): number | undefined => {
    if (t === "ALL") return 255;
    if (t === "NONE") return 0;
    let n = 0;
    for (const w of t.split(",")) {
      const b = bits[w];
      if (b === undefined) return undefined;
      n |= b;
    }
    return n;
  };
  const mask = read(i.values[0]!.text);
  const comp = read(i.values[1]!.text);
  if (mask === undefined || comp === undefined) return { error: "--tcp-flags takes two lists of TCP flags" };
  const test = (flags: number) => ((flags & mask) === comp) !== i.negate;
  const plain = test(bits["SYN"]!);
  if (plain !== test(bits["SYN"]! | bits["ECE"]! | bits["CWR"]!))
    return unsupported(i, "--tcp-flags that tell ECN connections from others");
  return ok({ kind: "protocol-test", proto: PROTO.tcp, matches: plain, column: i.option.column });
}

function protocolModule(proto: number, extra: Record<string, OptionSpec> = {}): MatchModule {
  const withPorts = proto === PROTO.tcp || proto === PROTO.udp || proto === PROTO.sctp;
  const portSpec = (dir: "src" | "dst"): OptionSpec =>
    withPorts
      ? ports(proto, dir, false)
      : { arity: 1, handle: (i) => unsupported(i, `ports of protocol ${proto}`) };
  return {
    proto,
    options: {
      "--sport": portSpec("src"),
      "--source-port": portSpec("src"),
      "--dport": portSpec("dst"),
      "--destination-port": portSpec("dst"),
      ...extra,
    },
  };
}

function icmpOption(family: Family): OptionSpec {
  return {
    arity: 1,
    handle: (i) => {
      const spec = icmpSpec(family, i.values[0]!.text);
      if (!spec) return { error: `"${i.values[0]!.text}" is not an ICMP${family === 6 ? "v6" : ""} type` };
      return ok({ kind: "icmp", family, negate: i.negate, spec, column: i.option.column });
    },
  };
}

const STATES = new Set(["NEW", "ESTABLISHED", "RELATED", "INVALID", "UNTRACKED", "SNAT", "DNAT"]);

const stateOption: OptionSpec = {
  arity: 1,
  handle: (i) => {
    const states = i.values[0]!.text.toUpperCase().split(",");
    const bad = states.find((s) => !STATES.has(s));
    if (bad !== undefined) return { error: `Unknown connection state "${bad}"` };
    if (states.includes("SNAT") || states.includes("DNAT"))
      return unsupported(i, "connection states SNAT and DNAT");
    return ok({ kind: "state", negate: i.negate, states, column: i.option.column });
  },
};

function rangeOption(dir: "src" | "dst"): OptionSpec {
  return {
    arity: 1,
    handle: (i) => {
      const [a, b] = i.values[0]!.text.split("-");
      const lo = tryParseAddress(a ?? "");
      const hi = b === undefined ? lo : tryParseAddress(b);
      if (!lo || !hi || lo.family !== i.family || hi.family !== i.family)
        return { error: `"${i.values[0]!.text}" is not an IPv${i.family} address range` };
      return ok({
        kind: "range",
        dir,
        negate: i.negate,
        lo: lo.value,
        hi: hi.value,
        column: i.option.column,
      });
    },
  };
}

const matchSet: OptionSpec = {
  arity: 2,
  handle: (i) =>
    ok({
      kind: "set",
      negate: i.negate,
      name: i.values[0]!.text,
      flags: i.values[1]!.text.split(","),
      column: i.option.column,
    }),
};

const ignored: OptionSpec = { arity: 0, handle: () => ok() };
const notModelled = (arity: number, what: string): OptionSpec => ({
  arity,
  handle: (i) => unsupported(i, what),
});

/**
 * A conntrack address of the connection's original or reply direction, as the packet's own source or
 * destination: for a connection's first packet they are the same but for NAT, which Rampart does not model
 * (the nat table is reported as ignored).
 */
function ctAddress(dir: "src" | "dst"): OptionSpec {
  return {
    arity: 1,
    handle: (i) => {
      const prefixes = [];
      for (const text of i.values[0]!.text.split(",")) {
        const p = parseAddress(text, i.family);
        if (typeof p === "string") return { error: p };
        if (p === undefined) return unsupported(i, `host name "${text}"`);
        prefixes.push(p);
      }
      return ok({ kind: "address", dir, negate: i.negate, prefixes, column: i.option.column });
    },
  };
}

function ctPort(dir: "src" | "dst"): OptionSpec {
  return {
    arity: 1,
    handle: (i) => {
      const r = parsePortRange(i.values[0]!.text);
      if (typeof r === "string") return { error: r };
      return ok({
        kind: "ports",
        proto: "rule",
        dir,
        negate: i.negate,
        ranges: [r],
        column: i.option.column,
      });
    },
  };
}

const conntrack: MatchModule = {
  options: {
    "--ctorigsrc": ctAddress("src"),
    "--ctorigdst": ctAddress("dst"),
    "--ctreplsrc": ctAddress("dst"),
    "--ctrepldst": ctAddress("src"),
    "--ctorigsrcport": ctPort("src"),
    "--ctorigdstport": ctPort("dst"),
    "--ctreplsrcport": ctPort("dst"),
    "--ctrepldstport": ctPort("src"),
    "--ctstatus": notModelled(1, "--ctstatus"),
    "--ctexpire": notModelled(1, "--ctexpire"),
    "--ctstate": stateOption,
    "--ctdir": {
      arity: 1,
      handle: (i) => {
        const d = i.values[0]!.text.toUpperCase();
        if (d !== "ORIGINAL" && d !== "REPLY") return { error: `"--ctdir" is ORIGINAL or REPLY, not "${d}"` };
        // A connection's first packet always travels in the original direction.
        return ok({ kind: "constant", matches: (d === "ORIGINAL") !== i.negate, column: i.option.column });
      },
    },
    "--ctproto": {
      arity: 1,
      handle: (i) => {
        const proto = protocolNumber(i.values[0]!.text);
        if (proto === undefined) return { error: `Unknown protocol "${i.values[0]!.text}"` };
        return ok({ kind: "protocol", negate: i.negate, proto, column: i.option.column });
      },
    },
  },
};

const MODULES: Readonly<Record<string, MatchModule>> = {
  tcp: protocolModule(PROTO.tcp, {
    "--syn": {
      arity: 0,
      handle: (i) =>
        ok({ kind: "protocol-test", proto: PROTO.tcp, matches: !i.negate, column: i.option.column }),
    },
    "--tcp-flags": { arity: 2, handle: tcpFlags },
    "--tcp-option": notModelled(1, "--tcp-option"),
  }),
  udp: protocolModule(PROTO.udp),
  sctp: protocolModule(PROTO.sctp, { "--chunk-types": notModelled(2, "--chunk-types") }),
  dccp: protocolModule(33, {
    "--dccp-types": notModelled(1, "--dccp-types"),
    "--dccp-option": notModelled(1, "--dccp-option"),
  }),
  udplite: protocolModule(136),
  icmp: { proto: PROTO.icmp, options: { "--icmp-type": icmpOption(4) } },
  icmp6: { proto: PROTO.icmpv6, options: { "--icmpv6-type": icmpOption(6) } },
  multiport: {
    options: {
      "--sports": ports("rule", "src", true),
      "--source-ports": ports("rule", "src", true),
      "--dports": ports("rule", "dst", true),
      "--destination-ports": ports("rule", "dst", true),
      "--ports": ports("rule", "either", true),
    },
  },
  conntrack,
  state: { options: { "--state": stateOption } },
  set: {
    options: {
      "--match-set": matchSet,
      "--set": matchSet,
      "--return-nomatch": notModelled(0, "--return-nomatch"),
      "--update-counters": ignored,
      "--update-subcounters": ignored,
    },
  },
  iprange: { options: { "--src-range": rangeOption("src"), "--dst-range": rangeOption("dst") } },
  comment: {
    options: {
      "--comment": { arity: 1, handle: (i) => ({ conditions: [], comment: i.values[0]!.text }) },
    },
  },
};

/** The module a `-m NAME` loads; undefined for extensions Rampart does not model. */
export function matchModule(name: string): MatchModule | undefined {
  return MODULES[name === "ipv6-icmp" || name === "icmpv6" ? "icmp6" : name];
}

/** The module `-p NAME` loads by itself, so `-p tcp --dport 22` needs no `-m tcp`. */
export function protocolModuleName(proto: number, family: Family): string | undefined {
  switch (proto) {
    case PROTO.tcp:
      return "tcp";
    case PROTO.udp:
      return "udp";
    case PROTO.sctp:
      return "sctp";
    case 33:
      return "dccp";
    case 136:
      return "udplite";
    case PROTO.icmp:
      return family === 4 ? "icmp" : undefined;
    case PROTO.icmpv6:
      return family === 6 ? "icmp6" : undefined;
    default:
      return undefined;
  }
}
