// One rule's words (what follows `-A CHAIN`) read into conditions and a target, the way iptables reads
// them: core options, `-m` extensions with their options, the protocol's own extension, `!` negation.

import { ADDRESS_BITS, type Family, tryParseAddress } from "../../../net/address.js";
import { type Prefix, prefixOf } from "../../../net/prefix.js";
import type { Condition, RuleTarget } from "./conditions.js";
import { type MatchModule, matchModule, type OptionSpec, protocolModuleName } from "./match-options.js";
import { protocolNumber } from "./names.js";
import type { Token } from "./tokenize.js";

export interface RuleProblem {
  readonly code: "config-syntax" | "config-unsupported";
  readonly column: number;
  readonly message: string;
}

export interface ParsedRule {
  readonly conditions: Condition[];
  readonly target: RuleTarget;
  readonly comment?: string;
  /** Syntax problems mean iptables-restore would refuse the rule; it is then left out. */
  readonly problems: RuleProblem[];
  /** The rule's words, for `-D CHAIN rule-spec`. */
  readonly spec: string;
}

const CORE: Readonly<Record<string, string>> = {
  "-s": "-s",
  "--source": "-s",
  "--src": "-s",
  "-d": "-d",
  "--destination": "-d",
  "--dst": "-d",
  "-p": "-p",
  "--protocol": "-p",
  "-i": "-i",
  "--in-interface": "-i",
  "-o": "-o",
  "--out-interface": "-o",
  "-f": "-f",
  "--fragment": "-f",
  "-m": "-m",
  "--match": "-m",
  "-j": "-j",
  "--jump": "-j",
  "-g": "-g",
  "--goto": "-g",
  "-c": "-c",
  "--set-counters": "-c",
  "-4": "-4",
  "--ipv4": "-4",
  "-6": "-6",
  "--ipv6": "-6",
};

const VERDICTS: Readonly<Record<string, "accept" | "drop" | "return">> = {
  ACCEPT: "accept",
  DROP: "drop",
  REJECT: "drop",
  TARPIT: "drop",
  RETURN: "return",
};
/** Targets that act and let the packet continue through the chain. */
const CONTINUING = new Set(
  "LOG NFLOG ULOG AUDIT TRACE MARK CONNMARK TCPMSS CLASSIFY DSCP TOS TTL HL TEE CHECKSUM SECMARK CONNSECMARK IDLETIMER LED RATEEST CT NOTRACK".split(
    " ",
  ),
);
/** Targets whose verdict is made elsewhere (user space, NAT, dynamic sets). */
const UNKNOWABLE = new Set("QUEUE NFQUEUE SET SYNPROXY DNAT SNAT MASQUERADE REDIRECT NETMAP".split(" "));

