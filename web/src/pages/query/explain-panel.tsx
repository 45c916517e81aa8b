// The explain form ("what happens to this one packet, and why?") and its answer with the deciding rules.

import { useState, type FormEvent } from "react";
import type { ExplainReport } from "../../components/questions/api-types.js";
import { RuleTable, Verdict } from "../../components/questions/rule-table.js";
import { usePost } from "../../components/questions/use-post.js";
import { ErrorBox, Loading } from "../../components/states.js";
import { explainBody, type ExplainQuestion } from "./query-url.js";
import { formatPacket } from "./reach-panel.js";
import { TextField } from "../../components/text-field.js";

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
      <TextField
        id="explain-src"
        label="Source address"
        value={src}
        required
        placeholder="10.20.1.15"
        onValue={setSrc}
      />
      <TextField
        id="explain-dst"
        label="Destination address"
        value={dst}
        required
        placeholder="10.10.5.20"
        onValue={setDst}
      />
      <TextField
        id="explain-proto"
        label="Protocol"
        value={proto}
        required
        list="explain-protocols"
        onValue={setProto}
      >
        <datalist id="explain-protocols">
          {["tcp", "udp", "icmp", "icmpv6"].map((p) => (
            <option key={p} value={p} />
          ))}
        </datalist>
      </TextField>
      {PORTS.map(([k, label]) => (
        <TextField
          key={k}
          id={`explain-${k}`}
          label={label}
          inputMode="numeric"
          pattern="\d*"
          value={numbers[k] ?? ""}
          onValue={(v) => setNumbers((n) => ({ ...n, [k]: v }))}
        />
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
