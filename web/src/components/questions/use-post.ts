// Answers a question asked with POST (reach, explain, the risk check): asked again whenever the body changes.

import { useEffect, useState } from "react";
import { api } from "../../api/client.js";
import { toApiError, type Loaded } from "../../api/use-api.js";

export type Asked<T> = { state: "idle" } | Loaded<T>;

/**
 * POSTs `body` to `path` when it changes (after `delayMs`, so typing does not send a request per key); nothing
 * while `body` is undefined. Answers to earlier bodies are dropped.
 */
export function usePost<T>(path: string, body: unknown, delayMs = 0): Asked<T> {
  const [result, setResult] = useState<Asked<T>>({ state: "idle" });
  const key = body === undefined ? undefined : JSON.stringify(body);
  useEffect(() => {
    if (key === undefined) {
      setResult({ state: "idle" });
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      setResult({ state: "loading" });
      api.post<T>(path, JSON.parse(key) as unknown).then(
        (data) => current && setResult({ state: "done", data }),
        (e: unknown) => current && setResult({ state: "error", error: toApiError(e) }),
      );
    }, delayMs);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [path, key, delayMs]);
  return result;
}
