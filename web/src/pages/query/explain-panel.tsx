// The explain form ("what happens to this one packet, and why?") and its answer with the deciding rules.

import { useState, type FormEvent } from "react";
import type { ExplainReport } from "../../components/questions/api-types.js";
import { RuleTable, Verdict } from "../../components/questions/rule-table.js";
import { usePost } from "../../components/questions/use-post.js";
import { ErrorBox, Loading } from "../../components/states.js";
import { explainBody, type ExplainQuestion } from "./query-url.js";
import { formatPacket } from "./reach-panel.js";

const PORTS = [
  ["sport", "Source port"],
  ["dport", "Destination port"],
  ["type", "ICMP type"],
  ["code", "ICMP code"],
] as const;

export function ExplainForm(props: { initial?: ExplainQuestion; onAsk: (q: ExplainQuestion) => void }) {
  const i = props.initial;
  const [src, setSrc] = useState(i?.src ?? "");
  const [dst, setDst] = useState(i?.dst ?? "");
  const [proto, setProto] = useState(i?.proto ?? "tcp");
  const [numbers, setNumbers] = useState<Record<string, string>>(
    Object.fromEntries(PORTS.map(([k]) => [k, i?.[k] === undefined ? "" : String(i[k])])),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const q: ExplainQuestion = { src: src.trim(), dst: dst.trim(), proto: proto.trim() };
    for (const [k] of PORTS) if (/^\d+$/.test(numbers[k] ?? "")) q[k] = Number(numbers[k]);
    props.onAsk(q);
  };
  return (
    <form className="q-form" onSubmit={submit} aria-label="Explain question">
      <div className="field">
        <label htmlFor="explain-src">Source address</label>
        <input
          id="explain-src"
          value={src}
          required
          placeholder="10.20.1.15"
          onChange={(e) => setSrc(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="explain-dst">Destination address</label>
        <input
          id="explain-dst"
          value={dst}
          required
          placeholder="10.10.5.20"
          onChange={(e) => setDst(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="explain-proto">Protocol</label>
        <input
          id="explain-proto"
          value={proto}
          required
          list="explain-protocols"
          onChange={(e) => setProto(e.target.value)}
        />
        <datalist id="explain-protocols">
          {["tcp", "udp", "icmp", "icmpv6"].map((p) => (
            <option key={p} value={p} />
          ))}
        </datalist>
      </div>
      {PORTS.map(([k, label]) => (
        <div className="field" key={k}>
          <label htmlFor={`explain-${k}`}>{label}</label>
          <input
            id={`explain-${k}`}
            inputMode="numeric"
            pattern="\d*"
            value={numbers[k]}
            onChange={(e) => setNumbers((n) => ({ ...n, [k]: e.target.value }))}
          />
        </div>
      ))}
      <div className="q-actions">
        <button type="submit" className="primary">
          Explain packet
        </button>
      </div>
    </form>
  );
}

export function ExplainAnswer({ question }: { question: ExplainQuestion }) {
  const answer = usePost<ExplainReport & { version: number }>("/explain", explainBody(question));
  if (answer.state === "idle" || answer.state === "loading") return <Loading label="Asking…" />;
  if (answer.state === "error") return <ErrorBox error={answer.error} />;
  const r = answer.data;
  return (
    <section className="q-answer" aria-label="Explain answer">
      <p>
        <Verdict verdict={r.verdict} /> <code>{formatPacket(r.packet)}</code>{" "}
        <span className="muted">against policy version {r.version}</span>
      </p>
      <RuleTable
        caption={r.verdict === "allow" ? "Flows that allow it" : "Flows a deny overrides"}
        rules={r.flows}
        empty="No active flow matches this packet."
      />
      <RuleTable caption="Denies that match" rules={r.denies} empty="No active deny matches this packet." />
      {r.expired.length > 0 && (
        <RuleTable caption="Expired rules that would have matched" rules={r.expired} empty="" />
      )}
    </section>
  );
}