class RuleReader {
  readonly conditions: Condition[] = [];
  readonly problems: RuleProblem[] = [];
  target: RuleTarget = { kind: "none" };
  comment: string | undefined;
  private readonly modules: { name: string; module: MatchModule }[] = [];
  /** An extension Rampart does not know is loaded: options it does not recognise are that one's. */
  private foreign = false;
  private i = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly family: Family,
  ) {}

  read(): void {
    let negate = false;
    while (this.i < this.tokens.length) {
      const t = this.tokens[this.i++]!;
      if (t.text === "!" && !t.quoted) {
        negate = true;
        continue;
      }
      if (t.quoted || !t.text.startsWith("-")) this.syntax(t.column, `Unexpected word "${t.text}"`);
      else this.option(t, negate);
      negate = false;
    }
  }

  private syntax(column: number, message: string): void {
    this.problems.push({ code: "config-syntax", column, message });
  }

  /** The option's words, after an old-style "! " (`-s ! 10.0.0.1`); undefined when they are missing. */
  private values(t: Token, arity: number): { values: Token[]; negate: boolean } | undefined {
    let negate = false;
    if (arity > 0 && this.tokens[this.i]?.text === "!" && !this.tokens[this.i]!.quoted) {
      negate = true;
      this.i++;
    }
    const values = this.tokens.slice(this.i, this.i + arity);
    if (values.length < arity) {
      this.syntax(t.column, `Option "${t.text}" needs ${arity === 1 ? "a value" : `${arity} values`}`);
      this.i = this.tokens.length;
      return undefined;
    }
    this.i += arity;
    return { values, negate };
  }

  /** Words up to the next option, for options of extensions Rampart does not know. */
  private skipValues(): void {
    while (this.i < this.tokens.length) {
      const t = this.tokens[this.i]!;
      if (!t.quoted && (t.text === "!" || (t.text.startsWith("-") && t.text.length > 1))) return;
      this.i++;
    }
  }

  private option(t: Token, negate: boolean): void {
    const core = CORE[t.text];
    if (core !== undefined) return this.core(core, t, negate);
    const spec = this.findOption(t.text);
    if (spec) return this.extension(spec, t, negate);
    if (this.foreign || this.target.kind !== "none") return this.skipValues();
    this.syntax(t.column, `Unknown option "${t.text}"`);
    this.skipValues();
  }

  private findOption(name: string): OptionSpec | undefined {
    for (let k = this.modules.length - 1; k >= 0; k--) {
      const spec = this.modules[k]!.module.options[name];
      if (spec) return spec;
    }
    // `-p tcp --dport 22`: the protocol's extension is loaded when one of its options is used.
    const proto = this.conditions.find((c) => c.kind === "protocol" && !c.negate);
    const implicit = proto?.kind === "protocol" ? protocolModuleName(proto.proto, this.family) : undefined;
    const module = implicit === undefined ? undefined : matchModule(implicit);
    const spec = module?.options[name];
    if (spec && implicit !== undefined) this.load(implicit, module!, 0);
    return spec;
  }

  private load(name: string, module: MatchModule, column: number): void {
    this.modules.push({ name, module });
    if (module.proto !== undefined)
      this.conditions.push({ kind: "protocol-test", proto: module.proto, matches: true, column });
  }

  private extension(spec: OptionSpec, t: Token, negate: boolean): void {
    const v = this.values(t, spec.arity);
    if (!v) return;
    const r = spec.handle({ option: t, values: v.values, negate: negate || v.negate, family: this.family });
    if ("error" in r) return this.syntax(v.values[0]?.column ?? t.column, r.error);
    this.conditions.push(...r.conditions);
    if (r.comment !== undefined) this.comment = r.comment;
  }

  private core(name: string, t: Token, negate: boolean): void {
    const arity = name === "-f" || name === "-4" || name === "-6" ? 0 : name === "-c" ? 2 : 1;
    const v = this.values(t, arity);
    if (!v) return;
    const neg = negate || v.negate;
    const value = v.values[0];
    switch (name) {
      case "-s":
      case "-d":
        return this.address(name === "-s" ? "src" : "dst", value!, neg);
      case "-p":
        return this.protocol(value!, neg);
      case "-i":
      case "-o":
        this.conditions.push({
          kind: "interface",
          dir: name === "-i" ? "in" : "out",
          negate: neg,
          name: value!.text,
          column: t.column,
        });
        return;
      case "-f":
        // Only fragments after the first match `-f`; a connection's first packet never is one.
        this.conditions.push({ kind: "constant", matches: neg, column: t.column });
        return;
      case "-4":
      case "-6":
        this.conditions.push({ kind: "family", family: name === "-4" ? 4 : 6, column: t.column });
        return;
      case "-m":
        return this.match(value!);
      case "-j":
      case "-g":
        return this.jump(value!, name === "-g");
      case "-c":
        return;
    }
  }

  private address(dir: "src" | "dst", value: Token, negate: boolean): void {
    const prefixes: Prefix[] = [];
    for (const text of value.text.split(",")) {
      const p = parseAddress(text, this.family);
      if (typeof p === "string") return this.syntax(value.column, p);
      if (p === undefined) {
        this.conditions.push({ kind: "unsupported", what: `host name "${text}"`, column: value.column });
        return;
      }
      prefixes.push(p);
    }
    if (negate && prefixes.length > 1)
      return this.syntax(value.column, "! is not allowed with several source or destination addresses");
    this.conditions.push({ kind: "address", dir, negate, prefixes, column: value.column });
  }

  private protocol(value: Token, negate: boolean): void {
    const proto = protocolNumber(value.text);
    if (proto === undefined) return this.syntax(value.column, `Unknown protocol "${value.text}"`);
    if (negate && proto === 0) return this.syntax(value.column, "Rule would never match protocol");
    this.conditions.push({ kind: "protocol", negate, proto, column: value.column });
  }

  private match(value: Token): void {
    const module = matchModule(value.text);
    if (module) return this.load(value.text, module, value.column);
    this.foreign = true;
    this.conditions.push({ kind: "unsupported", what: `match "${value.text}"`, column: value.column });
  }

  private jump(value: Token, goto: boolean): void {
    const name = value.text;
    const verdict = VERDICTS[name];
    if (goto) this.target = { kind: "jump", chain: name, goto: true, column: value.column };
    else if (verdict) this.target = { kind: "verdict", verdict, name };
    else if (CONTINUING.has(name)) this.target = { kind: "continue", name };
    else if (UNKNOWABLE.has(name)) this.target = { kind: "unsupported", name, column: value.column };
    else this.target = { kind: "jump", chain: name, goto: false, column: value.column };
  }
}

/** "10.0.0.0/8", "10.0.0.1", "10.0.0.0/255.0.0.0", "2001:db8::/32"; undefined for a host name. */
export function parseAddress(text: string, family: Family): Prefix | string | undefined {
  const [addr, len] = text.split("/");
  const a = tryParseAddress(addr ?? "");
  if (!a) {
    if (/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(addr ?? "") && /[A-Za-z]/.test(addr ?? ""))
      return undefined;
    return `"${text}" is not an address or network`;
  }
  if (a.family !== family) return `"${text}" is not an IPv${family} address`;
  const bits = ADDRESS_BITS[family];
  let length = bits;
  if (len !== undefined) {
    const mask = tryParseAddress(len);
    if (mask && mask.family === family) {
      const ones = mask.value.toString(2).padStart(bits, "0");
      if (!/^1*0*$/.test(ones)) return `Mask "${len}" is not contiguous`;
      length = ones.indexOf("0") < 0 ? bits : ones.indexOf("0");
    } else if (/^[0-9]{1,3}$/.test(len) && Number(len) <= bits) length = Number(len);
    else return `"${text}" has a prefix length outside 0-${bits}`;
  }
  // iptables keeps the network and drops host bits, as iptables-save shows.
  return prefixOf(a, length);
}

export function parseRule(tokens: readonly Token[], family: Family): ParsedRule {
  const r = new RuleReader(tokens, family);
  r.read();
  return {
    conditions: r.conditions,
    target: r.target,
    ...(r.comment !== undefined && { comment: r.comment }),
    problems: r.problems,
    spec: tokens
      .filter((t, k) => !(t.text === "-c" || tokens[k - 1]?.text === "-c" || tokens[k - 2]?.text === "-c"))
      .map((t) => t.text)
      .join(" "),
  };
}
