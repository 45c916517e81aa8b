// Loads one GET into a component: the state every page renders as Loading, ErrorBox or its content.

import { useCallback, useEffect, useState } from "react";
import { ApiError, api } from "./client.js";

export type Loaded<T> =
  { state: "loading" } | { state: "error"; error: ApiError } | { state: "done"; data: T };

/** Fetches `path` (again whenever it or `query` changes, or on reload()); stale answers are dropped. */
export function useApi<T>(
  path: string,
  query?: Record<string, string | number | undefined>,
): Loaded<T> & { reload: () => void } {
  const [result, setResult] = useState<Loaded<T>>({ state: "loading" });
  const [tick, setTick] = useState(0);
  const key = JSON.stringify(query ?? {});
  useEffect(() => {
    let current = true;
    setResult({ state: "loading" });
    api.get<T>(path, JSON.parse(key) as Record<string, string>).then(
      (data) => current && setResult({ state: "done", data }),
      (e: unknown) => current && setResult({ state: "error", error: toApiError(e) }),
    );
    return () => {
      current = false;
    };
  }, [path, key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...result, reload };
}

export function toApiError(e: unknown): ApiError {
  return e instanceof ApiError ? e : new ApiError(0, "client", e instanceof Error ? e.message : String(e));
}
