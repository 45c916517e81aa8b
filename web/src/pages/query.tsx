// The Query page: reach and explain questions with exact answers; the question lives in the URL, so a link
// reproduces it and the page answers it on load.

import { useSearchParams } from "react-router";
import { PageHeader } from "../components/page-header.js";
import { CopyLink } from "../components/questions/copy-link.js";
import "../components/questions/questions.css";
import { ExplainAnswer, ExplainForm } from "./query/explain-panel.js";
import { paramsFromQuestion, questionFromParams, type Question } from "./query/query-url.js";
import { ReachAnswer, ReachForm } from "./query/reach-panel.js";

export default function Query() {
  const [params, setParams] = useSearchParams();
  const question = questionFromParams(params);
  const ask = (q: Question) => setParams(paramsFromQuestion(q));
  const reach = question?.kind === "reach" ? question.reach : undefined;
  const explain = question?.kind === "explain" ? question.explain : undefined;
  // Forms are keyed by the URL so going back and forth in history refills them with the question asked.
  const key = params.toString();
  return (
    <>
      <PageHeader
        title="Query"
        subtitle="Exact answers about the policy in force: who can reach what, and why one packet passes or not"
      />
      <div className="panels">
        <section className="panel wide" aria-labelledby="reach-title">
          <h2 id="reach-title">Reach</h2>
          <ReachForm key={`r${key}`} initial={reach} onAsk={(r) => ask({ kind: "reach", reach: r })} />
          {reach && (
            <>
              <ReachAnswer
                question={reach}
                onExplain={(p) =>
                  ask({
                    kind: "explain",
                    explain: {
                      src: p.src,
                      dst: p.dst,
                      proto: String(p.proto),
                      ...(p.sport !== undefined && { sport: p.sport }),
                      ...(p.dport !== undefined && { dport: p.dport }),
                      ...(p.type !== undefined && { type: p.type }),
                      ...(p.code !== undefined && { code: p.code }),
                    },
                  })
                }
              />
              <CopyLink url={window.location.href} />
            </>
          )}
        </section>
        <section className="panel wide" aria-labelledby="explain-title">
          <h2 id="explain-title">Explain a packet</h2>
          <ExplainForm
            key={`e${key}`}
            initial={explain}
            onAsk={(e) => ask({ kind: "explain", explain: e })}
          />
          {explain && (
            <>
              <ExplainAnswer question={explain} />
              <CopyLink url={window.location.href} />
            </>
          )}
        </section>
      </div>
    </>
  );
}
