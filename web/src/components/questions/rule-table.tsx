// The flows or denies behind an answer: name, owner, justification, ticket, expiry and where they are written.

import type { RuleInfo } from "./api-types.js";
import { DataTable } from "../data-table.js";

export function RuleTable({
  caption,
  rules,
  empty,
}: {
  caption: string;
  rules: readonly RuleInfo[];
  empty: string;
}) {
  return (
    <DataTable
      caption={caption}
      rows={rules}
      rowKey={(r) => `${r.kind}:${r.name}`}
      empty={empty}
      columns={[
        { key: "name", header: "Rule", sortValue: (r) => r.name, render: (r) => <code>{r.name}</code> },
        { key: "owner", header: "Owner", sortValue: (r) => r.owner },
        { key: "why", header: "Justification", sortValue: (r) => r.justification },
        { key: "ticket", header: "Ticket", sortValue: (r) => r.ticket },
        { key: "expires", header: "Expires", sortValue: (r) => r.expires ?? "never" },
        {
          key: "where",
          header: "Where",
          sortValue: (r) => `${r.file}:${String(r.line).padStart(6, "0")}`,
          render: (r) => (
            <code>
              {r.file}:{r.line}
            </code>
          ),
        },
      ]}
    />
  );
}

/** Packet summaries, one box a line, as the server writes them. */
export function PacketList({ label, packets }: { label: string; packets: readonly string[] }) {
  if (packets.length === 0) return null;
  return (
    <div className="packets">
      <h3>{label}</h3>
      <ul aria-label={label}>
        {packets.map((p, i) => (
          <li key={i}>
            <code>{p}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function Verdict({ verdict }: { verdict: string }) {
  return <span className={`verdict verdict-${verdict}`}>{verdict}</span>;
}
