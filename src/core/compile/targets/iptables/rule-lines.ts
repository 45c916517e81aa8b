// IR rules as `-A` lines: every source × destination × service part is one kernel rule, written out as
// iptables-save shows it (no comma lists for iptables-restore to expand), long address lists as ipsets.

import type { Family } from "../../../net/address.js";
import { formatPrefix, type Prefix } from "../../../net/prefix.js";
import type { IrOrigin, IrRule } from "../../ir.js";
import type { SetRegistry } from "./ipsets.js";
import type { IptablesOptions } from "./options.js";
import { planServices, type ServicePart } from "./services.js";
import { commentLine, commentText, logPrefix, saveString } from "./text.js";

/** One side of a kernel rule's addresses. */
type Address = { readonly kind: "any" } | { readonly kind: "prefix"; readonly text: string } | SetRef;
type SetRef = { readonly kind: "set"; readonly name: string };

/** The chains of one family's file being written, in the order they are declared. */
export interface ChainWriter {
  readonly family: Family;
  readonly options: IptablesOptions;
  readonly sets: SetRegistry;
  /** Chain name → its `-A` lines (and `#` lines). */
  readonly chains: Map<string, string[]>;
  /** Sub-chains made so far, for numbering. */
  subChains: number;
  /** Why parts of rules were left out, by origin name. */
  readonly refusals: { origin: IrOrigin; why: string; rule: IrRule }[];
}

export function writeRules(w: ChainWriter, chain: string, rules: readonly IrRule[]): void {
  const lines = w.chains.get(chain)!;
  let last: IrOrigin | undefined;
  for (const rule of rules) {
    if (rule.origin.kind !== last?.kind || rule.origin.name !== last.name)
      lines.push(originComment(rule.origin));
    last = rule.origin;
    writeRule(w, chain, rule);
  }
}

function originComment(o: IrOrigin): string {
  const about = [o.ticket && `ticket ${o.ticket}`, o.owner && `owner ${o.owner}`].filter(Boolean).join(", ");
  return commentLine(`# ${o.kind} ${o.name}${about ? ` (${about})` : ""}`);
}

/** Above this many lines for one IR rule, the address pairs jump to a chain holding the services once. */
const FACTOR_LINES = 16;

function writeRule(w: ChainWriter, chain: string, rule: IrRule): void {
  const { parts, refused } = planServices(rule);
  for (const why of refused) w.refusals.push({ origin: rule.origin, why, rule });
  const { src, dst } = addresses(w, rule);
  const pairs = src.flatMap((s) => dst.map((d) => [s, d] as const));
  const out = new RuleOut(w, rule, chain);
  const perPair = parts.reduce((n, p) => n + (p.except ? 1 : rule.log ? 2 : 1), 0);
  if (pairs.length > 1 && perPair > 1 && pairs.length * perPair > FACTOR_LINES) {
    // What matches no part falls off the end of the chain and comes back: exactly the rule's box.
    const sub = subChain(w, chain);
    out.parts(sub.name, [[ANY, ANY]], parts);
    for (const [s, d] of pairs)
      w.chains.get(chain)!.push(line(chain, s, d, undefined, out.comment, sub.name));
    return;
  }
  out.parts(chain, pairs, parts);
}

/** The lines of one IR rule: its comment, verdict and log target, and the chains its exclusions need. */
class RuleOut {
  readonly comment: string;
  private readonly verdict: string;
  private readonly logTarget: string;

  /** `base` is the hook's chain, after which every chain the rule needs is numbered (STEM-FWD-N). */
  constructor(
    private readonly w: ChainWriter,
    private readonly rule: IrRule,
    private readonly base: string,
  ) {
    this.comment = commentText(rule.origin.name);
    this.verdict = rule.action === "accept" ? "ACCEPT" : "DROP";
    this.logTarget = `LOG --log-prefix ${saveString(logPrefix(rule.action, rule.origin.name))}`;
  }

