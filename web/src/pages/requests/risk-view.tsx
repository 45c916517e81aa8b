// A risk check as the server answers it: score and level, the findings heaviest first, the packets it opens.

import type { StoredRisk } from "../../components/questions/api-types.js";
import { PacketList, Verdict } from "../../components/questions/rule-table.js";

export function RiskView({ risk, title = "Risk" }: { risk: StoredRisk; title?: string }) {
  return (
    <section className="q-answer" aria-label={title}>
      <p>
        <span className="q-score" aria-label="Risk score">
          {risk.score}
        </span>
        <Verdict verdict={risk.level} />{" "}
        <span className="muted">against policy version {risk.versionId}</span>
      </p>
      {risk.findings.length === 0 ? (
        <p className="muted">No risk finding.</p>
      ) : (
        <ul className="q-risk-findings" aria-label="Risk findings">
          {risk.findings.map((f, i) => (
            <li key={i}>
              <Verdict verdict={f.severity} /> {f.message}{" "}
              <span className="muted">
                (+{f.weight}, {f.code})
              </span>
            </li>
          ))}
        </ul>
      )}
      <PacketList label="Packets it would open" packets={risk.opened} />
      <PacketList label="Asked but kept closed by a deny" packets={risk.blocked} />
      {risk.opened.length === 0 && (
        <p className="muted">It opens nothing the policy does not allow already.</p>
      )}
    </section>
  );
}
