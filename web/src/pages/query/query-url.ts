// The Query page's questions as URL parameters and back, so a link reproduces the question and its answer.

import { joinList, splitList } from "../../components/questions/list-text.js";

export interface ReachQuestion {
  from: string[];
  to: string[];
  services: string[];
}

export interface ExplainQuestion {
  src: string;
  dst: string;
  proto: string;
  sport?: number;
  dport?: number;
  type?: number;
  code?: number;
}

export type Question =
  { kind: "reach"; reach: ReachQuestion } | { kind: "explain"; explain: ExplainQuestion };

const NUMBERS = ["sport", "dport", "type", "code"] as const;

function whole(text: string | null): number | undefined {
  if (text === null || !/^\d{1,5}$/.test(text)) return undefined;
  return Number(text);
}

/** The question the URL asks, or undefined when it asks none (or not completely). */
export function questionFromParams(params: URLSearchParams): Question | undefined {
  if (params.get("q") === "explain") {
    const src = params.get("src")?.trim() ?? "";
    const dst = params.get("dst")?.trim() ?? "";
    const proto = params.get("proto")?.trim() ?? "";
    if (!src || !dst || !proto) return undefined;
    const explain: ExplainQuestion = { src, dst, proto };
    for (const k of NUMBERS) {
      const n = whole(params.get(k));
      if (n !== undefined) explain[k] = n;
    }
    return { kind: "explain", explain };
  }
  if (params.get("q") === "reach") {
    const from = splitList(params.get("from") ?? "");
    const to = splitList(params.get("to") ?? "");
    if (from.length === 0 || to.length === 0) return undefined;
    return { kind: "reach", reach: { from, to, services: splitList(params.get("services") ?? "") } };
  }
  return undefined;
}

export function paramsFromQuestion(q: Question): URLSearchParams {
  const p = new URLSearchParams({ q: q.kind });
  if (q.kind === "reach") {
    p.set("from", joinList(q.reach.from));
    p.set("to", joinList(q.reach.to));
    if (q.reach.services.length) p.set("services", joinList(q.reach.services));
  } else {
    const e = q.explain;
    p.set("src", e.src);
    p.set("dst", e.dst);
    p.set("proto", e.proto);
    for (const k of NUMBERS) if (e[k] !== undefined) p.set(k, String(e[k]));
  }
  return p;
}

/** The body the API takes: numbers as numbers, a numeric protocol as its number. */
export function explainBody(e: ExplainQuestion): Record<string, string | number> {
  const body: Record<string, string | number> = {
    src: e.src,
    dst: e.dst,
    proto: /^\d+$/.test(e.proto) ? Number(e.proto) : e.proto,
  };
  for (const k of NUMBERS) if (e[k] !== undefined) body[k] = e[k];
  return body;
}
