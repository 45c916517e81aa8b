// One enforcement point: its compiled configuration (highlighted, downloadable), compile, and the plan against
// what is deployed.

import { useState } from "react";
import type { PointPlanOutcome } from "../../../../src/app/workflow/deploy.js";
import type { PointSummary } from "../../../../src/adapters/server/routes/points.js";
import { api, type ApiError } from "../../api/client.js";
import { toApiError, useApi } from "../../api/use-api.js";
import { Empty, ErrorBox } from "../../components/states.js";
import { useSession } from "../../session.js";
import { familyOf, highlightLine } from "./highlight.js";
import { Section, download, when } from "./section.js";

interface ConfigAnswer {
  id: number;
  target: string;
  versionId: number;
  proven: boolean;
  files: { path: string; text: string }[];
}

function Code({ text, target }: { text: string; target: string }) {
  const family = familyOf(target);
  return (
    <pre className="code-view" tabIndex={0} aria-label="Configuration text">
      {text.split("\n").map((line, i) => (
        <span key={i}>
          {highlightLine(line, family).map((t, j) =>
            t.kind === "text" ? (
              t.text
            ) : (
              <span key={j} className={`hl-${t.kind}`}>
                {t.text}
              </span>
            ),
          )}
          {"\n"}
        </span>
      ))}
    </pre>
  );
}

function Config({ id }: { id: number }) {
  const config = useApi<ConfigAnswer>(`/configs/${id}`);
  return (
    <Section title={`Compiled configuration ${id}`} source={config}>
      {(c) => (
        <>
          <p className="muted">
            {c.target}, version {c.versionId},{" "}
            {c.proven ? <span className="state-proven">proven exact</span> : "not proven"}
          </p>
          {c.files.map((f) => (
            <div key={f.path}>
              <div className="admin-section-head">
                <h3>{f.path}</h3>
                <button type="button" onClick={() => download(f.path.split("/").pop() ?? f.path, f.text)}>
                  Download {f.path}
                </button>
              </div>
              <Code text={f.text} target={c.target} />
            </div>
          ))}
        </>
      )}
    </Section>
  );
}

function Plan({ point }: { point: string }) {
  const plan = useApi<Omit<PointPlanOutcome, "ok">>(`/points/${encodeURIComponent(point)}/plan`);
  return (
    <Section title="Plan against what is deployed" source={plan}>
      {({ plan: p, deployment }) => (
        <>
          <p>
            Status: <strong>{p.status}</strong>
            {deployment
              ? ` · compared with deployment ${deployment.id} (version ${deployment.versionId}, ${deployment.state})`
              : " · nothing recorded as deployed yet"}
          </p>
          <h3>Packets opened ({p.becomeAllowed.length})</h3>
          {p.becomeAllowed.length === 0 ? (
            <Empty>None.</Empty>
          ) : (
            <ul className="diff-list opened">
              {p.becomeAllowed.map((d, i) => (
                <li key={i}>{d.packets}</li>
              ))}
            </ul>
          )}
          <h3>Packets closed ({p.becomeDenied.length})</h3>
          {p.becomeDenied.length === 0 ? (
            <Empty>None.</Empty>
          ) : (
            <ul className="diff-list closed">
              {p.becomeDenied.map((d, i) => (
                <li key={i}>{d.packets}</li>
              ))}
            </ul>
          )}
          <h3>Lines</h3>
          {p.lines.length === 0 ? (
            <Empty>No line changes.</Empty>
          ) : (
            p.lines.map((l) => (
              <details key={l.file}>
                <summary>
                  {l.file}: +{l.added.length} −{l.removed.length}
                </summary>
                <pre className="code-view">
                  {l.removed.map((x, i) => (
                    <span key={`r${i}`} className="line-removed">
                      - {x}
                      {"\n"}
                    </span>
                  ))}
                  {l.added.map((x, i) => (
                    <span key={`a${i}`} className="line-added">
                      + {x}
                      {"\n"}
                    </span>
                  ))}
                </pre>
              </details>
            ))
          )}
        </>
      )}
    </Section>
  );
}

export function PointDetail({ point, onCompiled }: { point: PointSummary; onCompiled: () => void }) {
  const { can } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [outcome, setOutcome] = useState<string>();
  const [tick, setTick] = useState(0);
  const compile = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.post<{ points: { status: string; problems: { message: string }[] }[] }>(
        "/compile",
        { point: point.name },
      );
      const p = r.points[0];
      setOutcome(
        p
          ? `Compiled: ${p.status}${p.problems.length ? ` (${p.problems.map((x) => x.message).join("; ")})` : ""}`
          : "Compiled",
      );
      setTick((t) => t + 1);
      onCompiled();
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <section className="panel wide" aria-labelledby="point-title">
        <div className="admin-section-head">
          <h2 id="point-title">{point.name}</h2>
          {can("deploy:write") && (
            <button type="button" className="primary" disabled={busy} onClick={compile}>
              {busy ? "Compiling…" : "Compile"}
            </button>
          )}
        </div>
        <p>
          {point.target} · {point.role} · zones {point.zones.join(", ")}
          {point.description && ` · ${point.description}`}
        </p>
        <p className="muted">
          {point.config
            ? `Configuration ${point.config.id} compiled by ${point.config.createdBy} on ${when(point.config.createdAt)}`
            : "Not compiled for this version yet."}
        </p>
        {outcome && <p role="status">{outcome}</p>}
        {error && <ErrorBox error={error} />}
      </section>
      {point.config && <Config key={point.config.id} id={point.config.id} />}
      <Plan key={tick} point={point.name} />
    </>
  );
}
