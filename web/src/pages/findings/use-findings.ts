// Loads every source of findings at once; a source that fails is reported beside the rows of the others.

import { useCallback, useEffect, useState } from "react";
import { api, type ApiError } from "../../api/client.js";
import type { CurrentVersion, DeploymentRecord, DueReport } from "../../api/types.js";
import { toApiError } from "../../api/use-api.js";
import {
  dedupe,
  type FindingRow,
  fromAnalysis,
  fromDeployments,
  fromRecertification,
  fromVersion,
  type StoredAnalysis,
} from "./collect.js";

/** How many stored analyses are read: the newest ones say what is true now. */
const ANALYSES = 20;

export interface Findings {
  rows: FindingRow[] | undefined;
  failures: { source: string; error: ApiError }[];
  reload: () => void;
}

async function analyses(): Promise<FindingRow[]> {
  const list = await api.get<{ analyses: { id: number }[] }>("/analyses", { limit: ANALYSES });
  const all = await Promise.all(list.analyses.map((a) => api.get<StoredAnalysis>(`/analyses/${a.id}`)));
  return all.flatMap(fromAnalysis);
}

/** Recertification first: its expired-flow rows say more (the owner) than the policy's diagnostic. */
const SOURCES: [string, () => Promise<FindingRow[]>][] = [
  ["Recertification", async () => fromRecertification(await api.get<DueReport>("/recertification"))],
  [
    "The policy version in force",
    async () => fromVersion(await api.get<CurrentVersion>("/versions/current")),
  ],
  [
    "Deployments",
    async () =>
      fromDeployments((await api.get<{ deployments: DeploymentRecord[] }>("/deployments")).deployments),
  ],
  ["Stored analyses", analyses],
];

export function useFindings(): Findings {
  const [state, setState] = useState<Omit<Findings, "reload">>({ rows: undefined, failures: [] });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let current = true;
    setState({ rows: undefined, failures: [] });
    void Promise.allSettled(SOURCES.map(([, load]) => load())).then((settled) => {
      if (!current) return;
      const rows: FindingRow[] = [];
      const failures: Findings["failures"] = [];
      settled.forEach((s, i) => {
        if (s.status === "fulfilled") rows.push(...s.value);
        else failures.push({ source: SOURCES[i]![0], error: toApiError(s.reason) });
      });
      setState({ rows: dedupe(rows), failures });
    });
    return () => {
      current = false;
    };
  }, [tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}
