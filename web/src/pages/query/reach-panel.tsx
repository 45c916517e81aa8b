// The reach form ("can these reach those, on these services?") and its exact answer.

import { useState, type FormEvent } from "react";
import type { PacketJson, ReachReport } from "../../components/questions/api-types.js";
import { joinList, splitList } from "../../components/questions/list-text.js";
import { PacketList, RuleTable, Verdict } from "../../components/questions/rule-table.js";
import { usePost } from "../../components/questions/use-post.js";
import { Empty, ErrorBox, Loading } from "../../components/states.js";
import type { ReachQuestion } from "./query-url.js";
import { TextField } from "../../components/text-field.js";

export function ReachForm(props: { initial?: ReachQuestion; onAsk: (q: ReachQuestion) => void }) {
  const [from, setFrom] = useState(joinList(props.initial?.from ?? []));
  const [to, setTo] = useState(joinList(props.initial?.to ?? []));
  const [services, setServices] = useState(joinList(props.initial?.services ?? []));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    props.onAsk({ from: splitList(from), to: splitList(to), services: splitList(services) });
  };
  return (
    <form className="q-form" onSubmit={submit} aria-label="Reach question">
      <TextField
        id="reach-from"
        label="From"
        value={from}
        required
        placeholder="zone:branch"
        onValue={setFrom}
      />
      <TextField
        id="reach-to"
        label="To"
        value={to}
        required
        placeholder="asset:hq-print-1"
        onValue={setTo}
      />
      <TextField
        id="reach-services"
        label="Services"
        value={services}
        placeholder="https, tcp/8443 (empty: all)"
        onValue={setServices}
      />
      <div className="q-actions">
        <button type="submit" className="primary">
          Ask reach
        </button>
      </div>
      <p className="q-hint wide">
        References as the policy writes them: <code>zone:…</code>, <code>asset:…</code>, <code>app:…/…</code>,{" "}
        <code>group:…</code>, an address or a CIDR; several separated by commas.
      </p>
    </form>
  );
}

export function formatPacket(p: PacketJson): string {
  const port = p.dport !== undefined ? ` port ${p.dport}` : p.type !== undefined ? ` type ${p.type}` : "";
  const from = p.sport !== undefined ? `${p.src}:${p.sport}` : p.src;
  return `${p.proto} ${from} → ${p.dst}${port}`;
}

export function ReachAnswer(props: { question: ReachQuestion; onExplain: (p: PacketJson) => void }) {
  const answer = usePost<ReachReport & { version: number }>("/reach", props.question);
  if (answer.state === "idle" || answer.state === "loading") return <Loading label="Asking…" />;
  if (answer.state === "error") return <ErrorBox error={answer.error} />;
  const r = answer.data;
  return (
    <section className="q-answer" aria-label="Reach answer">
      <p>
        <Verdict verdict={r.verdict} /> <span className="muted">against policy version {r.version}</span>
      </p>
      {r.emptyQuery && (
        <Empty>The question holds no packet (for example IPv4 sources and IPv6 destinations).</Empty>
      )}
      <PacketList label="Allowed packets" packets={r.allowed} />
      <PacketList label="Denied packets" packets={r.denied} />
      {r.example && (
        <p>
          Example {r.verdict === "allow" ? "allowed" : "denied"} packet:{" "}
          <code>{formatPacket(r.example)}</code>{" "}
          <button type="button" className="link" onClick={() => props.onExplain(r.example!)}>
            Explain this packet
          </button>
        </p>
      )}
      <RuleTable caption="Flows that allow it" rules={r.flows} empty="No flow allows any of it." />
      <RuleTable caption="Denies in the way" rules={r.denies} empty="No deny matches." />
    </section>
  );
}