  parts(chain: string, pairs: readonly (readonly [Address, Address])[], parts: readonly ServicePart[]): void {
    const lines = this.w.chains.get(chain)!;
    // One chain per exclusion, however many address pairs jump to it.
    const excepts = new Map(parts.map((p) => [p, p.except ? this.exceptChain(p.except) : undefined]));
    for (const [s, d] of pairs)
      for (const part of parts) {
        const target = excepts.get(part);
        if (target === undefined) lines.push(...this.decide(chain, s, d, part));
        else lines.push(line(chain, s, d, part, this.comment, target));
      }
  }

  private decide(chain: string, s: Address, d: Address, part: ServicePart | undefined): string[] {
    return [
      ...(this.rule.log ? [line(chain, s, d, part, this.comment, this.logTarget)] : []),
      line(chain, s, d, part, this.comment, this.verdict),
    ];
  }

  /** A chain that returns the excluded packets and decides the rest. */
  private exceptChain(except: readonly ServicePart[]): string {
    const sub = subChain(this.w, this.base);
    for (const part of except) sub.lines.push(line(sub.name, ANY, ANY, part, this.comment, "RETURN"));
    sub.lines.push(...this.decide(sub.name, ANY, ANY, undefined));
    return sub.name;
  }
}

function subChain(w: ChainWriter, chain: string): { name: string; lines: string[] } {
  w.subChains += 1;
  const name = `${chain}-${w.subChains}`;
  const lines: string[] = [];
  w.chains.set(name, lines);
  return { name, lines };
}

const ANY: Address = { kind: "any" };

/** One `-A` line, its parts in the order iptables-save prints them. */
export function line(
  chain: string,
  src: Address,
  dst: Address,
  part: ServicePart | undefined,
  comment: string | undefined,
  target: string,
): string {
  const words = [`-A ${chain}`];
  if (src.kind === "prefix") words.push(`-s ${src.text}`);
  if (dst.kind === "prefix") words.push(`-d ${dst.text}`);
  if (part?.proto !== undefined) words.push(`${part.negate ? "! " : ""}-p ${part.proto}`);
  if (src.kind === "set") words.push(`-m set --match-set ${src.name} src`);
  if (dst.kind === "set") words.push(`-m set --match-set ${dst.name} dst`);
  if (part) words.push(...part.matches);
  if (comment !== undefined) words.push(`-m comment --comment ${saveString(comment)}`);
  words.push(`-j ${target}`);
  return words.join(" ");
}

/** The address alternatives of each side; a long list (or a long product of the two) becomes a set. */
function addresses(w: ChainWriter, rule: IrRule): { src: Address[]; dst: Address[] } {
  const limit = w.options.ipsetThreshold;
  const src = openSide(rule.src);
  const dst = openSide(rule.dst);
  let srcSet = w.options.ipset && src !== undefined && src.length > limit;
  let dstSet = w.options.ipset && dst !== undefined && dst.length > limit;
  const n = (list: readonly Prefix[] | undefined, inSet: boolean) => (inSet || !list ? 1 : list.length);
  if (w.options.ipset && n(src, srcSet) * n(dst, dstSet) > 2 * limit) {
    if (n(src, srcSet) >= n(dst, dstSet)) srcSet = true;
    else dstSet = true;
  }
  const name = rule.origin.name;
  return {
    src: side(w, src, srcSet, `sources of ${rule.origin.kind} ${name}`),
    dst: side(w, dst, dstSet, `destinations of ${rule.origin.kind} ${name}`),
  };
}

/** A list holding the whole family is no condition at all (and hash:net refuses a /0). */
function openSide(list: readonly Prefix[] | undefined): readonly Prefix[] | undefined {
  return list?.some((p) => p.length === 0) ? undefined : list;
}

function side(w: ChainWriter, list: readonly Prefix[] | undefined, inSet: boolean, user: string): Address[] {
  if (list === undefined) return [ANY];
  if (inSet && list.length > 0) return [{ kind: "set", name: w.sets.use(w.family, list, user) }];
  return list.map((p) => ({ kind: "prefix", text: prefixText(p) }));
}

/** As iptables-save prints it: always with a length. */
export function prefixText(p: Prefix): string {
  const text = formatPrefix(p);
  return text.includes("/") ? text : `${text}/${p.family === 4 ? 32 : 128}`;
}
