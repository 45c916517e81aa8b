// Rules that the device's counters or the rules' own expiry say should go: `unused` and `expired`.

import type { ImportedRule } from "../../import/model.js";
import { type Finding, makeFinding } from "../anomalies/finding.js";

/**
 * `unused`: a deciding or other rule whose counter is 0, in a configuration where some rule counted packets
 * (all-zero counters are taken as freshly reset, and say nothing). `expired`: a rule whose expiry day is
 * before `today` (YYYY-MM-DD; the rule still applies on its expiry day).
 */
export function hygieneFindings(rules: readonly ImportedRule[], today: string): Finding[] {
  const counted = rules.some((r) => (r.hits ?? 0) > 0);
  const withCounters = rules.filter((x) => x.hits !== undefined).length;
  const out: Finding[] = [];
  for (const r of rules) {
    if (counted && r.hits === 0) {
      const others = withCounters - 1;
      out.push(
        makeFinding(
          "unused",
          r,
          `Counted no packet, while ${others} other ${others === 1 ? "rule" : "rules"} of the configuration have counters`,
        ),
      );
    }
    if (r.expires !== undefined && r.expires < today)
      out.push(makeFinding("expired", r, `Expired on ${r.expires}: it was meant to be removed`));
  }
  return out;
}
