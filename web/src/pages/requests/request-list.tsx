// The requests: pending first (they wait for someone), then the history newest first, each opening its detail.

import { Link } from "react-router";
import type { AccessRequestRecord } from "../../api/types.js";
import { DataTable } from "../../components/data-table.js";
import { Verdict } from "../../components/questions/rule-table.js";
import type { RequestSpec } from "../../components/questions/api-types.js";

/** Pending before everything else; within each group the newest first. */
export function orderRequests(list: readonly AccessRequestRecord[]): AccessRequestRecord[] {
  return [...list].sort(
    (a, b) =>
      Number(b.state === "pending") - Number(a.state === "pending") ||
      b.createdAt.localeCompare(a.createdAt) ||
      b.id - a.id,
  );
}

export function specOf(r: AccessRequestRecord): Partial<RequestSpec> {
  return (r.spec ?? {}) as Partial<RequestSpec>;
}

export function RequestList({ requests }: { requests: readonly AccessRequestRecord[] }) {
  return (
    <DataTable
      caption="Access requests"
      captionHidden
      rows={orderRequests(requests)}
      rowKey={(r) => r.id}
      empty="No access request yet."
      columns={[
        {
          key: "id",
          header: "Request",
          sortValue: (r) => r.id,
          render: (r) => <Link to={`/requests?id=${r.id}`}>#{r.id}</Link>,
        },
        {
          key: "state",
          header: "State",
          sortValue: (r) => r.state,
          render: (r) => <Verdict verdict={r.state} />,
        },
        { key: "from", header: "From", render: (r) => (specOf(r).from ?? []).join(", ") },
        { key: "to", header: "To", render: (r) => (specOf(r).to ?? []).join(", ") },
        { key: "services", header: "Services", render: (r) => (specOf(r).services ?? []).join(", ") },
        { key: "requester", header: "Requester", sortValue: (r) => r.requester },
        { key: "score", header: "Risk", align: "right", sortValue: (r) => r.score },
        { key: "decided", header: "Decided by", sortValue: (r) => r.decidedBy ?? "" },
        {
          key: "created",
          header: "Filed",
          sortValue: (r) => r.createdAt,
          render: (r) => new Date(r.createdAt).toLocaleString(),
        },
      ]}
    />
  );
}
