// The Access requests page: file a request with a live risk check, the list (pending first, then history), and
// a request's detail (?id=N, so it can be linked) where approvers decide and requesters withdraw.

import { useSearchParams } from "react-router";
import type { AccessRequestRecord } from "../api/types.js";
import { useApi } from "../api/use-api.js";
import { PageHeader } from "../components/page-header.js";
import "../components/questions/questions.css";
import { ErrorBox, Loading } from "../components/states.js";
import { useSession } from "../session.js";
import { RequestDetail } from "./requests/request-detail.js";
import { RequestForm } from "./requests/request-form.js";
import { RequestList } from "./requests/request-list.js";

export default function AccessRequests() {
  const { can } = useSession();
  const [params, setParams] = useSearchParams();
  const list = useApi<{ requests: AccessRequestRecord[] }>("/requests");
  const id = Number(params.get("id"));
  const open = Number.isInteger(id) && id > 0 ? id : undefined;
  return (
    <>
      <PageHeader
        title="Access requests"
        subtitle="Ask for access with a live risk check; approve or reject"
      />
      <div className="panels">
        {open !== undefined && <RequestDetail key={open} id={open} onChanged={list.reload} />}
        {can("request:create") && (
          <RequestForm
            onFiled={(r) => {
              list.reload();
              setParams({ id: String(r.id) });
            }}
          />
        )}
        <section className="panel wide" aria-labelledby="requests-title">
          <h2 id="requests-title">Requests</h2>
          {list.state === "loading" && <Loading />}
          {list.state === "error" && <ErrorBox error={list.error} onRetry={list.reload} />}
          {list.state === "done" && <RequestList requests={list.data.requests} />}
        </section>
      </div>
    </>
  );
}
